"""Positive evidence for the checklist items no matrix column decides.

"No finding" alone proves nothing: a rule that could not see the code finds nothing either. An item
of this kind passes only when the audit holds a fact that speaks for it: the tsconfig that turns
strict mode on for the feature's files, the schema declarations of its models, the migrations that
were read statement by statement, the framework that hides an uncaught error's message. Without
such a fact the item is `unknown`, with the reason as its evidence.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from archtools.analysis.context import sensitive_fields
from archtools.facts.schema import FieldKind, Schema
from archtools.results import EntryKind, EntryPoint, Evidence, ItemStatus

MAX_PROOFS = 6

# Entry kinds whose uncaught errors Next.js answers without their message in production builds:
# a route handler or a Pages API route answers 500 with a generic body, a Server Action's error
# reaches the client with its message replaced, a page renders the error boundary.
_FRAMEWORK_HIDES_ERRORS = {
    EntryKind.ROUTE_HANDLER: "Next.js answers an uncaught error in a route handler with a bare 500",
    EntryKind.PAGES_API: "Next.js answers an uncaught error in an API route with a generic 500",
    EntryKind.SERVER_ACTION: (
        "Next.js replaces a Server Action's error message with a generic one in production"
    ),
    EntryKind.PAGE: "Next.js renders the error boundary without the error's message in production",
    EntryKind.PAGES_SSR: "Next.js renders its generic 500 page for an error in getServerSideProps",
}


@dataclass(frozen=True)
class StrictSetting:
    """A tsconfig.json (or jsconfig.json) and its `strict` option."""

    path: str
    strict: bool | None
    line: int


@dataclass(frozen=True)
class ProjectFacts:
    """What the audit read that can prove an item: tsconfigs, the schema, the migration files."""

    tsconfigs: Sequence[StrictSetting] = ()
    schema: Schema | None = None
    migrations: Sequence[str] = ()  # the migration files the rules judged, in applying order
    migrations_applied: int = 0  # those before them, taken as applied history


@dataclass(frozen=True)
class Proof:
    status: ItemStatus
    evidence: list[Evidence]


def prove(
    item: str, entries: Sequence[EntryPoint], models: Sequence[str], facts: ProjectFacts
) -> Proof | None:
    """The status and evidence of `item` for a feature with no finding against it; None for an
    item this module does not judge."""
    judge = _JUDGES.get(item)
    return judge(entries, models, facts) if judge is not None else None


def _anchor(entries: Sequence[EntryPoint]) -> tuple[str, int]:
    return (entries[0].file, entries[0].line) if entries else ("", 0)


def _unknown(entries: Sequence[EntryPoint], why: str) -> Proof:
    file, line = _anchor(entries)
    return Proof(ItemStatus.UNKNOWN, [Evidence(file=file, line=line, detail=why)])


def _explicit_types(
    entries: Sequence[EntryPoint], models: Sequence[str], facts: ProjectFacts
) -> Proof:
    relevant = [
        setting
        for setting in facts.tsconfigs
        if any(_inside(entry.file, posixpath.dirname(setting.path)) for entry in entries)
    ]
    covering = [setting for setting in relevant if setting.strict]
    if not covering:
        if relevant:
            off = relevant[0]
            detail = "strict mode is off for these files (TYP002): types are not enforced"
            return Proof(ItemStatus.WARN, [Evidence(file=off.path, line=off.line, detail=detail)])
        return _unknown(entries, "no tsconfig.json with `strict: true` was found for these files")
    return Proof(
        ItemStatus.PASS,
        [
            Evidence(
                file=setting.path,
                line=setting.line,
                detail="`strict: true` covers these files: implicit any and unchecked nulls fail the build",
            )
            for setting in covering[:MAX_PROOFS]
        ],
    )


def _inside(file: str, folder: str) -> bool:
    return not folder or file.startswith(folder + "/")


def _database_constraints(
    entries: Sequence[EntryPoint], models: Sequence[str], facts: ProjectFacts
) -> Proof:
    declared = [m for name in models if facts.schema and (m := facts.schema.model(name))]
    if not declared:
        return _unknown(entries, "none of the feature's models was found in the schema")
    evidence = []
    for model in declared[:MAX_PROOFS]:
        keys = "primary key " + ", ".join(model.primary_key) if model.primary_key else "no key"
        foreign = sum(
            1
            for f in model.fields
            if f.kind == FieldKind.RELATION and f.relation and f.relation.fields
        )
        unique = len(model.unique) + sum(1 for f in model.fields if f.unique)
        evidence.append(
            Evidence(
                file=model.file,
                line=model.line,
                detail=(
                    f"`{model.name}` checked by the schema rules: {keys}, "
                    f"{foreign} foreign key(s), {unique} unique constraint(s)"
                ),
            )
        )
    return Proof(ItemStatus.PASS, evidence)


def _safe_migrations(
    entries: Sequence[EntryPoint], models: Sequence[str], facts: ProjectFacts
) -> Proof:
    if not facts.migrations:
        if facts.migrations_applied:
            return Proof(ItemStatus.NA, [])  # no schema change since the applied history
        return _unknown(entries, "no migration file was found to check")
    newest = facts.migrations[-1]
    applied = (
        f"; {facts.migrations_applied} earlier one(s) taken as applied history"
        if facts.migrations_applied
        else ""
    )
    return Proof(
        ItemStatus.PASS,
        [
            Evidence(
                file=newest,
                line=1,
                detail=(
                    f"{len(facts.migrations)} migration file(s) judged statement by statement "
                    f"(destructive changes, locks, backfills) and none found unsafe{applied}"
                ),
            )
        ],
    )


def _no_sensitive_exposure(
    entries: Sequence[EntryPoint], models: Sequence[str], facts: ProjectFacts
) -> Proof:
    """Pass when every query on a model with secret fields was seen to keep them out of the
    response (EntryPoint.exposure_proofs), or the feature's models hold none."""
    if not models:
        return Proof(ItemStatus.NA, [])
    schema = facts.schema
    if schema is None or not schema.models:
        return _unknown(entries, "no schema was read: which fields are sensitive is not known")
    proofs: list[Evidence] = []
    for entry in entries:
        for name in entry.models:
            fields = sensitive_fields(schema, name)
            if not fields:
                continue
            found = [p for p in entry.exposure_proofs if p.detail.startswith(f"`{name}`")]
            if not found:
                names = ", ".join(f"`{name}.{f}`" for f in fields[:4])
                return Proof(
                    ItemStatus.UNKNOWN,
                    [
                        Evidence(
                            file=entry.file,
                            line=entry.line,
                            detail=(
                                f"{entry.name} reads {name} rows holding {names}, by queries "
                                "whose results could not be followed to the response"
                            ),
                        )
                    ],
                )
            proofs.extend(p for p in found if p not in proofs)
    if proofs:
        return Proof(ItemStatus.PASS, proofs[:MAX_PROOFS])
    declared = [m for name in models if (m := schema.model(name))]
    if not declared:
        return _unknown(entries, "none of the feature's models was found in the schema")
    return Proof(
        ItemStatus.PASS,
        [
            Evidence(
                file=model.file,
                line=model.line,
                detail=f"`{model.name}` holds no secret or credential field",
            )
            for model in declared[:MAX_PROOFS]
        ],
    )


