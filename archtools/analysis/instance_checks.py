"""Checks made by a method of an object built around a loaded row: `const asset = new Asset(ctx,
row); if (!(await asset.canUserView())) throw`, where the class keeps what its constructor is given
(`constructor(private ctx, public asset)`) and the method compares a field of the row it keeps
(`this.asset.userId`) with the caller held in the context it keeps (`this.ctx.user.id`). The
method decides on the row and the caller the function handed the constructor."""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.flow import function_scope
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, ExprKind, FileFacts

_THIS = "this."


def method_compares_row_with_caller(
    program: Program,
    facts: FileFacts,
    call: Call,
    row: set[str],
    is_identity: Callable[[Expr], bool],
) -> bool:
    """Whether `call` is `x.method()` on an `x = new C(...)` of the same function given one of
    the `row` names, and the method compares a field of what the constructor kept of the row
    with the caller, read from what it kept of another argument."""
    receiver, _, method = call.callee.removeprefix("await ").rpartition(".")
    if not receiver.isidentifier() or call.args:
        return False
    built = _construction(facts, call, receiver)
    if built is None:
        return False
    found = _class_functions(program, facts, built.callee.removeprefix("new ").strip())
    if found is None:
        return False
    file, functions = found
    if "constructor" not in functions or method not in functions:
        return False
    target = program.files[file]
    params = target.functions[functions["constructor"]].params
    kept = {
        p.name: arg for p, arg in zip(params, built.args, strict=False) if p.name.isidentifier()
    }
    rows = {name for name, arg in kept.items() if arg.all_roots() & row}
    if not rows:
        return False
    inside = function_scope(target, functions[method])
    for cmp in target.comparisons:
        if cmp.func not in inside:
            continue
        for one, other in ((cmp.left, cmp.right), (cmp.right, cmp.left)):
            if _reads_kept(one, rows) and _caller_through(other, kept, rows, is_identity):
                return True
    return False


def _construction(facts: FileFacts, call: Call, name: str) -> Call | None:
    """The `new C(...)` call the function declared `name` with."""
    for var in facts.vars:
        if var.func != call.func or var.names != (name,) or var.init is None:
            continue
        init = var.init
        if init.call is not None and var.line <= call.line:
            built = facts.calls[init.call]
            if built.callee.startswith("new "):
                return built
    return None


def _class_functions(
    program: Program, facts: FileFacts, name: str
) -> tuple[str, dict[str, int]] | None:
    """The file declaring class `name` (this one, or the one it is imported from) and its
    methods by name."""
    candidates = [facts.path] + [
        resolved
        for imp in facts.imports
        if any(n.local == name for n in imp.names)
        if (resolved := program.resolve(facts.path, imp.source)) is not None
    ]
    for path in candidates:
        target = program.files.get(path)
        if target is None:
            continue
        declared = next((c for c in target.classes if c.name == name), None)
        if declared is None:
            continue
        methods = {
            fn.name: fn.index
            for fn in target.functions
            if fn.name is not None
            and fn.parent is None
            and declared.line <= fn.line <= declared.end_line
        }
        return path, methods
    return None


def _reads_kept(expr: Expr, kept: set[str]) -> bool:
    """`this.asset.userId`, with `asset` one of the kept names: a field of it."""
    return any(
        path.startswith(_THIS)
        and path[len(_THIS) :].partition(".")[0] in kept
        and "." in path[len(_THIS) :]
        for path in expr.paths
    )


def _caller_through(
    expr: Expr, kept: dict[str, Expr], rows: set[str], is_identity: Callable[[Expr], bool]
) -> bool:
    """`this.ctx.user.id`, where the constructor was handed a `ctx` whose `user.id` is the
    caller's."""
    for path in expr.paths:
        if not path.startswith(_THIS):
            continue
        name, _, rest = path[len(_THIS) :].partition(".")
        arg = kept.get(name)
        if arg is None or name in rows or arg.kind != ExprKind.IDENTIFIER:
            continue
        whole = f"{arg.text}.{rest}" if rest else arg.text
        if is_identity(
            Expr(kind=ExprKind.MEMBER, text=whole, line=arg.line, roots=(arg.text,), paths=(whole,))
        ):
            return True
    return False
