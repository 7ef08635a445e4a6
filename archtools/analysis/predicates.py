"""Permission predicates: a function that compares what one of its parameters holds with a field
of another (`canEdit(doc, user)`: `doc.ownerId === user.id`), directly or through the helpers it
hands them to. Given a loaded row and the caller, an exit unless it holds ties the row to them."""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.flow import function_scope
from archtools.analysis.program import Program
from archtools.analysis.summaries import Summaries
from archtools.facts.code import Expr, ExprKind

# how many helpers deep a predicate is followed
_DEPTH = 3

# (a parameter, another parameter, the field of the second compared: "id" in `who.id`, "" for
# the whole value)
Compared = tuple[str, str, str]


def compared_params(
    program: Program, summaries: Summaries, file: str, func: int, depth: int = _DEPTH
) -> set[Compared]:
    """What `func` compares: a value read from one parameter with a field of another, following
    the calls that pass its parameters on whole."""
    facts = program.files[file]
    params = [p.names or (p.name,) for p in facts.functions[func].params]
    owner = {name: names[0] for names in params for name in names}
    inside = function_scope(facts, func)
    found: set[Compared] = set()
    for cmp in facts.comparisons:
        if cmp.func not in inside:
            continue
        for one, other in ((cmp.left, cmp.right), (cmp.right, cmp.left)):
            first = {owner[r] for r in one.all_roots() if r in owner}
            for second, field in _fields(other, owner):
                found |= {(a, second, field) for a in first if a != second}
    if depth == 0:
        return found
    for call in facts.calls:
        if call.func not in inside:
            continue
        target = summaries.target(file, call)
        if target is None or target[1] is None or target == (file, func):
            continue
        inner = compared_params(program, summaries, target[0], target[1], depth - 1)
        if not inner:
            continue
        inner_params = program.function(target[0], target[1]).params
        # a parameter handed on whole keeps its fields; one read into an object keeps its roots
        whole: dict[str, str] = {}
        parts: dict[str, set[str]] = {}
        for param, arg in zip(inner_params, call.args, strict=False):
            name = param.names[0] if param.names else param.name
            if arg.kind == ExprKind.IDENTIFIER and arg.text in owner:
                whole[name] = owner[arg.text]
            parts[name] = {owner[r] for r in arg.all_roots() if r in owner}
        for a, b, field in inner:
            if b in whole:
                found |= {(x, whole[b], field) for x in parts.get(a, set()) if x != whole[b]}
    return found


def _fields(expr: Expr, owner: dict[str, str]) -> set[tuple[str, str]]:
    """The parameters `expr` reads, each with the field read (`who.id`: ("who", "id"))."""
    found = set()
    for path in expr.paths:
        root, _, rest = path.partition(".")
        if root in owner:
            found.add((owner[root], rest.split(".", 1)[0].rstrip("?")))
    for root in expr.roots:
        if root in owner and not any(p.split(".", 1)[0] == root for p in expr.paths):
            found.add((owner[root], ""))
    return found


def caller_fields(arg: Expr, is_identity: Callable[[Expr], bool]) -> set[str]:
    """The fields of an argument that hold the caller's id: the keys of an object whose values
    do, or "" when the argument is the id itself."""
    if arg.pairs:
        return {pair.key for pair in arg.pairs if is_identity(pair.value)}
    return {""} if is_identity(arg) else set()
