"""Function summaries across files: ensures a user, returns the identity, checks a role or membership,
rate-limits, writes an audit log. Computed on demand, memoized, cycles broken conservatively."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from archtools.analysis.call_targets import CallTargets, FuncKey
from archtools.analysis.conditions import (
    SECRET_NAME,
    compares_keyed_digest,
    compares_secret,
    keyed_digest,
    returns_digest_keyed_by,
    returns_keyed_digest_match,
    secret_names,
    tests_presence,
)
from archtools.analysis.env_schema import required_non_empty
from archtools.analysis.flow import (
    Flow,
    Seeds,
    computed_from,
    function_flow,
    function_scope,
    leaving_branches,
)
from archtools.analysis.knowledge import GuardKnowledge, active_knowledge
from archtools.analysis.program import Program
from archtools.analysis.provider_records import provider_calls
from archtools.analysis.roles import AuthKind, CallClassifier, DbOp
from archtools.analysis.sessions import SessionLookups
from archtools.analysis.value_checks import checked_by_guards
from archtools.facts.code import Call, ExitKind, Expr, ExprKind, FileFacts, Guard
from archtools.knowledge.vocabulary import in_vocabulary, named_word
from archtools.results import Evidence

_EXIT_WORDS = {
    ExitKind.RETURN: "returns early",
    ExitKind.THROW: "throws",
    ExitKind.REDIRECT: "redirects",
}


@dataclass
class Summary:
    auth_gate: Evidence | None = None
    # The kind of caller the gate proves (CONTRACT.md): session | api_key | signature | internal.
    auth_kind: str | None = None
    # The gate throws or redirects, so it stops the request wherever this function is called; a gate
    # that only returns early from this function guards a caller only where it branches on the result.
    auth_stops: bool = True
    auth_line: int | None = (
        None  # where in this function the gate takes effect (a call to a helper)
    )
    # For a gate inherited from a helper: where the helpers check, outermost first and the check
    # that rejects the request last (`if (!session) throw ...` in the session helper).
    auth_via: list[Evidence] = field(default_factory=list)
    # Gates of the same function on other paths (an API key on one branch, the session on the
    # other): each rejects the requests of its own path.
    auth_also: list[Evidence] = field(default_factory=list)
    identity_kind: str = "session"  # the kind of caller `returns_identity` is
    returns_identity: Evidence | None = None
    role_gate: Evidence | None = None
    # The role or permission is one the caller holds within its active organization (Clerk's
    # `has({ permission: "org:..." })`): it allows the operation, not every organization's rows.
    role_gate_in_organization: bool = False
    membership_gate: Evidence | None = None
    rate_limit: Evidence | None = None
    audit_log: Evidence | None = None
    unsafe_session: list[Evidence] = field(default_factory=list)
    # Looks up a row bound to a user passed as an argument and stops when none is found
    # (`requireMembership(teamId, userId)`): a gate when the caller passes its own identity.
    membership_lookup: Evidence | None = None
    returns_role: Evidence | None = None  # returns whether the user holds a role (`isAdmin()`)
    # Throws or redirects when a parameter (or one field of it) is missing: `if (!email) throw`.
    # Keyed by (parameter index, field or None); a gate for callers that pass the signed-in user.
    param_gates: dict[tuple[int, str | None], Evidence] = field(default_factory=dict)
    # Returns whether the request carries a shared secret, compared in constant time
    # (`return timingSafeEqual(a, b)`): a gate where the caller exits when it is false.
    returns_secret_check: Evidence | None = None
    returns_secret_kind: str = "internal"  # or `signature`: a digest of the request keyed by it
    # Returns whether a presented signature equals a digest keyed by one of its parameters
    # (`verify(sig, body, secret)` returning `sig === createHmac("sha256", secret)...`): a
    # signature check where the caller hands it a server secret there. (index, why)
    returns_signature_by_param: tuple[int, Evidence] | None = None
    # Returns false unless a parameter holds a user (`isAuthor(session, authorId)`,
    # `isAdmin(session)`): parameter index -> why. A caller that exits unless it returns true, given
    # the signed-in user, stops signed-out requests.
    caller_predicate: dict[int, Evidence] = field(default_factory=dict)


# Roots of calls that only write the response or a log line.
_RESPONSE_ROOTS = {"res", "response", "Response", "NextResponse", "console", "logger", "log"}


def _is_root(name: str, subject: str) -> bool:
    return subject.split(".", 1)[0].split("?", 1)[0] == name


def _derived_locals(facts: FileFacts, guard: Guard) -> list[tuple[str, Expr]]:
    """The locals a guard tests that its function declares once, with what they were set to."""
    found = []
    for root in guard.condition.roots:
        decls = [v for v in facts.vars if v.func == guard.func and root in v.names]
        if len(decls) == 1 and not decls[0].keys and decls[0].init is not None:
            found.append((root, decls[0].init))
    return found


def _read_off(text: str, name: str) -> bool:
    """Whether a value is read off `name` alone, so it is missing when `name` is: a member chain
    (`session?.user?.role.includes(x)`), with no fallback (`??`, `||`) to stand in for it."""
    return (
        re.match(rf"(?:await\s+)?{re.escape(name)}\??\.", text) is not None
        and "??" not in text
        and "||" not in text
    )


def _set_gate(
    summary: Summary,
    gate: Evidence,
    kind: str | None,
    *,
    stops: bool,
    at: int | None = None,
    via: list[Evidence] | None = None,
) -> None:
    replaced = summary.auth_gate
    if replaced is not None and (replaced.file, replaced.line) != (gate.file, gate.line):
        # an earlier gate takes over; the one found first still guards its own path
        summary.auth_also = [replaced, *summary.auth_also]
    summary.auth_gate, summary.auth_kind, summary.auth_stops = gate, kind, stops
    summary.auth_line = gate.line if at is None else at
    summary.auth_via = list(via or [])


_NEGATED_CALL = re.compile(r"^!\s*(?:await\s+)?([\w$.]+)\(.*\)$", re.S)
_FALSY = {"false", "null", "undefined", "0", "''", '""'}
_BOOLEAN_SHAPE = re.compile(r"^(?:Boolean\(|!!)|===|!==|\.includes\(|\.some\(|\.every\(|&&")


def _tests_through(text: str, name: str) -> bool:
    """A boolean test that reads `name` only through optional chaining (or after `name &&`) and
    has no fallback that could make it true without it."""
    if "??" in text or "||" in text or _BOOLEAN_SHAPE.search(text) is None:
        return False
    uses = re.findall(rf"(?<![\w.]){re.escape(name)}(\?\.|\.|\s*&&|\b)", text)
    return bool(uses) and all(u.strip() in ("?.", "&&") for u in uses)


def _earlier(summary: Summary, call: Call) -> bool:
    """Whether a gate at `call` comes before the one found so far (the first gate on the way in is
    the one that protects what follows; a later check on a looked-up row is no authentication)."""
    return summary.auth_line is None or call.line < summary.auth_line


_ENV_ROOTS = ("env.", "process.env.")
# `x !== env.ADMIN_EMAIL` or `process.env.ADMIN_ID != x`: the environment value compared
_COMPARED_WITH_ENV = re.compile(
    r"!==?\s*((?:process\.)?env\.\w+)|\b((?:process\.)?env\.\w+)\s*!==?"
)
_CALLER_ATTRIBUTES = ("email", "id", "userId", "username")


def _configured_operator(flow: Flow, condition: Expr) -> str | None:
    """The environment value an exit pins the caller to (`if (user.email !== env.ADMIN_EMAIL)
    throw`): only the operator the deployment names gets past it, which is an admin's role."""
    compared = _COMPARED_WITH_ENV.search(condition.text)
    if compared is None:
        return None
    pinned = compared.group(1) or compared.group(2)
    caller = any(
        p.rsplit(".", 1)[-1] in _CALLER_ATTRIBUTES and _holds_identity(flow, p.rsplit(".", 1)[0])
        for p in condition.paths
        if not p.startswith(_ENV_ROOTS)
    )
    return pinned if pinned is not None and caller else None