def _safe_errors(
    entries: Sequence[EntryPoint], models: Sequence[str], facts: ProjectFacts
) -> Proof:
    unhidden = [e for e in entries if e.kind not in _FRAMEWORK_HIDES_ERRORS]
    if unhidden:
        entry = unhidden[0]
        return Proof(
            ItemStatus.UNKNOWN,
            [
                Evidence(
                    file=entry.file,
                    line=entry.line,
                    detail=(
                        f"a {entry.kind.value.replace('_', ' ')}'s uncaught error is answered by "
                        "its router's error formatter, which may send the message"
                    ),
                )
            ],
        )
    seen: dict[EntryKind, EntryPoint] = {}
    for entry in entries:
        seen.setdefault(entry.kind, entry)
    return Proof(
        ItemStatus.PASS,
        [
            Evidence(
                file=entry.file,
                line=entry.line,
                detail=f"{_FRAMEWORK_HIDES_ERRORS[kind]}; no handler sends an error's details (EXP002)",
            )
            for kind, entry in seen.items()
        ],
    )


def _edge_cases(entries: Sequence[EntryPoint], models: Sequence[str], facts: ProjectFacts) -> Proof:
    if not models:
        return Proof(ItemStatus.NA, [])  # no rows to miss, race on or cache
    return _unknown(
        entries,
        "missing rows are not checked; only stale caches (NXT001), updates that skip a version "
        "column (DATA002), dependent writes outside a transaction (DATA003), check-then-act "
        "races (DATA004), N+1 reads (PRF001), unbounded lists (PRF002) and unindexed filters "
        "(PRF003) are, and none was found",
    )


_JUDGES: dict[str, Callable[[Sequence[EntryPoint], Sequence[str], ProjectFacts], Proof]] = {
    "explicit-types": _explicit_types,
    "database-constraints": _database_constraints,
    "safe-migrations": _safe_migrations,
    "no-sensitive-exposure": _no_sensitive_exposure,
    "safe-errors": _safe_errors,
    "edge-cases": _edge_cases,
}
