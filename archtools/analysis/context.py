"""The shared state of one analysis: program, classifier, summaries, owned models, middleware per app."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from archtools.analysis.entry import AppLayout, Entry
from archtools.analysis.importers import Importers
from archtools.analysis.knowledge import GuardKnowledge
from archtools.analysis.middleware import MiddlewareInfo
from archtools.analysis.program import Program
from archtools.analysis.read_policy import THROUGH_RELATION, public_to_read
from archtools.analysis.roles import CallClassifier
from archtools.analysis.sinks import SinkFinder
from archtools.analysis.summaries import Summaries
from archtools.facts.outline import Holds, holding, whole_pass
from archtools.facts.outline import renders_cached as renders_cached
from archtools.facts.schema import FieldKind, Schema
from archtools.knowledge.vocabulary import named_word, vocabularies


def is_sensitive_name(name: str) -> bool:
    """A field named for a secret or a credential (knowledge/fields.yaml `secret`, `credential`)."""
    return named_word(name, "secret") is not None or named_word(name, "credential") is not None


def is_credential_name(name: str) -> bool:
    """A field no one may read back, its owner included: password hashes, salts, one-time and
    second-factor secrets, recovery codes, private keys (`credential`). Bearer tokens and shared
    secrets (a share link's token, a webhook's signing secret) are shown to the row's owner by
    design, and are a leak only where anyone may read the row."""
    return named_word(name, "credential") is not None


def is_personal_name(name: str) -> bool:
    """A field or table named for people's personal data (`personal`: email, phone, address...)."""
    return named_word(name, "personal") is not None


def is_billing_name(name: str) -> bool:
    """A field named for a user's billing records (`billing`: a Stripe customer, a subscription)."""
    return named_word(name, "billing") is not None


SHARED_WITH_MEMBERS = "shared with its members through"
MEMBERSHIP_NAME = re.compile(r"(member|collaborator|participant|seat)", re.I)


@dataclass
class AnalysisContext:
    program: Program
    knowledge: GuardKnowledge
    schema: Schema
    classifier: CallClassifier
    summaries: Summaries
    apps: list[AppLayout]
    middleware: dict[str, MiddlewareInfo] = field(default_factory=dict)  # app path -> info
    public_routes: list[str] = field(default_factory=list)  # declared public in archtools.toml
    owned: dict[str, str] = field(default_factory=dict)  # model -> why it is owned
    # owned models the app reads only unscoped: public to read (model -> why)
    public_to_read: dict[str, str] = field(default_factory=dict)
    # tRPC procedures by each tail of their dotted path (`notes.get`, `get`)
    procedures: dict[str, list[Entry]] = field(default_factory=dict)
    # Server Actions by the file and the name they are exported under
    actions: dict[tuple[str, str], Entry] = field(default_factory=dict)

    def owned_relation(self, model: str) -> Callable[[str], bool]:
        """Whether a relation field of `model` leads to rows a user owns that the app does not
        treat as public to read."""
        found = self.schema.model(model)
        owned = {
            f.name
            for f in (found.fields if found is not None else [])
            if f.relation is not None and f.type in self.owned and f.type not in self.public_to_read
        }
        return owned.__contains__

    def __post_init__(self) -> None:
        if not self.owned:
            self.owned = owned_models(self.schema, self.knowledge)
        self.public_to_read = public_to_read(
            self.program,
            self.classifier,
            self.schema,
            self.owned,
            self.knowledge,
            {m for m, why in self.owned.items() if why.startswith(SHARED_WITH_MEMBERS)},
            lambda model: holds_personal_data(self.schema, model),
        )
        self.importers = Importers(self.program)
        self.sinks = SinkFinder(
            self.program,
            self.classifier,
            self.summaries.target,
            tuple(self.knowledge.sinks.packages + self.knowledge.sinks.file_system),
            tuple(self.knowledge.public_routes.signature_calls),
            tuple(self.knowledge.sinks.inert_callees),
            tuple(self.knowledge.sinks.inert_methods),
            tuple(self.knowledge.sinks.iteration_methods),
            tuple(self.knowledge.sinks.service_credentials),
        )
        self.has_roles = app_has_roles(self.program, self.schema, self.knowledge)
        self.caches = app_caches(self.program)


def app_caches(program: Program) -> bool:
    """Whether the app keeps rendered data in Next.js caches that a write would leave stale: a
    `'use cache'` module, a cached function (`unstable_cache`, `cacheTag`), a page that revalidates
    on a timer or is forced static, or a fetch cached by Next.js. An app whose pages render per
    request has no cache to refresh after a Server Action (a revalidatePath call elsewhere shows
    intent, not a cache)."""
    return bool(holding(program.files, Holds.NEXT_CACHES))


