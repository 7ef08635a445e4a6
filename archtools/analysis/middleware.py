"""What `middleware.ts` covers (its config.matcher against routes) and whether it enforces sign-in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archtools.analysis.authorized import AuthorizedCallback, find_authorized
from archtools.analysis.flow import Flow, Seeds
from archtools.analysis.middleware_bypass import PathList, bypass_lists, path_test
from archtools.analysis.program import Program
from archtools.analysis.roles import AuthKind
from archtools.analysis.summaries import Summaries
from archtools.facts.code import Expr, ExprKind, FileFacts
from archtools.results import Evidence

# Next.js releases that fixed the middleware bypass through `x-middleware-subrequest` (CVE-2025-29927).
PATCHED_RELEASES = {12: (12, 3, 5), 13: (13, 5, 9), 14: (14, 2, 25), 15: (15, 2, 3)}


@dataclass
class RouteMatcher:
    name: str
    patterns: list[str]
    regexes: list[re.Pattern[str]]
    line: int

    def matches(self, route: str) -> bool:
        return any(r.fullmatch(route) for r in self.regexes)


@dataclass
class MiddlewareInfo:
    file: str
    matchers: list[re.Pattern[str]] = field(default_factory=list)  # empty: every route
    matcher_text: list[str] = field(default_factory=list)
    enforcing: Evidence | None = None  # the middleware rejects requests without a user
    protected: RouteMatcher | None = None  # only routes matching this are enforced
    public: RouteMatcher | None = None  # routes matching this are not enforced
    authorized: AuthorizedCallback | None = None  # Auth.js v5: its callback decides per path
    unresolved: str | None = None
    matcher_unknown: bool = False  # a matcher archtools cannot read covers no route it can name
    # path lists it lets through before any check (`if (isMatch(pathname, PUBLIC)) return next()`)
    bypass: list[PathList] = field(default_factory=list)
    # branches on the request's path and the gate inside each (`if (isMatch(pathname,
    # "/api/v1/**")) { if (!validKey(req)) return unauthorized(); return next() }`): a route they
    # match is guarded by that branch's gate, not by another branch's
    path_gates: list[tuple[PathList, Evidence | None, str]] = field(default_factory=list)

    def lets_through(self, route: str) -> PathList | None:
        """The list by which the middleware lets `route` through unchecked, if it does."""
        if not self.covers(route):
            return None
        return next((listed for listed in self.bypass if listed.matches(route)), None)

    def covers(self, route: str) -> bool:
        if self.matcher_unknown:
            return False
        return not self.matchers or any(r.fullmatch(route) for r in self.matchers)

    def enforces(self, route: str) -> Evidence | None:
        if self.enforcing is None or not self.covers(route) or self.lets_through(route):
            return None
        if self.protected is not None and not self.protected.matches(route):
            return None
        if self.public is not None and self.public.matches(route):
            return None
        if self.authorized is not None and not self.authorized.enforces(route):
            return None
        branch = next(
            ((gate,) for listed, gate, _ in self.path_gates if listed.matches(route)), None
        )
        if branch is not None:
            return branch[0]  # (the branch the route takes decides, gate or none)
        return self.enforcing

    def kind_of_caller(self, route: str) -> str:
        """The kind of caller the gate that covers `route` proves (a session unless a branch on
        the path checks an API key or a secret)."""
        return next(
            (kind for listed, _, kind in self.path_gates if listed.matches(route)), "session"
        )


def path_pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """A Next.js matcher / path-to-regexp pattern as a regex over the route path."""
    out = ""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == ":":
            match = re.match(r":(\w+)([*+?]?)", pattern[i:])
            if match is None:
                out += re.escape(char)
                i += 1
                continue
            modifier = match.group(2)
            out += {"*": "(?:/.*)?" if out.endswith("/") else ".*", "+": ".+", "?": "[^/]*"}.get(
                modifier, "[^/]+"
            )
            if modifier == "*" and out.endswith("/(?:/.*)?"):
                out = out[: -len("/(?:/.*)?")] + "(?:/.*)?"
            i += len(match.group(0))
        elif char == "(":
            depth = 0
            j = i
            while j < len(pattern):
                if pattern[j] == "(":
                    depth += 1
                elif pattern[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out += pattern[i : j + 1]
            i = j + 1
        elif char == "*":
            out += ".*"
            i += 1
        else:
            out += re.escape(char) if char not in "?" else "?"
            i += 1
    try:
        return re.compile(out)
    except re.error:
        return None


def _declared_value(facts: FileFacts, expr: Expr) -> Expr:
    """A matcher written as a module constant (`matcher: MATCHER`): the constant's value."""
    if expr.kind != ExprKind.IDENTIFIER:
        return expr
    found = [v.init for v in facts.vars if v.func is None and expr.text in v.names and v.init]
    return found[0] if len(found) == 1 and found[0] is not None else expr


def _strings(expr: Expr) -> list[str]:
    if expr.kind in (ExprKind.STRING, ExprKind.TEMPLATE) and expr.value is not None:
        return [expr.value]
    if expr.kind == ExprKind.ARRAY:
        return [s for item in expr.items for s in _strings(item)]
    if expr.kind == ExprKind.OBJECT:
        return [s for p in expr.pairs if p.key == "source" for s in _strings(p.value)]
    return []


