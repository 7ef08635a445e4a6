"""Calls of a billing or auth provider's SDK that act on one of its records by an id the code
hands over (`stripe.subscriptions.cancel(subscriptionId)`, `client.users.deleteUser(userId)`): the
id is judged like a database key the client chose (knowledge/guards.yaml `provider_records`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from archtools.analysis.knowledge import ProviderRecords
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, FileFacts

_MAX_DEPTH = 3


@dataclass(frozen=True)
class ProviderCall:
    call: Call
    package: str
    method: str  # `subscriptions.cancel`
    record: Expr  # the id it acts on


def provider_calls(
    program: Program, facts: FileFacts, calls: list[Call], records: list[ProviderRecords]
) -> Iterator[ProviderCall]:
    """The calls among `calls` that act on a provider's record, with the id each hands over."""
    methods = {method for known in records for method in known.methods}
    for call in calls:
        callee = call.callee.removeprefix("await ").removeprefix("new ")
        root, _, method = callee.partition(".")
        if not method or not call.args or method not in methods:
            continue  # no provider's method: its package is not worth resolving
        package = _made_by_package(program, facts, root.removesuffix("()"), call)
        if package is None:
            continue
        for known in records:
            if not _same_package(package, known.package) or method not in known.methods:
                continue
            record = _record_argument(call, known)
            if record is not None:
                yield ProviderCall(call=call, package=known.package, method=method, record=record)


def _record_argument(call: Call, known: ProviderRecords) -> Expr | None:
    if known.key is None:
        return call.args[known.arg] if known.arg < len(call.args) else None
    first = call.args[0]
    return next((p.value for p in first.pairs if p.key == known.key), None)


def _same_package(package: str, known: str) -> bool:
    return package == known or package.startswith(known + "/")


def _made_by_package(
    program: Program, facts: FileFacts, name: str, call: Call, depth: int = 0
) -> str | None:
    """The package whose export `name` is, or whose class or factory made the object `name` holds
    (`new Stripe(key)`, `await clerkClient()`), in this module or the one it is imported from."""
    if depth > _MAX_DEPTH or not name:
        return None
    local = [
        v
        for v in facts.vars
        if name in v.names and v.init is not None and (v.func == call.func or v.func is None)
    ]
    if local and local[-1].init is not None:
        return _package_of_value(program, facts, local[-1].init, depth)
    symbol = program.lookup(facts.path, name)
    if symbol is None:
        return None
    if symbol.package is not None:
        return symbol.package
    if symbol.value is None:
        return None
    return _package_of_value(program, program.files[symbol.file], symbol.value, depth)


def _package_of_value(program: Program, facts: FileFacts, value: Expr, depth: int) -> str | None:
    if value.call is None:
        return None
    made = facts.calls[value.call]
    while made.receiver is not None:  # `(await clerkClient()).users`: the call at the head
        made = facts.calls[made.receiver]
    maker = made.callee.removeprefix("await ").removeprefix("new ").split(".", 1)[0]
    symbol = program.lookup(facts.path, maker.removesuffix("()"))
    if symbol is not None and symbol.package is not None:
        return symbol.package
    return None
