"""Filters a repository helper builds (`where: scopedWhere(user, params.id)`): what it returns is
read from its own returns, with what the caller hands its parameters."""

from __future__ import annotations

from archtools.analysis.flow import Flow
from archtools.analysis.program import Program
from archtools.analysis.summaries import Summaries
from archtools.facts.code import Expr, ExprKind


def segment_keyed(
    program: Program, summaries: Summaries, file: str, where: Expr, flow: Flow
) -> bool:
    """Whether `where` is a call of a helper that is handed route path segments (strings) as its
    only unchecked client values and returns only object literals that use each of them as the
    exact value of a key (`return { id: contactId, ownerId: user.id }`): a string there picks the
    row with that key, it cannot carry an operator."""
    if where.kind != ExprKind.CALL or where.call is None:
        return False
    call = program.files[file].calls[where.call]
    target = summaries.target(file, call)
    if target is None or target[1] is None:
        return False
    function = program.function(target[0], target[1])
    segments: set[str] = set()
    for param, arg in zip(function.params, call.args, strict=False):
        if not flow.is_input(arg):
            continue
        path_segment = arg.kind in (ExprKind.IDENTIFIER, ExprKind.MEMBER) and all(
            flow.inputs.get(root) == "route params" for root in arg.roots if root in flow.inputs
        )
        if not path_segment or param.keys:
            return False
        segments.add(param.name)
    if not segments or len(call.args) > len(function.params):
        return False
    returned = [r.value for r in program.files[target[0]].returns if r.func == target[1]]
    return bool(returned) and all(
        value is not None
        and value.kind == ExprKind.OBJECT
        and all(_exact_only(value, name) for name in segments)
        for value in returned
    )


def _exact_only(obj: Expr, name: str) -> bool:
    """Whether `name` appears in the object literal `obj` only as the whole value of a key."""
    for pair in obj.pairs:
        value = pair.value
        if pair.key != "..." and value.kind == ExprKind.IDENTIFIER and value.text == name:
            continue
        if pair.key != "..." and value.kind == ExprKind.OBJECT:
            if not _exact_only(value, name):
                return False
            continue
        if pair.key != "..." and value.kind == ExprKind.ARRAY:
            if not all(
                _exact_only(item, name)
                if item.kind == ExprKind.OBJECT
                else name not in item.all_roots()
                for item in value.items
            ):
                return False
            continue
        if name in value.all_roots():
            return False
    return True
