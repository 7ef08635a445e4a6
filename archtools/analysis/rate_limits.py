"""RL001: whether an entry point is an operation the public can abuse by repetition, and whether
something limits how often it runs.

A limit is recognised wherever the request meets it before the operation:

- a limiter of a known package, or a call named like one (guards.yaml `rate_limiting`);
- an app's own limiter: a function named for it (`globalPOSTRateLimit()`, `chatRateLimit()`) or a
  limiter object's method (`recoveryCodeBucket.consume(...)`, an object built from a class named
  like a limiter), whose outcome decides an exit (`if (!bucket.consume(ip, 1)) return ...`),
  directly or through the helper that returns it;
- a read of the rows the app stored in a recent window (`createdAt: { gt: new Date(Date.now() -
  HOUR) }`) whose finding some stops the work: a throttle kept in the database;
- the middleware of a procedure or action chain (`.use(createRateLimiter(...))`) and a wrapper
  around the handler (`export default withRateLimit(opts, handler)`) whose code limits;
- for a tRPC procedure, the transports that serve it: when every route that hands requests to a
  tRPC adapter (`createNextApiHandler({ router })`) limits them first, every procedure is limited.

An operation is sensitive when its words say it authenticates (sign-in, sign-up, a password reset, a
one-time code); words that name a message or a paid service (invite, email, chat, generate) make it
sensitive only when it really sends or spends: it reaches a mail, SMS or AI package, a `fetch` to
another service's address, or a known sending call. A message a signed-in caller's write sends to
recipients the server picks (an assignee, a fixed inbox) is a notification: mail is abused by
choosing where it goes, or anonymously. A page renders; its name (`generateMetadata`) says
nothing. These callers are not the public, and their repetition is no abuse to limit:

- a caller holding a server secret compared in the handler (a cron job's `Bearer ${CRON_SECRET}`;
  whether that secret may be unset is the authentication check's concern), or a verified signature;
- a caller holding a privileged role, checked by a role guard on the way in;
- an OAuth or SSO sign-in that only redirects to the identity provider (`signIn("github")`), which
  checks the credential and limits its own attempts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from pydantic import BaseModel, ConfigDict

from archtools.analysis.conditions import compares_secret, secret_names
from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry import Entry
from archtools.analysis.entry_scope import CheckerBase, EntryScope
from archtools.analysis.flow import function_scope, outermost_function
from archtools.analysis.roles import DbOp
from archtools.analysis.summaries import Summary
from archtools.analysis.trpc import context_seeds
from archtools.facts.code import Call, ExitKind, ExprKind, FileFacts, Guard
from archtools.knowledge.vocabulary import singular, words
from archtools.results import EntryKind, Evidence
from archtools.yaml_data import bundled_knowledge

FuncKey = tuple[str, int | None]
MAX_DEPTH = 3
# a `fetch` to a service written out by its address (`fetch("https://api.openai.com/...")`)
_EXTERNAL_URL = re.compile(r"""^[`'"]https?://""")
# a lower bound on a time column at "now minus an interval": `gt: new Date(Date.now() - HOUR)`,
# `gte(t.createdAt, subMinutes(new Date(), 5))`
_RECENT = re.compile(
    r"\bgte?\b\s*[:(][^{}]*?(?:Date\.now\(\)\s*-|sub(?:Seconds|Minutes|Hours|Days)\(|"
    r"\.subtract\(|\.minus\()"
)


class RateLimitVocabulary(BaseModel):
    """archtools/knowledge/rate_limits.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    limiter_words: list[str]
    spending_words: list[str]
    spending_packages: list[str]
    credential_providers: list[str]
    oauth_redirects: list[str]
    provider_sign_in: list[str]
    recipient_keys: list[str]
    address_headers: list[str]
    address_functions: dict[str, list[str]]


@cache
def rate_limit_vocabulary() -> RateLimitVocabulary:
    return RateLimitVocabulary.model_validate(bundled_knowledge("rate_limits.yaml"))


@dataclass(frozen=True)
class Limit:
    """A limit met on the way: where, and whether it stops the request itself (a throw or a
    redirect) or hands its verdict to the caller, which must branch on it."""

    evidence: Evidence
    stops: bool


def _grams(name: str) -> set[str]:
    """The words of a name and its adjacent pairs, singular (`globalPOSTRateLimit` holds
    `rate limit`)."""
    parts = [singular(w) for w in words(name)]
    return set(parts) | {f"{a} {b}" for a, b in pairwise(parts)}


class RateLimits:
    """Limits, sensitivity and trusted callers of the app's entry points, memoized per audit."""

    def __init__(self, ctx: AnalysisContext) -> None:
        self.ctx = ctx
        self.vocabulary = rate_limit_vocabulary()
        self._limits: dict[FuncKey, Limit | None] = {}
        self._spends: dict[FuncKey, Evidence | None] = {}
        self._transports: list[Evidence | None] = []  # computed once: [the limit, or None]

    # -- limits ------------------------------------------------------------------------------------

    def limit(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        """The limit the entry's requests meet: in its handler, its chain, or its transports."""
        facts = scope.facts
        for call in facts.calls:
            if not scope.has(call.func, call.line):
                continue
            found = self._call_limit(facts, call, 0)
            if found is not None and (found.stops or _decides_exit(facts, call)):
                return found.evidence
        chained = self._chain_limit(entry)
        if chained is not None:
            return chained
        if entry.kind == EntryKind.TRPC_PROCEDURE:
            return self._transport_limit()
        return None

    def _call_limit(self, facts: FileFacts, call: Call, depth: int) -> Limit | None:
        """The limit one call applies: a known limiter, an app limiter whose outcome decides an
        exit, or a helper of the app that applies one."""
        file = facts.path
        if self.ctx.classifier.is_rate_limit(file, call):
            return Limit(_at(file, call, f"rate limited by {call.callee}()"), stops=True)
        counter = _store_counter(facts, call)
        if counter is not None:
            stops = counter.exit in (ExitKind.THROW, ExitKind.REDIRECT) or _answers(facts, counter)
            detail = f"limited by a counter in the store ({call.callee}() against a bound)"
            return Limit(_at(file, call, detail), stops=stops)
        throttle = self._recent_rows(file, call)
        if self._named_limiter(file, call) or throttle:
            guard = _exit_guard(facts, call)
            exit_kind = (
                guard.exit if guard is not None and not (throttle and guard.negated) else None
            )
            if exit_kind is not None:
                stops = exit_kind in (ExitKind.THROW, ExitKind.REDIRECT)
                return Limit(_at(file, call, f"limited by {call.callee}()"), stops=stops)
            if call.returned and not throttle:
                return Limit(_at(file, call, f"returns the verdict of {call.callee}()"), False)
        if depth >= MAX_DEPTH:
            return None
        target = self.ctx.summaries.target(file, call)
        if target is None or target[1] is None:
            return None
        inner = self._function_limit(target, depth + 1)
        if inner is None:
            return None
        where = f"{target[0]}:{inner.evidence.line}"
        detail = f"calls {call.callee}(), {inner.evidence.detail} ({where})"
        return Limit(_at(file, call, detail), inner.stops)

    def _function_limit(self, key: FuncKey, depth: int) -> Limit | None:
        """The limit a function of the app (with its callbacks) applies, if any."""
        if key in self._limits:
            return self._limits[key]
        self._limits[key] = None  # a cycle limits nothing more
        file, func = key
        facts = self.ctx.program.files[file]
        inside = function_scope(facts, func)
        found: Limit | None = None
        for call in facts.calls:
            if call.func not in inside:
                continue
            inner = self._call_limit(facts, call, depth)
            if inner is None:
                continue
            if inner.stops or _exit_of(facts, call) is not None:
                found = Limit(inner.evidence, stops=True)
                if _exit_of(facts, call) in (None, ExitKind.THROW, ExitKind.REDIRECT):
                    break  # a limit that stops the request itself is the evidence to give
            elif call.returned and found is None:
                found = inner
        self._limits[key] = found
        return found

    def _named_limiter(self, file: str, call: Call) -> bool:
        """A call named like a limiter (`chatRateLimit()`), or a limiter method on an object named
        like one or built from a class named like one (`ipBucket.check(ip, 1)`)."""
        limiter = set(self.vocabulary.limiter_words)
        if _grams(call.name) & limiter:
            return True
        if call.name not in self.ctx.knowledge.rate_limiting.methods or "." not in call.callee:
            return False
        root = call.callee.removeprefix("await ").split(".", 1)[0]
        if _grams(root) & limiter:
            return True
        symbol = self.ctx.program.lookup(file, root)
        built = self.ctx.program.value_call(symbol) if symbol is not None else None
        return built is not None and bool(_grams(built.callee.removeprefix("new ")) & limiter)

    def _recent_rows(self, file: str, call: Call) -> bool:
        """A read of the rows created in a recent window (`createdAt: { gt: new Date(Date.now() -
        ONE_HOUR) }`): when its result decides an exit, the app throttles by what it stored."""
        op = next((o for o in self.ctx.classifier.db_ops(file) if o.call == call.index), None)
        return (
            op is not None and op.kind == "read" and any(_RECENT.search(w.text) for w in op.where)
        )

    def _chain_limit(self, entry: Entry) -> Evidence | None:
        """A limit in the middleware of the entry's chain or in a wrapper around its handler."""
        for file, call, key in self._chain_functions(entry):
            found = self._function_limit(key, 1)
            if found is not None:
                return _at(file, call, f"{call.callee}() runs {found.evidence.detail}")
        return None

    def _chain_functions(self, entry: Entry) -> list[tuple[str, Call, FuncKey]]:
        """The functions the entry's chain runs around it: `.use(fn)`, `.use(factory(...))`, and
        the wrappers called with the handler."""
        found: list[tuple[str, Call, FuncKey]] = []
        for file, call in entry.chain:
            wrapper = call in entry.wrappers
            if call.name not in ("use", "middleware") and not wrapper:
                continue
            calls = self.ctx.program.files[file].calls
            keys: list[FuncKey] = []
            if wrapper:
                target = self.ctx.summaries.target(file, call)
                keys += [target] if target is not None else []
            for arg in call.args:
                if arg.func is not None and not wrapper:
                    keys.append((file, arg.func))
                elif arg.call is not None:
                    target = self.ctx.summaries.target(file, calls[arg.call])
                    keys += [target] if target is not None else []
                elif arg.kind == ExprKind.IDENTIFIER and not wrapper:
                    symbol = self.ctx.program.lookup(file, arg.text)
                    if symbol is not None and symbol.package is None:
                        key = self.ctx.summaries.function_of_symbol(
                            symbol.file, symbol.func, symbol.value.call if symbol.value else None
                        )
                        keys += [key] if key is not None else []
            found += [(file, call, key) for key in keys if key[1] is not None]
        return found

    def _transport_limit(self) -> Evidence | None:
        """The limit every tRPC transport of the program applies before its adapter, or None when
        one of them does not (or none is found)."""
        if self._transports:
            return self._transports[0]
        limits: list[Evidence] = []
        complete = True
        for facts in self.ctx.program.files.values():
            for call in facts.calls:
                if not _hands_a_router(call):
                    continue
                found = self._transport_file_limit(facts, call)
                if found is None:
                    complete = False
                else:
                    limits.append(found)
        result = limits[0] if limits and complete else None
        self._transports = [result]
        return result

    def _transport_file_limit(self, facts: FileFacts, adapter: Call) -> Evidence | None:
        """A transport's limit: in the function that calls the adapter, or in a wrapper its
        exported handler is built with (`export default withRateLimit(opts, handler)`)."""
        outermost = outermost_function(facts, adapter.func)
        if outermost is not None:
            found = self._function_limit((facts.path, outermost), 1)
            if found is not None:
                return found.evidence
        for export in facts.exports:
            if export.init is None or export.init.call is None:
                continue
            wrapper = facts.calls[export.init.call]
            target = self.ctx.summaries.target(facts.path, wrapper)
            if target is None or target[1] is None:
                continue
            found = self._function_limit(target, 1)
            if found is not None:
                return _at(
                    facts.path,
                    wrapper,
                    f"every tRPC transport is limited: {wrapper.callee}() around the handler, "
                    f"{found.evidence.detail}",
                )
        return None

    # -- sensitivity -------------------------------------------------------------------------------

    def sensitive(self, entry: Entry, scope: EntryScope) -> str | None:
        """Why the entry point is an operation worth limiting, or None."""
        words_ = self.ctx.knowledge.sensitive_operations
        spending = {w.lower() for w in self.vocabulary.spending_words}
        reasons: list[tuple[str, bool]] = []
        if entry.kind not in (EntryKind.PAGE, EntryKind.PAGES_SSR):
            route = (entry.route or "").replace(".", "/").split("/")
            segments = [s.lower() for s in route if s]
            reasons += [
                (f"a sensitive operation (`{w}`)", w.lower() in spending)
                for w in words_.route_words
                if w in segments
            ]
            name = entry.name.lower()
            reasons += [
                (f"a sensitive operation ({entry.name})", w.lower() in spending)
                for w in words_.function_words
                if name.startswith(w.lower())
            ]
        for call in scope.facts.calls:
            if scope.has(call.func, call.line) and not self._notifies(scope, call):
                for hint in words_.callee_hints:
                    if call.callee == hint or call.callee.endswith("." + hint):
                        reasons.append((f"a costly operation ({call.callee}())", False))
        for reason, needs_spending in reasons:
            if not needs_spending or self.spends_in(scope) is not None:
                return reason
        return None

    def _notifies(self, scope: EntryScope, call: Call) -> bool:
        """A message a signed-in caller's request sends to recipients the server picks (an
        assignee's address read from its rows, a fixed inbox): a notification, not a relay. Mail is
        abused by choosing where it goes, or by an anonymous caller; neither holds here."""
        summary = scope.summary
        if summary.auth_gate is None or summary.auth_kind not in ("session", "api_key"):
            return False
        keys = set(self.vocabulary.recipient_keys)
        options = next((a for a in call.args if a.kind == ExprKind.OBJECT), None)
        recipients = [p.value for p in options.pairs if p.key in keys] if options else []
        return bool(recipients) and not any(
            scope.flow.is_client_value(r) or scope.flow.is_input(r) for r in recipients
        )

    def spends_in(self, scope: EntryScope) -> Evidence | None:
        """The first call of the handler, or of the app's functions it calls, that sends a
        message or calls a paid service."""
        for call in scope.facts.calls:
            if scope.has(call.func, call.line) and not self._notifies(scope, call):
                found = self._call_spends(scope.facts.path, call, 0)
                if found is not None:
                    return found
        return None

    def _call_spends(self, file: str, call: Call, depth: int) -> Evidence | None:
        """A call that sends or spends: a known sending call, a call into a spending package, a
        `fetch` to another service's address, an email sign-in; or an app function that does."""
        hints = self.ctx.knowledge.sensitive_operations.callee_hints
        if any(call.callee == h or call.callee.endswith("." + h) for h in hints):
            return _at(file, call, f"calls {call.callee}()")
        _callee, package = self.ctx.classifier.canonical(file, call)
        if package is not None and any(
            package == p or package.startswith(p + "/") for p in self.vocabulary.spending_packages
        ):
            return _at(file, call, f"calls {call.callee}() ({package})")
        if call.name == "fetch" and call.args and _EXTERNAL_URL.match(call.args[0].text):
            return _at(file, call, f"calls {call.args[0].text[:60]}")
        provider = self._provider(call)
        if provider is not None and provider in self.vocabulary.credential_providers:
            return _at(file, call, f"signs in with the {provider} provider")
        target = self.ctx.summaries.target(file, call)
        if target is None or target[1] is None or depth >= MAX_DEPTH:
            return None
        if target not in self._spends:
            self._spends[target] = None  # a cycle spends nothing more
            tfile, tfunc = target
            facts = self.ctx.program.files[tfile]
            inside = function_scope(facts, tfunc)
            self._spends[target] = next(
                (
                    found
                    for inner in facts.calls
                    if inner.func in inside
                    and (found := self._call_spends(tfile, inner, depth + 1)) is not None
                ),
                None,
            )
        inner_found = self._spends[target]
        if inner_found is None:
            return None
        return _at(file, call, f"calls {call.callee}(), which {inner_found.detail}")

    def _provider(self, call: Call) -> str | None:
        """The provider an Auth.js-style sign-in names (`signIn("github")`), when a literal."""
        if call.name not in self.vocabulary.provider_sign_in or not call.args:
            return None
        return call.args[0].value

    # -- callers that are not the public -----------------------------------------------------------

    def trusted_caller(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        """Why the entry's callers are not the public: a server secret or signature checked in
        the handler, or a privileged role checked on the way in."""
        summary = scope.summary
        if summary.auth_gate is not None and summary.auth_kind in ("internal", "signature"):
            return summary.auth_gate
        secret = self._secret_guard(scope)
        if secret is not None:
            return secret
        if summary.role_gate is not None and self._caller_role(summary.role_gate, scope):
            return summary.role_gate
        return self._chain_role_gate(entry) or self._operator_gate(entry, scope)

    def _operator_gate(self, entry: Entry, scope: EntryScope) -> Evidence | None:
        """An exit, in the handler or the middleware of its chain, unless the caller's email is
        the operator's address the server is configured with (`if (user.email !==
        env.ADMIN_EMAIL) throw`): only the app's operator gets past."""
        places = [(scope.facts, [g for g in scope.facts.guards if scope.has(g.func, g.line)])]
        for _file, _call, (kfile, kfunc) in self._chain_functions(entry):
            facts = self.ctx.program.files[kfile]
            inside = function_scope(facts, kfunc)
            places.append((facts, [g for g in facts.guards if g.func in inside]))
        for facts, guards in places:
            for guard in guards:
                if guard.caught:
                    continue
                if guard.exit == ExitKind.RETURN or not _OPERATOR.search(guard.condition.text):
                    continue
                return Evidence(
                    file=facts.path,
                    line=guard.line,
                    detail=f"only the operator the server names gets past "
                    f"`{guard.condition.text[:60]}`",
                )
        return None

    def _secret_guard(self, scope: EntryScope) -> Evidence | None:
        """An exit unless the request carries a server secret (`if (auth !== `Bearer
        ${process.env.CRON_SECRET}`) return 401`), the secret taken as set."""
        facts = scope.facts
        values = {
            name: var.init.text
            for var in facts.vars
            if var.init is not None and scope.has(var.func, var.line)
            for name in var.names
        }
        for guard in facts.guards:
            if not scope.has(guard.func, guard.line) or guard.caught:
                continue
            text = guard.condition.text
            present = secret_names([text, *(v for n, v in values.items() if n in text)])
            secret = compares_secret(text, values, set(present) | set(values))
            if secret is not None:
                return Evidence(
                    file=facts.path,
                    line=guard.line,
                    detail=f"only the holder of the {secret} secret gets past `{text[:60]}`",
                )
        return None

    def _chain_role_gate(self, entry: Entry) -> Evidence | None:
        """A role guard in the middleware of the entry's chain or a wrapper around it."""
        for file, call, (kfile, kfunc) in self._chain_functions(entry):
            facts = self.ctx.program.files[kfile]
            for func in sorted(function_scope(facts, kfunc), key=lambda f: -1 if f is None else f):
                seeds = context_seeds(facts, func)
                flow = self.ctx.summaries.flow(kfile, func, seeds)
                summary: Summary = self.ctx.summaries.compute_with(kfile, func, seeds, flow)
                # a wrapper's own request handler answers the request: an early return there
                # (`return res.status(401)...`) stops it as a throw would
                wrapper = call in entry.wrappers
                if summary.role_gate is not None and self._caller_role(
                    summary.role_gate, wrapper_handler=wrapper
                ):
                    gate = summary.role_gate
                    return _at(file, call, f"{gate.detail} ({gate.file}:{gate.line})")
        return None

    def _caller_role(
        self,
        gate: Evidence,
        scope: EntryScope | None = None,
        depth: int = 0,
        *,
        wrapper_handler: bool = False,
    ) -> bool:
        """Whether a role guard stops every caller without the role: a guard that tests the
        caller's role alone, not a permission over a record it loaded (`canReadInvoice(invoice,
        user)` lets every reader of the invoice through), and that throws or redirects (or returns
        from the handler itself: an early return from a helper only picks what the helper gives).
        A gate found in a helper (`requireRole(["admin"])`) is judged where the helper checks."""
        facts = self.ctx.program.files.get(gate.file)
        if facts is None or depth > MAX_DEPTH:
            return False
        guards = [g for g in facts.guards if g.line == gate.line and not g.caught]
        for guard in guards:
            rows = {
                name
                for op in self.ctx.classifier.db_ops(gate.file)
                if op.func == guard.func
                for name in op.assigned_to
            }
            in_handler = (
                scope is not None
                and gate.file == scope.facts.path
                and scope.has(guard.func, guard.line)
            )
            stops = (
                guard.exit in (ExitKind.THROW, ExitKind.REDIRECT) or in_handler or wrapper_handler
            )
            if stops and not rows & set(guard.condition.roots):
                return True
        if guards:
            return False
        for call in facts.calls:
            if call.line != gate.line or call.caught:
                continue
            target = self.ctx.summaries.target(gate.file, call)
            inner = self.ctx.summaries.of(*target).role_gate if target is not None else None
            if inner is not None and self._caller_role(inner, None, depth + 1):
                return True
        return False

    def redirects_to_provider(self, scope: EntryScope, ops: list[DbOp]) -> Evidence | None:
        """An OAuth or SSO sign-in that only redirects to the identity provider: such a call, no
        database operation, and no message sent."""
        if ops or self.spends_in(scope) is not None:
            return None
        for call in scope.facts.calls:
            if not scope.has(call.func, call.line):
                continue
            provider = self._provider(call)
            oauth = call.name in self.vocabulary.oauth_redirects or (
                provider is not None and provider not in self.vocabulary.credential_providers
            )
            if oauth:
                return _at(
                    scope.facts.path,
                    call,
                    f"{call.callee}() redirects to the identity provider, which checks the "
                    "credential",
                )
        return None


def _at(file: str, call: Call, detail: str) -> Evidence:
    return Evidence(file=file, line=call.line, detail=detail)


def _exit_guard(facts: FileFacts, call: Call) -> Guard | None:
    """The guard, after the call in the same function, that tests the call or the names its
    result is bound to, and exits (a middleware's `return next()` lets the request through)."""
    callee = call.callee.removeprefix("await ") + "("
    names = set(call.assigned_to)
    for guard in facts.guards:
        if guard.func != call.func or guard.caught or guard.line < call.line:
            continue
        if callee not in guard.condition.text and not names & set(guard.condition.roots):
            continue
        if guard.exit == ExitKind.RETURN and any(
            ret.line == guard.exit_line and ret.value is not None and "next(" in ret.value.text
            for ret in facts.returns
        ):
            continue
        return guard
    return None


# the caller's email compared with an address from the server's configuration
_OPERATOR = re.compile(
    r"\.email\s*!==?\s*(?:process\.)?env\.\w+"
    r"|(?:process\.)?env\.\w+\s*!==?\s*[\w$.?]+\.email\b"
)
_COUNTER_READS = {"incr", "incrby", "incrBy", "get"}
_COUNTER_INCREMENTS = {"incr", "incrby", "incrBy"}
_COUNTER_WINDOWS = {"expire", "pexpire", "expireat", "pexpireat", "setex", "expireAt"}


def _store_counter(facts: FileFacts, call: Call) -> Guard | None:
    """A limiter written by hand on a key-value store: the function increments a counter that
    expires (`redis.incr(key)` and `redis.expire(key, window)`), and exits when the count the
    call reads (or a value computed from it) passes a bound. The exit, or None."""
    if call.name not in _COUNTER_READS or not call.args or "." not in call.callee:
        return None
    scope = function_scope(facts, outermost_function(facts, call.func))
    names = {c.name for c in facts.calls if c.func in scope}
    if not (names & _COUNTER_INCREMENTS and names & _COUNTER_WINDOWS):
        return None
    held = set(call.assigned_to)
    held |= {  # `const count = raw ? Number(raw) : 0`
        name
        for var in facts.vars
        if var.func == call.func and var.init is not None and held & set(var.init.roots)
        for name in var.names
    }
    for guard in facts.guards:
        if guard.func != call.func or guard.caught or guard.line < call.line:
            continue
        if held & set(guard.condition.roots) and _BOUND.search(guard.condition.text):
            return guard
    return None


_BOUND = re.compile(r"[<>]=?")
_RESPONSE = re.compile(r"\bResponse\b|\.status\(|\.json\(|\.send\(")


def _answers(facts: FileFacts, guard: Guard) -> bool:
    """The exit returns a response (`return new Response(..., { status: 429 })`): the request
    stops there, it is no verdict handed to a caller."""
    return guard.exit == ExitKind.RETURN and any(
        ret.func == guard.func
        and ret.line == guard.exit_line
        and ret.value is not None
        and _RESPONSE.search(ret.value.text) is not None
        for ret in facts.returns
    )


def _exit_of(facts: FileFacts, call: Call) -> ExitKind | None:
    """How the call's outcome stops its function, if it does."""
    guard = _exit_guard(facts, call)
    return guard.exit if guard is not None else None


def _decides_exit(facts: FileFacts, call: Call) -> bool:
    return _exit_of(facts, call) is not None


def _hands_a_router(call: Call) -> bool:
    """A tRPC adapter serving requests: a call handed an options object with a `router`
    (`fetchRequestHandler({ router, req, ... })`, `createNextApiHandler({ router })`)."""
    return any(
        arg.kind == ExprKind.OBJECT and any(p.key == "router" for p in arg.pairs)
        for arg in call.args
    ) and call.name.endswith(("Handler", "handler", "Adapter", "adapter"))


class KnowsRateLimits(CheckerBase):
    """A family of checks that asks where the app limits its callers."""

    _limits: RateLimits | None = None

    def _rate_limits(self) -> RateLimits:
        """The app's limiters and sensitive operations, learned on first use."""
        if self._limits is None:
            self._limits = RateLimits(self.ctx)
        return self._limits
