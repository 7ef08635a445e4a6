"""Entry points built for callers nobody signs in: they tell callers apart by their network address
and stop one that comes too often.

An entry point that reads the client's address (a proxy's header such as `x-forwarded-for`, read in
the handler or in a helper it calls, or a package function that returns it) and keys a limit on
it (`ratelimit.limit(ip)`, `isLimited(`feedback:${hash(ip)}`)`) before it acts was written for
anonymous callers: a feedback form, a public tool, an anonymous upload, a report button. That is a
design decision the code states, as a sign-in page states its own; what such an entry point reads
or changes by a client's key is still the authorization check's question.

The address must reach the limit: an address read only to be logged, beside a limit keyed by
something else, says nothing about who the entry point is for.
"""

from __future__ import annotations

from collections.abc import Callable

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry import Entry
from archtools.analysis.entry_scope import EntryScope
from archtools.analysis.flow import function_scope
from archtools.analysis.rate_limits import RateLimits, rate_limit_vocabulary
from archtools.facts.code import Call, FileFacts
from archtools.results import Evidence

MAX_DEPTH = 2  # helpers followed to find the header read (`getClientIp(headers)` -> `headers.get`)
MAX_HOPS = 4  # assignments followed from the address to the limit's key


class AnonymousCallers:
    """Whether an entry point limits callers by their network address."""

    def __init__(self, ctx: AnalysisContext, limits: RateLimits) -> None:
        self.ctx = ctx
        self.limits = limits
        vocabulary = rate_limit_vocabulary()
        self.headers = {h.lower() for h in vocabulary.address_headers}
        self.functions = vocabulary.address_functions
        self._reads: dict[tuple[str, int | None], Evidence | None] = {}

    def limited_by_address(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        """Public by design, with the evidence: the address it reads and the limit keyed on it."""
        facts = scope.facts
        limit = self.limits.limit(entry, scope)
        if limit is None or limit.file != facts.path:
            return None
        for call in facts.calls:
            if not scope.has(call.func, call.line):
                continue
            address = self._address(facts, call, 0)
            if address is None or not call.assigned_to:
                continue
            if self._reaches_limit(facts, call, limit.line):
                return Evidence(
                    file=limit.file,
                    line=limit.line,
                    detail="public by design: it serves callers it knows only by their network "
                    f"address ({address.detail}) and limits each address ({limit.detail})",
                )
        return None

    def _reaches_limit(self, facts: FileFacts, source: Call, line: int) -> bool:
        """Whether the names the address is bound to (directly, or through values computed from
        it: a hash, a key string) are read by a call on the limit's line."""
        names = set(source.assigned_to)
        for _ in range(MAX_HOPS):
            grown = names | {
                name
                for var in facts.vars
                if var.func == source.func
                and var.init is not None
                and names & self._read_by(facts, var.init.roots, var.init.call)
                for name in var.names
            }
            if grown == names:
                break
            names = grown
        return any(
            call.line == line
            and call.func == source.func
            and any(names & arg.all_roots() for arg in call.args)
            for call in facts.calls
        )

    @staticmethod
    def _read_by(facts: FileFacts, roots: tuple[str, ...], call: int | None) -> set[str]:
        """The names an initializer reads, its call's arguments included (`await hash(ip)`)."""
        read = set(roots)
        if call is not None:
            for arg in facts.calls[call].args:
                read |= arg.all_roots()
        return read

    def _address(self, facts: FileFacts, call: Call, depth: int) -> Evidence | None:
        """The client's address read by this call: a header that carries it, a package function
        that returns it, or a helper of the app that does either."""
        where = f"{facts.path}:{call.line}"
        if call.name == "get" and call.args:
            header = call.args[0].value
            if header is not None and header.lower() in self.headers:
                return Evidence(file=facts.path, line=call.line, detail=f"`{header}` at {where}")
        root = call.callee.removeprefix("await ").split(".", 1)[0]
        symbol = self.ctx.program.lookup(facts.path, root)
        if symbol is not None and symbol.package is not None:
            named = symbol.imported or root
            if named in self.functions.get(symbol.package, []):
                return Evidence(
                    file=facts.path, line=call.line, detail=f"{call.callee}() at {where}"
                )
            return None
        if depth >= MAX_DEPTH:
            return None
        target = self.ctx.summaries.target(facts.path, call)
        if target is None or target[1] is None:
            return None
        inner = self._function_reads(target, depth + 1)
        if inner is None:
            return None
        return Evidence(
            file=facts.path, line=call.line, detail=f"{call.callee}() reads {inner.detail}"
        )

    def _function_reads(self, key: tuple[str, int | None], depth: int) -> Evidence | None:
        if key in self._reads:
            return self._reads[key]
        self._reads[key] = None  # (a cycle reads nothing more)
        facts = self.ctx.program.files[key[0]]
        inside: Callable[[int | None], bool] = function_scope(facts, key[1]).__contains__
        found = next(
            (
                read
                for call in facts.calls
                if inside(call.func) and (read := self._address(facts, call, depth)) is not None
            ),
            None,
        )
        self._reads[key] = found
        return found
