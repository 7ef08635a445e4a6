"""The five checks of one entry point (authentication, authorization, input validation, rate limiting,
audit logging), each with evidence, plus the problems that code rules turn into findings."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from archtools.analysis.authentication import NO_SENSITIVE_OPERATION, PUBLIC_ASSET
from archtools.analysis.authorization import AuthorizationChecks
from archtools.analysis.data_checks import DataChecks
from archtools.analysis.entry import Entry
from archtools.analysis.entry_scope import (
    CHECK_NAMES_ORDER,
    TRANSPORT,
    EntryAnalysis,
    EntryScope,
    OpFlow,
    Problem,
    describe,
    is_admin,
    make_check,
)
from archtools.analysis.flow import Seeds, function_scope, leaving_branches, within
from archtools.analysis.library_handlers import library_route_analysis
from archtools.analysis.problems import entry_problems
from archtools.analysis.raw_sql import Place, raw_sql_problems
from archtools.analysis.sinks import Sink
from archtools.analysis.summaries import SIGNED_LINK
from archtools.analysis.trpc import context_identity
from archtools.facts.code import Call, ExprKind
from archtools.results import Check, CheckStatus, EntryKind, Evidence, Query

__all__ = ["EntryAnalysis", "EntryChecker", "Problem"]


class EntryChecker(AuthorizationChecks, DataChecks):
    def _admin_only(self, entry: Entry, scope: EntryScope) -> bool:
        """A role check that stops every caller without the role: in the procedure's middleware or
        the entry point's own code. Not one found inside a helper, which may let the row's owner
        through as well (`assertCanWrite(user, id)`: admins, or the document's author)."""
        gate = self._role_gate(entry, scope)[0]
        return gate is not None and not gate.detail.startswith("calls ")

    def analyse(self, entry: Entry) -> EntryAnalysis:
        """The five checks of one entry point and the problems found on its way."""
        self.helper_flows = {}
        if entry.handler is None and entry.public_reason is not None:
            na = make_check(
                CheckStatus.NA,
                Evidence(file=entry.file, line=entry.line, detail=entry.public_reason),
            )
            return EntryAnalysis(
                entry=entry, checks=dict.fromkeys(CHECK_NAMES_ORDER, na), public=True, models=[]
            )
        if entry.handler is None:
            return self._unresolved(entry)
        file, func = entry.handler
        scope = self._entry_scope(entry, file, func)
        ops = [
            (op, scope.flow)
            for op in self.ctx.classifier.db_ops(file)
            if scope.has(op.func, op.line)
        ]
        ops += self._helper_ops(scope)
        ops += self._chain_ops(entry)
        if entry.kind == EntryKind.PAGE and self._params_reach_data(scope) is None:
            na = make_check(
                CheckStatus.NA,
                Evidence(file=entry.file, line=entry.line, detail="its params reach no data"),
            )
            return EntryAnalysis(
                entry=entry,
                checks=dict.fromkeys(CHECK_NAMES_ORDER, na),
                public=False,
                models=[],
                reads_data=False,
            )
        public = self._public_reason(entry, scope)
        if public is not None and public.detail.startswith(TRANSPORT):
            na = make_check(CheckStatus.NA, public)
            return EntryAnalysis(
                entry=entry, checks=dict.fromkeys(CHECK_NAMES_ORDER, na), public=True, models=[]
            )
        return self._five_checks(entry, file, scope, ops, public)

    def _entry_scope(self, entry: Entry, file: str, func: int | None) -> EntryScope:
        """The code that runs for the entry, with its flow (seeded by what the chain's middleware
        puts in the context) and its summary, limited to the entry's method branch."""
        facts = self.ctx.program.files[file]
        learned = self._context_from_middleware(entry) if entry.chain else ()
        learned += self._session_from_wrapper(entry)
        learned += self._identity_from_wrapper(entry)
        if learned:
            entry.seeds = replace(
                entry.seeds,
                identity_paths=tuple(dict.fromkeys(entry.seeds.identity_paths + learned)),
            )
        checked = self._validated_by_wrapper(entry)
        if checked:
            entry.seeds = replace(
                entry.seeds,
                validated=entry.seeds.validated | set(checked),
                validated_by={**entry.seeds.validated_by, **checked},
            )
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
        return EntryScope(
            facts, function_scope(facts, func), entry.branch, flow, summary, other_branches
        )

    def _places(self, scope: EntryScope) -> list[Place]:
        """The code that runs for the entry: its handler's, then each helper's, with its flow."""
        places: list[Place] = [(scope.facts.path, scope.has, scope.flow)]
        for (file, func), flow in self.helper_flows.items():
            places.append((file, within(function_scope(self.ctx.program.files[file], func)), flow))
        return places

    def _delegated_authorization(self, scope: EntryScope) -> Check | None:
        """A route that reaches data only through the app's tRPC procedures, called in process
        (`c.var.api.tags.list(...)`): their authorization is its own."""
        checks = self._delegated_calls(scope, "authorization")
        if not checks:
            return None
        failed = [c for c in checks if c[2].status == CheckStatus.FAIL]
        status = CheckStatus.FAIL if failed else CheckStatus.PASS
        evidence = [
            Evidence(
                file=scope.facts.path,
                line=call.line,
                detail=f"{call.callee}() runs the tRPC procedure {procedure.route}, whose "
                f"authorization is {check.status.value}",
            )
            for call, procedure, check in (failed or checks)
        ]
        evidence += [e for _c, _p, check in (failed or checks) for e in check.evidence]
        return Check(status=status, evidence=evidence)

    def _procedure_check(self, procedure: Entry, name: str) -> Check:
        """A check of a procedure a route calls, the procedure analysed once."""
        known = self._procedure_checks.get(procedure.id)
        if known is None:
            saved = self.helper_flows
            self._delegating.add(procedure.id)
            try:
                known = self.analyse(procedure).checks
            finally:
                self._delegating.discard(procedure.id)
                self.helper_flows = saved
            self._procedure_checks[procedure.id] = known
        return known[name]

    def _delegated_calls(self, scope: EntryScope, name: str) -> list[tuple[Call, Entry, Check]]:
        """The app's tRPC procedures the route runs in process (`c.var.api.tags.list()`) and the
        Server Actions it calls (`await getListing({ id })`), with their check `name` where it is
        decided (pass or fail)."""
        found: list[tuple[Call, Entry, Check]] = []
        for call in scope.facts.calls:
            if not scope.has(call.func, call.line):
                continue
            path = self.ctx.sinks.procedure_path(scope.facts.path, call)
            named = self.ctx.procedures.get(path, []) if path is not None else []
            action = self._action_called(scope.facts.path, call)
            if action is not None:
                named = [action]
            if len(named) != 1 or named[0].id in self._delegating:
                continue
            check = self._procedure_check(named[0], name)
            if check.status in (CheckStatus.PASS, CheckStatus.FAIL):
                found.append((call, named[0], check))
        return found

    def _authenticated_by_actions(
        self,
        entry: Entry,
        scope: EntryScope,
        ops: list[OpFlow],
        public: Evidence | None,
        authn: Check,
    ) -> Check | None:
        """A page whose data all comes through Server Actions it calls, each of which checks the
        caller: the actions' checks stop a signed-out render before any of it is read."""
        if authn.status != CheckStatus.FAIL or public is not None or not ops:
            return None
        if entry.kind not in (EntryKind.PAGE, EntryKind.PAGES_SSR):
            return None
        calls = [
            (call, action, check)
            for call, action, check in self._delegated_calls(scope, "authentication")
            if action.kind == EntryKind.SERVER_ACTION
        ]
        if not calls or any(check.status != CheckStatus.PASS for _c, _a, check in calls):
            return None
        files = {action.file for _c, action, _check in calls}
        if any(op.file not in files for op, _flow in ops):
            return None
        call, action, check = calls[0]
        return _run_as_own(scope, call, action, check, "authentication")

    def _action_called(self, file: str, call: Call) -> Entry | None:
        """The app's Server Action a page calls directly (`await getListing({ id })`): its
        middleware and handler run in the page's render, with the page's request."""
        callee = call.callee.removeprefix("await ")
        if "." in callee or "(" in callee:
            return None
        symbol = self.ctx.program.lookup(file, callee)
        if symbol is None or symbol.package is not None:
            return None
        return self.ctx.actions.get((symbol.file, symbol.name))

    def _delegated_check(self, scope: EntryScope, name: str) -> Check | None:
        """The check `name` of the procedures the route runs in process, as the route's own: the
        first that fails, else the first that passes, named with the call that runs it."""
        found = self._delegated_calls(scope, name)
        if not found:
            return None
        failed = [f for f in found if f[2].status == CheckStatus.FAIL]
        call, procedure, check = (failed or found)[0]
        return _run_as_own(scope, call, procedure, check, name)

    def _delegated_authentication(self, scope: EntryScope) -> tuple[Check, set[int]] | None:
        """A route with nothing of its own to protect that runs the app's tRPC procedures in
        process: the procedures' middleware checks the caller the route's request brings, so
        their authentication is the route's (with the lines of the calls that run them). A
        procedure that fails makes the route fail: nothing before it stops a signed-out request
        either."""
        check = self._delegated_check(scope, "authentication")
        if check is None:
            return None
        return check, {call.line for call, _p, _c in self._delegated_calls(scope, "authentication")}

    def _authentication_of_procedures_run(
        self,
        entry: Entry,
        scope: EntryScope,
        ops: list[OpFlow],
        public: Evidence | None,
        authn: Check,
        problems: list[Problem],
    ) -> Check:
        """The route's authentication, or that of the tRPC procedures it runs in process when it
        has nothing of its own to protect (n/a not by a public design), or failed only for
        calling them while they check the caller themselves."""
        guarded = self._authenticated_by_actions(entry, scope, ops, public, authn)
        if guarded is not None:
            _withdraw_missing_authentication(entry, problems)
            return guarded
        if (
            authn.status not in (CheckStatus.NA, CheckStatus.FAIL)
            or public is not None
            or ops
            or entry.kind == EntryKind.TRPC_PROCEDURE
        ):
            return authn
        delegated = self._delegated_authentication(scope)
        if delegated is None:
            return authn
        check, lines = delegated
        failed_for_calling = (
            check.status == CheckStatus.PASS
            and len(authn.evidence) > 1
            and authn.evidence[1].file == scope.facts.path
            and authn.evidence[1].line in lines
        )
        if not (
            (authn.status == CheckStatus.NA and _nothing_of_its_own(authn)) or failed_for_calling
        ):
            return authn
        key = _withdraw_missing_authentication(entry, problems)
        if check.status == CheckStatus.FAIL:
            problems.append(
                Problem(
                    rule="ATH001",
                    file=entry.file,
                    line=entry.line,
                    message=f"{describe(entry)} does not authenticate the caller",
                    key=key,
                )
            )
        return check

    def _validated_by_wrapper(self, entry: Entry) -> dict[str, Evidence]:
        """`createSafeAction(schema, handler)`: a wrapper of the app that parses what it is
        called with by the schema it was given, stops when that fails, and hands the parsed data
        to the handler. The handler's parameters that receive it are validated."""
        if entry.handler is None or entry.handler[1] is None or not entry.wrappers:
            return {}
        for file, call in entry.chain:
            if call not in entry.wrappers:
                continue
            target = self.ctx.summaries.target(file, call)
            at = self._handler_position(file, call, entry.handler[1])
            if target is None or target[1] is None or at is None:
                continue
            found = self._handed_validated(file, call, target, at, entry.handler)
            if found:
                return found
        return {}

    def _handler_position(self, file: str, call: Call, handler: int) -> int | None:
        """Which argument of the wrapper call is the entry's handler (inline or by name)."""
        for position, arg in enumerate(call.args):
            if arg.func == handler:
                return position
            if arg.kind == ExprKind.IDENTIFIER:
                symbol = self.ctx.program.lookup(file, arg.text)
                if symbol is not None and symbol.func == handler:
                    return position
        return None

    def _handed_validated(
        self,
        file: str,
        call: Call,
        wrapper: tuple[str, int | None],
        at: int,
        handler: tuple[str, int | None],
    ) -> dict[str, Evidence]:
        """The handler's parameters the wrapper calls it with validated values."""
        wfile, wfunc = wrapper
        wfacts = self.ctx.program.files[wfile]
        params = [p.name for p in wfacts.functions[wfunc].params] if wfunc is not None else []
        if at >= len(params) or handler[1] is None:
            return {}
        handler_params = self.ctx.program.function(handler[0], handler[1]).params
        flow = self.ctx.summaries.flow(wfile, wfunc, Seeds())
        inside = function_scope(wfacts, wfunc)
        found: dict[str, Evidence] = {}
        for inner in wfacts.calls:
            if inner.func not in inside or inner.callee != params[at]:
                continue
            for position, arg in enumerate(inner.args[: len(handler_params)]):
                checked = next((flow.validated[r] for r in arg.roots if r in flow.validated), None)
                if checked is None:
                    continue
                param = handler_params[position]
                for name in param.names or (param.name,):
                    found[name] = Evidence(
                        file=file,
                        line=call.line,
                        detail=f"validated by {call.callee}(): it checks the handler's input "
                        f"before calling it ({checked.detail}, {wfile}:{checked.line})",
                    )
        return found

    def _identity_from_wrapper(self, entry: Entry) -> tuple[str, ...]:
        """`AuthedEndpoint(async (req, res, user) => ...)`: a wrapper of the app that calls the
        handler with the signed-in user (`handler(req, res, session.user)`). The handler's
        parameters that receive the caller hold the caller."""
        if entry.handler is None or entry.handler[1] is None or not entry.wrappers:
            return ()
        handler_params = self.ctx.program.function(entry.handler[0], entry.handler[1]).params
        found: list[str] = []
        for file, call in entry.chain:
            if call not in entry.wrappers:
                continue
            target = self.ctx.summaries.target(file, call)
            at = self._handler_position(file, call, entry.handler[1])
            if target is None or at is None:
                continue
            wfile, wfunc = target
            if wfunc is None:
                continue
            wfacts = self.ctx.program.files[wfile]
            params = [p.name for p in wfacts.functions[wfunc].params]
            if at >= len(params):
                continue
            flow = self.ctx.summaries.flow(wfile, wfunc, Seeds())
            inside = function_scope(wfacts, wfunc)
            for inner in wfacts.calls:
                if inner.func not in inside or inner.callee != params[at]:
                    continue
                for position, arg in enumerate(inner.args[: len(handler_params)]):
                    if flow.is_identity(arg):
                        param = handler_params[position]
                        found += [n for n in (param.names or (param.name,)) if n.isidentifier()]
        return tuple(dict.fromkeys(found))

    def _session_from_wrapper(self, entry: Entry) -> tuple[str, ...]:
        """`export const DELETE = auth(async (req) => ...)` with Auth.js's `auth`: the handler finds
        the session (or null) on `req.auth`."""
        if entry.handler is None or entry.handler[1] is None:
            return ()
        params = self.ctx.program.function(entry.handler[0], entry.handler[1]).params
        if not params or not params[0].name.isidentifier():
            return ()
        for file, call in entry.chain:
            if call not in entry.wrappers:
                continue
            factory = self.ctx.classifier.session_factory(file, call)
            if factory is not None and factory.wraps is not None:
                return (f"{params[0].name}.{factory.wraps}",)
        return ()

    @staticmethod
    def _gated_in_its_branch(scope: EntryScope, line: int) -> bool:
        """The operation runs inside a branch that leaves the function, after that branch's own
        gate (`if (header) { const id = await keyOwner(header); return read(id) }`)."""
        gates = [e.line for e in scope.summary.auth_also if e.file == scope.facts.path]
        return any(
            start < line <= end and any(start < gate < line for gate in gates)
            for start, end in leaving_branches(scope.facts, scope.funcs)
        )

    def _five_checks(
        self,
        entry: Entry,
        file: str,
        scope: EntryScope,
        ops: list[OpFlow],
        public: Evidence | None,
    ) -> EntryAnalysis:
        """Run the checks in order (authentication decides whether the caller is public) and
        collect the problems they and the entry's code raise."""
        problems: list[Problem] = []
        own_ops = sorted(  # (a read of public rows before the check exposes nothing)
            (op.line, op.callee)
            for op, _ in ops
            if op.file == file
            and scope.has(op.func, op.line)
            and self._worth_guarding(op)
            and not self._gated_in_its_branch(scope, op.line)
        )
        authn = self._authentication(
            entry,
            scope,
            public,
            problems,
            touches_data=bool(ops),
            ops=[op for op, _flow in ops],
            first_op=own_ops[0] if own_ops else None,
            op_flows=ops,
        )
        authn = self._authentication_of_procedures_run(entry, scope, ops, public, authn, problems)
        # an operator's secret is judged like an admin's role
        operator = authn.status == CheckStatus.PASS and authn.kind == "internal" and public is None
        if authn.status == CheckStatus.PASS and authn.kind in ("session", "api_key"):
            public = None  # a signed-in caller after all: its rows can be bound to it
        elif authn.status == CheckStatus.PASS and public is None and not operator:
            public = authn.evidence[0]  # a signed caller: no user session by design
        if operator:
            authz = self._operator_authorization(entry, scope, ops, authn)
        else:
            authz = self._authorization_unless_public(entry, scope, ops, problems, public)
        if authz.status == CheckStatus.NA:
            authz = _signed_link_authorization(authn, ops, self.ctx.owned) or authz
        if authn.status == CheckStatus.FAIL and authz.status in (CheckStatus.PASS, CheckStatus.NA):
            authn = self._declared_public_reads(entry, scope, ops, authz, problems) or authn
        # a route that reaches data only through tRPC procedures inherits their authorization,
        # unless it is public: then its procedures answer for themselves
        public_route = authn.status == CheckStatus.NA
        if (
            authz.status == CheckStatus.NA
            and not ops
            and entry.kind != EntryKind.TRPC_PROCEDURE
            and not public_route
        ):
            authz = self._delegated_authorization(scope) or authz
        validation = self._validation(entry, scope, ops, problems)
        if (
            validation.status == CheckStatus.NA
            and not ops
            and entry.kind != EntryKind.TRPC_PROCEDURE
        ):
            # what the route hands the procedures it runs in process is checked by their input
            validation = self._delegated_check(scope, "input_validation") or validation
        rate = self._rate_limiting(entry, scope, problems)
        audit = self._audit_logging(entry, scope, ops, problems)
        signed_in = authn.status == CheckStatus.PASS and authn.kind in ("session", "api_key")
        # an admin's, a moderator's or an operator's delete is a deliberate purge (DATA001)
        privileged = any(op.kind == "delete" for op, _flow in ops) and (
            operator or self._admin_only(entry, scope)
        )
        kept_out: list[Evidence] = []
        problems.extend(
            entry_problems(
                self.ctx,
                entry,
                scope.facts,
                scope.funcs,
                scope.flow,
                ops,
                signed_in=signed_in,
                privileged=privileged,
                proofs=kept_out,
            )
        )
        problems.extend(raw_sql_problems(self.ctx, self._places(scope)))
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
            exposure_proofs=kept_out,
            # asked of files that answer from a `catch` (EXP002): not the public's error text
            trusted_callers=(
                self._rate_limits().trusted_caller(entry, scope)
                if any(c.in_catch for c in scope.facts.calls)
                else None
            ),
            queries=[
                Query(
                    file=op.file,
                    line=op.line,
                    callee=op.callee,
                    operation=op.operation,
                    kind=op.kind,
                    model=op.model,
                )
                for op in sorted(
                    {(o.file, o.line, o.callee): o for o, _flow in ops}.values(),
                    key=lambda o: (o.file, o.line),
                )
            ],
        )

    def _declared_public_reads(
        self,
        entry: Entry,
        scope: EntryScope,
        ops: list[OpFlow],
        authz: Check,
        problems: list[Problem],
    ) -> Check | None:
        """A procedure the app declares public, that only reads, whose reads the authorization
        check finds guarded or public: signed-out callers are who it is for, and what it shows
        them is what the guard lets through. Its ATH001 is withdrawn."""
        owners = set(self.k.ownership.owner_fields)
        own_writes = [
            op
            for op, flow in ops
            if op.kind != "read"
            and (
                any(flow.is_identity(w) for w in op.where)
                or any(
                    pair.key in owners and flow.is_identity(pair.value)
                    for data in op.data
                    for pair in data.pairs
                )
            )
        ]
        declared = self.declared_reader(entry, scope, [op for op, _flow in ops], own_writes)
        if declared is None:
            return None
        _withdraw_missing_authentication(entry, problems)
        why = authz.evidence[0]
        reads = (
            f"the authorization check passes its reads on {why.file}:{why.line} ({why.detail})"
            if authz.status == CheckStatus.PASS
            else f"it reads no user's rows by a key the client chose ({why.detail})"
        )
        return make_check(
            CheckStatus.NA, declared.model_copy(update={"detail": f"{declared.detail} {reads}"})
        )

    def _authorization_unless_public(
        self,
        entry: Entry,
        scope: EntryScope,
        ops: list[OpFlow],
        problems: list[Problem],
        public: Evidence | None,
    ) -> Check:
        """n/a for a public entry point (no signed-in user to bind rows to) unless it is an admin
        operation or a public asset; otherwise the authorization check."""
        if (
            public is not None
            and not is_admin(entry)
            and not public.detail.startswith(PUBLIC_ASSET)
        ):
            return make_check(
                CheckStatus.NA,
                Evidence(
                    file=public.file,
                    line=public.line,
                    detail="public by design: there is no signed-in user to bind rows to",
                ),
            )
        return self._authorization(entry, scope, ops, problems)

    def _operator_authorization(
        self, entry: Entry, scope: EntryScope, ops: list[OpFlow], authn: Check
    ) -> Check:
        """A caller holding an internal secret (a cron job, an operator's tool) is entitled to any
        row, as an admin is by their role: what it selects by a client's key is authorized by the
        secret it proved; n/a when it touches no one's rows by such a key."""
        judged = self._authorization(entry, scope, ops, [])
        if judged.status != CheckStatus.FAIL:
            return judged
        gate = authn.evidence[0]
        return make_check(
            CheckStatus.PASS,
            Evidence(
                file=gate.file,
                line=gate.line,
                detail=f"an internal caller, entitled to any row: {gate.detail}",
            ),
        )

    # -- unresolved handlers ------------------------------------------------------------------------

    def _chain_ops(self, entry: Entry) -> list[OpFlow]:
        """Database operations of the procedure's own middleware that reads its input (`.use()` of a
        function that loads `opts.input.noteId`): they run for this entry point with the client's
        key before the handler does."""
        found: list[OpFlow] = []
        seen: set[tuple[str, int | None]] = set()
        # what the middleware before hands on (`ctx.team`, found for the signed-in user)
        learned = tuple(p for p in self._context_from_middleware(entry) if p.startswith("ctx."))
        for file, call in entry.chain:
            if call.name != "use":
                continue
            for mfile, mfunc in self._functions_of_args(file, call):
                facts = self.ctx.program.files[mfile]
                if mfunc is None or (mfile, mfunc) in seen:
                    continue
                seen.add((mfile, mfunc))
                params = facts.functions[mfunc].params
                whole = params[0].name if params and not params[0].keys else None
                input_paths = ("input",) + ((f"{whole}.input",) if whole else ())
                inside = function_scope(facts, mfunc)
                reads_input = any(
                    path == p or path.startswith(p + ".")
                    for c in facts.calls
                    if c.func in inside
                    for arg in c.args
                    for path in arg.paths
                    for p in input_paths
                )
                if not reads_input:
                    continue
                schema = any(c.name in ("input", "schema", "inputSchema") for _, c in entry.chain)
                validated = input_paths if schema else ()
                handed = learned + tuple(f"{whole}.{p}" for p in learned if whole)
                seeds = Seeds(
                    identity_paths=context_identity(facts, mfunc) + handed,
                    input_paths=input_paths,
                    validated_paths=validated,
                )
                flow = self.ctx.summaries.flow(mfile, mfunc, seeds)
                found += [
                    (op, flow) for op in self.ctx.classifier.db_ops(mfile) if op.func in inside
                ]
                self._ops_below(mfile, within(inside), flow, 0, seen, found)
        return found

    def _unresolved(self, entry: Entry) -> EntryAnalysis:
        built = library_route_analysis(self.ctx, entry)
        if built is not None:
            return built
        library = self.ctx.classifier.auth_factory_handlers(entry.file, entry.name)
        if library is None:
            library = self._auth_handler_path(entry)
        if library is not None:
            reason = Evidence(
                file=entry.file,
                line=entry.line,
                detail=f"public by design: the sign-in handler of {library}",
            )
            na = make_check(CheckStatus.NA, reason)
            checks = {
                name: na
                for name in ("authentication", "authorization", "input_validation", "audit_logging")
            }
            checks["rate_limiting"] = make_check(
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
            na = make_check(CheckStatus.NA, reason)
            return EntryAnalysis(
                entry=entry, checks=dict.fromkeys(CHECK_NAMES_ORDER, na), public=True, models=[]
            )
        why = Evidence(
            file=entry.file,
            line=entry.line,
            detail=f"unknown: {entry.unresolved or 'handler not found'}",
        )
        unknown = make_check(CheckStatus.UNKNOWN, why)
        return EntryAnalysis(
            entry=entry, checks=dict.fromkeys(CHECK_NAMES_ORDER, unknown), public=False, models=[]
        )

    def _params_reach_data(self, scope: EntryScope) -> Sink | None:
        """Where a page's route or search params reach a query, a listed service or a fetch
        (validated or not: reading by a client-chosen key is what makes a page an entry point)."""
        return self.ctx.sinks.first_sink(
            scope.facts.path, scope.has, set(scope.flow.inputs), database=True, propagate=False
        )


def _nothing_of_its_own(check: Check) -> bool:
    """An authentication n/a given for having no sensitive operation, not for a public design."""
    return bool(check.evidence) and check.evidence[0].detail.startswith(NO_SENSITIVE_OPERATION)


def _signed_link_authorization(
    authn: Check, ops: list[OpFlow], owned: Collection[str]
) -> Check | None:
    """A signed link (the presented value must match a digest of its ids keyed by a server
    secret) ties the rows it names to its holder: the owned rows the entry point reaches are
    those the link was signed for (by the ids it carries, or what they lead to), so the
    verification that dominates every operation is their authorization too."""
    signed = next((e for e in reversed(authn.evidence) if SIGNED_LINK in e.detail), None)
    if authn.status != CheckStatus.PASS or authn.kind != "signature" or signed is None:
        return None
    if not any(op.model in owned for op, _flow in ops):
        return None
    return make_check(
        CheckStatus.PASS,
        Evidence(
            file=signed.file,
            line=signed.line,
            detail=f"the rows it reaches are those the link was signed for: {signed.detail}",
        ),
    )


def _withdraw_missing_authentication(entry: Entry, problems: list[Problem]) -> str:
    """Drop the entry point's ATH001 from `problems` (its authentication is decided elsewhere);
    the problem's key."""
    key = f"missing-authentication:{entry.id}"
    problems[:] = [p for p in problems if p.key != key]
    return key


def _run_as_own(scope: EntryScope, call: Call, run: Entry, check: Check, name: str) -> Check:
    """The check `name` of an entry point the route runs in process, as the route's own, named
    with the call that runs it."""
    label = name.replace("_", " ")
    first = Evidence(
        file=scope.facts.path,
        line=call.line,
        detail=f"{call.callee}() runs the {_runs(run)}, whose {label} is {check.status.value}",
    )
    return Check(status=check.status, evidence=[first, *check.evidence], kind=check.kind)


def _runs(entry: Entry) -> str:
    """What a route runs in process, as its evidence names it."""
    if entry.kind == EntryKind.SERVER_ACTION:
        return f"Server Action {entry.name} ({entry.file})"
    return f"tRPC procedure {entry.route}"
