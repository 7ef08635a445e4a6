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
from archtools.results import EntryKind, Evidence

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
    """A Hono app: the chain that builds it and the variable that holds it (for `app.get(...)`),
    in the function whose statements shape it (None: the module's)."""

    file: str
    name: str | None
    head: Call | None
    func: int | None = None


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
        routes = _routes(program, app, "/", [], mount.app, 0)
        for entry in routes:
            found.setdefault(entry.id, entry)
        if routes and mount.handler is None:
            mount.public_reason = (
                f"the transport of a Hono app: each of its {len(routes)} routes is an entry "
                "point of its own"
            )
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
        if call.index in receivers or call.func != app.func:
            continue  # only whole statements of the app's function (or module)
        chain = program.chain(app.file, call)
        if chain and (
            chain[0].callee.split(".", 1)[0] == app.name
            or any(arg.kind == ExprKind.IDENTIFIER and arg.text == app.name for arg in call.args)
        ):
            links += chain
    return links


def _factory_app(program: Program, file: str, call: Call) -> _App | None:
    """The app a repository function builds and returns (`export function getApp() { const app =
    new OpenAPIHono().basePath("/api"); app.use(...); return app; }`)."""
    target = _function_of(program, file, call)
    if target is None:
        return None
    tfile, tfunc = target
    facts = program.files[tfile]
    for returned in facts.returns:
        if returned.func != tfunc or returned.value is None:
            continue
        if returned.value.kind != ExprKind.IDENTIFIER:
            continue
        for var in facts.vars:
            init = var.init
            if var.func == tfunc and returned.value.text in var.names and init is not None:
                if init.call is None:
                    return None
                return _App(tfile, returned.value.text, facts.calls[init.call], tfunc)
    return None


def _registered_app(program: Program, file: str, call: Call, name: str) -> _App | None:
    """`getCampaign(app)`: the function the app is handed to, where its parameter is the app."""
    target = _function_of(program, file, call)
    if target is None:
        return None
    tfile, tfunc = target
    params = program.function(tfile, tfunc).params
    for arg, param in zip(call.args, params, strict=False):
        if arg.kind == ExprKind.IDENTIFIER and arg.text == name and param.name.isidentifier():
            return _App(tfile, param.name, None, tfunc)
    return None


def _function_of(program: Program, file: str, call: Call) -> tuple[str, int] | None:
    callee = call.callee.removeprefix("await ")
    if not callee.isidentifier():
        return None
    symbol = program.lookup(file, callee)
    if symbol is None or symbol.package is not None or symbol.file not in program.files:
        return None
    if symbol.func is None:
        return None
    return symbol.file, symbol.func


def _routes(
    program: Program,
    app: _App,
    prefix: str,
    middleware: list[tuple[str, Call]],
    app_path: str,
    depth: int,
) -> list[Entry]:
    return _Walk(program, app_path).walk(app, prefix, list(middleware), depth)[0]


@dataclass
class _Walk:
    """The routes of one app, with the base path and the middleware in force at each."""

    program: Program
    app_path: str

    def walk(
        self, app: _App, base: str, chain: list[tuple[str, Call]], depth: int
    ) -> tuple[list[Entry], str, list[tuple[str, Call]]]:
        found: list[Entry] = []
        if depth > MAX_DEPTH:
            return found, base, chain
        if app.head is not None and app.head.receiver is None:
            factory = _factory_app(self.program, app.file, app.head)
            if factory is not None:  # `export const app = getApp()`: what getApp() set up first
                found, base, chain = self.walk(factory, base, chain, depth + 1)
        for call in _links(self.program, app):
            name = call.name
            if name == "basePath" and call.args and call.args[0].value is not None:
                base = _join(base, call.args[0].value)
            elif name == "use":
                chain = [*chain, (app.file, call)]
            elif name == "route" and len(call.args) >= 2 and call.args[0].value is not None:
                sub = _app_value(self.program, app.file, call.args[1])
                if sub is not None:
                    mounted = _join(base, call.args[0].value)
                    found += self.walk(sub, mounted, chain, depth + 1)[0]
            elif name in (*ROUTE_METHODS, "doc", "doc31", "openapi"):
                found += self._declared(app, call, base, chain)
            elif app.name is not None and call.receiver is None:
                registered = _registered_app(self.program, app.file, call, app.name)
                if registered is not None:  # `getCampaign(app)`: routes declared on the parameter
                    found += self.walk(registered, base, chain, depth + 1)[0]
        return found, base, chain

    def _declared(
        self, app: _App, call: Call, base: str, chain: list[tuple[str, Call]]
    ) -> list[Entry]:
        """The route a `.get(path, handler)`, `.openapi(route, handler)` or `.doc(path)` declares."""
        literal = bool(call.args) and call.args[0].value is not None
        entry: Entry | None = None
        if call.name in ROUTE_METHODS and literal:
            entry = _route_entry(self.program, app, call, base, chain, self.app_path)
        elif call.name in ("doc", "doc31") and literal:
            entry = _document_route(app, call, base, self.app_path)
        elif call.name == "openapi" and len(call.args) >= 2:
            entry = openapi_route(self.program, app.file, call, base, chain, self.app_path)
        return [entry] if entry is not None else []


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
    entry = _new_route(app.file, call, method, path, base, app_path, handler)
    entry.chain = [*middleware, (app.file, call)]
    if handler is None:
        served = _package_handler(program, app.file, call)
        if served is not None:  # `app.get("/ui", swaggerUI({ url }))`
            entry.public_reason = served
        else:
            entry.unresolved = f"the handler of {call.callee}() is not an inline function"
        return entry
    entry.seeds = _handler_seeds(program, app.file, handler[1])[0]
    return entry