def analyse_middleware(program: Program, summaries: Summaries, file: str) -> MiddlewareInfo:
    facts = program.files[file]
    info = MiddlewareInfo(file=file)
    for export in facts.exports:
        if export.name == "config" and export.init is not None:
            for pair in export.init.pairs:
                if pair.key == "matcher":
                    value = _declared_value(facts, pair.value)
                    info.matcher_text = _strings(value)
                    info.matchers = [
                        r for t in info.matcher_text if (r := path_pattern_regex(t)) is not None
                    ]
                    if not info.matchers:
                        # built at runtime: which routes it covers is unknown, so none is
                        # counted as covered (an empty list would mean every route)
                        info.matcher_unknown = True
    matchers: list[RouteMatcher] = []
    for call in facts.calls:
        if call.name == "createRouteMatcher" and call.args and call.assigned_to:
            patterns = _strings(call.args[0])
            matchers.append(
                RouteMatcher(
                    name=call.assigned_to[0],
                    patterns=patterns,
                    regexes=[r for p in patterns if (r := path_pattern_regex(p)) is not None],
                    line=call.line,
                )
            )
    for matcher in matchers:
        if "public" in matcher.name.lower():
            info.public = matcher
        else:
            info.protected = matcher
    main = next((e for e in facts.exports if e.name in ("middleware", "default", "proxy")), None)
    if main is None:
        info.unresolved = "middleware file has no `middleware` or default export"
        return info
    info.enforcing = _enforcement(program, summaries, file)
    info.bypass = bypass_lists(facts)
    if info.enforcing is not None:
        info.path_gates = _path_gates(summaries, file)
    if info.enforcing is None:
        callback = find_authorized(program, file)
        if callback is not None:
            info.authorized = callback
            info.enforcing = Evidence(
                file=callback.file,
                line=callback.line,
                detail="the Auth.js `authorized` callback returns false for signed-out users "
                + ("outside its public paths" if callback.public else "on its protected paths"),
            )
    return info


def _enforcement(program: Program, summaries: Summaries, file: str) -> Evidence | None:
    facts = program.files[file]
    classifier = summaries.classifier
    for export in facts.exports:
        if export.name not in ("middleware", "default", "proxy"):
            continue
        if export.source is not None and export.source.startswith("next-auth/middleware"):
            return Evidence(
                file=file,
                line=export.line,
                detail="next-auth/middleware redirects signed-out users",
            )
    clerk = any(imp.source.startswith("@clerk/nextjs") for imp in facts.imports)
    for call in facts.calls:
        if clerk and (
            call.name in ("protect", "redirectToSignIn")
            and call.callee.split(".", 1)[0].startswith("auth")
        ):
            return Evidence(
                file=file,
                line=call.line,
                detail=f"{call.callee}() (Clerk) rejects signed-out users",
            )
        origin = classifier.canonical(file, call)
        if (
            origin[1] is not None
            and origin[1].startswith("next-auth/middleware")
            and origin[0] == "withAuth"
        ):
            return Evidence(
                file=file,
                line=call.line,
                detail="withAuth() from next-auth/middleware redirects signed-out users",
            )
        auth = classifier.auth_call(file, call)
        if auth is not None and auth.kind == AuthKind.ENFORCING:
            return Evidence(
                file=file,
                line=call.line,
                detail=f"{call.callee}() ({auth.library}) rejects signed-out users",
            )
    for function in facts.functions:
        flow = _middleware_flow(summaries, file, function.index)
        summary = summaries.compute_with(file, function.index, _SEEDS, flow)
        if summary.auth_gate is not None:
            return Evidence(
                file=summary.auth_gate.file,
                line=summary.auth_gate.line,
                detail=f"middleware {summary.auth_gate.detail}",
            )
    return None


_SEEDS = Seeds(identity_paths=("req.auth", "request.auth", "auth.userId", "auth().userId"))


def _middleware_flow(summaries: Summaries, file: str, func: int | None) -> Flow:
    """The flow of a middleware function, with what it reads of the request's cookies and
    headers under a name that says so (`token`, `session`) taken as the caller."""
    facts = summaries.program.files[file]
    flow = summaries.flow(file, func, _SEEDS)
    for name in ("token", "session", "user", "jwt"):
        for var in facts.vars:
            if (
                var.func == func and name in " ".join(var.names).lower() and var.init is not None
            ) and (
                any("cookies" in p or "headers" in p for p in var.init.paths)
                or "cookies" in var.init.text
            ):
                flow.identity.setdefault(
                    var.names[0],
                    Evidence(file=file, line=var.line, detail=f"{var.names[0]} from the request"),
                )
    return flow


def _path_gates(summaries: Summaries, file: str) -> list[tuple[PathList, Evidence | None, str]]:
    """Each branch on the request's path that leaves the middleware, with the gate inside it
    (None when it checks nothing)."""
    facts = summaries.program.files[file]
    found: list[tuple[PathList, Evidence | None, str]] = []
    for guard in sorted(facts.guards, key=lambda g: g.line):
        if guard.negated or guard.line >= guard.exit_line:
            continue
        listed = path_test(facts, guard)
        if listed is None:
            continue
        start, end = guard.line, guard.exit_line

        def in_branch(line: int, start: int = start, end: int = end) -> bool:
            return start < line <= end

        flow = _middleware_flow(summaries, file, guard.func)
        summary = summaries.compute_with(file, guard.func, _SEEDS, flow, in_branch)
        gate = summary.auth_gate
        found.append(
            (
                listed,
                None
                if gate is None
                else Evidence(file=gate.file, line=gate.line, detail=f"middleware {gate.detail}"),
                summary.auth_kind or "session",
            )
        )
    return found


def vulnerable_to_bypass(next_version: str | None) -> bool | None:
    """Whether the declared Next.js version allows the middleware bypass; None when unknown."""
    if not next_version:
        return None
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", next_version)
    if match is None:
        match_major = re.search(r"(\d+)", next_version)
        if match_major is None:
            return None
        return None
    version = tuple(int(x) for x in match.groups())
    patched = PATCHED_RELEASES.get(version[0])
    if patched is None:
        return version[0] < 12
    return version < patched
