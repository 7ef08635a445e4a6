"""What an entry point is before its checks, and the builder chains entry-point kinds share
(next-safe-action clients, tRPC procedures): the base the kind modules (entrypoints, trpc, hono)
build on, so that none of them imports another."""

from __future__ import annotations

from dataclasses import dataclass, field

from archtools.analysis.flow import Seeds
from archtools.analysis.program import Program, Symbol
from archtools.facts.code import Call
from archtools.results import EntryKind, Evidence

TRPC_ROUTER_CALLS = ("createTRPCRouter", "router", "createRouter", "mergeRouters")
TRPC_KINDS = ("query", "mutation", "subscription")


@dataclass(frozen=True)
class AppLayout:
    path: str  # the app root, "." for a single app
    app_dir: str | None
    pages_dir: str | None
    middleware: str | None
    next_version: str | None


@dataclass
class Entry:
    """An entry point before its checks: where it is and which code runs for it."""

    kind: EntryKind
    file: str
    line: int
    name: str
    method: str
    route: str | None
    app: str
    handler: tuple[str, int | None] | None  # the function whose body runs
    seeds: Seeds = field(default_factory=Seeds)
    wrappers: list[Call] = field(default_factory=list)  # HOF wrappers around the handler
    chain: list[tuple[str, Call]] = field(default_factory=list)  # builder chain (safe-action, tRPC)
    branch: tuple[int, int] | None = None  # line range of a `req.method` branch
    public_reason: str | None = None
    unresolved: str | None = None
    # an input schema declared outside the chain (a tRPC v9 procedure's `input` option)
    input_schema: Evidence | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def id(self) -> str:
        kind = self.kind.value
        if self.kind == EntryKind.TRPC_PROCEDURE:
            return f"{kind}:{self.file}#{self.route}"
        if self.kind == EntryKind.PAGES_API and self.method != "*":
            return f"{kind}:{self.file}#{self.name}.{self.method}"
        return f"{kind}:{self.file}#{self.name}"


def builder_chain(
    program: Program, file: str, call: Call, depth: int = 0
) -> list[tuple[str, Call]]:
    """A builder chain through the variables it starts from: `authClient.schema(s).action(f)` where
    `authClient = baseClient.use(mw)` and `baseClient = createSafeActionClient()`. Innermost first."""
    links = [(file, c) for c in program.chain(file, call)]
    head_file, head = links[0]
    root = head.callee.split(".", 1)[0].split("(", 1)[0]
    if depth > 8:
        return links
    symbol = program.lookup(head_file, root)
    if symbol is None or symbol.package is not None:
        return links
    if root == head.callee:
        # A factory: `scopedProcedure("tags")` where the function returns `authed.use(...)`.
        returned = _returned_builder(program, symbol)
        if returned is None:
            return links
        return builder_chain(program, symbol.file, returned, depth + 1) + links
    value_call = program.value_call(symbol)
    if value_call is None:
        return links
    return builder_chain(program, symbol.file, value_call, depth + 1) + links


def _returned_builder(program: Program, symbol: Symbol) -> Call | None:
    """The outermost call a local function returns (`return base.use(mw)` gives the `use` call)."""
    if symbol.func is None or symbol.file not in program.files:
        return None
    calls = [c for c in program.files[symbol.file].calls if c.func == symbol.func and c.returned]
    receivers = {c.receiver for c in calls}
    outermost = [c for c in calls if c.index not in receivers]
    return outermost[-1] if len(outermost) == 1 else None


def chain_schema(entry: Entry) -> Evidence | None:
    """The input schema of a procedure or action client (`.input(schema)`, `.schema(schema)`) that
    accepts some input (`.input(z.void())` accepts none), or the procedure's own `input` option."""
    if entry.input_schema is not None:
        return entry.input_schema
    for file, call in entry.chain:
        if call.name in ("input", "schema", "inputSchema") and not _takes_nothing(call):
            return Evidence(
                file=file,
                line=call.args[0].line if call.args else call.line,
                detail=f"input validated by {call.callee}()",
            )
    return None


_NO_INPUT_SCHEMAS = ("z.void()", "z.undefined()", "z.never()", "v.void()", "v.undefined()")


def _takes_nothing(schema_call: Call) -> bool:
    """`.schema(z.void())`: the procedure accepts no input at all."""
    return bool(schema_call.args) and schema_call.args[0].text.replace(" ", "") in _NO_INPUT_SCHEMAS
