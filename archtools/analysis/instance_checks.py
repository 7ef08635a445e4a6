"""Checks made by a method of an object built around a loaded row: `const asset = new Asset(ctx,
row); if (!(await asset.canUserView())) throw`, where the class keeps what its constructor is given
(`constructor(private ctx, public asset)`) and the method compares a field of the row it keeps
(`this.asset.userId`) with the caller held in the context it keeps (`this.ctx.user.id`). The
method decides on the row and the caller the function handed the constructor."""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.flow import function_scope, parallel_calls
from archtools.analysis.program import Program
from archtools.analysis.roles import DbOp
from archtools.analysis.summaries import Summaries
from archtools.facts.code import Call, ExitKind, Expr, ExprKind, FileFacts

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
    params = target.functions[functions["constructor"][0]].params
    kept = {
        p.name: arg for p, arg in zip(params, built.args, strict=False) if p.name.isidentifier()
    }
    rows = {name for name, arg in kept.items() if arg.all_roots() & row}
    if not rows:
        return False
    inside = {f for index in functions[method] for f in function_scope(target, index)}
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
) -> tuple[str, dict[str, list[int]]] | None:
    """The file declaring class `name` (this one, or the one it is imported from) and its
    methods by name (a static and an instance method may share one)."""
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
        methods: dict[str, list[int]] = {}
        for fn in target.functions:
            if (
                fn.name is not None
                and fn.parent is None
                and declared.line <= fn.line <= declared.end_line
            ):
                methods.setdefault(fn.name, []).append(fn.index)
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


def asserted_by_method(
    program: Program,
    summaries: Summaries,
    facts: FileFacts,
    funcs: set[int | None],
    before: int,
    keys: set[str],
    loads: list[DbOp],
    is_identity: Callable[[Expr], bool],
) -> Call | None:
    """`const note = await Note.fromId(ctx, input.noteId); note.ensureOwned();` before line
    `before`: the key went to a loader that reads the row by it and builds an object around the
    row and the context it was given, and a method of that object throws unless the row it kept
    is the caller's (`if (this.note.userId !== this.ctx.user.id) throw`)."""
    for call in facts.calls:
        if call.func not in funcs or call.line >= before or call.args:
            continue
        receiver, _, method = call.callee.removeprefix("await ").rpartition(".")
        if not receiver.isidentifier():
            continue
        for loader in facts.calls:
            if loader.func not in funcs or loader.line > call.line:
                continue
            handed = [i for i, a in enumerate(loader.args) if _mentions(a, keys)]
            if not handed or receiver not in names_given(facts, loader):
                continue
            target = summaries.target(facts.path, loader)
            if target is None or target[1] is None:
                continue
            if _loader_asserts(program, target, loader, handed, method, loads, is_identity):
                return call
    return None


def names_given(facts: FileFacts, call: Call) -> set[str]:
    """The names a call's result is held in: its own declaration, or its place among calls run
    together (`const [a, b] = await Promise.all([f(), g()])`)."""
    if call.assigned_to:
        return set(call.assigned_to)
    return {
        name
        for var in facts.vars
        if var.init is not None and var.init.call is not None
        for name, index in parallel_calls(facts, var)
        if index == call.index
    }


def _mentions(arg: Expr, keys: set[str]) -> bool:
    return bool(set(arg.paths) & keys or (not arg.paths and set(arg.roots) & keys))


def _loader_asserts(
    program: Program,
    target: tuple[str, int | None],
    loader: Call,
    handed: list[int],
    method: str,
    loads: list[DbOp],
    is_identity: Callable[[Expr], bool],
) -> bool:
    tfile, tfunc = target
    if tfunc is None:
        return False
    tfacts = program.files[tfile]
    params = tfacts.functions[tfunc].params
    key_params = {params[i].name for i in handed if i < len(params)}
    inside = function_scope(tfacts, tfunc)
    rows = {
        name
        for load in loads
        if load.file == tfile and load.func in inside and load.kind == "read"
        if any(set(w.all_roots()) & key_params for w in load.where)
        for name in load.assigned_to
    }
    if not rows:
        return False
    # what each parameter of the loader was given by the call
    given = {p.name: arg for p, arg in zip(params, loader.args, strict=False)}
    for built in tfacts.calls:
        if built.func not in inside or not built.callee.startswith("new "):
            continue
        found = _class_functions(program, tfacts, built.callee.removeprefix("new ").strip())
        if found is None:
            continue
        cfile, functions = found
        if "constructor" not in functions or method not in functions:
            continue
        cfacts = program.files[cfile]
        ctor = cfacts.functions[functions["constructor"][0]].params
        kept = {p.name: arg for p, arg in zip(ctor, built.args, strict=False)}
        kept_rows = {name for name, arg in kept.items() if arg.all_roots() & rows}
        # the context kept, as the entry's code named it when it called the loader
        outer = {
            name: given[arg.text]
            for name, arg in kept.items()
            if arg.kind == ExprKind.IDENTIFIER and arg.text in given
        }
        if kept_rows and any(
            _throws_unless_owned(cfacts, index, kept_rows, outer, is_identity)
            for index in functions[method]
        ):
            return True
    return False


def _throws_unless_owned(
    facts: FileFacts,
    method: int,
    rows: set[str],
    outer: dict[str, Expr],
    is_identity: Callable[[Expr], bool],
) -> bool:
    """Whether the method throws when the row it kept is not the caller's."""
    inside = function_scope(facts, method)
    lines = {g.line for g in facts.guards if g.func in inside and g.exit == ExitKind.THROW}
    for cmp in facts.comparisons:
        if cmp.func not in inside or cmp.line not in lines:
            continue
        for one, other in ((cmp.left, cmp.right), (cmp.right, cmp.left)):
            if _reads_kept(one, rows) and _caller_through(other, outer, rows, is_identity):
                return True
    return False
