"""What the checks of one entry point share: the code in scope, problems found, small helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry import Entry
from archtools.analysis.flow import Flow
from archtools.analysis.knowledge import GuardKnowledge
from archtools.analysis.roles import DbOp
from archtools.analysis.summaries import Summary
from archtools.facts.code import Expr, ExprKind, FileFacts
from archtools.results import Check, CheckStatus, EntryKind, Evidence, Query


@dataclass(frozen=True)
class Problem:
    """Something a code rule reports for an entry point: rule id, place, message, stable key."""

    rule: str
    file: str
    line: int
    message: str
    key: str
    model: str | None = None


@dataclass
class EntryAnalysis:
    entry: Entry
    checks: dict[str, Check]
    public: bool
    models: list[str]
    problems: list[Problem] = field(default_factory=list)
    # why the secret fields of the rows it reads stay out of its response, query by query
    exposure_proofs: list[Evidence] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    # False for a page candidate whose params reach no data: it renders, it is no entry point.
    reads_data: bool = True
    # why its callers are not the public (a server secret, a signature, an operator's role)
    trusted_callers: Evidence | None = None


@dataclass
class EntryScope:
    """The code that runs for the entry: its handler (and nested callbacks), limited to a method branch."""

    facts: FileFacts
    funcs: set[int | None]
    lines: tuple[int, int] | None
    flow: Flow
    summary: Summary

    other_branches: list[tuple[int, int]] = field(default_factory=list)

    def has(self, func: int | None, line: int) -> bool:
        """Runs for this entry: inside the handler, and not inside another method's branch."""
        if func not in self.funcs:
            return False
        if self.lines is None or self.lines[0] <= line <= self.lines[1]:
            return True
        return not any(start <= line <= end for start, end in self.other_branches)


def make_check(status: CheckStatus, *evidence: Evidence) -> Check:
    return Check(status=status, evidence=list(evidence))


def flag(fails: list[Evidence], problems: list[Problem], problem: Problem, detail: str) -> None:
    """A failed check at the place of the problem it reports: its evidence and the problem, both."""
    fails.append(Evidence(file=problem.file, line=problem.line, detail=detail))
    problems.append(problem)


OpFlow = tuple[DbOp, Flow]


class CheckerBase:
    """State every family of checks reads."""

    def __init__(self, ctx: AnalysisContext) -> None:
        self.ctx = ctx
        self.k: GuardKnowledge = ctx.knowledge
        # the helpers that run for the entry point under analysis, with the flow each runs with
        self.helper_flows: dict[tuple[str, int | None], Flow] = {}
        # the procedures whose analysis a route that calls them is waiting for, by id, and the
        # authorization found for those a route called
        self._delegating: set[str] = set()
        self._procedure_checks: dict[str, dict[str, Check]] = {}


TRANSPORT = "public by design: the tRPC transport"
RESPONSE_BUILDERS = ("Response.", "NextResponse.", "new Response", "new NextResponse")
TRPC_ADAPTERS = (
    "fetchRequestHandler",
    "createNextApiHandler",
    "nextAdapter",
    # trpc-to-openapi / trpc-openapi: the procedures served as REST routes
    "createOpenApiNextHandler",
    "createOpenApiFetchHandler",
    "createOpenApiHttpHandler",
)


CHECK_NAMES_ORDER = (
    "authentication",
    "authorization",
    "input_validation",
    "rate_limiting",
    "audit_logging",
)


def client_part(expr: Expr, flow: Flow) -> Expr | None:
    """The innermost part of a where clause that the client chose to pick rows by (`params.id` in
    `{ id: params.id }`). A bound of a range or a text search (`{ createdAt: { gte: from } }`,
    `gte(t.createdAt, from)`) narrows the rows the query may return but names none: it selects no
    row the caller could not see without it; nor does an exclusion (`{ notIn: ids }`), which
    only leaves rows out."""
    return _client_key(expr, flow)[0]


def conjunct_keys(expr: Expr, flow: Flow) -> list[Expr]:
    """Every client-chosen value a row must match to pass the filter `expr`: its top-level keys
    and the parts of a compound key (`{ noteId_tagId: { noteId, tagId } }` holds two), not the
    branches of an `OR` or a `NOT`, nor a relation filter's `some`/`every`/`none`. A row
    selected by them matches each one, so a check on any of them binds it."""
    found: list[Expr] = []
    for pair in expr.pairs:
        if pair.key in _NOT_CONJUNCTS or pair.key in _NARROWING_KEYS:
            continue
        value = pair.value
        if value.pairs:
            found.extend(conjunct_keys(value, flow))
        elif not value.items and flow.is_client_value(value):
            found.append(value)
    return found


_NOT_CONJUNCTS = frozenset({"OR", "NOT", "...", "some", "every", "none", "AND"})


_NARROWING_KEYS = frozenset(
    {
        "gt",
        "gte",
        "lt",
        "lte",
        "not",
        "notIn",
        "contains",
        "startsWith",
        "endsWith",
        "search",
        "mode",
    }
)
_NARROWING_CALL = re.compile(
    r"^(?:gt|gte|lt|lte|ne|between|notBetween|like|ilike|notLike|notIlike|notInArray)\("
)
# `ids.length ? { notIn: ids } : undefined`: an exclusion applied only when there is one
_OPTIONAL_EXCLUSION = re.compile(
    r"^[^?{}]+\?\s*\{\s*(?:not|notIn)\s*:[^{}]*\}\s*:\s*(?:undefined|\{\s*\})\s*$"
)


def _client_key(expr: Expr, flow: Flow) -> tuple[Expr | None, bool]:
    """The client-chosen key inside a filter, and whether client values were met only as range
    or search bounds (then there is no key)."""
    if not (flow.is_client_value(expr) or flow.is_input(expr)):
        return None, False
    if expr.kind == ExprKind.CALL and _NARROWING_CALL.match(expr.text):
        return None, True
    if expr.kind == ExprKind.OTHER and _OPTIONAL_EXCLUSION.match(expr.text):
        return None, True
    narrowed = False
    for part in [p.value for p in expr.pairs if p.key not in _NARROWING_KEYS] + list(expr.items):
        inner, inner_narrowed = _client_key(part, flow)
        if inner is not None:
            return inner, False
        narrowed = narrowed or inner_narrowed
    if narrowed or any(p.key in _NARROWING_KEYS for p in expr.pairs):
        return None, True
    return expr, False


def describe(entry: Entry) -> str:
    if entry.kind == EntryKind.SERVER_ACTION:
        return f"Server Action {entry.name}"
    if entry.kind == EntryKind.TRPC_PROCEDURE:
        return f"tRPC {entry.method} {entry.route}"
    return f"{entry.method} {entry.route or entry.file}"


def is_admin(entry: Entry) -> bool:
    route = (entry.route or "").lower()
    return "admin" in route.replace(".", "/").split("/") or entry.name.lower().startswith("admin")