def _holds_identity(flow: Flow, subject: str) -> bool:
    """Whether a tested value is the caller (or the call that yields it: `!(await auth())`):
    the value itself or the part of it that names the caller (`session.user`, `user.id`), not
    an attribute of the caller (`!user.emailVerified` tests a state, with a user at hand)."""
    root = subject.split(".", 1)[0].split("(", 1)[0].split("[", 1)[0]
    if root in flow.looked_up:
        return False  # (missing, it was not found: that stops no signed-out request for sure)
    if "(" in subject:
        return True
    if root in flow.identity:
        return _names_the_caller(subject)
    return any(
        subject == path or (subject.startswith(path + ".") and _names_the_caller(subject))
        for path in flow.identity_paths
    )


# `keys.includes(token)`, `allowed.has(key)`: a presented value looked for in a list
_MEMBERSHIP = re.compile(
    r"^(?P<keys>[A-Za-z_$][\w$.]*)\.(?:includes|has)\(\s*[A-Za-z_$][\w$.]*\s*\)$"
)

_CALLER_PARTS = frozenset({"user", "session", "id", "sub", "uid", "email", "auth", "data"})


def _names_the_caller(subject: str) -> bool:
    """`session`, `session.user`, `ctx.session?.user?.id`, `user.userId`: the caller, or the key
    that says who it is; not one of its attributes (`user.emailVerified`, `user.role`)."""
    parts = [p.strip("?!") for p in subject.replace("?.", ".").split(".")]
    if len(parts) == 1:
        return True
    last = parts[-1]
    return last in _CALLER_PARTS or last.endswith(("Id", "_id", "Session", "User"))


@dataclass(frozen=True)
class _Scan:
    """One function being summarized: its facts and flow, the lines kept, and what its guards read."""

    file: str
    func: int | None
    facts: FileFacts
    flow: Flow
    keep: Callable[[int], bool]
    scope: set[int | None]
    role_fields: set[str]
    # Local names and what they were set from; the secrets guards test present (grows as read).
    secret_values: dict[str, str]
    secrets_present: set[str]
    credential_rows: dict[str, DbOp]
    signature_verifiers: set[str]


def _inherit_marks(summary: Summary, file: str, call: Call, inner: Summary, where: str) -> None:
    """A rate limit, an audit log or an unverified session read of a callee, wherever in the
    function it is called."""
    if summary.rate_limit is None and inner.rate_limit is not None:
        summary.rate_limit = Evidence(
            file=file,
            line=call.line,
            detail=f"calls {call.callee}() ({where}), {inner.rate_limit.detail}",
        )
    if summary.audit_log is None and inner.audit_log is not None:
        summary.audit_log = Evidence(
            file=file,
            line=call.line,
            detail=f"calls {call.callee}() ({where}), which {inner.audit_log.detail}",
        )
    if not summary.unsafe_session and inner.unsafe_session:
        first = inner.unsafe_session[0]
        summary.unsafe_session.append(
            Evidence(
                file=file,
                line=call.line,
                detail=f"calls {call.callee}(), where {first.detail} ({first.file}:{first.line})",
            )
        )


