"""Hand-written validation: an early exit that rejects a client value failing a check of its type,
shape or membership (`if (typeof email !== "string") return`, `if (!verifyEmailInput(email)) return`,
`if (!/^[a-z]+$/.test(slug)) throw`, `if (!ROLES.includes(role)) return`). What follows such a guard
receives the value only once it passed, as if a schema had parsed it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from archtools.analysis.knowledge import ManualChecks
from archtools.facts.code import Call, FileFacts, Guard
from archtools.results import Evidence

Runs = Callable[[int | None, int], bool]


def checked_by_guards(
    facts: FileFacts, runs: Runs, vocabulary: ManualChecks, names: Iterable[str] | None = None
) -> dict[str, Evidence]:
    """The values (among `names`, or any) that an exit guard of this code rejects when they fail a
    check, each with the first such guard."""
    found: dict[str, Evidence] = {}
    guards = [g for g in sorted(facts.guards, key=lambda g: g.line) if runs(g.func, g.line)]
    containers = {
        name
        for guard in guards
        for name in guard.condition.roots
        if _container_checked(guard.condition.text, name, vocabulary)
    }
    for guard in guards:
        roots = set(guard.condition.roots)
        candidates = roots if names is None else roots & set(names)
        for name in sorted(candidates - set(found)):
            how = _how_checked(facts, guard, name, vocabulary, container=name in containers)
            if how is not None:
                found[name] = Evidence(
                    file=facts.path,
                    line=guard.line,
                    detail=f"`{name}` is checked by hand ({how}) before it is used; "
                    "the code exits when the check fails",
                )
    return found


def _container_checked(text: str, name: str, vocabulary: ManualChecks) -> bool:
    """Whether a condition only checks that the value is an array or an object: its elements or
    fields stay whatever the client sent, so neither that check nor one of its length validates."""
    escaped = re.escape(name)
    if re.search(rf"typeof\s+{escaped}\s*[!=]==?\s*[\"']object[\"']", text):
        return True
    return any(
        re.search(rf"{re.escape(predicate)}\(\s*{escaped}\s*\)", text)
        for predicate in vocabulary.container_predicates
    )


def _how_checked(
    facts: FileFacts, guard: Guard, name: str, vocabulary: ManualChecks, *, container: bool
) -> str | None:
    """How the guard checks the value, if it does; for a `container` (an array or an object), its
    type and its length say nothing of what it holds."""
    text = guard.condition.text
    escaped = re.escape(name)
    if not container and re.search(rf"typeof\s+{escaped}\b", text):
        return "its type"
    if (
        not container
        and re.search(rf"\b{escaped}(\?)?\.length\b", text)
        and re.search(r"[<>]|[!=]==?", text)
    ):
        return "its length"
    for call in _condition_calls(facts, guard):
        negated = re.search(rf"!\s*(await\s+)?{re.escape(call.callee)}\s*\(", text)
        if not negated:
            continue  # the exit must be taken when the check fails: `if (!check(x)) return`
        on_value = call.callee.split(".", 1)[0] == name and "." in call.callee
        if on_value and call.name in vocabulary.value_methods:
            return f"{call.callee}()"  # `if (!email.includes("@")) return`
        if not any(name in arg.roots for arg in call.args):
            continue
        if call.callee in vocabulary.container_predicates:
            continue
        if call.name in vocabulary.methods:
            return f"{call.callee}()"
        if any(_named(call.name, prefix) for prefix in vocabulary.predicate_prefixes):
            return f"{call.callee}()"
    return None


def _named(name: str, prefix: str) -> bool:
    """`isValidSlug`, `verifyEmailInput`, `check`: the prefix as a whole word of the name."""
    rest = name[len(prefix) :]
    return name.startswith(prefix) and (not rest or rest[0].isupper() or rest[0] == "_")


def _condition_calls(facts: FileFacts, guard: Guard) -> list[Call]:
    """The calls written in the guard's condition (its lines, before the exit)."""
    last = max(guard.line, guard.exit_line - 1)
    return [
        call
        for call in facts.calls
        if call.func == guard.func
        and guard.line <= call.line <= last
        and f"{call.callee.removeprefix('await ')}(" in guard.condition.text
    ]
