"""The routes a middleware lets through before any check: an early `return NextResponse.next()`
under a test of the request's path against a list the app wrote down (`micromatch.isMatch(pathname,
unAuthenticatedApiRoutes)`, `PUBLIC.some((p) => pathname.startsWith(p))`, `PUBLIC.includes(pathname)`,
`pathname.startsWith("/api/public")`). Those routes are public by the app's own declaration: the
middleware covers them with no check at all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archtools.facts.code import Call, Expr, ExprKind, FileFacts, Guard
from archtools.source.globs import glob_match

# Calls that match a path against glob patterns: micromatch / picomatch / minimatch.
_GLOB_MATCHERS = frozenset({"isMatch", "micromatch", "picomatch", "minimatch", "matchesGlob"})
_PASS_ON = re.compile(r"^(?:await\s+)?NextResponse\.next\(|^(?:await\s+)?next\(\s*\)$")


@dataclass(frozen=True)
class PathList:
    """Path patterns the middleware tests, and how: `glob`, `prefix` or `exact`."""

    name: str
    how: str
    patterns: tuple[str, ...]
    file: str
    line: int

    def matches(self, route: str) -> bool:
        if self.how == "glob":
            return any(glob_match(route, p) or glob_match(route + "/", p) for p in self.patterns)
        if self.how == "prefix":
            return any(route.startswith(p) for p in self.patterns)
        return route in self.patterns


def bypass_lists(facts: FileFacts) -> list[PathList]:
    """The path tests in the middleware file whose branch returns at once to let the request
    through."""
    found: list[PathList] = []
    passes = {(r.func, r.line) for r in facts.returns if _lets_through(r.value)}
    for guard in facts.guards:
        if guard.negated or (guard.func, guard.exit_line) not in passes:
            continue
        if _runs_before_exit(facts, guard):
            continue  # the branch checks something first: a gate of its own, not a bypass
        tested = path_test(facts, guard)
        if tested is not None:
            found.append(tested)
    return found


def _runs_before_exit(facts: FileFacts, guard: Guard) -> bool:
    """Whether the branch calls anything between its condition and its return."""
    own = set(_calls_in(facts, guard.condition))
    return any(
        call.func == guard.func
        and guard.line <= call.line < guard.exit_line
        and call.index not in own
        for call in facts.calls
    )


def _calls_in(facts: FileFacts, expr: Expr) -> list[int]:
    found: list[int] = []
    stack = [expr]
    while stack and len(found) < 100:
        current = stack.pop()
        if current.call is not None:
            found.append(current.call)
            stack.extend(facts.calls[current.call].args)
        stack.extend(pair.value for pair in current.pairs)
        stack.extend(current.items)
    return found


def _lets_through(value: Expr | None) -> bool:
    return value is not None and _PASS_ON.search(value.text.strip()) is not None


def path_test(facts: FileFacts, guard: Guard) -> PathList | None:
    """The paths a guard's condition tests the request's path against, if it does."""
    condition = guard.condition
    if condition.kind != ExprKind.CALL or condition.call is None:
        return None
    call = facts.calls[condition.call]
    receiver, _, method = call.callee.rpartition(".")
    if call.name in _GLOB_MATCHERS or method in _GLOB_MATCHERS:
        for arg in call.args[1:]:
            patterns = _strings_of(facts, arg)
            if patterns:
                return _listed(arg.text, "glob", patterns, facts, guard)
        return None
    if method == "startsWith" and _names_path(receiver) and call.args:
        patterns = _strings_of(facts, call.args[0])
        return _listed(call.args[0].text, "prefix", patterns, facts, guard) if patterns else None
    if method in ("some", "includes", "has") and receiver:
        how: str | None = "exact"
        if method == "some":
            how = "exact" if _compares_equal(call) else None
            how = "prefix" if "startsWith" in _text(call) else how
        patterns = _strings_named(facts, receiver)
        return _listed(receiver, how, patterns, facts, guard) if how and patterns else None
    return None


def _names_path(receiver: str) -> bool:
    return receiver.rsplit(".", 1)[-1].lower() in ("pathname", "path", "url", "route")


def _text(call: Call) -> str:
    return " ".join(arg.text for arg in call.args)


def _compares_equal(call: Call) -> bool:
    return "===" in _text(call) or "==" in _text(call)


def _listed(name: str, how: str, patterns: list[str], facts: FileFacts, guard: Guard) -> PathList:
    return PathList(
        name=name[:60], how=how, patterns=tuple(patterns), file=facts.path, line=guard.line
    )


def _strings_named(facts: FileFacts, name: str) -> list[str]:
    """The path strings of a module constant (`const PUBLIC = ["/api/health", ...]`)."""
    found = [v.init for v in facts.vars if v.func is None and name in v.names and v.init]
    if len(found) != 1 or found[0] is None:
        return []
    return _strings_of(facts, found[0])


def _strings_of(facts: FileFacts, expr: Expr) -> list[str]:
    """The path strings an argument holds: written in place, or a module constant's list."""
    if expr.kind == ExprKind.IDENTIFIER:
        return _strings_named(facts, expr.text)
    if expr.kind in (ExprKind.STRING, ExprKind.TEMPLATE) and expr.value is not None:
        return [expr.value] if expr.value.startswith("/") else []
    if expr.kind == ExprKind.ARRAY:
        values = [i.value for i in expr.items if i.kind == ExprKind.STRING and i.value]
        return [v for v in values if v.startswith("/")]
    if expr.kind == ExprKind.CALL and expr.text.startswith("new Set(") and expr.call is not None:
        args = facts.calls[expr.call].args
        return _strings_of(facts, args[0]) if args else []
    return []
