"""EXP003: a caller's own rows kept in a cache every caller shares. `unstable_cache(fn, keyParts)`
keys its entries by `keyParts` and the arguments the cached function is called with; a function
that reads the signed-in user from its closure instead caches the first caller's rows under a key
that does not name them, and serves them to everyone after."""

from __future__ import annotations

from archtools.analysis.entry_scope import Problem
from archtools.analysis.flow import Flow, function_scope
from archtools.analysis.program import Program
from archtools.analysis.roles import DbOp
from archtools.facts.code import Call, FileFacts

CACHE_CALLS = ("unstable_cache",)


def shared_cache_exposures(program: Program, ops: list[tuple[DbOp, Flow]]) -> list[Problem]:
    """One problem per cached query whose caller filter the cache key leaves out."""
    problems: list[Problem] = []
    for op, flow in ops:
        facts = program.files[op.file]
        around = _cache_around(facts, op.func)
        if around is None:
            continue
        call, cached = around
        params = {n for p in facts.functions[cached].params for n in (p.names or (p.name,))}
        captured = sorted(
            {
                root
                for where in op.where
                for part in where.parts()
                if flow.is_identity(part)
                for root in part.roots
                if root not in params
            }
        )
        if not captured or _keyed_by_caller(call, flow):
            continue
        problems.append(
            Problem(
                "EXP003",
                op.file,
                call.line,
                f"{call.callee}() caches {op.callee}(), filtered by the signed-in user "
                f"(`{captured[0]}` from the enclosing code), under keys that do not name the "
                "user: every caller is served the first caller's rows",
                f"shared-cache:{op.callee}",
                op.model,
            )
        )
    return problems


def _cache_around(facts: FileFacts, func: int | None) -> tuple[Call, int] | None:
    """The `unstable_cache(...)` call whose cached function holds `func`, with that function."""
    if func is None:
        return None
    for call in facts.calls:
        if call.callee.rsplit(".", 1)[-1] not in CACHE_CALLS or not call.args:
            continue
        cached = call.args[0].func
        if cached is not None and func in function_scope(facts, cached):
            return call, cached
    return None


def _keyed_by_caller(call: Call, flow: Flow) -> bool:
    """Whether the key parts (`["notes", session.user.id]`) name the caller."""
    if len(call.args) < 2:
        return False
    return any(flow.is_identity(part) for part in call.args[1].parts())
