"""The five checks of one entry point (authentication, authorization, input validation, rate limiting,
audit logging), each with evidence, plus the problems that code rules turn into findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entrypoints import Entry
from archtools.analysis.flow import Flow, Seeds, function_scope
from archtools.analysis.middleware import vulnerable_to_bypass
from archtools.analysis.problems import upload_checks
from archtools.analysis.roles import DbOp
from archtools.analysis.summaries import Summary
from archtools.facts.code import Call, Expr, FileFacts
from archtools.results import Check, CheckStatus, EntryKind, Evidence


@dataclass(frozen=True)
class Problem:
    """Something a code rule reports for an entry point: rule id, place, message, stable key."""

    rule: str
    file: str
    line: int
    message: str
    key: str
    model: str | None = None


@dataclass
class EntryAnalysis:
    entry: Entry
    checks: dict[str, Check]
    public: bool
    models: list[str]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Scope:
    """The code that runs for the entry: its handler (and nested callbacks), limited to a method branch."""

    facts: FileFacts
    funcs: set[int | None]
    lines: tuple[int, int] | None
    flow: Flow
    summary: Summary

    other_branches: list[tuple[int, int]] = field(default_factory=list)

    def has(self, func: int | None, line: int) -> bool:
        """Runs for this entry: inside the handler, and not inside another method's branch."""
        if func not in self.funcs:
            return False
        if self.lines is None or self.lines[0] <= line <= self.lines[1]:
            return True
        return not any(start <= line <= end for start, end in self.other_branches)


def _check(status: CheckStatus, *evidence: Evidence) -> Check:
    return Check(status=status, evidence=list(evidence))


