"""Schema lint rules about single fields and names: SCH002, SCH006, SCH007, SCH010, SCH012."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archtools.facts.schema import FieldKind, Model, Schema
from archtools.knowledge.vocabulary import in_vocabulary, named_word, singular, words
from archtools.rules.base import Hit
from archtools.rules.schema_lint_common import (
    foreign_key_columns,
    is_drizzle,
    is_string,
    make_hit,
    squash,
    tables,
)

# --- SCH002 money-as-float ---------------------------------------------------------------------

_FLOAT_TYPES = frozenset({"float", "double", "real", "doubleprecision", "float4", "float8"})
MONEY_WORDS = frozenset(
    {
        "price", "amount", "total", "subtotal", "balance", "cost", "fee", "salary", "wage",
        "revenue", "tax", "vat", "discount", "refund", "payment", "payout", "charge", "credit",
        "debit", "budget", "income", "expense", "spend", "spent", "earning", "commission", "tip",
        "fare", "money", "cash", "deposit", "withdrawal", "premium", "rent", "bonus", "penalty",
        "invoice", "mrr", "arr", "gmv", "usd", "eur", "gbp", "cent",
    }
)  # fmt: skip
# Words that make a float name a ratio or a measure rather than money.
_NOT_MONEY = frozenset(
    {
        "percent", "percentage", "pct", "ratio", "rate", "count", "weight", "score", "factor",
        "level", "capacity",
    }
)  # fmt: skip


def money_as_float(schema: Schema) -> Iterator[Hit]:
    """SCH002: amounts of money stored as binary floating point."""
    for model in sorted(schema.models, key=lambda m: m.name):
        for field in model.fields:
            if field.kind is not FieldKind.SCALAR or squash(field.type) not in _FLOAT_TYPES:
                continue
            parts = {singular(w) for w in words(field.name)}
            if not parts & MONEY_WORDS or parts & _NOT_MONEY:
                continue
            yield make_hit(
                "SCH002",
                "money-as-float",
                model,
                f"{model.name}.{field.name}",
                f"{model.name}.{field.name} is a {field.type}: binary floating point cannot hold "
                "0.10 exactly, so sums and comparisons drift by fractions of a cent; use Decimal "
                "(e.g. @db.Decimal(12, 2)) or an Int of minor units (cents)",
                field,
            )


# --- SCH006 sensitive-field-unprotected --------------------------------------------------------

# Final words that make the field describe a secret rather than hold one (tokenType, apiKeyId).
_DESCRIPTORS = frozenset(
    {
        "type", "kind", "id", "expire", "expires", "expiry", "expiration", "scope", "url", "uri",
        "version", "count", "length", "name", "label", "hint", "prefix", "at", "status",
    }
)  # fmt: skip
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passcode", "passphrase"})
_WHAT = {
    "apikey": "an API key", "privatekey": "a private key", "accesskey": "an access key",
    "ssn": "a social security number", "socialsecurity": "a social security number",
    "cvv": "a card security code", "cvc": "a card security code", "cardnumber": "a card number",
    "otp": "a one-time code", "pin": "a PIN", "mnemonic": "a wallet mnemonic",
}  # fmt: skip
_PII_WORDS = frozenset({"ssn", "cvv", "cvc"})


def _advice(word: str) -> str:
    if word in _PASSWORD_WORDS:
        return "store only a slow salted hash (argon2id or bcrypt), in a field like passwordHash"
    if word in _PII_WORDS or word in ("cardnumber", "socialsecurity"):
        return "encrypt it at rest (or keep only a token from the payment provider)"
    return "store a SHA-256 digest (or an encrypted value) and compare digests"


# Columns the Auth.js/NextAuth database adapters define and manage themselves: session tokens are
# random identifiers checked by equality, verification tokens are stored hashed by the library.
AUTH_ADAPTER_FIELDS = frozenset({("Session", "sessionToken"), ("VerificationToken", "token")})


def sensitive_field_unprotected(schema: Schema) -> Iterator[Hit]:
    """SCH006: a String field named like a password, token or secret with no hash hint."""
    for model in sorted(schema.models, key=lambda m: m.name):
        for field in model.fields:
            if not is_string(field) or (model.name, field.name) in AUTH_ADAPTER_FIELDS:
                continue
            parts = words(field.name)
            word = named_word(field.name, "secret")
            if word is None or not parts or singular(parts[-1]) in _DESCRIPTORS:
                continue
            hints = set(parts) | set(words(field.doc or ""))
            if any(in_vocabulary(hint, "protected") for hint in hints):
                continue
            yield make_hit(
                "SCH006",
                "sensitive-field-unprotected",
                model,
                f"{model.name}.{field.name}",
                f"{model.name}.{field.name} stores {_WHAT.get(word, 'a ' + word)} as plain text: a "
                f"leaked backup, log or read replica hands it to the attacker; {_advice(word)}",
                field,
            )


# --- SCH007 missing-timestamps -----------------------------------------------------------------

CREATED_NAMES = frozenset(
    {"createdat", "createdon", "insertedat", "creationdate", "datecreated", "createddate"}
)
UPDATED_NAMES = frozenset(
    {"updatedat", "updatedon", "modifiedat", "lastmodified", "lastmodifiedat", "dateupdated"}
)
# Rows of these are written once: an updatedAt would never change.
_APPEND_ONLY = frozenset({"log", "event", "history", "audit", "activity", "snapshot", "version"})


def _is_join_table(model: Model) -> bool:
    keys = foreign_key_columns(model) | set(model.primary_key or [])
    scalars = [f for f in model.fields if f.kind is not FieldKind.RELATION]
    return bool(foreign_key_columns(model)) and all(f.name in keys or f.id for f in scalars)


def _has_updated_at(model: Model, drizzle: bool) -> bool:
    if any(f.updated_at for f in model.fields):
        return True
    # Drizzle sets it in code ($onUpdate) as often as in the schema: the name is enough there.
    return drizzle and any(squash(f.name) in UPDATED_NAMES for f in model.fields)


def missing_timestamps(schema: Schema) -> Iterator[Hit]:
    """SCH007: tables without createdAt, or without an updatedAt the ORM maintains."""
    for model in tables(schema):
        if _is_join_table(model):
            continue
        missing = []
        if not any(squash(f.name) in CREATED_NAMES for f in model.fields):
            missing.append("createdAt")
        append_only = singular(words(model.name)[-1] if words(model.name) else "") in _APPEND_ONLY
        if not append_only and not _has_updated_at(model, is_drizzle(schema)):
            plain = next((f for f in model.fields if squash(f.name) in UPDATED_NAMES), None)
            missing.append(
                f"@updatedAt on {plain.name}" if plain is not None else "updatedAt (@updatedAt)"
            )
        if not missing:
            continue
        yield make_hit(
            "SCH007",
            "missing-timestamps",
            model,
            model.name,
            f"{model.name} has no {' and no '.join(missing)}: support, audits and incremental "
            "syncs cannot tell when a row appeared or last changed; add "
            "`createdAt DateTime @default(now())` and `updatedAt DateTime @updatedAt`",
        )


# --- SCH010 enum-like-string -------------------------------------------------------------------

ENUM_LIKE_WORDS = frozenset(
    {
        "status", "role", "type", "kind", "state", "level", "plan", "tier", "priority",
        "visibility", "stage", "phase", "mode", "severity", "frequency", "gender",
    }
)  # fmt: skip
# Names ending in an enum-like word that still hold open-ended values (contentType, session_state).
_OPEN_ENDED = frozenset(
    {("mime", "type"), ("content", "type"), ("media", "type"), ("file", "type"),
     ("session", "state"), ("oauth", "state"), ("token", "type")}
)  # fmt: skip


def enum_like_string(schema: Schema) -> Iterator[Hit]:
    """SCH010: a String field whose name says it holds one of a fixed set of values."""
    if schema.provider == "sqlserver":  # no enums there
        return
    for model in sorted((m for m in schema.models if m.kind != "view"), key=lambda m: m.name):
        for field in model.fields:
            parts = words(field.name)
            if not is_string(field) or not parts:
                continue
            last = singular(parts[-1])
            before = parts[-2] if len(parts) > 1 else ""
            if last not in ENUM_LIKE_WORDS or (before, last) in _OPEN_ENDED:
                continue
            yield make_hit(
                "SCH010",
                "enum-like-string",
                model,
                f"{model.name}.{field.name}",
                f"{model.name}.{field.name} is a free String but its name says it holds one of a "
                "few values: the database accepts typos and unknown states; declare an enum",
                field,
            )


# --- SCH012 model-name-not-pascal-case ---------------------------------------------------------

_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*\Z")


def model_name_not_pascal_case(schema: Schema) -> Iterator[Hit]:
    """SCH012: Prisma model names outside PascalCase (usually an unmapped `db pull`)."""
    if is_drizzle(schema):
        return
    for model in sorted(schema.models, key=lambda m: m.name):
        if _PASCAL.match(model.name):
            continue
        yield make_hit(
            "SCH012",
            "model-name-not-pascal-case",
            model,
            model.name,
            f"model {model.name} is not PascalCase: the generated client reads "
            f"prisma.{model.name}, unlike every other model; rename it and keep the table name "
            f'with @@map("{model.db_name or model.name}")',
        )
