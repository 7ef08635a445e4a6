"""Route handlers a library builds from the app's configuration (uploadthing's
`export const { GET, POST } = createRouteHandler({ router })`, Inngest's `serve({ functions })`):
the code that runs is the library's, so what each method does, by the catalog, decides its checks,
and for uploads the `.middleware()` the app gives each route is the guard."""

from __future__ import annotations

from dataclasses import dataclass

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry import Entry
from archtools.analysis.entry_scope import CHECK_NAMES_ORDER, EntryAnalysis, Problem, make_check
from archtools.analysis.knowledge import LibraryRouteHandler
from archtools.analysis.program import Program
from archtools.analysis.roles import CallClassifier
from archtools.analysis.summaries import Summaries
from archtools.facts.code import Call, ExportKind, Expr
from archtools.results import Check, CheckStatus, Evidence


@dataclass(frozen=True)
class LibraryMethod:
    """One method of a library-built route handler: the factory call and what the method does."""

    handler: LibraryRouteHandler
    role: str
    file: str
    call: Call


@dataclass(frozen=True)
class RouteGuard:
    """One route of a library's router (`imageUploader`) and the gate of its middleware, if any."""

    route: str
    file: str
    line: int
    gate: Evidence | None
    kind: str | None


def library_method(
    program: Program,
    classifier: CallClassifier,
    handlers: list[LibraryRouteHandler],
    entry: Entry,
) -> LibraryMethod | None:
    """The library handler an exported method is destructured from, when the catalog knows it."""
    found = _factory_call(program, entry)
    if found is None:
        return None
    file, call = found
    callee, package = classifier.canonical(file, call)
    if package is None:
        return None
    for handler in handlers:
        if (package == handler.package or package.startswith(handler.package + "/")) and (
            callee.rsplit(".", 1)[-1] == handler.factory
        ):
            role = handler.methods.get(entry.method or "")
            return LibraryMethod(handler, role, file, call) if role else None
    return None


def _factory_call(program: Program, entry: Entry) -> tuple[str, Call] | None:
    facts = program.files[entry.file]
    for export in facts.exports:
        if export.name != entry.name:
            continue
        init = export.init
        if export.kind == ExportKind.DESTRUCTURED and init is not None and init.call is not None:
            return entry.file, facts.calls[init.call]
        symbol = program.lookup(entry.file, export.local or export.name)
        if symbol is not None and symbol.destructured:
            made = program.value_call(symbol)
            if made is not None:
                return symbol.file, made
    return None


def router_guards(
    program: Program, summaries: Summaries, method: LibraryMethod
) -> list[RouteGuard] | None:
    """Each route of the router handed to the factory (`router: ourFileRouter`) with the gate its
    `.middleware()` callback puts before the upload; None when the router cannot be read."""
    option = method.handler.router
    if option is None or not method.call.args:
        return None
    value = next((p.value for p in method.call.args[0].pairs if p.key == option), None)
    if value is None:
        return None
    file, router = _object_of(program, method.file, value)
    if router is None or not router.pairs:
        return None
    facts = program.files[file]
    found: list[RouteGuard] = []
    for pair in router.pairs:
        if pair.value.call is None:
            return None
        chain = program.chain(file, facts.calls[pair.value.call])
        middleware = next((c for c in chain if c.name == "middleware"), None)
        func = middleware.args[0].func if middleware is not None and middleware.args else None
        summary = summaries.of(file, func) if func is not None else None
        gated = summary is not None and summary.auth_gate is not None and summary.auth_stops
        found.append(
            RouteGuard(
                route=pair.key,
                file=file,
                line=pair.value.line or (middleware.line if middleware else chain[0].line),
                gate=summary.auth_gate if gated and summary is not None else None,
                kind=summary.auth_kind if gated and summary is not None else None,
            )
        )
    return found


def _object_of(program: Program, file: str, value: Expr) -> tuple[str, Expr | None]:
    """The object literal a value is, or the module value it names holds."""
    if value.pairs:
        return file, value
    symbol = program.lookup(file, value.text)
    if symbol is None or symbol.value is None or symbol.package is not None:
        return file, None
    held = symbol.value
    return symbol.file, held if held.pairs else None