def app_has_roles(program: Program, schema: Schema, knowledge: GuardKnowledge) -> bool:
    """Whether the app tells its users apart by role: a role column in the schema, or a condition
    on one in the code. Without roles, every signed-in operator may use the admin area."""
    fields = set(knowledge.ownership.role_fields)
    if any(f.name in fields for m in schema.models for f in m.fields):
        return True
    with whole_pass(program.files):
        return any(
            set(path.split(".")[1:]) & fields
            for file in holding(program.files, Holds.GUARDS)
            for guard in program.files[file].guards
            for path in guard.condition.paths
        )


def owned_models(schema: Schema, knowledge: GuardKnowledge) -> dict[str, str]:
    """Models whose rows belong to a user (or a user's team): a relation path to the user model, or an
    owner column. The user model itself is owned: a user may only read or change their own row."""
    names = {m.name for m in schema.models if m.kind == "model"}
    lowered = {n.lower(): n for n in names}
    user_models = {
        lowered[u.lower()] for u in knowledge.ownership.user_models if u.lower() in lowered
    }
    user_models |= {n for n in names if n.lower() in ("users", "user")}
    owned: dict[str, str] = {u: "the user model" for u in user_models}
    owner_fields = set(knowledge.ownership.owner_fields)
    for model in schema.models:
        if model.kind != "model" or model.name in owned:
            continue
        column = next((f.name for f in model.fields if f.name in owner_fields), None)
        if column is not None:
            owned[model.name] = f"has the owner column {column}"
    # Membership tables (a foreign key to a user and one to something else) make that something owned:
    # a team's rows belong to its members.
    role_fields = set(knowledge.ownership.role_fields)
    membership_names = {m.lower() for m in knowledge.ownership.membership_models}
    for model in schema.models:
        fks = [
            f
            for f in model.fields
            if f.kind == FieldKind.RELATION and f.relation is not None and f.relation.fields
        ]
        if not any(f.type in user_models for f in fks):
            continue
        looks_like_membership = (
            model.name.lower() in membership_names
            or bool(MEMBERSHIP_NAME.search(model.name))
            or any(f.name in role_fields for f in model.fields)
        )
        if not looks_like_membership:
            continue
        for f in fks:
            if f.type not in owned and f.type in names:
                owned[f.type] = f"{SHARED_WITH_MEMBERS} {model.name}"
    changed = True
    rounds = 0
    while changed and rounds < 6:
        changed = False
        rounds += 1
        for model in schema.models:
            if model.kind != "model" or model.name in owned:
                continue
            for f in model.fields:
                if (
                    f.kind == FieldKind.RELATION
                    and f.relation is not None
                    and f.relation.fields
                    and f.type in owned
                ):
                    owned[model.name] = (
                        f"{THROUGH_RELATION} {f.type} through {', '.join(f.relation.fields)}"
                    )
                    changed = True
                    break
    return owned


def sensitive_fields(schema: Schema, model: str) -> list[str]:
    """The model's scalar fields named for a secret or a credential (worked out once per schema
    and model: the checks ask for every operation of every entry point)."""
    words = vocabularies("secret", "credential")
    known = _SENSITIVE.get(id(schema))
    if known is None or known[0] is not schema or known[1] != words:
        known = (schema, words, {})
        _SENSITIVE.clear()  # one schema at a time: an audit's
        _SENSITIVE[id(schema)] = known
    fields = known[2].get(model)
    if fields is None:
        fields = known[2][model] = _sensitive_fields(schema, model)
    return list(fields)


_SENSITIVE: dict[int, tuple[Schema, tuple[frozenset[str], ...], dict[str, tuple[str, ...]]]] = {}


def _sensitive_fields(schema: Schema, model: str) -> tuple[str, ...]:
    found = schema.model(model)
    if found is None:
        return ()
    return tuple(
        f.name
        for f in found.fields
        if f.kind == FieldKind.SCALAR
        and is_sensitive_name(f.name)
        and not _NOT_A_SECRET_TYPE.search(f.type)  # `passwordProtected Boolean`, `otpExpiresAt`
    )


def holds_personal_data(schema: Schema, model: str) -> bool:
    """Whether a model keeps personal data or secrets in a column of its own."""
    found = schema.model(model)
    if found is None:
        return False
    return (
        bool(sensitive_fields(schema, model))
        or is_personal_name(model)  # an Email or Phone table: messages, numbers
        or any(f.kind == FieldKind.SCALAR and is_personal_name(f.name) for f in found.fields)
    )


_NOT_A_SECRET_TYPE = re.compile(r"bool|int|date|time|float|double|decimal|numeric|real", re.I)
