"""Hand-rolled sessions: a function that reads a credential from the request (a cookie, the
Authorization header), looks it up or verifies it, and returns what the lookup found. Such a function
returns the caller the way an auth library's session call does (Lucia-style session tables, signed
JWT cookies, API keys in headers), so callers that branch on its result are authenticated.

Decoding is not verifying: a value that only went through `JSON.parse`, `atob` or a base64 decode is
still the client's."""

from __future__ import annotations

import re
from collections.abc import Callable

from archtools.analysis.program import Program
from archtools.facts.code import Call, FileFacts
from archtools.results import Evidence

MAX_DEPTH = 3
_CREDENTIAL_READ = re.compile(
    r"cookies\s*\(\s*\)|\.cookies\b|cookies\.get|headers\s*\(\s*\)\s*\.\s*get\s*\(\s*['\"]authorization"
    r"|headers\.get\s*\(\s*['\"](?:authorization|x-api-key)",
    re.I,
)
_CREDENTIAL_NAME = re.compile(r"session|token|auth|sid|jwt|key|user", re.I)
_DECODERS = re.compile(
    r"^(?:JSON\.parse|atob|decodeURIComponent|Buffer\.from|.*\.decode|decode\w*)$"
)
_LOOKUP_NAME = re.compile(
    r"^(?:query\w*|find\w*|select\w*|get\w*|execute|one|first|maybeSingle|single|verify\w*|unseal\w*|hget\w*)$",
    re.I,
)
_STORE_ROOT = re.compile(r"db|sql|prisma|redis|kv|pool|client|database|store|conn", re.I)


class SessionLookups:
    """Which functions return a session found from the request's credential."""

    def __init__(
        self,
        program: Program,
        is_store_call: Callable[[str, Call], bool],
        resolve: Callable[[str, Call], tuple[str, int | None] | None],
    ) -> None:
        self.program = program
        self.is_store_call = is_store_call  # a database operation or a verifying auth primitive
        self.resolve = resolve
        self._memo: dict[tuple[str, int | None, frozenset[str]], Evidence | None] = {}

    def returns_session(self, file: str, func: int | None) -> Evidence | None:
        facts = self.program.files[file]
        own = [v for v in facts.vars if v.func == func and v.init is not None]
        # the cookie store or its getter, taken first (`const { get } = await cookies()`)
        stores = {
            name
            for v in own
            if v.init is not None and _CREDENTIAL_READ.search(v.init.text)
            for name in v.names
        }
        credentials = {
            name
            for var in own
            if var.init is not None
            and (_CREDENTIAL_READ.search(var.init.text) or bool(set(var.init.roots) & stores))
            and _CREDENTIAL_NAME.search(var.init.text + " " + " ".join(var.names))
            for name in var.names
        }
        if not credentials:
            return None
        return self.lookup(file, func, frozenset(credentials), 0)

    def lookup(
        self, file: str, func: int | None, tainted: frozenset[str], depth: int
    ) -> Evidence | None:
        """Evidence when `func` returns what a lookup of the `tainted` values found."""
        key = (file, func, tainted)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # cycles: nothing
        found = self._lookup(self.program.files[file], func, set(tainted), depth)
        self._memo[key] = found
        return found

    def _lookup(
        self, facts: FileFacts, func: int | None, tainted: set[str], depth: int
    ) -> Evidence | None:
        results: set[str] = set()
        evidence: Evidence | None = None
        for var in sorted(
            (v for v in facts.vars if v.func == func and v.init is not None), key=lambda v: v.line
        ):
            assert var.init is not None
            call = facts.calls[var.init.call] if var.init.call is not None else None
            if call is not None and self._is_lookup(facts, call, tainted, depth):
                results |= set(var.names)
                evidence = evidence or self._evidence(facts, call)
            elif var.init.all_roots() & results:
                results |= set(var.names)
            elif var.init.all_roots() & tainted and not (
                call is not None and _DECODERS.match(call.callee)
            ):
                tainted |= set(var.names)
        for ret in facts.returns:
            if ret.func != func or ret.value is None:
                continue
            if ret.value.all_roots() & results and evidence is not None:
                return evidence
            if ret.value.call is not None:
                call = facts.calls[ret.value.call]
                if self._is_lookup(facts, call, tainted, depth):
                    return self._evidence(facts, call)
        return None

    def _is_lookup(self, facts: FileFacts, call: Call, tainted: set[str], depth: int) -> bool:
        uses = [i for i, arg in enumerate(call.args) if arg.all_roots() & tainted]
        if not uses or _DECODERS.match(call.callee):
            return False
        if self.is_store_call(facts.path, call):
            return True
        root = call.callee.split(".", 1)[0]
        if root != call.callee and _LOOKUP_NAME.match(call.name) and _STORE_ROOT.search(root):
            return True
        target = self.resolve(facts.path, call) if depth < MAX_DEPTH else None
        if target is None or target[1] is None:
            return False
        params = self.program.files[target[0]].functions[target[1]].params
        names = frozenset(
            name for i in uses if i < len(params) for name in (params[i].names or (params[i].name,))
        )
        return bool(names) and self.lookup(target[0], target[1], names, depth + 1) is not None

    @staticmethod
    def _evidence(facts: FileFacts, call: Call) -> Evidence:
        return Evidence(
            file=facts.path,
            line=call.line,
            detail=f"looks up the request's credential with {call.callee}()",
        )
