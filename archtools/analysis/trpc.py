"""tRPC procedures: routers, their composition into dotted paths, and each procedure's builder chain."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from archtools.analysis.entry import TRPC_KINDS, TRPC_ROUTER_CALLS, Entry, builder_chain
from archtools.analysis.flow import Seeds
from archtools.analysis.knowledge import active_knowledge
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, ExprKind, FileFacts
from archtools.results import EntryKind, Evidence


@cache
def context_identity_paths() -> tuple[str, ...]:
    """The context paths that hold the caller (knowledge/guards.yaml `context_identity`)."""
    return tuple(active_knowledge().context_identity)


def context_identity(facts: FileFacts, func: int | None) -> tuple[str, ...]:
    """The member paths that hold the caller in a tRPC middleware or resolver: `ctx.user` when the
    options are destructured, `opts.ctx.user` when they are taken whole as `opts`."""
    if func is None:
        return context_identity_paths()
    params = facts.functions[func].params
    if not params or params[0].keys or not params[0].name.isidentifier():
        return context_identity_paths()
    whole = params[0].name
    # `opts.ctx.user`; and in a Hono middleware `(c, next)`, the variables set on `c` before it
    # (`c.var.ctx.user`, `c.var.user`)
    paths = context_identity_paths()
    return (
        paths
        + tuple(f"{whole}.{path}" for path in paths)
        + tuple(f"{whole}.var.{path}" for path in (*paths, "user", "session"))
    )


def context_seeds(facts: FileFacts, func: int | None) -> Seeds:
    """What a tRPC middleware or resolver knows of the caller as it starts: the context paths,
    and the names destructured from them (`({ ctx: { user }, next })` binds `user`)."""
    seeds = Seeds(identity_paths=context_identity(facts, func))
    if func is None or not facts.functions[func].params:
        return seeds
    function = facts.functions[func]
    known = set(context_identity_paths())
    for name in function.params[0].by_key.get("ctx", []):
        if f"ctx.{name}" in known:
            seeds.identity[name] = Evidence(
                file=facts.path, line=function.line, detail=f"`{name}` from the procedure's context"
            )
    return seeds


@dataclass(frozen=True)
class RouterCall:
    file: str
    call: Call


def routers_in(file: str, facts: FileFacts) -> list[RouterCall]:
    """The `router({...})` calls of one file."""
    return [
        RouterCall(file, call)
        for call in facts.calls
        if call.name in TRPC_ROUTER_CALLS and call.args and call.args[0].kind.value == "object"
    ]


def _router_of_value(program: Program, file: str, value: Expr) -> RouterCall | None:
    if value.call is not None:
        direct = program.files[file].calls[value.call]
        if direct.name == "lazy" and direct.args and direct.args[0].func is not None:
            return _lazy_router(program, file, direct.args[0].func)
        return RouterCall(file, direct) if direct.name in TRPC_ROUTER_CALLS else None
    if value.kind.value != "identifier":
        return None
    symbol = program.lookup(file, value.text)
    if symbol is None or symbol.package is not None:
        return None
    call = program.value_call(symbol)
    if call is not None and call.name in TRPC_ROUTER_CALLS:
        return RouterCall(symbol.file, call)
    return None


def _lazy_router(program: Program, file: str, loader: int) -> RouterCall | None:
    """tRPC 11's `lazy(() => import("./tag.router").then((m) => m.tagRouter))`: the router the
    loaded module exports under that name (or, for `lazy(() => import("./x"))`, its only router)."""
    facts = program.files[file]
    imported = next(
        (
            c
            for c in facts.calls
            if c.func == loader and c.name == "import" and c.args and c.args[0].value
        ),
        None,
    )
    if imported is None or imported.args[0].value is None:
        return None
    module = program.resolve(file, imported.args[0].value)
    if module is None:
        return None
    picked = next(
        (
            r.value.text.rsplit(".", 1)[-1]
            for f in facts.functions
            if f.parent == loader
            for r in facts.returns
            if r.func == f.index and r.value is not None and r.value.kind.value == "member"
        ),
        None,
    )
    if picked is not None:
        symbol = program.lookup_export(module, picked)
        call = program.value_call(symbol) if symbol is not None else None
        return (
            RouterCall(symbol.file, call)
            if symbol and call and call.name in TRPC_ROUTER_CALLS
            else None
        )
    found = routers_in(module, program.files[module])
    return found[0] if len(found) == 1 else None


def find_procedures(program: Program, app: str, routers: list[RouterCall]) -> list[Entry]:
    """The procedures of every top-level router among `routers` (all the app's router calls)."""
    nested: set[tuple[str, int]] = set()
    for router in routers:
        for pair in router.call.args[0].pairs:
            child = _router_of_value(program, router.file, pair.value)
            if child is not None:
                nested.add((child.file, child.call.index))
    entries: list[Entry] = []
    for router in routers:
        if (router.file, router.call.index) not in nested:
            _walk(program, app, router, "", entries, 0)
    return entries


def _walk(
    program: Program, app: str, router: RouterCall, prefix: str, out: list[Entry], depth: int
) -> None:
    if depth > 12:
        return
    facts = program.files[router.file]
    for pair in router.call.args[0].pairs:
        if pair.key == "...":
            continue
        path = f"{prefix}{pair.key}"
        child = _router_of_value(program, router.file, pair.value)
        if child is not None:
            _walk(program, app, child, path + ".", out, depth + 1)
            continue
        if pair.value.call is None:
            continue
        call = facts.calls[pair.value.call]
        if call.name not in TRPC_KINDS:
            continue
        out.append(_procedure(program, app, router.file, call, path, pair.key))


def _procedure(program: Program, app: str, file: str, call: Call, path: str, key: str) -> Entry:
    entry = Entry(
        kind=EntryKind.TRPC_PROCEDURE,
        file=file,
        line=call.line,
        name=key,
        method=call.name,
        route=path,
        app=app,
        handler=None,
    )
    entry.chain = builder_chain(program, file, call)
    resolver = _resolver(program, file, call)
    if resolver is None:
        entry.unresolved = f"the {call.name} resolver is neither inline nor a function it can find"
        return entry
    entry.handler = resolver
    hfile, hfunc = resolver
    function = program.function(hfile, hfunc)
    seeds = context_seeds(program.files[hfile], hfunc)
    schemas = [(f, c) for f, c in entry.chain if c.name == "input"]
    loose = [field for f, c in schemas for field in unchecked_fields(program, f, c)]
    for param in function.params[:1]:
        if not param.keys and param.name not in ("input", "_"):
            # `async (opts) => ... opts.input.id`: the resolver's options, whole
            seeds.input_paths += (f"{param.name}.input",)
            if schemas and not loose:
                seeds.validated_paths += (f"{param.name}.input",)
        names = param.by_key.get("input", ["input"] if param.name == "input" else [])
        for name in names:
            seeds.inputs[name] = "tRPC input"
            if schemas:
                seeds.validated.add(name)
                # `cursor: z.any()` accepts whatever the client sends: that field is unchecked
                seeds.input_paths += tuple(f"{name}.{field}" for field in loose)
    entry.seeds = seeds
    return entry


def _resolver(program: Program, file: str, call: Call) -> tuple[str, int] | None:
    """The function a procedure resolves with: inline, or passed by name (`.query(getNoteHandler)`,
    a controller of another module)."""
    for arg in call.args:
        if arg.func is not None:
            return file, arg.func
    for arg in call.args:
        if arg.kind == ExprKind.IDENTIFIER:
            symbol = program.lookup(file, arg.text)
            if symbol is not None and symbol.func is not None and symbol.package is None:
                return symbol.file, symbol.func
    return None


_ANYTHING = ("z.any()", "z.unknown()", "v.any()", "v.unknown()")


def unchecked_fields(program: Program, file: str, schema_call: Call) -> list[str]:
    """The fields of an object schema (`.input(z.object({ cursor: z.any().nullish() }))`, written
    inline or as a variable of the module) that accept any value."""
    if not schema_call.args:
        return []
    schema = schema_call.args[0]
    if schema.kind == ExprKind.IDENTIFIER:
        symbol = program.lookup(file, schema.text)
        if symbol is None or symbol.value is None or symbol.package is not None:
            return []
        file, schema = symbol.file, symbol.value
    if schema.call is None:
        return []
    made = program.files[file].calls[schema.call]
    if made.name not in ("object", "strictObject", "looseObject") or not made.args:
        return []
    return [
        pair.key
        for pair in made.args[0].pairs
        if pair.value.text.replace(" ", "").startswith(_ANYTHING)
    ]
