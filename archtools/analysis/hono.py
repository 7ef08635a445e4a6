"""Hono apps mounted in a Next.js route handler (`export const GET = handle(app)` from `hono/vercel`):
every route the app declares, through `.route(prefix, sub)` and `.basePath(path)`, across modules and
workspace packages, is an entry point of its own, with the `.use()` middleware declared before it as
its chain (where its authentication is found)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from archtools.analysis.entry import Entry
from archtools.analysis.flow import Seeds
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, ExprKind
from archtools.results import EntryKind

HONO_ADAPTERS = ("hono/vercel", "hono/nextjs")
ROUTE_METHODS = {
    "get": "GET",
    "post": "POST",
    "put": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
    "options": "OPTIONS",
    "all": "*",
}
MAX_DEPTH = 8  # nested `.route()` mounts followed


@dataclass(frozen=True)
class _App:
    """A Hono app: the chain that builds it and the variable that holds it (for `app.get(...)`)."""

    file: str
    name: str | None
    head: Call | None


def hono_routes(program: Program, mounts: list[Entry]) -> list[Entry]:
    """The routes of the Hono apps the route handlers among `mounts` hand their requests to."""
    found: dict[str, Entry] = {}
    for mount in mounts:
        if mount.kind != EntryKind.ROUTE_HANDLER:
            continue
        argument = _mounted_app(program, mount)
        if argument is None:
            continue
        app = _app_value(program, mount.file, argument)
        if app is None:
            continue
        # Next.js hands the app the whole URL: its routes match from the root (`basePath("/api")`)
        for entry in _routes(program, app, "/", [], mount.app, 0):
            found.setdefault(entry.id, entry)
    return sorted(found.values(), key=lambda e: e.id)


def _mounted_app(program: Program, mount: Entry) -> Expr | None:
    """`app` of `export const GET = handle(app)`."""
    facts = program.files[mount.file]
    export = next((e for e in facts.exports if e.name == mount.name), None)
    if export is None or export.init is None or export.init.call is None:
        return None
    call = facts.calls[export.init.call]
    if call.name != "handle" or not call.args:
        return None
    origin = program.import_origin(mount.file, call.callee.split(".", 1)[0])
    if origin is None or origin[0] not in HONO_ADAPTERS:
        return None
    return call.args[0]


def _app_value(program: Program, file: str, expr: Expr) -> _App | None:
    """The app an expression names: a variable of this module or one imported (a default export)."""
    if expr.kind == ExprKind.CALL and expr.call is not None:
        return _App(file, None, program.files[file].calls[expr.call])
    if expr.kind != ExprKind.IDENTIFIER:
        return None
    symbol = program.lookup(file, expr.text)
    if symbol is None or symbol.package is not None or symbol.file not in program.files:
        return None
    value = symbol.value
    head = (
        program.files[symbol.file].calls[value.call]
        if value is not None and value.call is not None
        else None
    )
    return _App(symbol.file, symbol.name, head)


def _links(program: Program, app: _App) -> list[Call]:
    """The calls that shape the app, in order: its defining chain, then the statements on its
    variable (`app.use(mw)`, `app.route("/x", x)`), each chain innermost first."""
    facts = program.files[app.file]
    links = program.chain(app.file, app.head) if app.head is not None else []
    if app.name is None:
        return links
    receivers = {c.receiver for c in facts.calls if c.receiver is not None}
    for call in sorted(facts.calls, key=lambda c: (c.line, c.index)):
        if call.index in receivers or call.func is not None:
            continue  # only whole statements of the module
        chain = program.chain(app.file, call)
        if chain and chain[0].callee.split(".", 1)[0] == app.name:
            links += chain
    return links


def _routes(
    program: Program,
    app: _App,
    prefix: str,
    middleware: list[tuple[str, Call]],
    app_path: str,
    depth: int,
) -> list[Entry]:
    if depth > MAX_DEPTH:
        return []
    base = prefix
    chain = list(middleware)
    found: list[Entry] = []
    for call in _links(program, app):
        name = call.name
        if name == "basePath" and call.args and call.args[0].value is not None:
            base = _join(base, call.args[0].value)
        elif name == "use":
            chain.append((app.file, call))
        elif name == "route" and len(call.args) >= 2 and call.args[0].value is not None:
            sub = _app_value(program, app.file, call.args[1])
            if sub is not None:
                mounted = _join(base, call.args[0].value)
                found += _routes(program, sub, mounted, chain, app_path, depth + 1)
        elif name in ROUTE_METHODS and call.args and call.args[0].value is not None:
            entry = _route_entry(program, app, call, base, chain, app_path)
            if entry is not None:
                found.append(entry)
    return found


def _route_entry(
    program: Program,
    app: _App,
    call: Call,
    base: str,
    middleware: list[tuple[str, Call]],
    app_path: str,
) -> Entry | None:
    path = call.args[0].value or "/"
    method = ROUTE_METHODS[call.name]
    handler_arg = next((a for a in reversed(call.args[1:]) if a.func is not None), None)
    handler = (app.file, handler_arg.func) if handler_arg is not None else None
    entry = Entry(
        kind=EntryKind.RPC_PROCEDURE,
        file=app.file,
        line=call.line,
        name=f"{method} {path}",
        method=method,
        route=_join(base, path),
        app=app_path,
        handler=handler,
    )
    entry.chain = [*middleware, (app.file, call)]
    if handler is None:
        entry.unresolved = f"the handler of {call.callee}() is not an inline function"
        return entry
    assert handler_arg is not None and handler_arg.func is not None
    function = program.function(app.file, handler_arg.func)
    seeds = Seeds()
    if function.params:
        context = function.params[0].name
        seeds.inputs[context] = "request"
        seeds.identity_paths = hono_identity(context)
    entry.seeds = seeds
    return entry


def hono_identity(context: str) -> tuple[str, ...]:
    """Where Hono middleware keeps the caller: the variables it set (`c.var.user`,
    `c.var.ctx.user`, `c.var.session`)."""
    return (
        f"{context}.var.user",
        f"{context}.var.session",
        f"{context}.var.ctx.user",
        f"{context}.var.ctx.session",
    )


def _join(base: str, path: str) -> str:
    joined = posixpath.join(base or "/", path.lstrip("/")) if path not in ("", "/") else base
    return joined.rstrip("/") or "/"
