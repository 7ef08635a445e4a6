"""What a middleware hands the code after it about the caller: the context fields it passes to
`next({ ctx })` (tRPC) and the variables it sets on Hono's context (`c.set("team", team)`)."""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.flow import Flow
from archtools.facts.code import Expr, FileFacts


def handed_on(
    facts: FileFacts, funcs: set[int | None], flow: Flow, from_context: Callable[[Expr], bool]
) -> list[str]:
    """`next({ ctx: { ...ctx, user, workspace } })`: the context fields that hold the caller, or
    what a helper builds from it (`actor: actorFromContext(opts.ctx)`)."""
    learned: list[str] = []
    for next_call in facts.calls:
        if next_call.func not in funcs or next_call.name != "next":
            continue
        for arg in next_call.args:
            for pair in arg.pairs:
                if pair.key != "ctx":
                    continue
                learned += [
                    f"ctx.{field.key}"
                    for field in pair.value.pairs
                    if field.key != "..."
                    and (flow.is_identity(field.value) or from_context(field.value))
                ]
    return learned


def hono_variables(facts: FileFacts, func: int | None, flow: Flow) -> list[str]:
    """`c.set("team", team)` in a Hono middleware: the variables (`c.var.team`) that hold the
    caller (or what the caller's credential found)."""
    if func is None or not facts.functions[func].params:
        return []
    setter = f"{facts.functions[func].params[0].name}.set"
    return [
        call.args[0].value
        for call in facts.calls
        if call.func == func
        and call.callee == setter
        and len(call.args) == 2
        and call.args[0].value is not None
        and flow.is_identity(call.args[1])
    ]
