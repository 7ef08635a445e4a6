"""Entry-point problems beyond the five checks: exposure, shared caches, redirects, uploads,
revalidation, deletes, locking."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archtools.analysis.cache_exposure import shared_cache_exposures
from archtools.analysis.cached_models import cached_models
from archtools.analysis.check_then_act import check_then_act_problems
from archtools.analysis.context import AnalysisContext, sensitive_fields
from archtools.analysis.data_integrity import write_problems
from archtools.analysis.entry_scope import Problem
from archtools.analysis.exposure_rows import (
    RESPONSE_CALLS,
    Shape,
    fields_sent,
    output_shape,
    secret_fields,
    sent_values,
    top_level_names,
    whole_names,
)
from archtools.analysis.flow import Flow, function_scope
from archtools.analysis.program import Program
from archtools.analysis.query_loops import query_loop_problems
from archtools.analysis.query_scale import scale_problems
from archtools.analysis.redirects import open_redirects
from archtools.analysis.roles import DbOp
from archtools.analysis.write_sequences import write_sequence_problems
from archtools.facts.code import Call, Expr, FileFacts
from archtools.facts.outline import Holds, holding, whole_pass
from archtools.results import EntryKind, Evidence

if TYPE_CHECKING:
    from archtools.analysis.entry import Entry

REVALIDATE_CALLS = ("revalidatePath", "revalidateTag", "updateTag", "refresh", "redirect")


@dataclass(frozen=True)
class _Response:
    """What an entry point sends back: the values it returns or responds with, the names they
    hand on whole (and those whose fields land at the top of its result), the functions whose
    result it responds with, the output schema its result passes through, and whether the caller
    may read back bearer tokens."""

    ctx: AnalysisContext
    facts: FileFacts
    funcs: set[int | None]
    sent: list[Expr]
    returned_roots: set[str]
    top_level: set[str]
    responded: set[tuple[str, int | None]]
    output: Shape | None
    signed_in: bool
    # why each row with secret fields stays out of the response (exposure_proof)
    proofs: list[Evidence] = field(default_factory=list)


def entry_problems(
    ctx: AnalysisContext,
    entry: Entry,
    facts: FileFacts,
    funcs: set[int | None],
    flow: Flow,
    ops_with_flow: list[tuple[DbOp, Flow]],
    *,
    signed_in: bool = False,
    privileged: bool = False,
    proofs: list[Evidence] | None = None,
) -> list[Problem]:
    """signed_in: the caller is a signed-in user (or an API key's holder), who may read back the
    bearer tokens of the rows it may read; credentials stay secret from everyone. privileged: only
    an admin, a moderator or an operator's secret reaches it, whose deletes are deliberate purges.
    `proofs`, when given, gets why each query reading secret fields keeps them out of the
    response."""
    problems: list[Problem] = []
    ops = [op for op, _flow in ops_with_flow]
    calls = [c for c in facts.calls if c.func in funcs]
    sent = sent_values(facts, funcs, calls)
    returned_roots = {r for expr in sent for r in whole_names(ctx, facts, expr)}
    handler = entry.handler[1] if entry.handler is not None else None
    response = _Response(
        ctx=ctx,
        facts=facts,
        funcs=funcs,
        sent=sent,
        returned_roots=returned_roots,
        top_level={
            name
            for ret in facts.returns
            if ret.func == handler and ret.value is not None
            for name in top_level_names(facts, ret.value)
        },
        responded=_responded_functions(ctx, facts, calls, returned_roots),
        output=output_shape(ctx, entry),
        signed_in=signed_in,
        proofs=proofs if proofs is not None else [],
    )
    # a file download (`Content-Disposition: attachment`) is complete by design: not a page
    download = any("content-disposition" in a.text.lower() for c in calls for a in c.args)
    for op in ops:
        if op.model is None:
            continue
        exposed = _exposure(response, op, op.model)
        if exposed is not None:
            problems.append(exposed)
        problems.extend(write_problems(ctx, op, op.model, purge=privileged))
        listed = not download and _rows_reach_client(response, op)
        problems.extend(scale_problems(ctx, op, listed))
    problems.extend(query_loop_problems(ctx, ops))
    problems.extend(write_sequence_problems(ctx, ops))
    problems.extend(check_then_act_problems(ctx, ops))
    problems.extend(shared_cache_exposures(ctx.program, ops_with_flow))
    revalidation = _missing_revalidation(ctx, entry, ops, calls)
    if revalidation is not None:
        problems.append(revalidation)
    problems.extend(open_redirects(ctx, facts, calls, flow))
    untyped = _untyped_handler(entry, facts)
    if untyped is not None:
        problems.append(untyped)
    return problems


def _exposure(response: _Response, op: DbOp, model: str) -> Problem | None:
    """EXP001: a query returns whole rows with secret fields and the entry point sends them back,
    unless what it sends passes through a schema that strips every one of them first (a
    `schema.parse(row)` in its code, or the output schema of the procedure or action)."""
    fields = secret_fields(response.ctx, model, signed_in=response.signed_in)
    if not fields:
        readable = sensitive_fields(response.ctx.schema, model)
        if readable:
            detail = (
                f"`{model}`: {', '.join(readable)} are no secret from this caller (bearer "
                "tokens the signed-in caller holds, or digests of public content)"
            )
            response.proofs.append(Evidence(file=op.file, line=op.line, detail=detail))
        return None
    secrets = ", ".join(fields)

    def kept_out(why: str) -> None:
        detail = f"`{model}`: {op.callee}() {why}, keeping {secrets} out of the response"
        response.proofs.append(Evidence(file=op.file, line=op.line, detail=detail))

    if not op.returns_rows:
        kept_out("returns no rows")
        return None
    if op.narrowed:
        kept_out("picks its fields (select, omit or columns)")
        return None
    own = op.file == response.facts.path and op.func in response.funcs
    if own and not op.returned:  # what the responses carry of it, once parsed by their schemas
        sent = fields_sent(response.ctx, response.facts, response.sent, op.assigned_to, fields)
        leaks = bool(sent)
        why = "is read into values no response carries whole"
        fields_leaked = sent
    else:  # returned itself, or in a helper: only what the helper hands back to a response
        leaks = own or _helper_returns_row(response.ctx, op, response.responded)
        why = "is called by a helper whose result no response carries"
        fields_leaked = fields
    if not leaks:
        kept_out(why)
        return None
    fields = fields_leaked
    if response.output is not None:
        # where the row sits in the result is known only for the handler's own rows
        at_top = own and (op.returned or bool(set(op.assigned_to) & response.top_level))
        output = response.output
        fields = [f for f in fields if (output.passes(f) if at_top else output.passes_anywhere(f))]
        if not fields:
            kept_out("returns rows the output schema strips")
            return None
    return Problem(
        "EXP001",
        op.file,
        op.line,
        f"{op.callee}() returns whole {model} rows, including {', '.join(fields)}",
        f"sensitive:{model}:{op.callee}",
        model,
    )


def _rows_reach_client(response: _Response, op: DbOp) -> bool:
    """Whether the rows of a read are sent back, whole or mapped (`rows.map(...)`), by the entry
    point's own code or by a helper whose result it sends back."""
    if op.file != response.facts.path or op.func not in response.funcs:
        return _helper_returns_row(response.ctx, op, response.responded)
    if op.returned or any(part.call == op.call for e in response.sent for part in e.parts()):
        return True
    rows = set(op.assigned_to)
    for var in response.facts.vars:  # `const items = rows.map(toItem)`
        if (
            var.func in response.funcs
            and var.init is not None
            and var.line > op.line
            and rows & whole_names(response.ctx, response.facts, var.init)
        ):
            rows.update(var.names)
    return bool(rows & response.returned_roots)


def _missing_revalidation(
    ctx: AnalysisContext, entry: Entry, ops: list[DbOp], calls: list[Call]
) -> Problem | None:
    """NXT001: a Server Action changes data that a server cache serves (cached_models.py) but
    never revalidates a path or tag."""
    if not (
        entry.kind == EntryKind.SERVER_ACTION
        and ctx.caches
        and _server_caches(ctx.program)
        and any(op.kind != "read" for op in ops)
        and not any(c.name in REVALIDATE_CALLS for c in calls)
    ):
        return None
    cached = frozenset().union(*(cached_models(ctx, app) for app in _apps_running(ctx, entry)))
    stale = [op for op in ops if op.kind != "read" and (op.model in cached or None in cached)]
    if not stale:
        return None  # what it changes is never served from a cache of the server
    first = stale[0]
    return Problem(
        "NXT001",
        first.file,
        first.line,
        f"Server Action {entry.name} changes {first.model} but never revalidates a path or tag",
        f"revalidate:{entry.id}",
        first.model,
    )


def _apps_running(ctx: AnalysisContext, entry: Entry) -> list[str]:
    """The apps a Server Action runs in: its own, or, for one written in a shared package, every
    app with a module that imports it (all of them when the importers are too many to follow)."""
    roots = [app.path for app in ctx.apps]
    if any(root == "." or entry.file.startswith(root + "/") for root in roots):
        return [entry.app]
    importers = ctx.importers.modules_importing(entry.file)
    if importers is None:
        return roots
    return [r for r in roots if any(f.startswith(r + "/") for f in importers)]


_CLIENT_HOOKS = ("useState", "useEffect", "useLayoutEffect", "useReducer")
_SERVER_CACHES: dict[int, tuple[weakref.ref[Program], bool]] = {}


def _server_caches(program: Program) -> bool:
    """Whether a cache marker of the app (context.app_caches) sits in code the server runs: a
    client component module (`'use client'`, or one calling React's state and effect hooks, which
    only run in the browser) fetches from the browser, whose HTTP cache no revalidation of the
    server refreshes. Computed once per program."""
    known = _SERVER_CACHES.get(id(program))
    if known is not None and known[0]() is program:
        return known[1]
    with whole_pass(program.files):
        found = any(
            "use client" not in facts.directives
            and not any(call.callee in _CLIENT_HOOKS for call in facts.calls)
            for facts in map(program.files.__getitem__, holding(program.files, Holds.NEXT_CACHES))
        )
    _SERVER_CACHES[id(program)] = (weakref.ref(program), found)
    return found


def _untyped_handler(entry: Entry, facts: FileFacts) -> Problem | None:
    """TYP001: the handler takes or returns `any`, so its input is not type-checked."""
    if entry.handler is None or entry.handler[1] is None:
        return None
    function = facts.functions[entry.handler[1]] if entry.handler[0] == facts.path else None
    if function is None:
        return None
    for use in facts.any_uses:
        if use.func == function.index and use.where in ("parameter", "return"):
            return Problem(
                "TYP001",
                facts.path,
                use.line,
                f"{entry.name} takes or returns `any`: its input is not type-checked",
                f"any:{entry.id}",
            )
    return None


def upload_checks(facts: FileFacts, funcs: set[int | None], flow: Flow) -> list[tuple[int, str]]:
    """Comparisons on an uploaded file's `type`: the MIME type the client declared, not the content.
    (`size` is counted from the bytes received, so checking it is sound.)"""
    uploads = _upload_names(facts, funcs, flow)
    found: list[tuple[int, str]] = []
    for call in facts.calls:
        if call.func in funcs and call.name in (
            "startsWith",
            "includes",
            "endsWith",
            "test",
            "match",
        ):
            owner = call.callee.rsplit(".", 1)[0]
            if owner.endswith(".type") and owner.split(".", 1)[0] in uploads:
                found.append((call.line, owner))
    for cmp in facts.comparisons:
        if cmp.func not in funcs:
            continue
        for side in (cmp.left, cmp.right):
            trusted = [
                p for p in side.paths if p.endswith(".type") and p.split(".", 1)[0] in uploads
            ]
            if trusted:
                found.append((cmp.line, trusted[0]))
                break
    return sorted(set(found))


def _upload_names(facts: FileFacts, funcs: set[int | None], flow: Flow) -> set[str]:
    """Client inputs that hold an uploaded file: taken from form data, or named like one."""
    hints = ("file", "upload", "image", "avatar", "attachment", "blob", "photo", "document")
    names = set()
    for var in facts.vars:
        if var.func not in funcs or var.init is None:
            continue
        text = var.init.text.lower()
        for name in var.names:
            if name in flow.inputs and (
                "formdata" in text or any(h in name.lower() for h in hints)
            ):
                names.add(name)
    return names


def _responded_functions(
    ctx: AnalysisContext, facts: FileFacts, calls: list[Call], returned_roots: set[str]
) -> set[tuple[str, int | None]]:
    """The repository functions whose result the entry point sends back (returned, put in a response,
    or assigned to a value that is), and the functions those hand their own result from."""
    in_response = {
        arg.call
        for call in calls
        if call.name in RESPONSE_CALLS or call.callee.endswith(".json")
        for outer in call.args
        for arg in (outer, *(pair.value for pair in outer.pairs))
        if arg.call is not None
    }
    frontier = [
        (facts.path, call)
        for call in calls
        if call.returned or set(call.assigned_to) & returned_roots or call.index in in_response
    ]
    found: set[tuple[str, int | None]] = set()
    for _ in range(4):
        following: list[tuple[str, Call]] = []
        for file, call in frontier:
            target = ctx.summaries.target(file, call)
            if target is None or target in found:
                continue
            found.add(target)
            inner = ctx.program.files[target[0]]
            scope = function_scope(inner, target[1])
            following += [(target[0], c) for c in inner.calls if c.func in scope and c.returned]
        frontier = following
    return found


def _helper_returns_row(
    ctx: AnalysisContext, op: DbOp, responded: set[tuple[str, int | None]]
) -> bool:
    facts = ctx.program.files[op.file]
    func = op.func
    while func is not None and (op.file, func) not in responded:
        func = facts.functions[func].parent
    if func is None:
        return False
    scope = function_scope(facts, func)
    returned = {
        r
        for ret in facts.returns
        if ret.func in scope and ret.value
        for r in whole_names(ctx, facts, ret.value)
    }
    return op.returned or bool(set(op.assigned_to) & returned)
