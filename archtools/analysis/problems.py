"""Entry-point problems beyond the five checks: exposure, shared caches, redirects, uploads,
revalidation, deletes, locking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from archtools.analysis.cache_exposure import shared_cache_exposures
from archtools.analysis.context import (
    AnalysisContext,
    is_credential_name,
    sensitive_fields,
)
from archtools.analysis.entry_scope import Problem
from archtools.analysis.flow import Flow, function_scope
from archtools.analysis.roles import DbOp
from archtools.facts.code import Call, Expr, ExprKind, FileFacts
from archtools.knowledge.vocabulary import is_soft_delete_field, is_version_field, loose
from archtools.results import EntryKind

if TYPE_CHECKING:
    from archtools.analysis.entry import Entry

REDIRECT_CALLS = (
    "redirect",
    "permanentRedirect",
    "NextResponse.redirect",
    "Response.redirect",
    "res.redirect",
)
REVALIDATE_CALLS = ("revalidatePath", "revalidateTag", "updateTag", "refresh", "redirect")
RESPONSE_CALLS = ("json", "send", "Response", "NextResponse")


@dataclass(frozen=True)
class _Response:
    """What an entry point sends back: the names returned whole and the functions whose result it
    responds with, and whether the caller may read back bearer tokens."""

    ctx: AnalysisContext
    facts: FileFacts
    funcs: set[int | None]
    returned_roots: set[str]
    responded: set[tuple[str, int | None]]
    signed_in: bool


def entry_problems(
    ctx: AnalysisContext,
    entry: Entry,
    facts: FileFacts,
    funcs: set[int | None],
    flow: Flow,
    ops_with_flow: list[tuple[DbOp, Flow]],
    *,
    signed_in: bool = False,
) -> list[Problem]:
    """signed_in: the caller is a signed-in user (or an API key's holder), who may read back the
    bearer tokens of the rows it may read; credentials stay secret from everyone."""
    problems: list[Problem] = []
    ops = [op for op, _flow in ops_with_flow]
    calls = [c for c in facts.calls if c.func in funcs]
    returned_roots = _returned_roots(facts, funcs, calls)
    response = _Response(
        ctx=ctx,
        facts=facts,
        funcs=funcs,
        returned_roots=returned_roots,
        responded=_responded_functions(ctx, facts, calls, returned_roots),
        signed_in=signed_in,
    )
    for op in ops:
        if op.model is None:
            continue
        exposed = _exposure(response, op, op.model)
        if exposed is not None:
            problems.append(exposed)
        problems.extend(_write_problems(ctx, op, op.model))
    problems.extend(shared_cache_exposures(ctx.program, ops_with_flow))
    revalidation = _missing_revalidation(ctx, entry, ops, calls)
    if revalidation is not None:
        problems.append(revalidation)
    problems.extend(_open_redirects(ctx, facts, calls, flow))
    untyped = _untyped_handler(entry, facts)
    if untyped is not None:
        problems.append(untyped)
    return problems


def _returned_roots(facts: FileFacts, funcs: set[int | None], calls: list[Call]) -> set[str]:
    """The values sent back whole (`return invite`, `{ ...invite }`), not one field of them
    (`invite.email`): returned, or handed to a response."""
    returned_roots = {
        r
        for ret in facts.returns
        if ret.func in funcs and ret.value
        for r in _whole(facts, ret.value)
    }
    for call in calls:
        if call.returned or call.name in RESPONSE_CALLS or call.callee.endswith(".json"):
            returned_roots |= {r for a in call.args for r in _whole(facts, a)}
    return returned_roots


def _exposure(response: _Response, op: DbOp, model: str) -> Problem | None:
    """EXP001: a query returns whole rows with secret fields and the entry point sends them back."""
    secret_fields = sensitive_fields(response.ctx.schema, model)
    if response.signed_in:
        secret_fields = [f for f in secret_fields if is_credential_name(f)]
    if not (secret_fields and op.returns_rows and not op.narrowed):
        return None
    if op.file == response.facts.path and op.func in response.funcs:
        leaks = op.returned or bool(set(op.assigned_to) & response.returned_roots)
    else:  # in a helper: only what the helper hands back to a response
        leaks = _helper_returns_row(response.ctx, op, response.responded)
    if not leaks:
        return None
    return Problem(
        "EXP001",
        op.file,
        op.line,
        f"{op.callee}() returns whole {model} rows, including {', '.join(secret_fields)}",
        f"sensitive:{model}:{op.callee}",
        model,
    )


def _write_problems(ctx: AnalysisContext, op: DbOp, model: str) -> list[Problem]:
    """DATA001: a hard delete of a soft-deleted model; DATA002: an update of a versioned model that
    does not check the version."""
    problems: list[Problem] = []
    schema_model = ctx.schema.model(model)
    field_names = {f.name for f in schema_model.fields} if schema_model else set()
    soft_delete = sorted(f for f in field_names if is_soft_delete_field(f))
    if op.kind == "delete" and soft_delete:
        soft = soft_delete[0]
        problems.append(
            Problem(
                "DATA001",
                op.file,
                op.line,
                f"{op.callee}() hard-deletes {model}, which is soft-deleted through {soft}",
                f"hard-delete:{model}:{op.callee}",
                model,
            )
        )
    version = sorted(f for f in field_names if is_version_field(f))
    written = {p.key for d in op.data for p in d.pairs}
    soft_only = bool(written) and all(
        is_soft_delete_field(key) or loose(key) == "updatedat" for key in written
    )
    if (
        op.kind == "write"
        and version
        and op.where
        and not soft_only
        and op.operation not in ("create", "insert", "upsert")
        and not any(version[0] in w.text for w in op.where)
    ):
        problems.append(
            Problem(
                "DATA002",
                op.file,
                op.line,
                f"{op.callee}() updates {model} without checking {version[0]}: concurrent edits are lost",
                f"optimistic-lock:{model}:{op.callee}",
                model,
            )
        )
    return problems


def _missing_revalidation(
    ctx: AnalysisContext, entry: Entry, ops: list[DbOp], calls: list[Call]
) -> Problem | None:
    """NXT001: a Server Action changes data behind a cache but never revalidates a path or tag."""
    if not (
        entry.kind == EntryKind.SERVER_ACTION
        and ctx.caches
        and any(op.kind != "read" for op in ops)
        and not any(c.name in REVALIDATE_CALLS for c in calls)
    ):
        return None
    first = next(op for op in ops if op.kind != "read")
    return Problem(
        "NXT001",
        first.file,
        first.line,
        f"Server Action {entry.name} changes {first.model} but never revalidates a path or tag",
        f"revalidate:{entry.id}",
        first.model,
    )


def _open_redirects(
    ctx: AnalysisContext, facts: FileFacts, calls: list[Call], flow: Flow
) -> list[Problem]:
    """NXT002: redirects to a destination the client chose, off this origin."""
    problems: list[Problem] = []
    for call in calls:
        if (
            call.callee in REDIRECT_CALLS
            and call.args
            and (flow.is_input(call.args[0]) or flow.is_client_value(call.args[0]))
            and not _same_origin_path(call.args[0].text)
            and not ctx.sinks.fixed_origin(facts.path, call.args[0], set(flow.inputs))
            and not _provider_response(facts, call.args[0], flow)
        ):
            problems.append(
                Problem(
                    "NXT002",
                    facts.path,
                    call.line,
                    f"{call.callee}() sends the user to {code(call.args[0].text)}, chosen by the client",
                    f"open-redirect:{call.callee}:{call.args[0].text}",
                )
            )
    return problems


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


def _same_origin_path(text: str) -> bool:
    """A target that starts with a fixed local path (`/notes/${id}`, `new URL("/x", req.url)`)
    cannot leave the site."""
    if text.startswith("new URL("):
        text = text.removeprefix("new URL(").lstrip()
    stripped = text[1:] if text[:1] in "`'\"" else ""
    # `/${next}` is not: the client's `/evil.example` makes it `//evil.example`, another site
    return stripped.startswith("/") and not stripped.startswith(("//", "/\\", "/${"))


def _provider_response(facts: FileFacts, target: Expr, flow: Flow) -> bool:
    """A target taken from what a service's client answered (`session.url` of
    `stripe.checkout.sessions.create(...)`, `data.url` of `supabase.auth.signInWithOAuth(...)`):
    the provider's page, whatever the client's values that went into the request."""
    if not target.roots or not any(p.lower().endswith("url") for p in target.paths):
        return False
    for root in target.roots:
        if root in flow.validated:  # `schema.parse(query)`: the client's value, checked
            return False
        decls = [v for v in facts.vars if root in v.names and v.init is not None]
        if len(decls) != 1 or decls[0].init is None or decls[0].init.call is None:
            return False
        made = facts.calls[decls[0].init.call]
        callee = made.callee.removeprefix("await ")
        service = callee.split(".", 1)[0].split("(", 1)[0]
        if "." not in callee or not service or service in flow.inputs:
            return False
    return True


def code(text: str) -> str:
    """Source text quoted for a message: in backticks unless it holds one itself."""
    return f"`{text}`" if "`" not in text else f"«{text}»"


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
        for r in _whole(facts, ret.value)
    }
    return op.returned or bool(set(op.assigned_to) & returned)


def _whole(facts: FileFacts, expr: Expr, depth: int = 0) -> set[str]:
    """The names an expression hands on whole: `invite`, `{ ...invite }`, `[invite]`, `f(invite)`;
    not `invite.email`, which is one field of it."""
    if depth > 6:
        return set(expr.roots)
    if expr.kind == ExprKind.IDENTIFIER:
        return {expr.text}
    if expr.kind == ExprKind.MEMBER:
        return set()
    if expr.kind == ExprKind.OBJECT and expr.pairs:
        return {r for pair in expr.pairs for r in _whole(facts, pair.value, depth + 1)}
    if expr.kind == ExprKind.ARRAY and expr.items:
        return {r for item in expr.items for r in _whole(facts, item, depth + 1)}
    if expr.kind == ExprKind.CALL and expr.call is not None:
        call = facts.calls[expr.call]
        return {r for arg in call.args for r in _whole(facts, arg, depth + 1)} | (
            {call.callee.split(".", 1)[0]} & set(expr.roots) if "." in call.callee else set()
        )
    return {r for r in expr.roots if not any(p.startswith(r + ".") for p in expr.paths)} or (
        set(expr.roots) - {p.split(".", 1)[0] for p in expr.paths}
    )