class EntryChecker:
    def __init__(self, ctx: AnalysisContext) -> None:
        self.ctx = ctx
        self.k = ctx.knowledge

    def analyse(self, entry: Entry) -> EntryAnalysis:
        if entry.handler is None:
            return self._unresolved(entry)
        file, func = entry.handler
        facts = self.ctx.program.files[file]
        flow = self.ctx.summaries.flow(file, func, entry.seeds)
        other_branches = [
            (b.line, b.end_line)
            for b in facts.branches
            if entry.branch is not None and b.func == func and (b.line, b.end_line) != entry.branch
        ]

        def in_branch(line: int) -> bool:
            return not any(start <= line <= end for start, end in other_branches)

        summary = self.ctx.summaries.compute_with(
            file, func, entry.seeds, flow, include=in_branch if entry.branch is not None else None
        )
        scope = _Scope(
            facts, function_scope(facts, func), entry.branch, flow, summary, other_branches
        )
        ops = [(op, flow) for op in self.ctx.classifier.db_ops(file) if scope.has(op.func, op.line)]
        ops += self._helper_ops(scope)
        problems: list[Problem] = []
        public = self._public_reason(entry, scope)
        if public is not None and public.detail.startswith(TRANSPORT):
            na = _check(CheckStatus.NA, public)
            return EntryAnalysis(
                entry=entry, checks=dict.fromkeys(_CHECKS, na), public=True, models=[]
            )
        authn = self._authentication(entry, scope, public, problems, touches_data=bool(ops))
        if public is not None and not _is_admin(entry):
            authz = _check(
                CheckStatus.NA,
                Evidence(
                    file=public.file,
                    line=public.line,
                    detail="public by design: there is no signed-in user to bind rows to",
                ),
            )
        else:
            authz = self._authorization(entry, scope, ops, problems)
        validation = self._validation(entry, scope, ops, problems)
        rate = self._rate_limiting(entry, scope, problems)
        audit = self._audit_logging(entry, scope, ops, problems)
        self._other_problems(entry, scope, ops, problems)
        return EntryAnalysis(
            entry=entry,
            checks={
                "authentication": authn,
                "authorization": authz,
                "input_validation": validation,
                "rate_limiting": rate,
                "audit_logging": audit,
            },
            public=public is not None,
            models=sorted({op.model for op, _flow in ops if op.model}),
            problems=problems,
        )

    # -- unresolved handlers ------------------------------------------------------------------------

    def _unresolved(self, entry: Entry) -> EntryAnalysis:
        library = self.ctx.classifier.auth_factory_handlers(entry.file, entry.name)
        if library is None:
            library = self._auth_handler_path(entry)
        if library is not None:
            reason = Evidence(
                file=entry.file,
                line=entry.line,
                detail=f"public by design: the sign-in handler of {library}",
            )
            na = _check(CheckStatus.NA, reason)
            checks = {
                name: na
                for name in ("authentication", "authorization", "input_validation", "audit_logging")
            }
            checks["rate_limiting"] = _check(
                CheckStatus.NA,
                Evidence(
                    file=entry.file, line=entry.line, detail=f"sign-in is handled by {library}"
                ),
            )
            return EntryAnalysis(entry=entry, checks=checks, public=True, models=[])
        if entry.route is not None and "trpc" in entry.route.split("/")[1:3]:
            reason = Evidence(
                file=entry.file,
                line=entry.line,
                detail="public by design: the tRPC transport; each procedure is checked on its own",
            )
            na = _check(CheckStatus.NA, reason)
            return EntryAnalysis(
                entry=entry, checks=dict.fromkeys(_CHECKS, na), public=True, models=[]
            )
        why = Evidence(
            file=entry.file,
            line=entry.line,
            detail=f"unknown: {entry.unresolved or 'handler not found'}",
        )
        unknown = _check(CheckStatus.UNKNOWN, why)
        return EntryAnalysis(
            entry=entry, checks=dict.fromkeys(_CHECKS, unknown), public=False, models=[]
        )

    def _auth_handler_path(self, entry: Entry) -> str | None:
        facts = self.ctx.program.files[entry.file]
        if entry.route and "[...nextauth]" in entry.route:
            return "NextAuth"
        for imp in facts.imports:
            if (
                any(imp.source.startswith(p) for p in self.k.auth_handler_packages)
                and entry.route
                and ("auth" in entry.route)
            ):
                return imp.source
        return None

    # -- authentication ------------------------------------------------------------------------------

    def _public_reason(self, entry: Entry, scope: _Scope) -> Evidence | None:
        route = entry.route or ""
        segments = [s for s in route.split("/") if s]
        for declared in self.ctx.public_routes:
            if route == declared or (declared.endswith("*") and route.startswith(declared[:-1])):
                return Evidence(
                    file=entry.file,
                    line=entry.line,
                    detail=f"public by design: declared public ({declared})",
                )
        anonymous = self.k.public_routes
        if any(s.lower() in anonymous.anonymous_route_words for s in segments) or (
            entry.kind == EntryKind.SERVER_ACTION and entry.name in anonymous.anonymous_functions
        ):
            return Evidence(
                file=entry.file,
                line=entry.line,
                detail="public by design: an operation for signed-out users (sign-up, sign-in, recovery)",
            )
        for call in scope.facts.calls:
            if scope.has(call.func, call.line) and call.name in TRPC_ADAPTERS:
                return Evidence(
                    file=entry.file,
                    line=call.line,
                    detail=f"{TRANSPORT}; each procedure is checked on its own",
                )
        if entry.kind in (EntryKind.ROUTE_HANDLER, EntryKind.PAGES_API) and segments:
            if segments[-1].lower() in self.k.public_routes.health:
                return Evidence(
                    file=entry.file,
                    line=entry.line,
                    detail=f"public by design: the {segments[-1]} route",
                )
            if any(s.lower() in self.k.public_routes.webhook_words for s in segments):
                for call in scope.facts.calls:
                    if (
                        scope.has(call.func, call.line)
                        and call.name.removeprefix("new ") in self.k.public_routes.signature_calls
                    ):
                        return Evidence(
                            file=entry.file,
                            line=call.line,
                            detail=f"public by design: a webhook that verifies its signature with {call.callee}()",
                        )
        return None

    def _authentication(
        self,
        entry: Entry,
        scope: _Scope,
        public: Evidence | None,
        problems: list[Problem],
        *,
        touches_data: bool,
    ) -> Check:
        if public is not None:
            return _check(CheckStatus.NA, public)
        gate = scope.summary.auth_gate
        if gate is not None:
            return _check(CheckStatus.PASS, gate)
        built = self._chain_gate(entry)
        if built is not None:
            return _check(CheckStatus.PASS, built)
        covered = self._middleware_gate(entry)
        if covered is not None:
            app = next((a for a in self.ctx.apps if a.path == entry.app), None)
            bypass = vulnerable_to_bypass(app.next_version if app else None)
            note = (
                f"; Next.js {app.next_version if app else '?'} allows bypassing middleware (CVE-2025-29927)"
                if bypass
                else ""
            )
            problems.append(
                Problem(
                    rule="ATH002",
                    file=entry.file,
                    line=entry.line,
                    message=f"{entry.name} relies on middleware alone for authentication{note}",
                    key=f"middleware-only:{entry.route}:{entry.method}",
                )
            )
            return _check(CheckStatus.PASS, covered)
        if not touches_data and self._inert(scope):
            return _check(
                CheckStatus.NA,
                Evidence(
                    file=entry.file,
                    line=entry.line,
                    detail="reads and writes no data and calls nothing: there is nothing to protect",
                ),
            )
        handler_line = entry.line
        if scope.flow.identity:
            first = sorted(scope.flow.identity.values(), key=lambda e: e.line)[0]
            detail = Evidence(
                file=first.file,
                line=first.line,
                detail=f"reads the user ({first.detail}) but nothing stops a signed-out request",
            )
        else:
            detail = Evidence(
                file=entry.file,
                line=handler_line,
                detail="no authentication: no auth call, wrapper, procedure middleware or covering middleware",
            )
        problems.append(
            Problem(
                rule="ATH001",
                file=entry.file,
                line=entry.line,
                message=f"{_describe(entry)} does not authenticate the caller",
                key=f"missing-authentication:{entry.id}",
            )
        )
        return _check(CheckStatus.FAIL, detail)

    def _inert(self, scope: _Scope) -> bool:
        """No call, no environment read, no identity read: the handler only computes a response."""
        for call in scope.facts.calls:
            if scope.has(call.func, call.line) and not call.callee.startswith(RESPONSE_BUILDERS):
                return False
        return not scope.flow.identity and not any(
            read.func in scope.funcs for read in scope.facts.env_reads
        )

    def _chain_summaries(self, entry: Entry) -> list[tuple[str, Call, Summary]]:
        """Summaries of the middleware a builder chain or wrapper runs (`.use(fn)`, `withAuth(...)`)."""
        summaries = self.ctx.summaries
        identity_seeds = Seeds(identity_paths=("ctx.session", "ctx.user", "ctx.userId", "ctx.auth"))
        found: list[tuple[str, Call, Summary]] = []
        for file, call in entry.chain:
            if (
                call.name not in ("use", "middleware", "unstable_pipe", "pipe")
                and call not in entry.wrappers
            ):
                continue
            for key in self._functions_of_args(file, call):
                facts = self.ctx.program.files[key[0]]
                for func in sorted(
                    function_scope(facts, key[1]), key=lambda f: -1 if f is None else f
                ):
                    flow = summaries.flow(key[0], func, identity_seeds)
                    found.append(
                        (file, call, summaries.compute_with(key[0], func, identity_seeds, flow))
                    )
        return found

    def _chain_gate(self, entry: Entry) -> Evidence | None:
        for file, call, summary in self._chain_summaries(entry):
            if summary.auth_gate is not None:
                return Evidence(
                    file=file,
                    line=call.line,
                    detail=f"built with {call.callee}() whose code {summary.auth_gate.detail} "
                    f"({summary.auth_gate.file}:{summary.auth_gate.line})",
                )
        return None

    def _functions_of_args(self, file: str, call: Call) -> list[tuple[str, int | None]]:
        found: list[tuple[str, int | None]] = []
        target = self.ctx.summaries.target(file, call)
        if target is not None:
            found.append(target)
        for arg in call.args:
            if arg.func is not None:
                found.append((file, arg.func))
            elif arg.kind.value == "identifier":
                symbol = self.ctx.program.lookup(file, arg.text)
                if symbol is None or symbol.package is not None:
                    continue
                key = self.ctx.summaries.function_of_symbol(
                    symbol.file, symbol.func, symbol.value.call if symbol.value else None
                )
                if key is not None:
                    found.append(key)
        return found

    def _middleware_gate(self, entry: Entry) -> Evidence | None:
        info = self.ctx.middleware.get(entry.app)
        if info is None or entry.route is None or entry.kind == EntryKind.TRPC_PROCEDURE:
            return None
        enforced = info.enforces(entry.route)
        if enforced is None:
            return None
        return Evidence(
            file=info.file,
            line=enforced.line,
            detail=f"covered by {info.file} ({enforced.detail})",
        )

    # -- authorization -------------------------------------------------------------------------------

    def _authorization(
        self, entry: Entry, scope: _Scope, ops: list[OpFlow], problems: list[Problem]
    ) -> Check:
        """pass: every client-chosen row of a user-owned model is bound to the caller or gated;
        fail: one is not (IDOR), an admin operation has no role check, or a write is unscoped;
        n/a: no client-chosen row of a user-owned model is touched."""
        summary = scope.summary
        passes: list[Evidence] = []
        fails: list[Evidence] = []
        role_gate = summary.role_gate or self._chain_role_gate(entry)
        is_admin = _is_admin(entry)
        if role_gate is not None:
            passes.append(role_gate)
        elif is_admin:
            fails.append(
                Evidence(
                    file=entry.file,
                    line=entry.line,
                    detail="an admin operation without a role check",
                )
            )
            problems.append(
                Problem(
                    "AZ003",
                    entry.file,
                    entry.line,
                    f"admin {_describe(entry)} has no role check",
                    f"admin:{entry.id}",
                )
            )
        for op, flow in ops:
            if op.model is None or op.model not in self.ctx.owned:
                continue
            creating = op.operation in ("create", "createMany", "insert")
            if creating:
                if self._owner_from_input(op, flow, problems, fails):
                    continue
                client = self._client_references(op, flow)
            else:
                client = [c for w in op.where if (c := _client_part(w, flow)) is not None]
            bound = any(flow.is_identity(w) for w in op.where)
            if (
                not creating
                and op.kind != "read"
                and not bound
                and not client
                and not self._scoped(op)
            ):
                fails.append(
                    Evidence(
                        file=op.file,
                        line=op.line,
                        detail=f"{op.callee}() changes {op.model} rows of every user",
                    )
                )
                problems.append(
                    Problem(
                        "AZ004",
                        op.file,
                        op.line,
                        f"{op.callee}() changes {op.model} rows without limiting them to a row or to the caller",
                        f"unscoped:{op.callee}",
                        op.model,
                    )
                )
                continue
            if not client:
                if (
                    not is_admin
                    and role_gate is None
                    and op.kind == "read"
                    and not op.where
                    and not creating
                ):
                    fails.append(
                        Evidence(
                            file=op.file,
                            line=op.line,
                            detail=f"{op.callee}() reads every {op.model} row, not only the caller's",
                        )
                    )
                    problems.append(
                        Problem(
                            "AZ001",
                            op.file,
                            op.line,
                            f"{op.callee}() returns all {op.model} rows to any caller",
                            f"unbound-read:{op.callee}",
                            op.model,
                        )
                    )
                continue
            if bound:
                passes.append(
                    Evidence(
                        file=op.file,
                        line=op.line,
                        detail=f"{op.callee}() binds the {op.model} the client chose to the signed-in user",
                    )
                )
                continue
            gate = summary.membership_gate or self._compared_after(op, scope, flow) or role_gate
            if gate is not None:
                passes.append(gate)
                continue
            fails.append(
                Evidence(
                    file=op.file,
                    line=op.line,
                    detail=f"{op.callee}() uses `{client[0].text}` chosen by the client without binding it to the signed-in user",
                )
            )
            problems.append(
                Problem(
                    "AZ001",
                    op.file,
                    op.line,
                    f"IDOR: {op.callee}() uses `{client[0].text}` from the client with no ownership check",
                    f"idor:{op.callee}:{client[0].text}",
                    op.model,
                )
            )
        if fails:
            return Check(status=CheckStatus.FAIL, evidence=fails + passes)
        if passes:
            return Check(status=CheckStatus.PASS, evidence=passes)
        return _check(
            CheckStatus.NA,
            Evidence(
                file=entry.file,
                line=entry.line,
                detail="no client-chosen row of a user-owned model is accessed",
            ),
        )

    def _client_references(self, op: DbOp, flow: Flow) -> list[Expr]:
        """Client-chosen foreign keys to user-owned models in the data of a create (`teamId: input.teamId`)."""
        model = self.ctx.schema.model(op.model or "")
        if model is None:
            return []
        targets = {
            column: f.type
            for f in model.fields
            if f.relation is not None
            for column in f.relation.fields
            if f.type in self.ctx.owned
        }
        found = []
        for data in op.data:
            for pair in data.pairs:
                if pair.key in targets and (
                    flow.is_client_value(pair.value) or flow.is_input(pair.value)
                ):
                    found.append(pair.value)
        return found

    def _scoped(self, op: DbOp) -> bool:
        """Whether a where clause names a row: its id, a unique column or an owner column."""
        model = self.ctx.schema.model(op.model or "")
        if model is None:
            return True
        row_columns = (
            set(model.primary_key or [])
            | {c for u in model.unique for c in u}
            | set(self.k.ownership.owner_fields)
        )
        row_columns |= {
            c for f in model.fields if f.relation is not None for c in f.relation.fields
        }
        row_columns |= {f.name for f in model.fields if f.id or f.unique}
        named: set[str] = set()
        stack = list(op.where)
        while stack:
            expr = stack.pop()
            for pair in expr.pairs:
                named.add(pair.key)
                stack.append(pair.value)
            stack.extend(expr.items)
            named |= {p.rsplit(".", 1)[-1] for p in expr.paths}
        return bool(named & row_columns)

    def _chain_role_gate(self, entry: Entry) -> Evidence | None:
        for file, call, summary in self._chain_summaries(entry):
            if summary.role_gate is not None:
                return Evidence(
                    file=file,
                    line=call.line,
                    detail=f"built with {call.callee}() whose code {summary.role_gate.detail}",
                )
        return None

    def _owner_from_identity(self, op: DbOp, flow: Flow) -> Evidence | None:
        for data in op.data:
            for pair in data.pairs:
                if flow.is_identity(pair.value):
                    return Evidence(
                        file=op.file,
                        line=pair.value.line,
                        detail=f"{op.callee}() sets {op.model}.{pair.key} from the signed-in user",
                    )
        return None

    def _owner_from_input(
        self, op: DbOp, flow: Flow, problems: list[Problem], fails: list[Evidence]
    ) -> bool:
        owner_fields = set(self.k.ownership.owner_fields)
        found = False
        for data in op.data:
            for pair in data.pairs:
                if pair.key in owner_fields and (
                    flow.is_client_value(pair.value) or flow.is_input(pair.value)
                ):
                    if flow.is_identity(pair.value):
                        continue
                    fails.append(
                        Evidence(
                            file=op.file,
                            line=pair.value.line,
                            detail=f"{op.model}.{pair.key} is taken from the client (`{pair.value.text}`)",
                        )
                    )
                    problems.append(
                        Problem(
                            "AZ002",
                            op.file,
                            pair.value.line,
                            f"{op.model}.{pair.key} comes from client input instead of the session",
                            f"identity-from-input:{op.model}.{pair.key}",
                            op.model,
                        )
                    )
                    found = True
        return found

    def _compared_after(self, op: DbOp, scope: _Scope, flow: Flow) -> Evidence | None:
        if not op.assigned_to:
            return None
        names = set(op.assigned_to)
        for cmp in scope.facts.comparisons:
            if not scope.has(cmp.func, cmp.line) or cmp.line < op.line:
                continue
            sides = (cmp.left, cmp.right)
            if any(set(s.roots) & names for s in sides) and any(flow.is_identity(s) for s in sides):
                return Evidence(
                    file=scope.facts.path,
                    line=cmp.line,
                    detail=f"compares the fetched {op.model} with the signed-in user",
                )
        return None

    # -- input validation ----------------------------------------------------------------------------

    def _validation(
        self, entry: Entry, scope: _Scope, ops: list[OpFlow], problems: list[Problem]
    ) -> Check:
        fails: list[Evidence] = []
        for op, flow in ops:
            whole = [
                d
                for d in op.data
                if (d.kind.value in ("identifier", "call") or any(p.key == "..." for p in d.pairs))
                and flow.is_input(d)
                and not flow.is_identity(d)
            ]
            for data in whole:
                fails.append(
                    Evidence(
                        file=op.file,
                        line=data.line,
                        detail=f"request data `{data.text[:60]}` goes whole into {op.callee}()",
                    )
                )
                problems.append(
                    Problem(
                        "VAL002",
                        op.file,
                        data.line,
                        f"request data is passed whole into {op.callee}(): mass assignment",
                        f"mass-assignment:{op.callee}",
                        op.model,
                    )
                )
            if whole:
                continue
            for expr in op.where + op.data:
                if flow.is_input(expr):
                    fails.append(
                        Evidence(
                            file=op.file,
                            line=expr.line,
                            detail=f"unvalidated client input `{expr.text[:60]}` reaches {op.callee}()",
                        )
                    )
                    problems.append(
                        Problem(
                            "VAL001",
                            op.file,
                            expr.line,
                            f"unvalidated input reaches {op.callee}()",
                            f"unvalidated:{op.callee}:{expr.text[:40]}",
                            op.model,
                        )
                    )
                    break
        upload = upload_checks(scope.facts, scope.funcs, scope.flow)
        for line, path in upload:
            fails.append(
                Evidence(
                    file=scope.facts.path,
                    line=line,
                    detail=f"the upload check trusts `{path}`, which the client declares",
                )
            )
            problems.append(
                Problem(
                    "VAL003",
                    scope.facts.path,
                    line,
                    f"the upload check trusts `{path}`, which the client declares",
                    f"upload:{path}",
                )
            )
        if fails:
            return Check(status=CheckStatus.FAIL, evidence=fails)
        flow = scope.flow
        if flow.validated:
            first = sorted(flow.validated.values(), key=lambda e: e.line)[0]
            if first.line == 1 and entry.chain:
                schema_call = next(
                    (
                        (f, c)
                        for f, c in entry.chain
                        if c.name in ("input", "schema", "inputSchema")
                    ),
                    None,
                )
                if schema_call is not None:
                    first = Evidence(
                        file=schema_call[0],
                        line=schema_call[1].line,
                        detail=f"input validated by {schema_call[1].callee}()",
                    )
            return _check(CheckStatus.PASS, first)
        used = self._inputs_used(scope)
        if not used:
            return _check(
                CheckStatus.NA,
                Evidence(file=entry.file, line=entry.line, detail="reads no client input"),
            )
        return _check(
            CheckStatus.PASS,
            Evidence(
                file=entry.file,
                line=used[0],
                detail="client input is read but reaches no database call unvalidated",
            ),
        )

    def _inputs_used(self, scope: _Scope) -> list[int]:
        names = set(scope.flow.inputs)
        lines = [
            call.line
            for call in scope.facts.calls
            if scope.has(call.func, call.line)
            and (
                any(set(a.roots) & names for a in call.args)
                or call.callee.split(".", 1)[0] in names
            )
        ]
        lines += [r.line for r in scope.flow.input_reads]
        return sorted(lines)

    # -- rate limiting and audit logging -------------------------------------------------------------

    def _rate_limiting(self, entry: Entry, scope: _Scope, problems: list[Problem]) -> Check:
        if scope.summary.rate_limit is not None:
            return _check(CheckStatus.PASS, scope.summary.rate_limit)
        for file, call in entry.chain:
            if self.ctx.classifier.is_rate_limit(file, call):
                return _check(
                    CheckStatus.PASS,
                    Evidence(file=file, line=call.line, detail=f"rate limited by {call.callee}()"),
                )
        sensitive = self._sensitive(entry, scope)
        if sensitive is None:
            return _check(
                CheckStatus.NA,
                Evidence(
                    file=entry.file, line=entry.line, detail="not a sensitive or costly operation"
                ),
            )
        problems.append(
            Problem(
                "RL001",
                entry.file,
                entry.line,
                f"{_describe(entry)} is {sensitive} without a rate limit",
                f"rate-limit:{entry.id}",
            )
        )
        return _check(
            CheckStatus.FAIL,
            Evidence(file=entry.file, line=entry.line, detail=f"{sensitive} without a rate limit"),
        )

    def _sensitive(self, entry: Entry, scope: _Scope) -> str | None:
        words = self.k.sensitive_operations
        segments = [s.lower() for s in (entry.route or "").replace(".", "/").split("/") if s]
        for word in words.route_words:
            if word in segments:
                return f"a sensitive operation (`{word}`)"
        name = entry.name.lower()
        for word in words.function_words:
            if name.startswith(word.lower()):
                return f"a sensitive operation ({entry.name})"
        for call in scope.facts.calls:
            if scope.has(call.func, call.line):
                for hint in words.callee_hints:
                    if call.callee == hint or call.callee.endswith("." + hint):
                        return f"a costly operation ({call.callee}())"
        return None

    def _audit_logging(
        self, entry: Entry, scope: _Scope, ops: list[OpFlow], problems: list[Problem]
    ) -> Check:
        if scope.summary.audit_log is not None:
            return _check(CheckStatus.PASS, scope.summary.audit_log)
        role_fields = set(self.k.ownership.role_fields)
        for op, _flow in ops:
            destructive = op.kind == "delete"
            privileged = op.kind == "write" and any(
                p.key in role_fields for d in op.data for p in d.pairs
            )
            if destructive or privileged:
                what = "deletes" if destructive else "changes the role of"
                problems.append(
                    Problem(
                        "AUD001",
                        op.file,
                        op.line,
                        f"{op.callee}() {what} {op.model} without an audit log",
                        f"audit:{op.callee}",
                        op.model,
                    )
                )
                return _check(
                    CheckStatus.FAIL,
                    Evidence(
                        file=op.file,
                        line=op.line,
                        detail=f"{op.callee}() {what} {op.model} with no audit log",
                    ),
                )
        return _check(
            CheckStatus.NA,
            Evidence(file=entry.file, line=entry.line, detail="no destructive or privilege change"),
        )

    def _helper_ops(self, scope: _Scope) -> list[OpFlow]:
        """Database operations of repository functions the handler calls, judged with what the handler
        passes them: a parameter given a client value is client input, one given the caller's identity is
        identity (one level deep)."""
        found: list[OpFlow] = []
        seen: set[tuple[str, int | None]] = set()
        for call in scope.facts.calls:
            if not scope.has(call.func, call.line):
                continue
            target = self.ctx.summaries.target(scope.facts.path, call)
            if target is None or target in seen or target[1] is None:
                continue
            seen.add(target)
            tfile, tfunc = target
            helper_ops = [op for op in self.ctx.classifier.db_ops(tfile) if op.func == tfunc]
            if not helper_ops or tfunc is None:
                continue
            function = self.ctx.program.function(tfile, tfunc)
            seeds = Seeds()
            for param, arg in zip(function.params, call.args, strict=False):
                for name in param.names:
                    if scope.flow.is_identity(arg):
                        seeds.identity[name] = Evidence(
                            file=scope.facts.path,
                            line=call.line,
                            detail=f"{arg.text} passed to {call.callee}()",
                        )
                    elif scope.flow.is_client_value(arg) or scope.flow.is_input(arg):
                        seeds.inputs[name] = "client value passed by the caller"
                        if not scope.flow.is_input(arg):
                            seeds.validated.add(name)
            helper_flow = self.ctx.summaries.flow(tfile, tfunc, seeds)
            for name in seeds.validated:
                helper_flow.validated.setdefault(
                    name, Evidence(file=tfile, line=function.line, detail="validated by the caller")
                )
            found.extend((op, helper_flow) for op in helper_ops)
        return found

    def _other_problems(
        self, entry: Entry, scope: _Scope, ops: list[OpFlow], problems: list[Problem]
    ) -> None:
        from archtools.analysis.problems import entry_problems

        problems.extend(entry_problems(self.ctx, entry, scope.facts, scope.funcs, scope.flow, ops))