def library_route_analysis(ctx: AnalysisContext, entry: Entry) -> EntryAnalysis | None:
    """The checks of a method of a library-built route handler the catalog knows, or None."""
    method = library_method(
        ctx.program, ctx.classifier, ctx.knowledge.library_route_handlers, entry
    )
    if method is None:
        return None
    library = method.handler.library
    at = Evidence(file=method.file, line=method.call.line, detail="")
    if method.role == "config":
        na = make_check(
            CheckStatus.NA,
            _said(
                at,
                f"public by design: {library} answers {entry.method} with its own "
                "configuration; it reads and writes none of the app's data",
            ),
        )
        return EntryAnalysis(
            entry=entry, checks=dict.fromkeys(CHECK_NAMES_ORDER, na), public=True, models=[]
        )
    if method.role == "signed":
        key = f" ({method.handler.signing_key})" if method.handler.signing_key else ""
        signed = _said(
            at,
            f"{library} runs the app's functions only for a request signed with its "
            f"signing key{key}",
        )
        checks = dict.fromkeys(
            CHECK_NAMES_ORDER,
            make_check(
                CheckStatus.NA,
                _said(
                    at,
                    f"{library} hands the app's functions the events the app itself "
                    "sent, signed; no client picks a row or sends a value",
                ),
            ),
        )
        checks["authentication"] = Check(
            status=CheckStatus.PASS, evidence=[signed], kind="signature"
        )
        return EntryAnalysis(entry=entry, checks=checks, public=False, models=[])
    return _uploads(ctx, entry, method, at)


def _uploads(
    ctx: AnalysisContext, entry: Entry, method: LibraryMethod, at: Evidence
) -> EntryAnalysis:
    """An upload endpoint: authenticated when every route's middleware stops a signed-out
    caller; the library itself keeps to the types and sizes each route declares."""
    library = method.handler.library
    guards = router_guards(ctx.program, ctx.summaries, method)
    if guards is None:
        unknown = make_check(
            CheckStatus.UNKNOWN,
            _said(at, f"unknown: cannot read the router handed to {library}"),
        )
        return EntryAnalysis(
            entry=entry, checks=dict.fromkeys(CHECK_NAMES_ORDER, unknown), public=False, models=[]
        )
    open_routes = [g for g in guards if g.gate is None]
    problems: list[Problem] = []
    if open_routes:
        first = open_routes[0]
        authentication = make_check(
            CheckStatus.FAIL,
            Evidence(
                file=first.file,
                line=first.line,
                detail=f"the {library} route `{first.route}` has no middleware that stops a "
                "signed-out caller: anyone may upload",
            ),
        )
        problems = [
            Problem(
                rule="ATH001",
                file=g.file,
                line=g.line,
                message=f"the {library} route `{g.route}` does not authenticate the caller",
                key=f"missing-authentication:{entry.id}:{g.route}",
            )
            for g in open_routes
        ]
    else:
        gates = [g.gate for g in guards if g.gate is not None]
        authentication = Check(
            status=CheckStatus.PASS,
            evidence=[
                _said(gate, f"{library} route `{g.route}`: {gate.detail}")
                for g, gate in zip(guards, gates, strict=True)
            ],
            kind=guards[0].kind,
        )
    declared = make_check(
        CheckStatus.PASS,
        Evidence(
            file=guards[0].file,
            line=guards[0].line,
            detail=f"{library} accepts only the file types and sizes each route declares",
        ),
    )
    stored = make_check(
        CheckStatus.NA,
        _said(at, f"{library} stores each upload under a new key it picks itself"),
    )
    not_read = make_check(
        CheckStatus.UNKNOWN,
        _said(at, f"unknown: {library}'s own handler is not read for this check"),
    )
    checks = {
        "authentication": authentication,
        "authorization": stored,
        "input_validation": declared,
        "rate_limiting": not_read,
        "audit_logging": not_read,
    }
    return EntryAnalysis(entry=entry, checks=checks, public=False, models=[], problems=problems)


def _said(place: Evidence, detail: str) -> Evidence:
    """The same place, with what is said of it."""
    return Evidence(file=place.file, line=place.line, detail=detail)