def _new_route(
    file: str,
    call: Call,
    method: str,
    path: str,
    base: str,
    app_path: str,
    handler: tuple[str, int | None] | None,
) -> Entry:
    return Entry(
        kind=EntryKind.RPC_PROCEDURE,
        file=file,
        line=call.line,
        name=f"{method} {path}",
        method=method,
        route=_join(base, path),
        app=app_path,
        handler=handler,
    )


def _handler_seeds(program: Program, file: str, func: int | None) -> tuple[Seeds, str | None]:
    """A route handler `(c) => ...`: its context carries the request and the caller the
    middleware set; with the context's name."""
    seeds = Seeds()
    params = program.function(file, func).params if func is not None else ()
    if not params:
        return seeds, None
    context = params[0].name
    seeds.inputs[context] = "request"
    seeds.identity_paths = hono_identity(context)
    return seeds, context


def _package_handler(program: Program, file: str, call: Call) -> str | None:
    """Why a route served by a package's own handler (`swaggerUI(...)`) is no code of the app's."""
    last = call.args[-1]
    if last.call is None:
        return None
    inner = program.files[file].calls[last.call]
    origin = program.import_origin(file, inner.callee.split(".", 1)[0])
    if origin is None:
        return None
    return f"public by design: served by {origin[0]}'s {inner.callee}(), no code of the app's"


def _document_route(app: _App, call: Call, base: str, app_path: str) -> Entry:
    """`app.doc("/doc", {...})`: the OpenAPI document @hono/zod-openapi generates."""
    path = call.args[0].value or "/"
    entry = _new_route(app.file, call, "GET", path, base, app_path, None)
    entry.public_reason = (
        "public by design: the API's OpenAPI document, generated from its route declarations"
    )
    return entry


# What a request part of `createRoute({ request: { ... } })` covers: the reads of `c.req` it validates.
_REQUEST_PARTS = {
    "params": {"param"},
    "query": {"query", "queries"},
    "body": {"json", "parseBody", "formData", "text", "arrayBuffer", "blob"},
    "headers": {"header"},
    "cookies": {"cookie"},
}


def openapi_route(
    program: Program,
    file: str,
    call: Call,
    base: str,
    middleware: list[tuple[str, Call]],
    app_path: str,
) -> Entry | None:
    """`app.openapi(createRoute({ method, path, request }), handler)` of @hono/zod-openapi: a route
    whose declared request parts are validated before its handler runs."""
    config = _route_config(program, file, call.args[0])
    if config is None:
        return None
    fields = {pair.key: pair.value for pair in config.pairs}
    method_expr, path_expr = fields.get("method"), fields.get("path")
    if method_expr is None or method_expr.value is None or path_expr is None:
        return None
    path = path_expr.value
    method = ROUTE_METHODS.get(method_expr.value.lower())
    if path is None or method is None:
        return None
    handler_arg = call.args[1]
    handler = (file, handler_arg.func) if handler_arg.func is not None else None
    entry = _new_route(file, call, method, path, base, app_path, handler)
    entry.chain = [*middleware, (file, call)]
    if handler is None:
        entry.unresolved = f"the handler of {call.callee}() is not an inline function"
        return entry
    seeds, context = _handler_seeds(program, file, handler[1])
    request = fields.get("request")
    declared = {p.key: p.value for p in request.pairs} if request is not None else {}
    if (
        context is not None
        and declared
        and _reads_only(program, file, handler[1], context, set(declared))
    ):
        first = min(declared.values(), key=lambda v: v.line)
        seeds.validated.add(context)
        seeds.validated_by[context] = Evidence(
            file=file,
            line=first.line,
            detail=f"the route's request schema ({', '.join(sorted(declared))}) is checked "
            "before the handler runs",
        )
    entry.seeds = seeds
    return entry


def _route_config(program: Program, file: str, expr: Expr) -> Expr | None:
    """The object given to `createRoute(...)`, inline or through a variable of the module."""
    if expr.kind == ExprKind.IDENTIFIER:
        symbol = program.lookup(file, expr.text)
        if symbol is None or symbol.value is None or symbol.file not in program.files:
            return None
        file, expr = symbol.file, symbol.value
    if expr.call is None:
        return None
    created = program.files[file].calls[expr.call]
    if created.name != "createRoute" or not created.args:
        return None
    config = created.args[0]
    return config if config.kind == ExprKind.OBJECT else None


def _reads_only(program: Program, file: str, func: int, context: str, declared: set[str]) -> bool:
    """Whether the handler reads the request only through parts the route declares."""
    covered = {"valid"}.union(*(_REQUEST_PARTS.get(part, set()) for part in declared))
    facts = program.files[file]
    prefix = f"{context}.req."
    for call in facts.calls:
        if call.func != func:
            continue
        callee = call.callee.removeprefix("await ")
        reads = callee.startswith(prefix) and "." not in callee[len(prefix) :]
        if reads and call.name not in covered:
            return False
    return True


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