OpFlow = tuple[DbOp, Flow]
TRANSPORT = "public by design: the tRPC transport"
RESPONSE_BUILDERS = ("Response.", "NextResponse.", "new Response", "new NextResponse")
TRPC_ADAPTERS = ("fetchRequestHandler", "createNextApiHandler", "nextAdapter")


_CHECKS = ("authentication", "authorization", "input_validation", "rate_limiting", "audit_logging")


def _client_part(expr: Expr, flow: Flow) -> Expr | None:
    """The innermost part of a where clause that the client chose (`params.id` in `{ id: params.id }`)."""
    if not (flow.is_client_value(expr) or flow.is_input(expr)):
        return None
    for pair in expr.pairs:
        inner = _client_part(pair.value, flow)
        if inner is not None:
            return inner
    for item in expr.items:
        inner = _client_part(item, flow)
        if inner is not None:
            return inner
    return expr


def _describe(entry: Entry) -> str:
    if entry.kind == EntryKind.SERVER_ACTION:
        return f"Server Action {entry.name}"
    if entry.kind == EntryKind.TRPC_PROCEDURE:
        return f"tRPC {entry.method} {entry.route}"
    return f"{entry.method} {entry.route or entry.file}"


def _is_admin(entry: Entry) -> bool:
    route = (entry.route or "").lower()
    return "admin" in route.replace(".", "/").split("/") or entry.name.lower().startswith("admin")


__all__ = ["EntryAnalysis", "EntryChecker", "Expr", "Problem"]
