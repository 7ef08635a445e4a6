"""Auth.js v5 middleware (`export default NextAuth(config).auth`, or `auth` re-exported as middleware)
decides in the `callbacks.authorized` function of its config: a `false` return sends signed-out users to
the sign-in page. Read here in its common shape: a guard that returns `false` unless the path is one of
a public list (`if (!isPublic) return false`), or returns `false` on a protected list
(`if (isProtected && !signedIn) return false`). Shapes other than these are left undecided: the
middleware then enforces nothing that archtools can vouch for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archtools.analysis.conditions import disjuncts
from archtools.analysis.program import Program
from archtools.facts.code import FileFacts, Function

_JS_REGEX = re.compile(r"^/(?P<body>.+)/[a-z]*$", re.S)
_PATH_TESTS = (
    re.compile(r"""\.startsWith\(\s*["'](?P<prefix>/[^"']*)["']"""),
    re.compile(r"""===?\s*["'](?P<exact>/[^"']*)["']"""),
    re.compile(r"""["'](?P<exact2>/[^"']*)["']\s*===?"""),
)


@dataclass(frozen=True)
class PathRule:
    """Routes a callback names: by regex, prefix or exact path."""

    regexes: tuple[re.Pattern[str], ...]
    prefixes: tuple[str, ...]
    exact: tuple[str, ...]

    def matches(self, route: str) -> bool:
        return (
            route in self.exact
            or any(route == p or route.startswith(p.rstrip("/") + "/") for p in self.prefixes)
            or any(r.search(route) for r in self.regexes)
        )

    @property
    def empty(self) -> bool:
        return not (self.regexes or self.prefixes or self.exact)


@dataclass(frozen=True)
class AuthorizedCallback:
    file: str
    line: int
    public: PathRule | None  # rejected unless the path matches
    protected: PathRule | None  # rejected only where the path matches

    def enforces(self, route: str) -> bool:
        if self.protected is not None:
            return self.protected.matches(route)
        return self.public is None or not self.public.matches(route)


def find_authorized(program: Program, middleware: str) -> AuthorizedCallback | None:
    """The `authorized` callback of the Auth.js config the middleware file builds or imports."""
    files = [middleware] + [
        target
        for imp in program.files[middleware].imports
        if (target := program.resolve(middleware, imp.source)) is not None
    ]
    for file in files:
        facts = program.files.get(file)
        if facts is None or not any(c.name == "NextAuth" for c in facts.calls):
            continue
        for candidate in [file] + [
            target
            for imp in facts.imports
            if (target := program.resolve(file, imp.source)) is not None
        ]:
            found = _read_callback(program.files[candidate])
            if found is not None:
                return found
    return None


def _read_callback(facts: FileFacts) -> AuthorizedCallback | None:
    function = next((f for f in facts.functions if f.name == "authorized"), None)
    if function is None:
        return None
    falses = {
        ret.line
        for ret in facts.returns
        if ret.func == function.index and ret.value is not None and ret.value.text == "false"
    }
    for guard in facts.guards:
        if guard.func != function.index or guard.exit_line not in falses:
            continue
        parts = disjuncts(guard.condition.text) or [guard.condition.text]
        conjuncts = [p.strip() for part in parts for p in part.split("&&")]
        for term in conjuncts:
            negated = term.startswith("!")
            name = term.lstrip("!").strip().strip("()")
            rule = _path_rule(facts, function, name)
            if rule is None or rule.empty:
                continue
            if negated:
                return AuthorizedCallback(facts.path, guard.line, public=rule, protected=None)
            return AuthorizedCallback(facts.path, guard.line, public=None, protected=rule)
    return None


def _path_rule(facts: FileFacts, function: Function, name: str) -> PathRule | None:
    """The paths a boolean variable of the callback tests (`const isPublic = /^\\/login/.test(p)`)."""
    if not name.isidentifier():
        return None
    var = next(
        (
            v
            for v in facts.vars
            if v.func == function.index and name in v.names and v.init is not None
        ),
        None,
    )
    if var is None or var.init is None:
        return None
    text = var.init.text
    regexes: list[re.Pattern[str]] = []
    for literal in re.findall(r"(/\^[^\n]*?/[a-z]*)\.test\(", text):
        match = _JS_REGEX.match(literal)
        if match is not None:
            try:
                regexes.append(re.compile(match.group("body").replace("\\/", "/")))
            except re.error:
                return None
    prefixes = tuple(m.group("prefix") for m in _PATH_TESTS[0].finditer(text))
    exact = tuple(
        m.group(g)
        for pattern, g in ((_PATH_TESTS[1], "exact"), (_PATH_TESTS[2], "exact2"))
        for m in pattern.finditer(text)
    )
    return PathRule(tuple(regexes), prefixes, exact)
