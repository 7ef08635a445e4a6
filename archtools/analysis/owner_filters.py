"""Related rows a read also returns, picked by an owner column set to a value
(`include: { submission: { where: { userId: input.userId } } }`): whoever the value names, their
rows come back with the parent rows."""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.program import Program
from archtools.analysis.roles import DbOp
from archtools.facts.code import ExprKind, Pair


def nested_owner_filter(
    program: Program, op: DbOp, owners: set[str], chosen: Callable[[Pair], bool]
) -> Pair | None:
    """The first owner-column filter in the relations a read includes whose value `chosen`
    accepts (a client's value, say), or None."""
    if op.kind != "read":
        return None
    calls = program.files[op.file].calls
    stack = [
        pair.value
        for arg in calls[op.call].args
        for pair in arg.pairs
        if pair.key in ("include", "select", "with")
    ]
    seen = 0
    while stack and seen < 300:
        seen += 1
        expr = stack.pop()
        for pair in expr.pairs:
            if pair.key == "where":
                for owner in pair.value.pairs:
                    if (
                        owner.key in owners
                        and owner.value.kind not in (ExprKind.OBJECT, ExprKind.ARRAY)
                        and chosen(owner)
                    ):
                        return owner
            stack.append(pair.value)
        stack.extend(expr.items)
    return None
