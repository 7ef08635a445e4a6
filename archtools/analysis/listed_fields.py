"""Records built field by field: a write that receives only keys its code writes out cannot be
given another column by the client, whatever the values hold (mass assignment needs an object the
client shaped, passed or spread whole)."""

from __future__ import annotations

from archtools.analysis.flow import Flow
from archtools.analysis.ternaries import closing as _closing
from archtools.analysis.ternaries import split_top
from archtools.facts.code import Expr, ExprKind, FileFacts

_MAX_DEPTH = 3
# array methods whose result holds some of the same elements
_SAME_ELEMENTS = frozenset({"slice", "filter", "reverse", "toReversed", "concat"})


def listed_record(value: Expr, facts: FileFacts, flow: Flow, depth: int = 0) -> bool:
    """Whether `value` is built with its keys written out: an object literal whose spreads are the
    server's or themselves listed (`...(cond && { name })`), an array of such objects, or a
    `.map()` whose callback returns only such objects."""
    if value.kind == ExprKind.OBJECT:
        return bool(value.pairs) and all(
            pair.key != "..."
            or not flow.is_client_value(pair.value)
            or conditional_fields(pair.value)
            for pair in value.pairs
        )
    if value.kind == ExprKind.ARRAY:
        return bool(value.items) and all(listed_record(item, facts, flow) for item in value.items)
    if value.kind == ExprKind.IDENTIFIER and depth < _MAX_DEPTH:
        # `const rows = [{ ... }]; helper({ rows })`: every declaration of the name is written out
        inits = [v.init for v in facts.vars if v.names == (value.text,) and not v.keys]
        return bool(inits) and all(
            init is not None and listed_record(init, facts, flow, depth + 1) for init in inits
        )
    if value.kind == ExprKind.CALL and value.call is not None:
        call = facts.calls[value.call]
        callback = call.args[0].func if call.name == "map" and call.args else None
        if callback is None:
            return False
        returned = [r.value for r in facts.returns if r.func == callback]
        return bool(returned) and all(
            r is not None and listed_record(r, facts, flow, depth) for r in returned
        )
    return False


def written_out(value: Expr) -> bool:
    """An object literal whose every key is written out (its spreads, if any, conditional spreads
    of literals): what a helper returning it builds, whatever its parameters hold."""
    return (
        value.kind == ExprKind.OBJECT
        and bool(value.pairs)
        and all(pair.key != "..." or conditional_fields(pair.value) for pair in value.pairs)
    )


def carried(facts: FileFacts, scope: set[int | None], listed: set[str]) -> set[str]:
    """`listed` with the names a function declares from them (`const batch = rows.slice(i, j)`)."""
    names = set(listed)
    for var in sorted((v for v in facts.vars if v.func in scope), key=lambda v: v.line):
        if var.init is not None and not var.keys and same_elements(var.init, names):
            names.update(var.names)
    return names


def same_elements(data: Expr, names: set[str]) -> bool:
    """`messages` or `messages.slice(0, n)`: the elements of one of `names`."""
    if data.kind == ExprKind.IDENTIFIER:
        return data.text in names
    if data.kind != ExprKind.CALL:
        return False
    head, _, rest = data.text.partition(".")
    method = rest.split("(", 1)[0]
    return head in names and method in _SAME_ELEMENTS and set(data.roots) & names == {head}


def conditional_fields(spread: Expr) -> bool:
    """`...(body.name !== undefined && { name: body.name })` or `...(cond ? { a } : {})`: a spread
    that adds only keys written out in object literals (none of them spreading again)."""
    text = spread.text.removeprefix("...").strip()
    if text.endswith("…"):
        return False  # cut short: unknown
    while text.startswith("(") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    parts = split_top(text, "&&")
    if len(parts) == 2:
        return _literal(parts[1])
    question = split_top(text, "?")
    if len(question) != 2:
        return False
    branches = split_top(question[1], ":")
    return len(branches) == 2 and all(
        _literal(b) or b.strip() in ("{}", "undefined", "null") for b in branches
    )


def _literal(text: str) -> bool:
    text = text.strip()
    while text.startswith("(") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return (
        text.startswith("{")
        and _closing(text, 0) == len(text) - 1
        and "..." not in text
        and len(text) > 2
    )
