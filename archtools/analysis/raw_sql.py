"""INJ001: SQL text built from a value the client chooses and run raw (`$queryRawUnsafe`,
`$executeRawUnsafe`, `Prisma.raw`, `sql.raw`), in the code an entry point runs. SQL built only
from the code's own values (constants, column names picked from a fixed list, ids a job read
itself) binds nothing the client sends, and is no injection (sql_values.py says which values)."""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import Problem
from archtools.analysis.flow import Flow
from archtools.analysis.knowledge import RawSql
from archtools.analysis.sql_values import SqlValues
from archtools.facts.code import Call, Expr, ExprKind, FileFacts

# a file, what of it runs for the entry (function, line), and the flow it runs with
Place = tuple[str, Callable[[int | None, int], bool], Flow]


def raw_sql_problems(ctx: AnalysisContext, places: list[Place]) -> list[Problem]:
    """One problem per raw SQL call whose text carries a client value, where the entry runs it."""
    known = ctx.knowledge.database.raw_sql  # knowledge/guards.yaml `database.raw_sql`
    sites = _CallSites(ctx, places)
    try:
        return _problems(ctx, places, sites, known)
    finally:
        sites.release()


def _problems(
    ctx: AnalysisContext, places: list[Place], sites: _CallSites, known: RawSql
) -> list[Problem]:
    problems: list[Problem] = []
    for (file, runs, _flow), values in zip(places, sites.values, strict=True):
        facts = ctx.program.files[file]
        for call in facts.calls:
            if not call.args or not runs(call.func, call.line):
                continue
            unsafe = call.callee.rsplit(".", 1)[-1] in known.unsafe
            helper = any(
                call.callee == h or call.callee.endswith("." + h) for h in known.raw_helpers
            )
            if not (unsafe or helper):
                continue
            text = _sql_text(facts, call)
            if text is None:
                continue
            client = _client_part(text, values.flow) or _passed_part(values, text, call)
            if client is None or values.all_safe(text, call.func):
                continue
            client = values.unsafe_root(text, call.func) or client
            problems.append(
                Problem(
                    "INJ001",
                    file,
                    call.line,
                    f"{call.callee}() runs SQL built from `{client}`, which the client chooses; "
                    "bind it as a parameter (the tagged $queryRaw`...` or sql`...` form)",
                    f"raw-sql:{call.callee}:{call.args[0].text[:40]}",
                )
            )
    return problems


class _CallSites:
    """The calls the entry's code makes of each helper, with the values of the calling code: a
    helper's parameter holds what those calls pass it."""

    def __init__(self, ctx: AnalysisContext, places: list[Place]) -> None:
        self.ctx = ctx
        self.places = places
        self.values = [
            SqlValues(ctx.program, ctx.schema, ctx.program.files[file], flow, self)
            for file, _runs, flow in places
        ]
        self._by_target: dict[tuple[str, int], list[tuple[SqlValues, Call]]] | None = None

    def __call__(self, file: str, func: int) -> list[tuple[SqlValues, Call]]:
        if self._by_target is None:
            self._by_target = {}
            for (caller, runs, _flow), values in zip(self.places, self.values, strict=True):
                for call in self.ctx.program.files[caller].calls:
                    if not runs(call.func, call.line):
                        continue
                    target = self.ctx.summaries.target(caller, call)
                    if target is not None and target[1] is not None:
                        self._by_target.setdefault((target[0], target[1]), []).append(
                            (values, call)
                        )
        return self._by_target.get((file, func), [])

    def release(self) -> None:
        """Drop the values, which refer back to these sites: the cycle would otherwise keep every
        entry's flows and decoded facts alive until a collection of cycles, which an audit
        defers to its end (pipeline._no_cyclic_gc)."""
        self.values = []
        self._by_target = None


def _sql_text(facts: FileFacts, call: Call) -> Expr | None:
    """The SQL the call runs when it is built from values: a template with interpolations, a
    concatenation, a value computed elsewhere; through the variable that holds it."""
    sql = call.args[0]
    if sql.kind == ExprKind.IDENTIFIER:
        inits = [
            v.init
            for v in facts.vars
            if sql.text in v.names and v.init is not None and v.func == call.func
        ]
        if len(inits) == 1:
            sql = inits[0]
    built = (
        (sql.kind == ExprKind.TEMPLATE and sql.interpolated)
        or (sql.kind not in (ExprKind.STRING, ExprKind.TEMPLATE) and "+" in sql.text)
        or sql.kind in (ExprKind.CALL, ExprKind.MEMBER, ExprKind.IDENTIFIER)
    )
    return sql if built else None


def _passed_part(values: SqlValues, sql: Expr, call: Call) -> str | None:
    """The name of a helper's parameter the SQL text reads, that a call of the helper hands a
    client value."""
    for part in sql.parts():
        roots = values.client_roots(part, call.func)
        if roots:
            return roots[0]
    return None


def _client_part(sql: Expr, flow: Flow) -> str | None:
    """The name of a client value the SQL text is built from, if any."""
    for part in sql.parts():
        if flow.is_input(part) or flow.is_client_value(part):
            roots = [r for r in part.roots if r in flow.inputs]
            return roots[0] if roots else part.text[:40]
    return None
