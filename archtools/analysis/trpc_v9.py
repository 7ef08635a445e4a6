"""tRPC v9 routers: procedures chained on a router by name (`createRouter().query("feed", { input,
resolve })`), routers merged under a prefix (`.merge("post.", postRouter)`), and middleware chained
before them (`trpc.router().middleware(fn)`, often inside a factory such as
`createProtectedRouter()`)."""

from __future__ import annotations

from dataclasses import dataclass

from archtools.analysis.entry import TRPC_KINDS, Entry, builder_chain
from archtools.analysis.program import Program
from archtools.analysis.trpc import context_seeds
from archtools.facts.code import Call, ExprKind, FileFacts
from archtools.facts.outline import Holds, holding, whole_pass
from archtools.results import EntryKind, Evidence

MAX_MERGE_DEPTH = 8


@dataclass(frozen=True)
class NamedProcedure:
    """One `.query("name", { ... })` call of a v9 router chain."""

    file: str
    call: Call


def named_procedures_in(file: str, facts: FileFacts) -> list[NamedProcedure]:
    """The v9 procedure calls of a file: a name written as a string, then an object whose
    `resolve` is the handler."""
    return [
        NamedProcedure(file, call)
        for call in facts.calls
        if call.name in TRPC_KINDS
        and len(call.args) >= 2
        and call.args[0].kind == ExprKind.STRING
        and call.args[1].kind == ExprKind.OBJECT
        and any(
            pair.key == "resolve" and pair.value.func is not None for pair in call.args[1].pairs
        )
    ]


def find_named_procedures(
    program: Program, app: str, procedures: list[NamedProcedure]
) -> list[Entry]:
    """Entry points for the v9 procedures, each named by its router's merge prefixes."""
    if not procedures:
        return []  # no router to name: the merges are not looked for
    merges = _merges(program)
    return [_entry(program, app, found, merges) for found in procedures]


def _string(text: str) -> str:
    return text.strip().strip("'\"`")


def _outermost(facts: FileFacts, call: Call) -> Call:
    """The last call of the chain `call` belongs to (`createRouter().query(...).mutation(...)`)."""
    parent = {c.receiver: c for c in facts.calls if c.receiver is not None}
    while call.index in parent:
        call = parent[call.index]
    return call


def _router_name(facts: FileFacts, call: Call) -> str | None:
    """The variable a router chain is assigned to (`export const postRouter = ...`)."""
    outer = _outermost(facts, call)
    for var in facts.vars:
        if var.init is not None and var.init.call == outer.index and len(var.names) == 1:
            return var.names[0]
    return None


@dataclass(frozen=True)
class _Merge:
    file: str
    call: Call
    prefix: str
    target: tuple[str, str]  # (file, name) of the router it merges


def _merges(program: Program) -> list[_Merge]:
    """Every `.merge(prefix, router)` (or `.merge(router)`) whose router the program resolves."""
    found: list[_Merge] = []
    with whole_pass(program.files):
        merging = [
            (file, program.files[file]) for file in holding(program.files, Holds.MERGE_CALLS)
        ]
    for file, facts in merging:
        for call in facts.calls:
            if call.name != "merge" or not call.args:
                continue
            router = call.args[-1]
            if router.kind != ExprKind.IDENTIFIER:
                continue
            symbol = program.lookup(file, router.text)
            if symbol is None or symbol.package is not None:
                continue
            prefix = (
                _string(call.args[0].text)
                if len(call.args) >= 2 and call.args[0].kind == ExprKind.STRING
                else ""
            )
            found.append(_Merge(file, call, prefix, (symbol.file, symbol.name)))
    return found


def _prefix(
    program: Program, file: str, name: str | None, merges: list[_Merge], depth: int = 0
) -> str:
    """The dotted prefix a router is reached under from the app's root router."""
    if name is None or depth > MAX_MERGE_DEPTH:
        return ""
    for merge in merges:
        if merge.target == (file, name):
            parent = _router_name(program.files[merge.file], merge.call)
            return _prefix(program, merge.file, parent, merges, depth + 1) + merge.prefix
    return ""


def _entry(program: Program, app: str, found: NamedProcedure, merges: list[_Merge]) -> Entry:
    facts = program.files[found.file]
    call = found.call
    key = _string(call.args[0].text)
    route = _prefix(program, found.file, _router_name(facts, call), merges) + key
    entry = Entry(
        kind=EntryKind.TRPC_PROCEDURE,
        file=found.file,
        line=call.line,
        name=key,
        method=call.name,
        route=route,
        app=app,
        handler=None,
    )
    entry.chain = builder_chain(program, found.file, call)
    options = {pair.key: pair.value for pair in call.args[1].pairs}
    resolve = options["resolve"]
    assert resolve.func is not None
    entry.handler = (found.file, resolve.func)
    seeds = context_seeds(facts, resolve.func)
    schema = options.get("input")
    if schema is not None:
        entry.input_schema = Evidence(
            file=found.file,
            line=schema.line,
            detail=f"input validated by the `input` schema of {key}",
        )
    for param in program.function(found.file, resolve.func).params[:1]:
        for name in param.by_key.get("input", ["input"] if param.name == "input" else []):
            seeds.inputs[name] = "tRPC input"
            if schema is not None:
                seeds.validated.add(name)
    entry.seeds = seeds
    return entry
