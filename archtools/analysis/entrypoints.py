"""Finds every backend entry point: route handlers, Server Actions, Pages API routes, tRPC procedures."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archtools.analysis.entry import AppLayout, Entry, builder_chain
from archtools.analysis.flow import Seeds
from archtools.analysis.hono import hono_routes
from archtools.analysis.knowledge import active_knowledge
from archtools.analysis.program import Program
from archtools.analysis.trpc import context_identity_paths, find_procedures, routers_in
from archtools.analysis.trpc_v9 import find_named_procedures, named_procedures_in
from archtools.facts.code import Call, Export, ExportKind, Expr, ExprKind, FileFacts
from archtools.facts.outline import whole_pass
from archtools.results import EntryKind, Evidence

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ROUTE_FILE_STEMS = ("route",)
PAGE_FILE_STEMS = ("page", "layout")
PAGE_EXPORTS = ("default", "generateMetadata")
ROUTE_PROPS = ("params", "searchParams")
CODE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


def _strip_suffix(path: str) -> str | None:
    for suffix in CODE_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return None


def route_of(app_dir: str, file: str) -> str | None:
    """The URL path of a file under the App Router directory: groups dropped, dynamic segments kept."""
    rel = (
        posixpath.relpath(posixpath.dirname(file), app_dir)
        if app_dir != "."
        else posixpath.dirname(file)
    )
    if rel.startswith(".."):
        return None
    segments = [s for s in rel.split("/") if s and s != "."]
    kept = [
        s for s in segments if not (s.startswith("(") and s.endswith(")")) and not s.startswith("@")
    ]
    return "/" + "/".join(kept)


def pages_route_of(pages_dir: str, file: str) -> str | None:
    stem = _strip_suffix(file)
    if stem is None:
        return None
    rel = posixpath.relpath(stem, pages_dir)
    if rel.startswith(".."):
        return None
    segments = rel.split("/")
    if segments[-1] == "index":
        segments = segments[:-1]
    return "/" + "/".join(segments)


def _under(path: str, directory: str | None) -> bool:
    if directory is None:
        return False
    return directory == "." or path.startswith(directory.rstrip("/") + "/")


class EntryFinder:
    def __init__(self, program: Program) -> None:
        self.program = program

    def find(
        self, apps: list[AppLayout], *, visit: Callable[[str, FileFacts], None] | None = None
    ) -> list[Entry]:
        """Every entry point of `apps`, in one pass over the files; `visit` sees each file's facts
        on the way, so that other per-file work needs no pass of its own."""
        found: dict[int, list[Entry]] = {index: [] for index in range(len(apps))}
        collected: dict[tuple[int, str], list[Any]] = {}
        with whole_pass(self.program.files):
            for file in sorted(self.program.files):
                facts = self.program.files[file]
                if visit is not None:
                    visit(file, facts)
                owner = self._app_of(file, apps) if apps else None
                for index, app in enumerate(apps):
                    if app.path != owner:
                        continue
                    for mounted in MOUNTED_KINDS:
                        collected.setdefault((index, mounted.name), []).extend(
                            mounted.collect(file, facts)
                        )
                    for kind in FILE_KINDS:
                        if kind.applies(app, file):
                            found[index].extend(kind.find(self, app, facts))
        entries: list[Entry] = []
        for index, app in enumerate(apps):
            entries += found[index]
            for mounted in MOUNTED_KINDS:
                got = collected.get((index, mounted.name), [])
                entries += mounted.find(self.program, app, got, found[index])
        unique: dict[str, Entry] = {}
        for entry in entries:
            unique.setdefault(entry.id, entry)
        return sorted(unique.values(), key=lambda e: e.id)

    @staticmethod
    def _app_of(file: str, apps: list[AppLayout]) -> str:
        best = "."
        for app in apps:
            if app.path != "." and file.startswith(app.path + "/") and len(app.path) > len(best):
                best = app.path
        if best == "." and not any(a.path == "." for a in apps):
            return apps[0].path if apps else "."
        return best

    # -- App Router route handlers ----------------------------------------------------------------

    def route_handlers(self, app: AppLayout, facts: FileFacts) -> list[Entry]:
        assert app.app_dir is not None
        route = route_of(app.app_dir, facts.path)
        entries = []
        for export in facts.exports:
            if export.name not in HTTP_METHODS:
                continue
            entry = Entry(
                kind=EntryKind.ROUTE_HANDLER,
                file=facts.path,
                line=export.line,
                name=export.name,
                method=export.name,
                route=route,
                app=app.path,
                handler=None,
            )
            self._resolve_export_handler(entry, facts.path, export)
            entry.seeds = _request_seeds(self.program, entry.handler)
            entries.append(entry)
        return entries

    # -- App Router pages that read by params --------------------------------------------------------

    def pages(self, app: AppLayout, facts: FileFacts) -> list[Entry]:
        """Candidates: a page's or layout's default export and its generateMetadata when they take
        route params or search params. The checks keep only those that read data with them."""
        assert app.app_dir is not None
        route = route_of(app.app_dir, facts.path)
        entries = []
        for export in facts.exports:
            if export.name not in PAGE_EXPORTS:
                continue
            entry = Entry(
                kind=EntryKind.PAGE,
                file=facts.path,
                line=export.line,
                name=export.name,
                method="GET",
                route=route,
                app=app.path,
                handler=None,
            )
            self._resolve_export_handler(entry, facts.path, export)
            if entry.handler is None or entry.handler[1] is None:
                continue
            entry.seeds = _route_prop_seeds(self.program, entry.handler)
            if entry.seeds.inputs:
                entries.append(entry)
        return entries

    def _resolve_export_handler(self, entry: Entry, file: str, export: Export) -> None:
        if export.func is not None:
            entry.handler = (file, export.func)
            return
        if export.kind == ExportKind.DESTRUCTURED:
            entry.unresolved = (
                f"{export.name} is destructured from `{export.init.text if export.init else '?'}`"
            )
            entry.handler = None
            return
        if export.init is not None and export.init.call is not None:
            self._unwrap(entry, file, self.program.files[file].calls[export.init.call])
            return
        symbol = None
        if export.kind in (ExportKind.LOCAL, ExportKind.DEFAULT) and export.local:
            symbol = self.program.lookup(file, export.local)
        elif (
            export.kind == ExportKind.VARIABLE
            and export.init is not None
            and export.init.kind.value == "identifier"
        ):
            symbol = self.program.lookup(file, export.init.text)
        elif export.kind == ExportKind.REEXPORT and export.source:
            target = self.program.resolve(file, export.source)
            if target is not None:
                symbol = self.program.lookup_export(target, export.local or export.name)
        if symbol is None:
            entry.unresolved = f"cannot resolve the function behind export {export.name}"
            return
        if symbol.package is not None:
            entry.unresolved = f"{export.name} comes from package {symbol.package}"
            return
        if symbol.func is not None:
            entry.handler = (symbol.file, symbol.func)
        elif symbol.value is not None and symbol.value.call is not None:
            self._unwrap(
                entry, symbol.file, self.program.files[symbol.file].calls[symbol.value.call]
            )
        elif symbol.destructured:
            entry.unresolved = (
                f"{export.name} is destructured from `{symbol.value.text if symbol.value else '?'}`"
            )
        else:
            entry.unresolved = f"cannot resolve the function behind export {export.name}"

    def _unwrap(self, entry: Entry, file: str, call: Call, depth: int = 0) -> None:
        """`export const GET = withAuth(async (req) => ...)`: the wrapper, then the inner handler."""
        facts = self.program.files[file]
        entry.wrappers.append(call)
        entry.chain.append((file, call))
        for arg in call.args:
            if arg.func is not None:
                entry.handler = (file, arg.func)
                return
            if arg.call is not None and depth < 8:
                self._unwrap(entry, file, facts.calls[arg.call], depth + 1)
                return
            if arg.kind.value == "identifier":
                symbol = self.program.lookup(file, arg.text)
                if symbol is not None and symbol.func is not None:
                    entry.handler = (symbol.file, symbol.func)
                    return
        entry.unresolved = f"cannot find the handler passed to {call.callee}()"

    # -- Pages Router API routes ------------------------------------------------------------------

    def pages_api(self, app: AppLayout, facts: FileFacts) -> list[Entry]:
        assert app.pages_dir is not None
        route = pages_route_of(app.pages_dir, facts.path)
        default = next((e for e in facts.exports if e.name == "default"), None)
        if default is None:
            return []
        base = Entry(
            kind=EntryKind.PAGES_API,
            file=facts.path,
            line=default.line,
            name="default",
            method="*",
            route=route,
            app=app.path,
            handler=None,
        )
        self._resolve_export_handler(base, facts.path, default)
        base.seeds = _request_seeds(self.program, base.handler, pages=True)
        table = self._method_table(base.handler) if base.handler is not None else []
        if table:
            return [
                Entry(
                    kind=EntryKind.PAGES_API,
                    file=facts.path,
                    line=base.line,
                    name="default",
                    method=method,
                    route=route,
                    app=app.path,
                    handler=handler,
                    seeds=_request_seeds(self.program, handler, pages=True),
                    wrappers=base.wrappers,
                    chain=base.chain,
                    unresolved=base.unresolved,
                )
                for method, handler in table
            ]
        if base.handler is None or base.handler[0] != facts.path:
            return [base]
        branches = [
            b
            for b in facts.branches
            if b.func == base.handler[1]
            and b.subject.endswith(".method")
            and b.value.upper() in HTTP_METHODS
        ]
        if not branches:
            return [base]
        entries = []
        for branch in branches:
            entries.append(
                Entry(
                    kind=EntryKind.PAGES_API,
                    file=facts.path,
                    line=branch.line,
                    name="default",
                    method=branch.value.upper(),
                    route=route,
                    app=app.path,
                    handler=base.handler,
                    seeds=base.seeds,
                    wrappers=base.wrappers,
                    chain=base.chain,
                    branch=(branch.line, branch.end_line),
                    unresolved=base.unresolved,
                )
            )
        return entries

    def _method_table(self, handler: tuple[str, int | None]) -> list[tuple[str, tuple[str, int]]]:
        """`await dispatch(req, res, { GET: handleGET, POST: handlePOST })`: a handler that only hands
        the request to one function per method. Each method is then its own entry point, run by its
        function. A handler that checks anything itself first keeps the request whole."""
        file, func = handler
        facts = self.program.files[file]
        if any(guard.func == func for guard in facts.guards):
            return []
        for call in facts.calls:
            if call.func != func:
                continue
            for arg in call.args:
                keys = [pair.key for pair in arg.pairs]
                if (
                    arg.kind != ExprKind.OBJECT
                    or not keys
                    or any(key not in HTTP_METHODS for key in keys)
                ):
                    continue
                table = [
                    (pair.key, target)
                    for pair in arg.pairs
                    if (target := self._function_value(file, pair.value)) is not None
                ]
                if len(table) == len(keys):
                    return table
        return []

    def _function_value(self, file: str, value: Expr) -> tuple[str, int] | None:
        if value.func is not None:
            return (file, value.func)
        if value.kind != ExprKind.IDENTIFIER:
            return None
        symbol = self.program.lookup(file, value.text)
        if symbol is None or symbol.func is None:
            return None
        return (symbol.file, symbol.func)

    # -- Server Actions -----------------------------------------------------------------------------

    def server_actions(self, app: AppLayout, facts: FileFacts) -> list[Entry]:
        entries: list[Entry] = []
        route = None
        if app.app_dir and _under(facts.path, app.app_dir):
            route = route_of(app.app_dir, facts.path)
        if "use server" in facts.directives:
            for export in facts.exports:
                if export.kind in (ExportKind.TYPE, ExportKind.CLASS) or export.name == "*":
                    continue
                entry = Entry(
                    kind=EntryKind.SERVER_ACTION,
                    file=facts.path,
                    line=export.line,
                    name=export.name,
                    method="POST",
                    route=route,
                    app=app.path,
                    handler=None,
                )
                if export.init is not None and export.init.call is not None:
                    self._safe_action(entry, facts, facts.calls[export.init.call])
                else:
                    self._resolve_export_handler(entry, facts.path, export)
                    if entry.handler is not None:
                        entry.seeds = _argument_seeds(self.program, entry.handler)
                entries.append(entry)
        else:
            for export in facts.exports:
                if export.init is not None and export.init.call is not None:
                    call = facts.calls[export.init.call]
                    if (
                        call.name == "action"
                        and call.receiver is not None
                        and not self._cli_command(facts.path, call)
                    ):
                        entry = Entry(
                            kind=EntryKind.SERVER_ACTION,
                            file=facts.path,
                            line=export.line,
                            name=export.name,
                            method="POST",
                            route=route,
                            app=app.path,
                            handler=None,
                        )
                        self._safe_action(entry, facts, call)
                        entries.append(entry)
        for function in facts.functions:
            if function.use_server and "use server" not in facts.directives:
                entry = Entry(
                    kind=EntryKind.SERVER_ACTION,
                    file=facts.path,
                    line=function.line,
                    name=function.name or f"action@{function.line}",
                    method="POST",
                    route=route,
                    app=app.path,
                    handler=(facts.path, function.index),
                )
                entry.seeds = _argument_seeds(self.program, entry.handler)
                entries.append(entry)
        return entries

    def _cli_command(self, file: str, call: Call) -> bool:
        """A command-line builder's chain (`new Command().name("x").action(run)`, or `program
        .command("x").action(run)` on a `program` built by one): a CLI command, not an action."""
        root = _chain_root(call.callee)
        for _ in range(3):
            symbol = self.program.lookup(file, root)
            if symbol is None:
                return False
            if symbol.package is not None:
                return any(
                    symbol.package == p or symbol.package.startswith(p + "/")
                    for p in active_knowledge().cli_packages
                )
            made = self.program.value_call(symbol)
            if made is None:
                return False
            file, root = symbol.file, _chain_root(made.callee)
        return False

    def _safe_action(self, entry: Entry, facts: FileFacts, call: Call) -> None:
        """`client.inputSchema(s).action(async ({ parsedInput, ctx }) => ...)` and plain wrappers."""
        if call.name not in ("action", "stateAction"):
            self._unwrap(entry, facts.path, call)
            if entry.handler is not None:
                entry.seeds = _argument_seeds(self.program, entry.handler)
            return
        entry.chain = builder_chain(self.program, facts.path, call)
        handler_arg = next((a for a in call.args if a.func is not None), None)
        if handler_arg is None or handler_arg.func is None:
            entry.unresolved = "the action body is not an inline function"
            return
        entry.handler = (facts.path, handler_arg.func)
        function = facts.functions[handler_arg.func]
        first = function.params[0] if function.params else None
        by_key = first.by_key if first is not None else {}
        has_schema = any(c.name in ("schema", "inputSchema") for _f, c in entry.chain)
        seeds = Seeds(identity_paths=context_identity_paths())
        for name in by_key.get("parsedInput", []) + by_key.get("clientInput", []):
            seeds.inputs[name] = "action input"
            if has_schema and name not in by_key.get("clientInput", []):
                seeds.validated.add(name)
        for name in by_key.get("ctx", []):
            if name != "ctx":
                seeds.identity[name] = Evidence(
                    file=facts.path, line=function.line, detail=f"{name} from the action context"
                )
        for bound in function.params[1:2]:
            for name in bound.names:
                seeds.inputs[name] = "bound arguments"
        entry.seeds = seeds


def _chain_root(callee: str) -> str:
    """The name a call chain starts from: `Command` in `new Command().name().action`."""
    return callee.removeprefix("await ").removeprefix("new ").split(".", 1)[0].split("(", 1)[0]


def _request_seeds(
    program: Program, handler: tuple[str, int | None] | None, *, pages: bool = False
) -> Seeds:
    """A route handler's (request, { params }); a Pages API handler's (req, res), where the second
    is the response the handler writes, not input."""
    seeds = Seeds()
    if handler is None or handler[1] is None:
        return seeds
    function = program.function(handler[0], handler[1])
    labels: tuple[str, ...] = ("request",) if pages else ("request", "route params")
    for param, label in zip(function.params, labels, strict=False):
        for name in param.names:
            seeds.inputs[name] = label
    return seeds


def _route_prop_seeds(program: Program, handler: tuple[str, int | None]) -> Seeds:
    """`({ params, searchParams })` or `(props)` read as `props.params`: the names holding them."""
    seeds = Seeds()
    assert handler[1] is not None
    function = program.function(handler[0], handler[1])
    if not function.params:
        return seeds
    props = function.params[0]
    for key in ROUTE_PROPS:
        for name in props.by_key.get(key, []):
            seeds.inputs[name] = "route params"
    if not props.keys and props.name.isidentifier():
        facts = program.files[handler[0]]
        reads = {
            path
            for var in facts.vars
            if var.func == handler[1] and var.init is not None
            for path in var.init.paths
        } | {
            path
            for call in facts.calls
            if call.func == handler[1]
            for a in call.args
            for path in a.paths
        }
        if any(p.startswith(f"{props.name}.{key}") for p in reads for key in ROUTE_PROPS):
            seeds.inputs[props.name] = "route params"
    return seeds


def _argument_seeds(program: Program, handler: tuple[str, int | None] | None) -> Seeds:
    seeds = Seeds()
    if handler is None or handler[1] is None:
        return seeds
    function = program.function(handler[0], handler[1])
    for param in function.params:
        for name in param.names:
            seeds.inputs[name] = "action arguments"
    return seeds


# -- the registry of entry-point kinds ---------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """An entry-point kind found file by file: `applies` says whether a file of the app can hold
    one, `find` reads its entry points from the file's facts."""

    name: str
    applies: Callable[[AppLayout, str], bool]
    find: Callable[[EntryFinder, AppLayout, FileFacts], list[Entry]]


@dataclass(frozen=True)
class MountedKind:
    """An entry-point kind found once per app: `collect` gathers what each file of the app declares
    (router calls), `find` turns it, with the app's file-level entry points (the route handlers a
    router or an app is mounted in), into entry points."""

    name: str
    collect: Callable[[str, FileFacts], list[Any]]
    find: Callable[[Program, AppLayout, list[Any], list[Entry]], list[Entry]]


def _stem_in(app: AppLayout, file: str, stems: tuple[str, ...]) -> bool:
    return (
        bool(app.app_dir)
        and _under(file, app.app_dir)
        and (_strip_suffix(posixpath.basename(file)) in stems)
    )


def _in_pages_api(app: AppLayout, file: str) -> bool:
    return bool(app.pages_dir) and _under(file, posixpath.join(app.pages_dir or "", "api"))


# The entry-point kinds, file-level first. A new kind is a finder and one line here.
FILE_KINDS: tuple[FileKind, ...] = (
    FileKind(
        "route_handler", lambda a, f: _stem_in(a, f, ROUTE_FILE_STEMS), EntryFinder.route_handlers
    ),
    FileKind("page", lambda a, f: _stem_in(a, f, PAGE_FILE_STEMS), EntryFinder.pages),
    FileKind("pages_api", _in_pages_api, EntryFinder.pages_api),
    FileKind("server_action", lambda _a, _f: True, EntryFinder.server_actions),
)
MOUNTED_KINDS: tuple[MountedKind, ...] = (
    MountedKind(
        "trpc_procedure",
        lambda file, facts: list(routers_in(file, facts)),
        lambda program, app, routers, _found: find_procedures(program, app.path, routers),
    ),
    MountedKind(
        "trpc_v9_procedure",
        lambda file, facts: list(named_procedures_in(file, facts)),
        lambda program, app, procedures, _found: find_named_procedures(
            program, app.path, procedures
        ),
    ),
    MountedKind(
        "hono_route",
        lambda _file, _facts: [],
        lambda program, _app, _nothing, found: hono_routes(program, found),
    ),
)