class Summaries:
    def __init__(
        self, program: Program, classifier: CallClassifier, knowledge: GuardKnowledge
    ) -> None:
        self.program = program
        self.classifier = classifier
        self.knowledge = knowledge
        self._memo: dict[FuncKey, Summary] = {}
        self._active: set[FuncKey] = set()
        self._identity_calls: dict[tuple[str, frozenset[int | None]], dict[int, Evidence]] = {}
        # The kind of caller behind each identity source, by the place its evidence names.
        self._identity_kinds: dict[tuple[str, int], str] = {}
        self._returns_rows: dict[FuncKey, bool] = {}
        self._field_sources: dict[FuncKey, dict[str, tuple[int, str]]] = {}
        self.targets = CallTargets(program)
        self.sessions = SessionLookups(program, self._verifies_or_queries, self.target)

    def _verifies_or_queries(self, file: str, call: Call) -> bool:
        auth = self.classifier.auth_call(file, call)
        if auth is not None and auth.kind == AuthKind.ENFORCING:
            return True
        return any(
            op.func == call.func and op.line <= call.line <= op.line + 2
            for op in self.classifier.db_ops(file)
        )

    def _row_helper_calls(self, file: str, scope: set[int | None]) -> frozenset[int]:
        """The calls of repository helpers that return what one of their queries found
        (`const doc = await getDoc(id)`), and lookups in a map the server keeps in memory
        (`sessions.get(id)`): found with the client's key, what they return is the server's."""
        facts = self.program.files[file]
        maps = {
            name
            for var in facts.vars
            if var.func is None and var.init is not None and _MAP.match(var.init.text)
            for name in var.names
        }
        found: set[int] = set()
        for call in facts.calls:
            if call.func in scope and call.assigned_to:
                if call.name == "get" and call.callee.removeprefix("await ") in {
                    f"{name}.get" for name in maps
                }:
                    found.add(call.index)
                    continue
                target = self.target(file, call)
                if target is not None and self.returns_rows(*target):
                    found.add(call.index)
        return frozenset(found)

    def returns_rows(self, file: str, func: int | None) -> bool:
        """Whether a function returns the rows one of its own queries found."""
        key = (file, func)
        if key not in self._returns_rows:
            facts = self.program.files[file]
            returns = [r for r in facts.returns if r.func == func and r.value]
            self._returns_rows[key] = any(
                op.func == func
                and op.returns_rows
                and (
                    op.returned
                    or any(set(r.value.roots) & set(op.assigned_to) for r in returns if r.value)
                    or any(
                        _returns_unpacked(facts, func, set(r.value.roots), set(op.assigned_to))
                        for r in returns
                        if r.value
                    )
                )
                for op in self.classifier.db_ops(file)
            )
        return self._returns_rows[key]

    # -- resolving calls to functions -------------------------------------------------------------

    def target(self, file: str, call: Call) -> FuncKey | None:
        """The repository function a call invokes, when it can be resolved."""
        return self.targets.target(file, call)

    def function_of_symbol(
        self, file: str, func: int | None, value_call: int | None
    ) -> FuncKey | None:
        return self.targets.function_of_symbol(file, func, value_call)

    def callee_summary(self, file: str, call: Call) -> tuple[FuncKey, Summary] | None:
        key = self.target(file, call)
        if key is None:
            return None
        return key, self.of(*key)

    # -- identity sources ---------------------------------------------------------------------------

    def identity_calls(self, file: str, scope: set[int | None]) -> dict[int, Evidence]:
        key = (file, frozenset(scope))
        known = self._identity_calls.get(key)
        if known is None:
            known = self._find_identity_calls(file, scope)
            self._identity_calls[key] = known
        return known

    def _find_identity_calls(self, file: str, scope: set[int | None]) -> dict[int, Evidence]:
        found: dict[int, Evidence] = {}
        for call in self.program.files[file].calls:
            if call.func not in scope:
                continue
            auth = self.classifier.auth_call(file, call)
            if auth is not None and auth.kind != AuthKind.UNSAFE:
                found[call.index] = Evidence(
                    file=file,
                    line=call.line,
                    detail=f"{call.callee}() ({auth.library}) returns the signed-in user",
                )
                self._identity_kinds[(file, call.line)] = auth.caller
                continue
            resolved = self.callee_summary(file, call)
            if resolved is not None:
                (tfile, tfunc), summary = resolved
                if summary.returns_identity is not None:
                    where = self._where(tfile, tfunc)
                    found[call.index] = Evidence(
                        file=file,
                        line=call.line,
                        detail=f"{call.callee}() ({where}) returns the signed-in user",
                    )
                    self._identity_kinds[(file, call.line)] = summary.identity_kind
        self._pass_through_identity(file, scope, found)
        return found

    def _pass_through_identity(
        self, file: str, scope: set[int | None], found: dict[int, Evidence]
    ) -> None:
        """A helper that returns the argument it checked (`assertProUser(user)` ending in
        `return user`) hands back the signed-in user when it is handed one directly
        (`assertProUser(await getCurrentUser())`)."""
        for call in self.program.files[file].calls:
            if call.func not in scope or call.index in found:
                continue
            target = self.target(file, call)
            if target is None or target[1] is None:
                continue
            index = self._returned_param(target[0], target[1])
            if index is None or index >= len(call.args):
                continue
            arg = call.args[index]
            if arg.kind == ExprKind.CALL and arg.call in found:
                found[call.index] = Evidence(
                    file=file,
                    line=call.line,
                    detail=f"{call.callee}() hands back the signed-in user it is given "
                    f"({found[arg.call].detail})",
                )
                self._identity_kinds[(file, call.line)] = self._identity_kinds.get(
                    (file, found[arg.call].line), "session"
                )

    def _returned_param(self, file: str, func: int) -> int | None:
        """The parameter every `return` of the function hands back unchanged, if any."""
        facts = self.program.files[file]
        names = [p.name for p in facts.functions[func].params]
        returned = {r.value.text for r in facts.returns if r.func == func and r.value is not None}
        if len(returned) != 1:
            return None
        name = returned.pop()
        return names.index(name) if name in names else None

    def _inherit_gate(
        self, summary: Summary, facts: FileFacts, call: Call, inner: Summary, where: str
    ) -> None:
        """A callee's gate guards this function when it stops the request by itself (it throws or
        redirects), when this function returns the callee's result, or, for a callee that only
        returns early (`return null`), at the branch on its result that exits here too."""
        assert inner.auth_gate is not None
        said = f"{call.callee}() ({where}) which {inner.auth_gate.detail}"
        via = [inner.auth_gate, *inner.auth_via]
        if inner.auth_stops or call.returned or self._delegates(facts, call):
            gate = Evidence(file=facts.path, line=call.line, detail=f"calls {said}")
            _set_gate(summary, gate, inner.auth_kind, stops=inner.auth_stops, via=via)
            return
        names = {
            name
            for var in facts.vars
            if var.func == call.func and var.init is not None and var.init.call == call.index
            for name in var.names
        }
        for guard in sorted(facts.guards, key=lambda g: g.line):
            if guard.func != call.func or guard.line < call.line:
                continue
            # Any exit on the result is the branch on it: a presence test, `typeof token ===
            # "string"` on an error message, `!result.ok`.
            tested = names & set(guard.condition.roots)
            inline = guard.line == call.line and f"{call.callee}(" in guard.condition.text
            if not (tested or inline):
                continue
            gate = Evidence(
                file=facts.path,
                line=guard.line,
                detail=f"{_EXIT_WORDS[guard.exit]} when `{guard.condition.text}`, the result of {said}",
            )
            _set_gate(summary, gate, inner.auth_kind, stops=guard.exit != ExitKind.RETURN, via=via)
            return

    @staticmethod
    def _param_gate(
        summary: Summary, facts: FileFacts, func: int | None, guard: Guard, verb: str
    ) -> None:
        """Record `if (!email) throw ...` on a parameter (or a field of a destructured one)."""
        if func is None:
            return
        for index, param in enumerate(facts.functions[func].params):
            fields: list[tuple[str | None, str]] = [
                (key, name) for key, names in param.by_key.items() for name in names
            ] or [(None, name) for name in (param.names or (param.name,))]
            for key, name in fields:
                if (index, key) in summary.param_gates:
                    continue
                # a local read off the parameter is missing whenever the parameter is
                # (`const isAdmin = session?.user?.role.includes(ADMIN)`)
                tested = [(name, "")] + [
                    (local, f" (`{local}` = `{init.text[:60]}`)")
                    for local, init in _derived_locals(facts, guard)
                    if _read_off(init.text, name)
                ]
                for subject, said in tested:
                    if subject in guard.condition.roots and tests_presence(
                        guard.condition.text, partial(_is_root, subject)
                    ):
                        summary.param_gates[(index, key)] = Evidence(
                            file=facts.path,
                            line=guard.line,
                            detail=f"{verb} when `{guard.condition.text}`{said}",
                        )
                        break

    def _gate_on_passed_identity(
        self, summary: Summary, flow: Flow, file: str, call: Call, inner: Summary, where: str
    ) -> None:
        """A helper that stops when a parameter is missing guards a caller that passes the signed-in
        user there (`getLimits({ email: token?.email })` into `if (!email) throw`)."""
        for (index, key), gate in sorted(inner.param_gates.items(), key=lambda kv: kv[1].line):
            if index >= len(call.args):
                continue
            arg = call.args[index]
            passed = (
                arg
                if key is None
                else next((pair.value for pair in arg.pairs if pair.key == key), None)
            )
            if passed is None or not (
                flow.is_identity(passed) or self._returns_the_caller(file, call.func, passed)
            ):
                continue
            evidence = Evidence(
                file=gate.file,
                line=gate.line,
                detail=f"{gate.detail} in {call.callee}(), which {file}:{call.line} passes the "
                f"signed-in user (`{passed.text[:40]}`)",
            )
            kind = self._tested_identity_kind(flow, passed)
            _set_gate(summary, evidence, kind, stops=True, at=call.line)
            return

    def _returns_the_caller(self, file: str, func: int | None, value: Expr) -> bool:
        """A call handed on directly whose result is the signed-in user (`assertProUser(await
        getCurrentUser())`), as a local holding it would be."""
        if value.kind != ExprKind.CALL or value.call is None:
            return False
        scope = function_scope(self.program.files[file], func)
        return value.call in self.identity_calls(file, scope)

    def _delegates(self, facts: FileFacts, call: Call) -> bool:
        """The caller hands the rest of the work to the call: after it, only the response is
        written (`await handlePost(req, res); break;`), so the callee's early return ends it all."""
        scope = function_scope(facts, call.func)
        for later in facts.calls:
            if later.func not in scope or later.line <= call.end_line:
                continue
            root = later.callee.removeprefix("await ").removeprefix("new ").split(".", 1)[0]
            if root.split("(", 1)[0] not in _RESPONSE_ROOTS:
                return False
        return True

    def identity_kind(self, evidence: Evidence) -> str:
        """The kind of caller an identity source proves (`session` unless known otherwise)."""
        return self._identity_kinds.get((evidence.file, evidence.line), "session")

    def _tested_identity_kind(self, flow: Flow, condition: Expr) -> str:
        for root in condition.roots:
            if root in flow.identity:
                return self.identity_kind(flow.identity[root])
        return "session"

    def _credential_lookups(
        self, file: str, func: int | None
    ) -> tuple[dict[str, DbOp], list[DbOp]]:
        """Reads of an API-key or access-token row by a presented value (a lookup that stops when
        none is found authenticates the caller): by the names that hold the row, and the
        `...OrThrow` ones, which stop by themselves."""
        models = self.knowledge.credentials.key_models
        rows: dict[str, DbOp] = {}
        throwing: list[DbOp] = []
        facts = self.program.files[file]
        for op in self.classifier.db_ops(file):
            if op.func != func or op.kind != "read" or not op.where:
                continue
            name = (op.model or op.table or "").replace("_", "").lower()
            named = name in models or name.removesuffix("s") in models
            if not (named or by_hashed_secret(facts, op)):
                continue
            rows.update(dict.fromkeys(op.assigned_to, op))
            if op.operation.endswith("OrThrow"):
                throwing.append(op)
        return rows, throwing

    def validator_calls(self, file: str, scope: set[int | None]) -> set[int]:
        return {
            c.index
            for c in self.program.files[file].calls
            if c.func in scope
            and (
                self.classifier.is_validator(file, c)
                # Hono's `c.req.valid("json")`: what a validator middleware of the route checked
                or c.callee.removeprefix("await ").endswith(".req.valid")
            )
        }

    def flow(self, file: str, func: int | None, seeds: Seeds | None = None) -> Flow:
        facts = self.program.files[file]
        scope = function_scope(facts, func)
        return function_flow(
            facts,
            func,
            seeds or Seeds(),
            identity_calls=self.identity_calls(file, scope),
            validator_calls=self.validator_calls(file, scope),
            trusted_calls=self.trusted_calls(file, scope),
            hand_checked={
                **self._asserting_parses(file, func),
                **checked_by_guards(
                    facts,
                    lambda guard_func, _line: guard_func == func,
                    self.knowledge.validation.manual_checks,
                ),
            },
            queries=frozenset(op.call for op in self.classifier.db_ops(file)),
            row_helpers=self._row_helper_calls(file, scope),
            field_maps=self._field_maps(file, scope),
        )

    def _field_maps(
        self, file: str, scope: set[int | None]
    ) -> dict[int, dict[str, tuple[int, str]]]:
        """The calls of helpers that return an object built of their parameters' fields, with
        where each field comes from (`toServiceCtx(ctx)` returning `{ workspace: ctx.workspace }`)."""
        found: dict[int, dict[str, tuple[int, str]]] = {}
        for call in self.program.files[file].calls:
            if call.func not in scope or not call.args:
                continue
            target = self.target(file, call)
            if target is None or target[1] is None:
                continue
            fields = self.field_sources(target[0], target[1])
            if fields:
                found[call.index] = fields
        return found

    def field_sources(self, file: str, func: int) -> dict[str, tuple[int, str]]:
        """For a function whose every return is one object literal: each field (nested ones by
        their path) that holds a parameter's field, with the parameter's position and the path
        under it (`{ workspace: ctx.workspace, actor: { userId: ctx.user.id } }` gives workspace
        -> (0, "workspace") and actor.userId -> (0, "user.id"))."""
        key = (file, func)
        if key not in self._field_sources:
            facts = self.program.files[file]
            params = facts.functions[func].params
            names = {param.name: i for i, param in enumerate(params) if param.name}
            returns = [r.value for r in facts.returns if r.func == func]
            fields: dict[str, tuple[int, str]] = {}
            if len(returns) == 1 and returns[0] is not None and returns[0].kind == ExprKind.OBJECT:
                _object_fields(returns[0], "", names, fields)
            self._field_sources[key] = fields
        return self._field_sources[key]

    def _asserting_parses(self, file: str, func: int | None) -> dict[str, Evidence]:
        """`Schema.parse(data);` with its result unused: the parse throws on a bad value, so what
        follows it receives `data` only once it passed (`safeParse` returns the failure instead)."""
        found: dict[str, Evidence] = {}
        for call in self.program.files[file].calls:
            if (
                call.func != func
                or call.assigned_to
                or call.returned
                or call.name.startswith("safe")
                or len(call.args) != 1
                or call.args[0].kind != ExprKind.IDENTIFIER
                or not self.classifier.is_validator(file, call)
                or call.callee in self.knowledge.validation.coercions
            ):
                continue
            found.setdefault(
                call.args[0].text,
                Evidence(
                    file=file,
                    line=call.line,
                    detail=f"`{call.args[0].text}` is validated by {call.callee}(), which throws "
                    "when it fails",
                ),
            )
        return found

    def trusted_calls(self, file: str, scope: set[int | None]) -> set[int]:
        """Calls whose result is the server's, not the client's: a verified webhook event, what a
        helper that authenticates a key or a signature returns (the row it found, the event), and a
        record a provider's SDK reads (`stripe.checkout.sessions.retrieve(id)`)."""
        names = set(self.knowledge.public_routes.signature_calls)
        trusted: set[int] = set()
        for c in self.program.files[file].calls:
            if c.func not in scope or not c.args:
                continue
            if c.name.removeprefix("new ") in names:
                trusted.add(c.index)
                continue
            resolved = self.callee_summary(file, c)
            if resolved is not None and resolved[1].auth_kind in ("api_key", "signature"):
                trusted.add(c.index)
        reads = self.knowledge.validation.provider_reads
        if reads:
            facts = self.program.files[file]
            in_scope = [c for c in facts.calls if c.func in scope and c.index not in trusted]
            trusted |= {
                found.call.index for found in provider_calls(self.program, facts, in_scope, reads)
            }
        return trusted

    # -- summaries ---------------------------------------------------------------------------------

    def of(self, file: str, func: int | None) -> Summary:
        key = (file, func)
        known = self._memo.get(key)
        if known is not None:
            return known
        if key in self._active:
            return Summary()  # recursion: assume nothing about a function still being summarized
        self._active.add(key)
        try:
            summary = self._compute(file, func, Seeds())
        finally:
            self._active.discard(key)
        self._memo[key] = summary
        return summary

    def _where(self, file: str, func: int | None) -> str:
        if func is None:
            return file
        return f"{file}:{self.program.files[file].functions[func].line}"

    def _compute(self, file: str, func: int | None, seeds: Seeds) -> Summary:
        return self.compute_with(file, func, seeds, self.flow(file, func, seeds))

    def compute_with(
        self,
        file: str,
        func: int | None,
        seeds: Seeds,
        flow: Flow,
        include: Callable[[int], bool] | None = None,
        bound: Mapping[str, str] | None = None,
    ) -> Summary:
        """The summary of one function; `include` limits it to some lines (one method branch);
        `bound` gives parameters of the functions around it the values a call site passes
        (`TokenSecuredEndpoint(env.WEBHOOK_TOKEN, handler)` binds `token`)."""
        facts = self.program.files[file]
        scope = function_scope(facts, func)
        credential_rows, throwing_lookups = self._credential_lookups(file, func)
        scan = _Scan(
            file=file,
            func=func,
            facts=facts,
            flow=flow,
            keep=include or (lambda _line: True),
            scope=scope,
            role_fields=set(self.knowledge.ownership.role_fields),
            secret_values={
                **(bound or {}),
                **{
                    name: var.init.text
                    for var in facts.vars
                    if var.func in scope and var.init is not None
                    for name in var.names
                },
            },
            secrets_present=set(),
            credential_rows=credential_rows,
            signature_verifiers=set(self.knowledge.public_routes.signature_verifiers),
        )
        self._digest_helpers(scan)
        summary = Summary()
        self._gate_on_throwing_lookup(scan, summary, throwing_lookups)
        for guard in sorted(facts.guards, key=lambda g: g.line):
            if guard.func != func or not scan.keep(guard.line) or guard.caught:
                continue  # (a throw a catch of this function swallows stops nothing)
            self._read_guard(scan, summary, guard)
        for call in facts.calls:
            if call.func not in scope or not scan.keep(call.line):
                continue
            self._read_call(scan, summary, call)
        self._read_returns(scan, summary)
        self._gate_on_every_path(file, func, seeds, flow, scan, summary, bound)
        return summary

    def _gate_on_every_path(
        self,
        file: str,
        func: int | None,
        seeds: Seeds,
        flow: Flow,
        scan: _Scan,
        summary: Summary,
        bound: Mapping[str, str] | None,
    ) -> None:
        """A gate inside a branch that leaves the function (`if (header) { await verifyKey(header);
        return next() }`) guards that branch alone: the function is gated only when the path that
        goes on past the branch has a gate of its own, which then stands for it."""
        line = summary.auth_line
        if summary.auth_gate is None or line is None:
            return
        branches = [
            (start, end) for start, end in leaving_branches(scan.facts, {func}) if scan.keep(start)
        ]
        if not any(start < line <= end for start, end in branches):
            return
        keep = scan.keep

        def past_the_branches(at: int) -> bool:
            return keep(at) and not any(start < at <= end for start, end in branches)

        if not self._goes_on(scan, past_the_branches):
            return  # (past the branches it only refuses: `return unauthorized()`)
        onward = self.compute_with(file, func, seeds, flow, past_the_branches, bound)
        branch = [summary.auth_gate, *summary.auth_via]
        summary.auth_gate, summary.auth_kind = onward.auth_gate, onward.auth_kind
        summary.auth_stops, summary.auth_line = onward.auth_stops, onward.auth_line
        summary.auth_via = onward.auth_via
        summary.auth_also = [*branch, *onward.auth_also] if onward.auth_gate else []

    def _goes_on(self, scan: _Scan, runs: Callable[[int], bool]) -> bool:
        """Whether the lines kept reach what the function exists for: a database operation, or
        the next step of a chain (`next()`, `NextResponse.next()`). Code that only answers a
        refusal there (`return sendUnauthorized()`) lets no request on."""
        if any(op.func in scan.scope and runs(op.line) for op in self.classifier.db_ops(scan.file)):
            return True
        return any(
            call.func in scan.scope and runs(call.line) and call.name == "next"
            for call in scan.facts.calls
        )

    @staticmethod
    def _gate_on_throwing_lookup(scan: _Scan, summary: Summary, lookups: list[DbOp]) -> None:
        """The first `...OrThrow` read of a key row in the lines kept authenticates the caller."""
        for op in lookups:
            if scan.keep(op.line):
                gate = Evidence(
                    file=scan.file,
                    line=op.line,
                    detail=f"{op.callee}() throws when no {op.model or op.table} matches the "
                    "presented key",
                )
                _set_gate(summary, gate, "api_key", stops=True)
                return

    # -- the guards of the function -----------------------------------------------------------------

    def _read_guard(self, scan: _Scan, summary: Summary, guard: Guard) -> None:
        """What one exit of the function proves: a role, the caller, a key, a parameter, a secret."""
        verb = _EXIT_WORDS[guard.exit]
        stops = guard.exit != ExitKind.RETURN
        if summary.role_gate is None:
            self._role_function_gate(scan, summary, guard, verb)
        self._identity_guard_gate(scan, summary, guard, verb, stops=stops)
        if summary.auth_gate is None:
            self._predicate_guard_gate(scan, summary, guard, verb, stops=stops)
        self._credential_guard_gate(scan, summary, guard, verb, stops=stops)
        if stops:
            self._param_gate(summary, scan.facts, scan.func, guard, verb)
        self._secret_guard_gate(scan, summary, guard, verb, stops=stops)
        if summary.role_gate is not None:
            return
        # `user.role !== "ADMIN"`, and through a local holding the test: `const isAdmin =
        # session?.user?.role.includes(ADMIN); if (!isAdmin) throw`
        held = [(guard.condition.paths, "")] + [
            (init.paths, f" (`{name}` = `{init.text[:60]}`)")
            for name, init in _derived_locals(scan.facts, guard)
        ]
        operator = _configured_operator(scan.flow, guard.condition) if stops else None
        if operator is not None:
            summary.role_gate = Evidence(
                file=scan.file,
                line=guard.line,
                detail=f"{verb} unless the caller is the operator the environment names "
                f"(`{guard.condition.text[:80]}`: {operator})",
            )
            return
        for paths, said in held:
            if any(
                # through a list of roles too: `!user.roles.some(...)`
                p.rsplit(".", 1)[-1] in scan.role_fields
                or _ADMIN_FLAG.match(p.rsplit(".", 1)[-1]) is not None  # `ctx.isUserAdmin`
                or (p.count(".") >= 2 and p.rsplit(".", 2)[-2] in scan.role_fields)
                for p in paths
            ):
                summary.role_gate = Evidence(
                    file=scan.file,
                    line=guard.line,
                    detail=f"{verb} unless the role check `{guard.condition.text}` holds{said}",
                )
                return

    def _role_function_gate(self, scan: _Scan, summary: Summary, guard: Guard, verb: str) -> None:
        """`if (!isAdmin(user)) throw`: an exit on a function that returns whether a role is held."""
        checker = self._role_function(scan.file, guard.condition.roots)
        if checker is not None:
            summary.role_gate = Evidence(
                file=scan.file,
                line=guard.line,
                detail=f"{verb} unless `{guard.condition.text}` holds, which {checker}",
            )

    def _identity_guard_gate(
        self, scan: _Scan, summary: Summary, guard: Guard, verb: str, *, stops: bool
    ) -> None:
        """`if (!session) return 401`: an exit when the signed-in user is missing."""
        flow = scan.flow
        if flow.is_identity(guard.condition) and tests_presence(
            guard.condition.text, lambda s: _holds_identity(flow, s)
        ):
            gate = Evidence(
                file=scan.file, line=guard.line, detail=f"{verb} when `{guard.condition.text}`"
            )
            if summary.auth_gate is not None:
                if summary.auth_gate.line != guard.line:
                    summary.auth_also.append(gate)
                return
            kind = self._tested_identity_kind(flow, guard.condition)
            _set_gate(summary, gate, kind, stops=stops)

    def _predicate_guard_gate(
        self, scan: _Scan, summary: Summary, guard: Guard, verb: str, *, stops: bool
    ) -> None:
        """`if (!isAuthor(session, row.userId) && !isAdmin(session)) throw`: an exit unless one of
        the app's predicates holds, each false without the signed-in user it is given."""
        conjuncts = [c.strip() for c in guard.condition.text.split("&&")]
        if not conjuncts or any("||" in c for c in conjuncts):
            return
        calls = [
            c
            for c in scan.facts.calls
            if c.func == guard.func and guard.line <= c.line <= guard.line + 3
        ]
        reasons: list[str] = []
        for conjunct in conjuncts:
            match = _NEGATED_CALL.match(conjunct)
            call = (
                next((c for c in calls if c.callee.removeprefix("await ") == match.group(1)), None)
                if match
                else None
            )
            key = self.target(scan.file, call) if call is not None else None
            if call is None or key is None:
                return
            inner = self.of(*key)
            held = [
                why
                for index, why in inner.caller_predicate.items()
                if index < len(call.args) and scan.flow.is_identity(call.args[index])
            ]
            if not held:
                return
            reasons.append(f"{call.callee}() {held[0].detail}")
        gate = Evidence(
            file=scan.file,
            line=guard.line,
            detail=f"{verb} when `{guard.condition.text[:80]}`, which holds for every signed-out "
            f"caller: {'; '.join(reasons)[:160]}",
        )
        _set_gate(summary, gate, "session", stops=stops)

    @staticmethod
    def _credential_guard_gate(
        scan: _Scan, summary: Summary, guard: Guard, verb: str, *, stops: bool
    ) -> None:
        """`if (!apiKey) return 401` on the row a presented key looked up: the key authenticates."""
        row = next((r for r in guard.condition.roots if r in scan.credential_rows), None)
        if (
            summary.auth_gate is None
            and row is not None
            and tests_presence(guard.condition.text, partial(_is_root, row))
        ):
            op = scan.credential_rows[row]
            gate = Evidence(
                file=scan.file,
                line=guard.line,
                detail=f"{verb} when no {op.model or op.table} matches the presented key "
                f"(`{guard.condition.text}`, looked up at line {op.line})",
            )
            _set_gate(summary, gate, "api_key", stops=stops)

    def _secret_guard_gate(
        self, scan: _Scan, summary: Summary, guard: Guard, verb: str, *, stops: bool
    ) -> None:
        """An exit unless the request carries a server secret: through a helper that compares it, or
        compared in the condition itself (every guard is read for the secrets it tests present)."""
        if summary.auth_gate is None:
            checker = self._secret_checker(scan.file, guard, scan.secret_values)
            if checker is not None:
                gate = Evidence(
                    file=scan.file,
                    line=guard.line,
                    detail=f"{verb} when `{guard.condition.text}`, {checker[0]}",
                )
                _set_gate(summary, gate, checker[1], stops=stops)
        signed = compares_keyed_digest(guard.condition.text, scan.secret_values)
        if summary.auth_gate is None and signed is not None and stops:
            gate = Evidence(
                file=scan.file,
                line=guard.line,
                detail=f"{verb} unless the presented value matches the digest keyed by the "
                f"{signed} secret (`{guard.condition.text}`){SIGNED_LINK}",
            )
            _set_gate(summary, gate, "signature", stops=stops)
        scan.secrets_present.update(  # (what the app's env schema refuses to start without)
            name
            for root in guard.condition.roots
            if root.lower().endswith("env")
            for name in required_non_empty(self.program, scan.file, root)
        )
        secret = compares_secret(guard.condition.text, scan.secret_values, scan.secrets_present)
        if summary.auth_gate is None and secret is not None:
            gate = Evidence(
                file=scan.file,
                line=guard.line,
                detail=f"{verb} unless the request carries the {secret} secret "
                f"(`{guard.condition.text}`)",
            )
            _set_gate(summary, gate, "internal", stops=stops)

    def _digest_helpers(self, scan: _Scan) -> None:
        """A local set from a repository helper that returns a digest keyed by a secret
        (`const expected = signLink(id)` where `signLink` returns `createHmac(..., env.SECRET)...`)
        stands for what the helper returns, so comparing with it checks a signature."""
        for var in scan.facts.vars:
            if var.func not in scan.scope or var.init is None or var.init.call is None:
                continue
            target = self.target(scan.file, scan.facts.calls[var.init.call])
            if target is None or target[1] is None:
                continue
            facts = self.program.files[target[0]]
            returned = " ".join(
                r.value.text for r in facts.returns if r.func == target[1] and r.value is not None
            )
            if returned and keyed_digest(returned):
                for name in var.names:
                    scan.secret_values[name] = f"{var.init.text} {returned}"

    # -- the calls of the function ------------------------------------------------------------------

    def _read_call(self, scan: _Scan, summary: Summary, call: Call) -> None:
        """What one call in the function proves, by itself or through the callee's summary."""
        direct = call.func == scan.func
        self._auth_call_gate(scan, summary, call, direct=direct)
        self._call_marks(scan.file, summary, call)
        resolved = self.callee_summary(scan.file, call)
        if resolved is None:
            return
        (tfile, tfunc), inner = resolved
        where = self._where(tfile, tfunc)
        if direct:
            self._inherit_direct_gates(scan, summary, call, inner, where)
        _inherit_marks(summary, scan.file, call, inner, where)

    def _auth_call_gate(self, scan: _Scan, summary: Summary, call: Call, *, direct: bool) -> None:
        """A library call that rejects requests without a user or a valid signature, or reads a
        session without verifying it."""
        auth = self.classifier.auth_call(scan.file, call)
        if auth is not None:
            if auth.kind == AuthKind.ENFORCING and direct and _earlier(summary, call):
                gate = Evidence(
                    file=scan.file,
                    line=call.line,
                    detail=f"{call.callee}() ({auth.library}) rejects requests without a user",
                )
                _set_gate(summary, gate, auth.caller, stops=True)
            elif auth.kind == AuthKind.UNSAFE:
                summary.unsafe_session.append(
                    Evidence(
                        file=scan.file,
                        line=call.line,
                        detail=f"{call.callee}() does not verify the session",
                    )
                )
        if (
            direct
            and call.name.removeprefix("new ") in scan.signature_verifiers
            and _earlier(summary, call)
        ):
            gate = Evidence(
                file=scan.file,
                line=call.line,
                detail=f"{call.callee}() verifies the request's signature and throws when it "
                "does not match",
            )
            _set_gate(summary, gate, "signature", stops=True)

    def _call_marks(self, file: str, summary: Summary, call: Call) -> None:
        """A role check (`has({ role })`), a rate limit or an audit log the call makes itself."""
        if (
            call.name == "has"
            and summary.role_gate is None
            and any("role" in a.text or "permission" in a.text for a in call.args)
        ):
            organization = any(_ORGANIZATION_GRANT.search(a.text) for a in call.args)
            summary.role_gate = Evidence(
                file=file,
                line=call.line,
                detail=f"checks a role with {call.callee}()"
                + (" within the caller's active organization" if organization else ""),
            )
            summary.role_gate_in_organization = organization
        declared = self.knowledge.ownership.role_checks
        named = {call.callee.removeprefix("await "), call.name}
        if declared and not call.caught and named & set(declared):
            summary.role_gate = summary.role_gate or Evidence(
                file=file,
                line=call.line,
                detail=f"{call.callee}() stops the request unless the caller holds the role "
                "(a role check named in the knowledge)",
            )
        if summary.rate_limit is None and self.classifier.is_rate_limit(file, call):
            summary.rate_limit = Evidence(
                file=file, line=call.line, detail=f"rate limited by {call.callee}()"
            )
        if summary.audit_log is None and self.classifier.is_audit_log(file, call):
            summary.audit_log = Evidence(
                file=file, line=call.line, detail=f"writes an audit log with {call.callee}()"
            )

    def _inherit_direct_gates(
        self, scan: _Scan, summary: Summary, call: Call, inner: Summary, where: str
    ) -> None:
        """The gates of a callee this function calls itself (not from a nested function): the
        caller's authentication, role and membership checks."""
        file, flow = scan.file, scan.flow
        if _earlier(summary, call) and inner.auth_gate is not None and not call.caught:
            # (a gate whose throw a `catch` here swallows lets the request go on)
            self._inherit_gate(summary, scan.facts, call, inner, where)
        if _earlier(summary, call) and inner.param_gates:
            self._gate_on_passed_identity(summary, flow, file, call, inner, where)
        if summary.role_gate is None and inner.role_gate is not None:
            summary.role_gate = Evidence(
                file=file,
                line=call.line,
                detail=f"calls {call.callee}() ({where}) which {inner.role_gate.detail}",
            )
            summary.role_gate_in_organization = inner.role_gate_in_organization
        if (
            summary.membership_gate is None
            and inner.membership_lookup is not None
            and any(flow.is_identity(arg) for arg in call.args)
        ):
            summary.membership_gate = Evidence(
                file=file,
                line=call.line,
                detail=f"calls {call.callee}() ({where}) with the signed-in user, which {inner.membership_lookup.detail}",
            )
        if summary.membership_gate is None and inner.membership_gate is not None:
            summary.membership_gate = Evidence(
                file=file,
                line=call.line,
                detail=f"calls {call.callee}() ({where}) which {inner.membership_gate.detail}",
            )

    # -- what the function returns ------------------------------------------------------------------

    def _read_returns(self, scan: _Scan, summary: Summary) -> None:
        """What the function hands its caller: the identity, a role check, a secret check, and the
        membership it looks up."""
        file, func, flow = scan.file, scan.func, scan.flow
        summary.returns_identity = self._returns_identity(file, func, flow)
        if summary.returns_identity is not None:
            summary.identity_kind = self.identity_kind(summary.returns_identity)
        elif summary.auth_kind == "api_key" and scan.credential_rows:
            found = self._returns_key_row(scan)
            if found is not None:
                summary.returns_identity, summary.identity_kind = found, "api_key"
        summary.membership_gate = summary.membership_gate or self._membership_gate(file, func, flow)
        summary.membership_lookup = self._membership_lookup(file, func)
        summary.returns_role = self._returns_role(file, func, scan.role_fields)
        summary.caller_predicate = self._caller_predicate(scan)
        summary.returns_secret_check = self._returns_secret_check(file, func)
        if summary.returns_secret_check is not None and self._computes_hmac(file, func):
            summary.returns_secret_kind = "signature"  # a digest of the request, compared
        if summary.returns_secret_check is None:
            signed = self._returns_signature_check(file, func)
            if signed is not None:
                summary.returns_secret_check, summary.returns_secret_kind = signed, "signature"
        if summary.returns_secret_check is None:
            summary.returns_signature_by_param = self._returns_signature_by_param(file, func)
        if summary.returns_secret_check is None:
            listed = self._returns_configured_key(file, func)
            if listed is not None:
                summary.returns_secret_check, summary.returns_secret_kind = listed, "api_key"

    def _caller_predicate(self, scan: _Scan) -> dict[int, Evidence]:
        """The parameters without which the function returns false: every return is either a
        constant false under a guard that the parameter is missing (`if (!session) return false`),
        or a test that reads the parameter through optional chaining and has no fallback
        (`Boolean(userId && session?.user?.id && userId === session?.user?.id)`,
        `ROLES.some((r) => session?.user?.role.includes(r))`)."""
        if scan.func is None:
            return {}
        facts = scan.facts
        returns = [r for r in facts.returns if r.func == scan.func]
        if not returns:
            return {}
        found: dict[int, Evidence] = {}
        for index, param in enumerate(facts.functions[scan.func].params):
            name = param.name
            if not name.isidentifier():
                continue
            missing = {
                g.exit_line
                for g in facts.guards
                if g.func == scan.func and g.negated and g.condition.text.lstrip("!( ") == name
            }
            tests = [r for r in returns if r.line not in missing]
            refused = [r for r in returns if r.line in missing]
            if any(r.value is None or r.value.text not in _FALSY for r in refused):
                continue
            first = min(
                (g.line for g in facts.guards if g.func == scan.func and g.exit_line in missing),
                default=None,
            )
            guarded = first is not None and all(r.line > first for r in tests)
            if not tests or not (
                guarded
                or all(r.value is not None and _tests_through(r.value.text, name) for r in tests)
            ):
                continue
            found[index] = Evidence(
                file=scan.file,
                line=tests[0].line,
                detail=f"returns false without `{name}` (`{tests[0].value.text[:60] if tests[0].value else ''}`)",
            )
        return found

    def _returns_key_row(self, scan: _Scan) -> Evidence | None:
        """The row a presented API key found (or what is read from it), returned once the
        function has stopped requests whose key matches none: the caller the key stands for."""
        facts = self.program.files[scan.file]
        rows = set(scan.credential_rows)
        for var in sorted(facts.vars, key=lambda v: v.line):
            if var.func == scan.func and var.init is not None and var.init.all_roots() & rows:
                rows.update(var.names)  # `const { user } = apiToken`
        for ret in facts.returns:
            if ret.func == scan.func and ret.value is not None and ret.value.all_roots() & rows:
                return Evidence(
                    file=scan.file,
                    line=ret.line,
                    detail=f"returns `{ret.value.text[:40]}`, the row the presented key found",
                )
        return None

    def _returns_secret_check(self, file: str, func: int | None) -> Evidence | None:
        names = self.knowledge.public_routes.secret_comparisons
        for ret in self.program.files[file].returns:
            if ret.func != func or ret.value is None:
                continue
            found = next((n for n in names if f"{n}(" in ret.value.text), None)
            if found is not None:
                return Evidence(
                    file=file,
                    line=ret.line,
                    detail=f"returns whether the request's secret matches ({found}())",
                )
        return None

    def _returns_configured_key(self, file: str, func: int | None) -> Evidence | None:
        """Returns whether a presented value is one of the keys the server is configured with
        (`return apiKeys.includes(token)`, `apiKeys` read from `process.env.APP_API_KEYS`)."""
        for ret in self.program.files[file].returns:
            if ret.func != func or ret.value is None:
                continue
            found = _MEMBERSHIP.match(ret.value.text.strip())
            if found is None:
                continue
            symbol = self.program.lookup(file, found.group("keys"))
            text = symbol.value.text if symbol is not None and symbol.value is not None else ""
            secrets = [n for n in secret_names([text]) if SECRET_NAME.search(n)]
            if secrets:
                return Evidence(
                    file=file,
                    line=ret.line,
                    detail=f"returns whether the presented key is one of the {secrets[0]} keys",
                )
        return None

    def _computes_hmac(self, file: str, func: int | None) -> bool:
        facts = self.program.files[file]
        scope = function_scope(facts, func)
        return any(c.func in scope and c.name == "createHmac" for c in facts.calls)

    def _returns_signature_check(self, file: str, func: int | None) -> Evidence | None:
        """Returns whether a presented signature equals a digest of the request keyed by a server
        secret (`return signature === `sha256=${expected}``, `expected` an HMAC)."""
        facts = self.program.files[file]
        local = _local_values(facts, func)
        for ret in facts.returns:
            if ret.func != func or ret.value is None:
                continue
            secret = returns_keyed_digest_match(ret.value.text, local)
            if secret is not None:
                return Evidence(
                    file=file,
                    line=ret.line,
                    detail=f"returns whether the request's signature matches a digest keyed by "
                    f"the {secret} secret",
                )
        return None

    def _secret_checker(
        self, file: str, guard: Guard, secret_values: dict[str, str]
    ) -> tuple[str, str] | None:
        """`if (!isAuthorized(req)) return 401` where isAuthorized returns a constant-time
        comparison of the request's token with a secret, or its result held first (`const valid =
        verify(sig, body, env.SECRET); if (!valid) ...`); a helper comparing a digest keyed by
        a parameter counts where the server's secret is handed to it."""
        text = guard.condition.text
        last = guard.condition.line + 8  # (a condition may be written over several lines)
        for call in self.program.files[file].calls:
            if call.func != guard.func or call.line > last:
                continue
            callee = call.callee.removeprefix("await ")
            inline = guard.line <= call.line and re.search(
                rf"!\s*(await\s+)?{re.escape(callee)}\s*\(", text
            )
            held = call.line < guard.line and any(
                re.search(rf"!\s*{re.escape(name)}\b(?!\s*[.\[(])", text)
                for name in call.assigned_to
            )
            if not (inline or held):
                continue
            resolved = self.callee_summary(file, call)
            if resolved is None:
                continue
            summary = resolved[1]
            if summary.returns_secret_check is not None:
                inner = summary.returns_secret_check
                detail = f"{callee}() ({inner.file}:{inner.line}) {inner.detail}"
                return detail, summary.returns_secret_kind
            if summary.returns_signature_by_param is not None:
                index, inner = summary.returns_signature_by_param
                arg = call.args[index].text if index < len(call.args) else ""
                source = secret_values.get(arg, arg)
                secrets = [n for n in secret_names([source]) if SECRET_NAME.search(n)]
                if secrets:
                    detail = (
                        f"{callee}() ({inner.file}:{inner.line}) {inner.detail}, given the "
                        f"{secrets[0]} secret"
                    )
                    return detail, "signature"
        return None

    def _returns_signature_by_param(
        self, file: str, func: int | None
    ) -> tuple[int, Evidence] | None:
        """Returns whether a presented value equals a digest keyed by one of the function's
        parameters (`return signature === createHmac("sha256", secret).update(body).digest()`)."""
        if func is None:
            return None
        facts = self.program.files[file]
        params = [p.name for p in facts.functions[func].params]
        local = _local_values(facts, func)
        for ret in facts.returns:
            if ret.func != func or ret.value is None:
                continue
            param = returns_digest_keyed_by(ret.value.text, local, params)
            if param is not None:
                why = Evidence(
                    file=file,
                    line=ret.line,
                    detail=f"returns whether the presented signature matches a digest keyed by "
                    f"its `{param}` parameter",
                )
                return params.index(param), why
        return None

    def _returns_role(self, file: str, func: int | None, role_fields: set[str]) -> Evidence | None:
        facts = self.program.files[file]
        for ret in facts.returns:
            if ret.func != func or ret.value is None:
                continue
            # a callback of the returned value too: `[ADMIN, MODERATOR].some((r) =>
            # session?.user?.role.includes(r))`
            last = ret.line + ret.value.text.count("\n")
            callbacks = {
                f.index for f in facts.functions if f.parent == func and ret.line <= f.line <= last
            }
            values = [ret.value] + [
                r.value for r in facts.returns if r.func in callbacks and r.value is not None
            ]
            # `user.role === "ADMIN"`, `user.roles.includes(Role.ADMIN)`
            if any(set(p.split(".")[1:]) & role_fields for v in values for p in v.paths):
                return Evidence(
                    file=file,
                    line=ret.line,
                    detail=f"returns the role check `{ret.value.text[:120]}`",
                )
        return None

    def _role_function(self, file: str, roots: Sequence[str]) -> str | None:
        """A function named in a condition that returns whether the user holds a role, called there
        or for a local value the condition tests (`const admin = isAdmin(user); if (!admin) throw`)."""
        facts = self.program.files[file]
        called = [
            facts.calls[var.init.call].callee.removeprefix("await ").split(".", 1)[0]
            for var in facts.vars
            if var.init is not None and var.init.call is not None and set(var.names) & set(roots)
        ]
        for root in [*roots, *called]:
            symbol = self.program.lookup(file, root)
            if symbol is None or symbol.package is not None:
                continue
            key = self.function_of_symbol(
                symbol.file, symbol.func, symbol.value.call if symbol.value else None
            )
            if key is None:
                continue
            inner = self.of(*key)
            if inner.returns_role is not None:
                return f"{inner.returns_role.detail} ({self._where(*key)})"
        return None

    def _membership_lookup(self, file: str, func: int | None) -> Evidence | None:
        if func is None:
            return None
        facts = self.program.files[file]
        params = {n for p in facts.functions[func].params for n in p.names}
        guarded_roots = {r for g in facts.guards if g.func == func for r in g.condition.roots}
        for op in self.classifier.db_ops(file):
            if op.func != func or op.kind != "read" or not op.where:
                continue
            where_roots = {r for w in op.where for r in w.roots}
            if len(where_roots & params) < 2:
                continue  # bound to a user and a resource, both passed in
            if op.operation.endswith("OrThrow") or set(op.assigned_to) & guarded_roots:
                return Evidence(
                    file=file,
                    line=op.line,
                    detail=f"looks up {op.model} for that user and stops when none is found",
                )
        return None

    def returns_caller_from_context(self, file: str, func: int | None) -> bool:
        """Whether the function builds what it returns from the caller in the context it is given
        (`actorFromContext(ctx)` returning `{ userId: ctx.user.id }`)."""
        if func is None:
            return False
        params = self.program.files[file].functions[func].params
        if not params or not params[0].name.isidentifier():
            return False
        name = params[0].name
        paths = tuple(
            name + path[3:]
            for path in active_knowledge().context_identity
            if path.startswith("ctx.")
        )
        flow = self.flow(file, func, Seeds(identity_paths=paths))
        return any(
            ret.func == func
            and ret.value is not None
            and any(flow.is_identity(part) for part in ret.value.parts())
            for ret in self.program.files[file].returns
        )

    def _returns_identity(self, file: str, func: int | None, flow: Flow) -> Evidence | None:
        facts = self.program.files[file]
        for ret in facts.returns:
            if ret.func == func and ret.value is not None and flow.is_identity(ret.value):
                return Evidence(file=file, line=ret.line, detail=f"returns `{ret.value.text}`")
        for call in facts.calls:
            if call.func == func and call.returned:
                ids = self.identity_calls(file, {func})
                if call.index in ids:
                    return ids[call.index]
        session = self.sessions.returns_session(file, func)
        if session is not None:
            return Evidence(
                file=session.file,
                line=session.line,
                detail=f"a hand-rolled session: {session.detail}",
            )
        return None

    def _finds_the_caller(self, op: DbOp) -> bool:
        """A read of the user model or of a credential table: the caller's own identity."""
        model = op.model or op.table or ""
        return model in self.knowledge.ownership.user_models or is_identity_table(model)

    def _membership_gate(self, file: str, func: int | None, flow: Flow) -> Evidence | None:
        """A lookup bound to the caller (membership, ownership) whose absence exits the function."""
        facts = self.program.files[file]
        guarded_roots = {r for g in facts.guards if g.func == func for r in g.condition.roots}
        for op in self.classifier.db_ops(file):
            if op.func != func or op.kind != "read" or self._finds_the_caller(op):
                continue
            if not any(flow.is_identity(w) for w in op.where):
                continue
            if op.operation.endswith("OrThrow") or set(op.assigned_to) & guarded_roots:
                return Evidence(
                    file=file,
                    line=op.line,
                    detail=f"looks up {op.model} bound to the signed-in user and stops when none is found",
                )
        return None


def _local_values(facts: FileFacts, func: int | None) -> dict[str, str]:
    """What each name declared in a function (its callbacks included) was set from, as text."""
    scope = function_scope(facts, func)
    return {
        name: var.init.text
        for var in facts.vars
        if var.func in scope and var.init is not None
        for name in var.names
    }


# A flag a middleware derives from the caller's role: `isAdmin`, `isUserAdmin`, `isSuperAdmin`.
_ADMIN_FLAG = re.compile(r"^is[A-Za-z]*Admin$")
# Clerk's organization roles and permissions: `org:admin`, `org:invoices:delete`
_ORGANIZATION_GRANT = re.compile(r"""["'`]org:""")


# Tables that say who the caller is (sessions, tokens, keys, accounts): a lookup there bound to the
# caller finds the caller, it is no membership of anything.
def is_identity_table(model: str) -> bool:
    """Sessions, tokens, keys, credentials, and an `Account` table by its whole name."""
    return named_word(model, "identity_tables") is not None or in_vocabulary(
        model, "identity_table_names"
    )


# how a gate on a keyed digest ends its evidence: the mark of a signed link or request
SIGNED_LINK = ": a signed link"
# A column that holds a key's digest: `token`, `hashedKey`, `keyHash`, `secret`
_KEY_COLUMN = re.compile(r"(?:^|[a-z_])(?:token|key|secret|hash)$", re.I)
_HASHING = re.compile(r"hash|digest", re.I)


def by_hashed_secret(facts: FileFacts, op: DbOp) -> bool:
    """A lookup by the digest of a presented key (`findUnique({ where: { token:
    generateSecretHash(req.query.token) } })`, or through a variable holding it): an API key
    looked up, whatever the table is called. A share link's plain token is no such lookup."""
    for where in op.where:
        for pair in where.pairs:
            if not _KEY_COLUMN.search(pair.key):
                continue
            value = pair.value
            if value.kind == ExprKind.IDENTIFIER:
                value = next(
                    (
                        v.init
                        for v in facts.vars
                        if v.func == op.func and value.text in v.names and v.init is not None
                    ),
                    value,
                )
            callee = facts.calls[value.call].callee if value.call is not None else ""
            if _HASHING.search(callee):
                return True
    return False


# a map the module keeps in memory: `const sessions = new Map<string, Entry>()`
_MAP = re.compile(r"^new\s+Map\s*(<.*>)?\s*\(")


def _returns_unpacked(
    facts: FileFacts, func: int | None, returned: set[str], rows: set[str]
) -> bool:
    """Whether a function returns what it unpacked from the rows it found (`const { page,
    ...row } = found; return { row, page }`) and nothing computed from its parameters, which may
    be the client's (a filter built from the id it was given is no row)."""
    if func is None:
        return False
    params = {name for param in facts.functions[func].params for name in param.names}
    from_rows = computed_from(facts, func, rows)
    # (the rows are found by the parameters, yet are the database's: the flow stops at them)
    from_params = computed_from(facts, func, params, stop=rows)
    return bool(returned & from_rows) and not returned & from_params


def _object_fields(
    value: Expr, prefix: str, params: dict[str, int], fields: dict[str, tuple[int, str]]
) -> None:
    for pair in value.pairs:
        if pair.key == "...":
            continue
        name = f"{prefix}{pair.key}"
        if pair.value.kind == ExprKind.OBJECT:
            _object_fields(pair.value, name + ".", params, fields)
        elif pair.value.kind == ExprKind.MEMBER:
            root, _, rest = pair.value.text.partition(".")
            if root in params and rest and "(" not in rest and "?" not in rest:
                fields[name] = (params[root], rest)
