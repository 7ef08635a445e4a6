"""Authorization of an entry point: rows chosen by the client bound to the caller (no IDOR), role
checks on admin operations, owner columns from the session, scoped writes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from archtools.analysis.entry import Entry
from archtools.analysis.entry_scope import (
    EntryScope,
    OpFlow,
    Problem,
    client_part,
    conjunct_keys,
    describe,
    flag,
    is_admin,
    make_check,
)
from archtools.analysis.flow import (
    Flow,
    enclosing_functions,
    function_scope,
    unpacked_fields,
    within,
)
from archtools.analysis.load_checks import (
    COMPARES,
    CREATES,
    equated_before,
    throws_unless_found,
)
from archtools.analysis.owner_filters import nested_owner_filter
from archtools.analysis.profile_reads import profile_fields
from archtools.analysis.provider_records import provider_calls
from archtools.analysis.public_content import public_flag_at
from archtools.analysis.roles import DbOp
from archtools.analysis.sinks import REPOSITORY_CODE
from archtools.analysis.summaries import is_identity_table
from archtools.analysis.trpc import context_seeds
from archtools.analysis.vouched_keys import VouchedKeys
from archtools.facts.code import Call, ExitKind, Expr, ExprKind, FileFacts, Pair, Param
from archtools.results import Check, CheckStatus, Evidence


@dataclass
class _Tally:
    """The evidence of one entry's authorization check, gathered as its operations are judged."""

    problems: list[Problem]
    passes: list[Evidence] = field(default_factory=list)
    fails: list[Evidence] = field(default_factory=list)
    public_reads: list[Evidence] = field(default_factory=list)
    new_own_rows: list[Evidence] = field(default_factory=list)  # creates owned by the caller

    def flag(self, problem: Problem, detail: str) -> None:
        """Record a failure and the problem it reports."""
        flag(self.fails, self.problems, problem, detail)


@dataclass(frozen=True)
class _Access:
    """What each operation of an entry is judged against: its gates and the rows bound to the caller."""

    scope: EntryScope
    role_gate: Evidence | None
    organization_gate: Evidence | None
    owned_keys: dict[str, Evidence]
    admin: bool
    scoped: dict[str, dict[str, DbOp]]
    # the helper functions that run for the entry, with the flow each runs with
    helpers: dict[tuple[str, int | None], Flow] = field(default_factory=dict)
    # every operation that runs for the entry, with its flow
    ops: list[OpFlow] = field(default_factory=list)


class AuthorizationChecks(VouchedKeys):
    def _authorization(
        self, entry: Entry, scope: EntryScope, ops: list[OpFlow], problems: list[Problem]
    ) -> Check:
        """pass: every client-chosen row of a user-owned model is bound to the caller or gated;
        fail: one is not (IDOR), an admin operation has no role check, or a write is unscoped;
        n/a: no client-chosen row of a user-owned model is touched."""
        lookup = self._session_lookup(entry, scope, [op for op, _flow in ops])
        if lookup is not None:
            return make_check(CheckStatus.NA, lookup)
        tally = _Tally(problems)
        role_gate, in_organization = self._role_gate(entry, scope)
        owned_keys = self._chain_ownership(entry, ops)
        if owned_keys:
            tally.passes.append(next(iter(owned_keys.values())))
        admin = is_admin(entry)
        if role_gate is not None:
            tally.passes.append(role_gate)
        elif admin and self.ctx.has_roles:
            tally.flag(
                Problem(
                    "AZ003",
                    entry.file,
                    entry.line,
                    f"admin {describe(entry)} has no role check",
                    f"admin:{entry.id}",
                ),
                "an admin operation without a role check",
            )
        access = _Access(
            scope=scope,
            # a permission within the caller's organization allows the operation on that
            # organization's rows only: the rows the client chose must still be bound to it
            role_gate=None if in_organization else role_gate,
            organization_gate=role_gate if in_organization else None,
            owned_keys=owned_keys,
            admin=admin,
            scoped=self._scoped_results(ops, scope.facts.path),
            helpers={
                **self.helper_flows,
                **{(o.file, o.func): f for o, f in ops if o.file != scope.facts.path},
            },
            ops=ops,
        )
        session = self._session_helpers(scope)
        users = set(self.k.ownership.user_models)
        for op, flow in ops:
            if any(op.file == file and op.func in funcs for file, funcs in session) and (
                (op.model or op.table or "") in users
                or is_identity_table(op.model or op.table or "")
                or not _client_keys(op, flow)
            ):
                # the lookups that find the caller (and what it may do) are authentication's,
                # not its data; a row the client chose there is judged like any other
                continue
            if not admin and access.role_gate is None:
                self._judge_nested_owner_filters(tally, op, flow)
            profile = self._public_profile(op)
            if profile is not None:
                tally.public_reads.append(profile)
            elif op.kind == "read" and op.model in self.ctx.public_to_read:
                self._judge_public_read(access, tally, op, flow)
            elif op.model is not None and op.model in self.ctx.owned:
                self._judge_owned_op(access, tally, op, flow)
            elif op.operation not in CREATES and any(flow.is_identity(w) for w in op.where):
                tally.passes.append(self._caller_filter(op, flow))
        self._judge_storage_keys(scope, tally)
        self._judge_provider_records(scope, tally)
        return self._authorization_verdict(entry, scope, tally)

    def _judge_owned_op(self, access: _Access, tally: _Tally, op: DbOp, flow: Flow) -> None:
        """Judge one operation on a user-owned model: who chose its rows, and what binds them."""
        creating = op.operation in CREATES
        if creating:
            client = self._new_row_client_keys(access, op, flow, tally)
        else:
            client = self._existing_row_client_keys(access, op, flow, tally)
        if client is None:
            return
        bound = any(flow.is_identity(w) for w in op.where)
        # a filter value an exit before equated with the caller's id (`if (userId !==
        # session.user.id) return`) binds the query like the caller's id itself
        top_level = [
            pair.value
            for w in op.where
            for pair in w.pairs
            if pair.key not in ("OR", "NOT", "...") and pair.value.kind == ExprKind.IDENTIFIER
        ]
        equated = None if bound or not top_level else self._key_is_caller(op, flow, top_level)
        if equated is not None:
            tally.passes.append(equated)
            return
        if client and not bound:
            proven = self._found_first_among_the_callers(op, flow, client, access)
            if proven is not None:
                tally.passes.append(proven)
                return
            scoped = _scoped_filter(op, flow, access.scoped.get(op.file, {}))
            if scoped is not None:  # `{ id: contactId, contactBookId: contactBook.id }`
                tally.passes.append(
                    Evidence(
                        file=op.file,
                        line=scoped.value.line or op.line,
                        detail=f"{op.callee}() binds the {op.model} the client chose to "
                        f"`{scoped.value.text[:40]}`, taken from a row found for the caller",
                    )
                )
                return
        if not client:
            self._judge_caller_chosen_rows(access, tally, op, flow, bound=bound, creating=creating)
        elif bound:
            tally.passes.append(
                Evidence(
                    file=op.file,
                    line=self._binding_line(op, flow),
                    detail=f"{op.callee}() binds the {op.model} the client chose to the signed-in user",
                )
            )
        else:
            self._judge_client_chosen_rows(access, tally, op, flow, client)

    def _new_row_client_keys(
        self, access: _Access, op: DbOp, flow: Flow, tally: _Tally
    ) -> list[Expr] | None:
        """The client-chosen references of a create, or None once it is judged: an owner column
        from the client fails, a new row owned by the caller alone passes."""
        if self._owner_from_input(op, flow, tally.problems, tally.fails, tally.passes, access):
            return None
        client = self._client_references(op, flow)
        owner = self._owner_from_identity(op, flow)
        if owner is not None and not client:
            # a new row owned by the caller reaches no row of anyone else's
            tally.new_own_rows.append(
                Evidence(
                    file=owner.file,
                    line=owner.line,
                    detail=f"{owner.detail}: a new row of the caller's own, no existing row chosen",
                )
            )
            return None
        return client

    @staticmethod
    def _existing_row_client_keys(
        access: _Access, op: DbOp, flow: Flow, tally: _Tally
    ) -> list[Expr] | None:
        """The client-chosen parts of an operation's filter, or None when every one was taken from
        a row found for the caller (a pass)."""
        client = _client_keys(op, flow)
        from_scoped = [c for c in client if _taken_from(c, flow, access.scoped.get(op.file, {}))]
        if from_scoped and len(from_scoped) == len(client):
            source = access.scoped[op.file][_client_roots(from_scoped[0], flow)[0]]
            tally.passes.append(
                Evidence(
                    file=op.file,
                    line=op.line,
                    detail=f"{op.callee}() uses `{from_scoped[0].text[:40]}`, taken from "
                    f"the row {source.callee}() (line {source.line}) found for the caller",
                )
            )
            return None
        return client

    def _judge_caller_chosen_rows(
        self, access: _Access, tally: _Tally, op: DbOp, flow: Flow, *, bound: bool, creating: bool
    ) -> None:
        """An operation with no client-chosen key: an unscoped write or a read of every row fails,
        rows selected by the caller alone are the caller's own."""
        if (
            not creating
            and op.kind != "read"
            and not bound
            and self._filter_visible(op)
            and not self._scoped(op)
        ):
            tally.flag(
                Problem(
                    "AZ004",
                    op.file,
                    op.line,
                    f"{op.callee}() changes {op.model} rows without limiting them to a row or to the caller",
                    f"unscoped:{op.callee}",
                    op.model,
                ),
                f"{op.callee}() changes {op.model} rows of every user",
            )
            return
        if bound:
            # Rows selected by the caller alone: the caller's own (a pass, with the filter).
            tally.passes.append(self._caller_filter(op, flow))
            return
        operator = self._operator_branch(op, flow)
        if operator is not None:
            tally.passes.append(operator)
            return
        if (
            not access.admin
            and access.role_gate is None
            and op.kind == "read"
            and not op.where
            and not creating
            and not op.subquery
            and op.operation not in _COUNTS  # (how many rows there are shows no one's row)
            and self._filter_visible(op)  # (a filter built elsewhere may well name one row)
        ):
            tally.flag(
                Problem(
                    "AZ001",
                    op.file,
                    op.line,
                    f"{op.callee}() returns all {op.model} rows to any caller",
                    f"unbound-read:{op.callee}",
                    op.model,
                ),
                f"{op.callee}() reads every {op.model} row, not only the caller's",
            )

    def _judge_client_chosen_rows(
        self, access: _Access, tally: _Tally, op: DbOp, flow: Flow, client: list[Expr]
    ) -> None:
        """Rows the client chose and no filter binds to the caller: a secret filter, a membership,
        ownership or role gate, a comparison afterwards, or a choice only among rows marked public
        (the filter is the rows' access policy) passes; otherwise an IDOR."""
        secret = self._secret_filter(op, flow)
        if secret is not None:
            tally.passes.append(secret)
            return
        owned_keys = access.owned_keys
        # a row must match every part of its filter: a check on any of them binds it
        keys = client if op.operation in CREATES else _filter_keys(op, flow, client)
        checked_key = next(
            (owned_keys[key] for key in owned_keys if any(_names_key(c, key) for c in keys)),
            None,
        ) or self._checked_key_handed_on(op, access.scope, keys, owned_keys)
        gate = (
            self._membership_for_key(op, access.scope, keys)
            or checked_key
            or self._compared_after(op, access.scope, flow)
            or self._ownership_check_before(op, flow)
            or self._key_is_caller(op, flow, client)
            or self._caller_key_handed_on(op, access.scope, client)
            or self._checked_by_lookup_before(op, access.scope, access.ops, keys)
            or self._checked_beside(op, access.ops, keys)
            or self._created_for_caller(op, access.ops, keys)
            or self._looked_up_before(op, flow, keys, access.ops)
            or self._checked_after_load(op, flow)
            or self._row_checked_by_helper(op, flow, access.ops)
            or self._checked_by_predicate(op, flow, keys, access.ops)
            or self._public_state_after_load(op, access.scope)
            or self._compared_by_helper(op, access.helpers)
            or access.role_gate
            or self._operator_branch(op, flow)
            or self._checked_before_the_call(op, access)
            or self._key_proven_public(op, flow, client, access)
            or self._key_vouched_by_comparison(op, access.scope, access.ops, keys)
            or self._key_vouched_by_lookup(op, access.scope, access.ops, keys)
            or self._asserted_by_method(op, flow, keys, access.ops)
        )
        if gate is not None:
            tally.passes.append(gate)
            return
        existence = self._existence_only(op, access.ops)
        if existence is not None:
            tally.passes.append(existence)
            return
        public = None
        if op.kind == "read":
            flags = self.k.public_routes
            public = next((f for w in op.where if (f := public_flag_at(w, flags))), None)
        if public is not None:  # the client picks among rows marked public: the row's policy
            tally.passes.append(
                Evidence(
                    file=op.file,
                    line=public[1] or op.line,
                    detail=f"{op.callee}() lets the client choose only among {op.model} rows "
                    f"marked public ({public[0]})",
                )
            )
            return
        if access.organization_gate is not None:
            gate = access.organization_gate
            tally.flag(
                Problem(
                    "AZ001",
                    op.file,
                    op.line,
                    f"IDOR: {op.callee}() uses `{client[0].text}` from the client with a "
                    "permission of the caller's organization but no filter by that organization",
                    f"idor:{op.callee}:{client[0].text}",
                    op.model,
                ),
                f"{op.callee}() uses `{client[0].text}` chosen by the client, which the "
                f"organization permission at {gate.file}:{gate.line} does not bind to the "
                "caller's organization",
            )
            return
        tally.flag(
            Problem(
                "AZ001",
                op.file,
                op.line,
                f"IDOR: {op.callee}() uses `{client[0].text}` from the client with no ownership check",
                f"idor:{op.callee}:{client[0].text}",
                op.model,
            ),
            f"{op.callee}() uses `{client[0].text}` chosen by the client without binding it to the signed-in user",
        )

    def _judge_storage_keys(self, scope: EntryScope, tally: _Tally) -> None:
        """Object storage keys the client chose pass when bound to the caller, else an IDOR."""
        for key, call, key_binding in self._storage_keys(scope):
            if key_binding is not None:
                tally.passes.append(key_binding)
                continue
            tally.flag(
                Problem(
                    "AZ001",
                    scope.facts.path,
                    call.line,
                    f"IDOR: {call.callee.removeprefix('await ')}() reaches the stored object "
                    f"`{key.text[:60]}` chosen by the client with no ownership check",
                    f"storage:{call.callee}:{key.text[:60]}",
                ),
                f"{call.callee.removeprefix('await ')}() uses the object key `{key.text[:60]}` "
                "chosen by the client without binding it to the signed-in user",
            )

    def _judge_public_read(self, access: _Access, tally: _Tally, op: DbOp, flow: Flow) -> None:
        """A read of a model the app reads unscoped everywhere: what binds it (a policy filter, the
        caller) still passes, and a client's key that nothing binds is no IDOR, since any caller
        may read the rows it picks."""
        trial = _Tally(problems=[])
        self._judge_owned_op(access, trial, op, flow)
        if not trial.fails:
            tally.passes.extend(trial.passes)
            tally.public_reads.extend(trial.public_reads)
            return
        nested = self._caller_bound_relation(op, flow)
        if nested is not None:
            tally.passes.append(nested)
            return
        owned = self._owned_relations_read(op)
        if owned:  # it also returns rows of an owned model: that part is judged as before
            tally.passes.extend(trial.passes)
            tally.problems.extend(trial.problems)
            tally.fails.extend(trial.fails)
            return
        why = self.ctx.public_to_read[op.model or ""]
        tally.public_reads.append(
            Evidence(
                file=op.file,
                line=op.line,
                detail=f"{op.callee}() reads {op.model}, which the app treats as public to "
                f"read: {why}",
            )
        )

    def _owned_relations_read(self, op: DbOp) -> list[str]:
        """The relations of an owned, not public, model that a read also returns (`select: {
        submission: {...} }`, `include: { drafts: true }`)."""
        model = self.ctx.schema.model(op.model or "")
        if model is None:
            return []
        relations = {
            f.name
            for f in model.fields
            if f.relation is not None
            and f.type in self.ctx.owned
            and f.type not in self.ctx.public_to_read
            and f.type not in self.k.ownership.user_models
        }
        call = self.ctx.program.files[op.file].calls[op.call]
        return [
            picked.key
            for arg in call.args
            for pair in arg.pairs
            if pair.key in ("include", "select", "with")
            for picked in pair.value.pairs
            if picked.key in relations and picked.value.text != "false"
        ]

    def _caller_bound_relation(self, op: DbOp, flow: Flow) -> Evidence | None:
        """A read of public rows that also selects the caller's own related rows (`include: {
        submission: { where: { userId: session?.user?.id } } }`): what it returns of anyone's own
        is the caller's."""
        calls = self.ctx.program.files[op.file].calls
        stack = list(calls[op.call].args)
        seen = 0
        while stack and seen < 300:
            seen += 1
            expr = stack.pop()
            for pair in expr.pairs:
                if pair.key == "where" and pair.value in op.where:
                    continue
                nested = pair.value.kind in (ExprKind.OBJECT, ExprKind.ARRAY)
                if not nested and flow.is_identity(pair.value):
                    return Evidence(
                        file=op.file,
                        line=pair.value.line or op.line,
                        detail=f"{op.callee}() reads public {op.model} rows and, of the rows "
                        f"anyone owns, only the caller's (`{pair.key}: {pair.value.text[:40]}`)",
                    )
                stack.append(pair.value)
            stack.extend(expr.items)
        return None

    def _key_proven_public(
        self, op: DbOp, flow: Flow, client: list[Expr], access: _Access
    ) -> Evidence | None:
        """The client's key was first used to load a row that is refused unless it is public
        (`if (!listing.published) throw`): past that exit the key names a public row, and what
        hangs off it (its availability, a booking of it) is for any caller to use."""
        keys = {root for expr in client for root in _client_roots(expr, flow)}
        if not keys:
            return None
        for earlier, earlier_flow in access.ops:
            if (
                earlier.file != op.file
                or earlier.func != op.func
                or earlier.line >= op.line
                or earlier is op
            ):
                continue
            used = {
                root
                for expr in _client_keys(earlier, earlier_flow)
                for root in _client_roots(expr, earlier_flow)
            }
            if not keys <= used:
                continue
            public = self._public_state_after_load(earlier, access.scope)
            if public is not None and public.line < op.line and public.file == op.file:
                return Evidence(
                    file=public.file,
                    line=public.line,
                    detail=f"{op.callee}() uses a key that names a public {earlier.model} row: "
                    f"{public.detail}",
                )
        return self._key_loaded_public_by_helper(op, keys, access)

    def _key_loaded_public_by_helper(
        self, op: DbOp, keys: set[str], access: _Access
    ) -> Evidence | None:
        """The client's key first handed to a helper that returns the row it names, refused by
        the operation's function unless that row is public before the operation runs (`const
        chat = await getChat({ id }); if (chat?.visibility !== "public") notFound();` then the
        read of its messages by `id`)."""
        facts = self.ctx.program.files[op.file]
        funcs = function_scope(facts, op.func)
        for call in facts.calls:
            if call.func not in funcs or call.line >= op.line or not call.assigned_to:
                continue
            if not any(arg.all_roots() & keys for arg in call.args):
                continue
            target = self.ctx.summaries.target(op.file, call)
            if target is None or not self.ctx.summaries.returns_rows(*target):
                continue
            for earlier, earlier_flow in access.ops:
                if (earlier.file, earlier.func) != target or earlier.kind != "read":
                    continue
                if not _client_keys(earlier, earlier_flow):
                    continue
                public = self._refused_unless_public(
                    facts, funcs, call.line, call.assigned_to, earlier
                )
                if public is not None and public.line < op.line:
                    return Evidence(
                        file=public.file,
                        line=public.line,
                        detail=f"{op.callee}() uses a key that names a public {earlier.model} "
                        f"row: {public.detail}",
                    )
        return None

    def _checked_before_the_call(self, op: DbOp, access: _Access) -> Evidence | None:
        """The operation runs in a helper called only after its caller exits unless the record
        it loaded for the client's key is the caller's (`if (row.ownerId !== userId) return`
        then `deleteChildren(id)`)."""
        callers = {(access.scope.facts.path, f) for f in access.scope.funcs}
        callers |= set(access.helpers)
        for file, func in callers:
            flow = access.helpers.get((file, func), access.scope.flow)
            for call in self.ctx.program.files[file].calls:
                if call.func != func or (call.func == op.func and file == op.file):
                    continue
                if self.ctx.summaries.target(file, call) != (op.file, op.func):
                    continue
                at_call = replace(op, file=file, line=call.line, func=call.func)
                found = self._ownership_check_before(at_call, flow)
                if found is not None:
                    return Evidence(
                        file=found.file,
                        line=found.line,
                        detail=f"{found.detail}, which calls {call.callee}() where "
                        f"{op.callee}() runs",
                    )
        return None

    def _operator_branch(self, op: DbOp, flow: Flow) -> Evidence | None:
        """The operation runs only in a branch taken when the caller is the operator the server is
        configured with (`if (user.id === Number(process.env.ADMIN_ID)) { ... }`): the operator
        may reach every row, as an admin's role does."""
        facts = self.ctx.program.files[op.file]
        for guard in facts.guards:
            if (
                guard.func != op.func
                or not guard.line < op.line <= guard.exit_line
                or guard.negated
                or not _OPERATOR_TEST.search(guard.condition.text)
                or not flow.is_identity(guard.condition)
            ):
                continue
            return Evidence(
                file=op.file,
                line=guard.line,
                detail=f"{op.callee}() runs only when the caller is the operator the server is "
                f"configured with (`{guard.condition.text[:70]}`)",
            )
        return None

    def _judge_nested_owner_filters(self, tally: _Tally, op: DbOp, flow: Flow) -> None:
        """A read that also returns related rows picked by an owner column set to a client value
        (`include: { submission: { where: { userId: input.userId } } }`): whoever the client
        names, their rows come back."""
        owner = nested_owner_filter(
            self.ctx.program,
            op,
            set(self.k.ownership.owner_fields),
            lambda pair: flow.is_client_value(pair.value) and not flow.is_identity(pair.value),
        )
        if owner is None:
            return
        value = owner.value
        tally.flag(
            Problem(
                "AZ001",
                op.file,
                value.line or op.line,
                f"IDOR: {op.callee}() returns the related rows of whichever user the client "
                f"names (`{owner.key}: {value.text[:40]}`)",
                f"nested-owner:{op.callee}:{owner.key}",
                op.model,
            ),
            f"{op.callee}() returns related rows picked by `{owner.key}: {value.text[:40]}`, "
            "chosen by the client, not the signed-in user",
        )

    def _public_profile(self, op: DbOp) -> Evidence | None:
        """A read of users that picks only what any member of the app sees of another (`id`,
        `name`, `image`): a directory or a profile, with no personal data or secret in it."""
        # (rows of related models it selects are judged where they are read, not here)
        fields = profile_fields(
            self.ctx.program, op, self.k.ownership.user_models, lambda _relation: False
        )
        if fields is None:
            return None
        return Evidence(
            file=op.file,
            line=op.line,
            detail=f"{op.callee}() reads only profile fields of {op.model} "
            f"({', '.join(fields[:4])}), no personal data",
        )

    def _authorization_verdict(self, entry: Entry, scope: EntryScope, tally: _Tally) -> Check:
        """The check from the evidence gathered: any failure fails, any pass passes; otherwise
        public reads are n/a and data keyed by the caller alone decides."""
        if tally.fails:
            return Check(status=CheckStatus.FAIL, evidence=tally.fails + tally.passes)
        if tally.passes:
            return Check(status=CheckStatus.PASS, evidence=tally.passes)
        if tally.public_reads:
            return make_check(CheckStatus.NA, tally.public_reads[0])
        if tally.new_own_rows:
            return make_check(CheckStatus.NA, tally.new_own_rows[0])
        keyed = self._keyed_by_caller(scope)
        if keyed is not None and keyed.detail.startswith(_UNDECIDED):
            return make_check(CheckStatus.UNKNOWN, keyed)
        if keyed is not None:
            return make_check(CheckStatus.PASS, keyed)
        return make_check(
            CheckStatus.NA,
            Evidence(
                file=entry.file,
                line=entry.line,
                detail="no client-chosen row of a user-owned model is accessed",
            ),
        )

    def _judge_provider_records(self, scope: EntryScope, tally: _Tally) -> None:
        """Ids of a provider's records (a Stripe subscription, a Clerk user) the client chose pass
        when bound to the caller, like a database key; else an IDOR. (An id read from a row is
        no client value: the query that read the row is judged.)"""
        facts, flow = scope.facts, scope.flow
        calls = [c for c in facts.calls if scope.has(c.func, c.line)]
        records = self.k.ownership.provider_records
        for found in provider_calls(self.ctx.program, facts, calls, records):
            key, call = found.record, found.call
            if not (flow.is_client_value(key) or flow.is_input(key)):
                continue
            callee = call.callee.removeprefix("await ")
            bound = (
                Evidence(
                    file=facts.path,
                    line=key.line or call.line,
                    detail=f"{callee}() acts on the caller's own {found.package} record "
                    f"(`{key.text[:40]}`)",
                )
                if flow.is_identity(key)
                else self._key_checked(scope, key)
                or self._equated_key(facts.path, call.func, call.line, flow, [key], f"{callee}()")
            )
            if bound is not None:
                tally.passes.append(bound)
                continue
            tally.flag(
                Problem(
                    "AZ001",
                    facts.path,
                    call.line,
                    f"IDOR: {callee}() acts on the {found.package} record `{key.text[:60]}` "
                    "chosen by the client with no ownership check",
                    f"provider:{callee}:{key.text[:60]}",
                ),
                f"{callee}() uses the {found.package} id `{key.text[:60]}` chosen by the client "
                "without binding it to the signed-in user",
            )

    def _storage_keys(self, scope: EntryScope) -> list[tuple[Expr, Call, Evidence | None]]:
        """Object storage keys the client chose that nothing binds to the caller: `Key` of an S3
        command, the path of a blob or a Supabase bucket call. A key built with the caller's id
        (`${user.id}/${name}`) or checked against it before use is bound."""
        known = self.k.ownership
        facts, flow = scope.facts, scope.flow
        found: list[tuple[Expr, Call, Evidence | None]] = []
        for call in facts.calls:
            if not scope.has(call.func, call.line) or not call.args:
                continue
            keys: list[Expr] = []
            name = call.name.removeprefix("new ")
            first = call.args[0]
            if name in known.storage_commands and call.callee.startswith("new "):
                keys = [p.value for p in first.pairs if p.key == "Key"]
            elif name in known.storage_bucket_methods and ".storage.from(" in call.callee:
                keys = list(first.items) or [first]
            else:
                package = self.ctx.classifier.canonical(facts.path, call)[1]
                if any(c.package == package and c.call == name for c in known.storage_calls):
                    keys = [first]
            for key in keys:
                if not (flow.is_client_value(key) or flow.is_input(key)):
                    continue
                if _fresh_key(facts, key) is not None:
                    continue  # a new object the request creates: no one's stored object is chosen
                bound = (
                    Evidence(
                        file=facts.path,
                        line=key.line or call.line,
                        detail=f"the object key `{key.text[:60]}` is built with the signed-in user",
                    )
                    if flow.is_identity(key)
                    else self._key_checked(scope, key)
                )
                found.append((key, call, bound))
        return found

    def _key_checked(self, scope: EntryScope, key: Expr) -> Evidence | None:
        """An exit guard that tests the key against the caller (`if (!key.startsWith(user.id))`)."""
        roots = set(key.roots)
        for guard in scope.facts.guards:
            if not scope.has(guard.func, guard.line):
                continue
            condition = guard.condition
            if roots & set(condition.roots) and scope.flow.is_identity(condition):
                return Evidence(
                    file=scope.facts.path,
                    line=guard.line,
                    detail=f"`{condition.text[:60]}` ties the object key to the signed-in user",
                )
        return None

    def _client_references(self, op: DbOp, flow: Flow) -> list[Expr]:
        """Client-chosen foreign keys to user-owned models in the data of a create (`teamId:
        input.teamId`). A key to a user account (the assignee or recipient of the new row) names
        a person, and selects none of their rows: the new row's owner column is judged apart."""
        model = self.ctx.schema.model(op.model or "")
        if model is None:
            return []
        people = set(self.k.ownership.user_models) - set(self.k.ownership.membership_models)
        targets = {
            column: f.type
            for f in model.fields
            if f.relation is not None
            for column in f.relation.fields
            if f.type in self.ctx.owned
            and f.type not in self.ctx.public_to_read
            and f.type not in people
        }
        found = []
        for data in op.data:
            for pair in data.pairs:
                if pair.key in targets and (
                    flow.is_client_value(pair.value) or flow.is_input(pair.value)
                ):
                    found.append(pair.value)
            for pair, elements in self._mapped_rows(op.file, data):
                # `values(input.recipes.map((r) => ({ recipeId: r.id })))`: one row per element
                # of the client's list, each key taken from its element
                if (
                    pair.key in targets
                    and elements & set(pair.value.roots)
                    and (flow.is_client_value(data) or flow.is_input(data))
                ):
                    found.append(pair.value)
        return found

    def _mapped_rows(self, file: str, data: Expr) -> list[tuple[Pair, frozenset[str]]]:
        """The fields of the rows `input.items.map(cb)` builds from a list the client sent, with
        the names cb gives its element."""
        facts = self.ctx.program.files[file]
        if data.call is None:
            return []
        call = facts.calls[data.call]
        if call.name not in ("map", "flatMap") or not call.args or call.args[0].func is None:
            return []
        if "." not in call.callee.removesuffix("." + call.name):
            return []  # a list the code built (`ids.map(...)`), not one read from the request
        function = facts.functions[call.args[0].func]
        if not function.params:
            return []
        param = function.params[0]
        elements = frozenset(param.names or (param.name,))  # `(r) =>`, `([kind, meal]) =>`
        return [
            (pair, elements)
            for ret in facts.returns
            if ret.func == function.index and ret.value is not None
            for pair in ret.value.pairs
        ]

    def _filter_visible(self, op: DbOp) -> bool:
        """Whether the operation's filter is written at the call: `prisma.x.upsert(build(args))`
        builds it elsewhere, and what it selects is not known here."""
        call = self.ctx.program.files[op.file].calls[op.call]
        head = self.ctx.program.chain(op.file, call)[0]  # `db.update(t)` of a Drizzle chain
        first = head.args[0] if head.args else None
        return first is None or first.kind == ExprKind.OBJECT or first.text == op.table

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
        # a filter on a related row (`collection: { id }`) names the rows that belong to it
        row_columns |= {f.name for f in model.fields if f.relation is not None}
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

    def _role_gate(self, entry: Entry, scope: EntryScope) -> tuple[Evidence | None, bool]:
        """The role check that guards the entry, in its code or the middleware of its chain, and
        whether the role is held within the caller's active organization only."""
        if scope.summary.role_gate is not None:
            return scope.summary.role_gate, scope.summary.role_gate_in_organization
        for file, call, summary in self._chain_summaries(entry):
            if summary.role_gate is not None:
                gate = Evidence(
                    file=summary.role_gate.file,
                    line=summary.role_gate.line,
                    detail=f"{summary.role_gate.detail}, in the middleware of {call.callee}() "
                    f"({file}:{call.line})",
                )
                return gate, summary.role_gate_in_organization
        return None, False

    def _scoped_results(self, ops: list[OpFlow], entry_file: str) -> dict[str, dict[str, DbOp]]:
        """Per file, the names holding rows a query bound to the caller returned (`const existing =
        await tx.select()...where(and(eq(t.id, input.id), eq(t.workspaceId, ctx.workspace.id)))`),
        or found by a secret the caller holds (`recipients: { some: { token } }`), directly or
        through a helper that returns that row: a key taken from them is one the caller may use."""
        found: dict[str, dict[str, DbOp]] = {}
        returning: dict[tuple[str, int | None], DbOp] = {}
        program = self.ctx.program
        for _round in range(3):  # a row found by a key taken from a scoped row is scoped too
            for op, flow in ops:
                if not self._scopes_result(op, flow, found.get(op.file, {})):
                    continue
                for name in op.assigned_to:
                    found.setdefault(op.file, {}).setdefault(name, op)
                returned = op.returned or any(
                    ret.func == op.func
                    and ret.value is not None
                    and set(ret.value.roots) & set(op.assigned_to)
                    for ret in program.files[op.file].returns
                )
                if returned:
                    returning.setdefault((op.file, op.func), op)
            for file in {op.file for op, _ in ops} | {entry_file}:
                facts = program.files[file]
                for call in facts.calls if returning else ():
                    source = returning.get(self.ctx.summaries.target(file, call) or ("", None))
                    if source is not None and call.assigned_to:
                        for name in call.assigned_to:
                            found.setdefault(file, {}).setdefault(name, source)
                names = found.get(file)
                if not names:
                    continue
                for var in sorted(facts.vars, key=lambda v: v.line):
                    # `const [recipient] = document.recipients`: part of a scoped row
                    init = var.init
                    if init is not None and init.roots and all(r in names for r in init.roots):
                        for name in var.names:
                            names.setdefault(name, names[init.roots[0]])
                self._scoped_parameters(file, names, found)
        return found

    def _found_first_among_the_callers(
        self, op: DbOp, flow: Flow, client: list[Expr], access: _Access
    ) -> Evidence | None:
        """The same function first looked the client's key up among the caller's rows and leaves
        when none was found (`const existing = await findInBook(contactId, book.id); if
        (!existing) return null;` then `delete({ where: { id: contactId } })`)."""
        scoped = access.scoped.get(op.file, {})
        keys = {root for expr in client for root in _client_roots(expr, flow)}
        if not scoped or not keys:
            return None
        facts = self.ctx.program.files[op.file]
        for call in facts.calls:
            if call.func != op.func or call.line >= op.line or not call.assigned_to:
                continue
            found = [name for name in call.assigned_to if name in scoped]
            if not found or not keys <= {r for arg in call.args for r in arg.all_roots()}:
                continue
            for guard in facts.guards:
                if (
                    guard.func == op.func
                    and call.line < guard.line < op.line
                    and not guard.caught
                    and guard.negated
                    and set(guard.condition.roots) & set(found)
                ):
                    return Evidence(
                        file=op.file,
                        line=guard.line,
                        detail=f"{op.callee}() runs only once {call.callee}() found the client's "
                        f"key among the caller's rows (`{found[0]}`, {scoped[found[0]].callee}() "
                        f"at {scoped[found[0]].file}:{scoped[found[0]].line})",
                    )
        return None

    def _scoped_parameters(
        self, file: str, names: dict[str, DbOp], found: dict[str, dict[str, DbOp]]
    ) -> None:
        """`updateContact(contactId, contactBook.id)` with `contactBook` a row found for the
        caller: the helper's parameter that receives it holds a scoped key too."""
        program = self.ctx.program
        for call in program.files[file].calls:
            if not call.args:
                continue
            target = self.ctx.summaries.target(file, call)
            if target is None or target[1] is None:
                continue
            params = program.function(target[0], target[1]).params
            for param, arg in zip(params, call.args, strict=False):
                if param.keys or not arg.roots or not all(r in names for r in arg.roots):
                    continue
                found.setdefault(target[0], {}).setdefault(param.name, names[arg.roots[0]])

    def _scopes_result(self, op: DbOp, flow: Flow, scoped: dict[str, DbOp]) -> bool:
        """Whether the rows an operation returns are the caller's to use: it made them, bound them
        to the caller, found them by a secret the caller holds, or by keys of such rows."""
        if op.operation in ("create", "insert"):  # a row this request just made
            return True
        if not op.returns_rows:
            return False
        if any(flow.is_identity(w) for w in op.where):
            return True
        client = _client_keys(op, flow)
        if client and all(_taken_from(c, flow, scoped) for c in client):
            return True
        if _scoped_filter(op, flow, scoped) is not None:
            return True  # `{ id: contactId, contactBookId: book.id }`: within the caller's rows
        return self._secret_filter(op, flow) is not None

    def _keyed_by_caller(self, scope: EntryScope) -> Evidence | None:
        """Data the handler reaches only through helpers it hands the caller's identity alone
        (`getUserTOTPKey(user.id)`, whose SQL selects by that id): the caller's own records."""
        flow, facts = scope.flow, scope.facts
        undecided: Evidence | None = None
        for call in facts.calls:
            if not scope.has(call.func, call.line) or not call.args:
                continue
            keyed = [i for i, arg in enumerate(call.args) if flow.is_identity(arg)]
            chosen = [i for i, arg in enumerate(call.args) if flow.is_client_value(arg)]
            if chosen and flow.identity and undecided is None:
                undecided = self._client_key_in_sql(scope, call, chosen)
            if not keyed:
                continue
            target = self.ctx.summaries.target(facts.path, call)
            if target is None or target[1] is None:
                continue
            params = self.ctx.program.files[target[0]].functions[target[1]].params

            def names_of(indexes: list[int], params: Sequence[Param] = params) -> set[str]:
                return {
                    n
                    for i in indexes
                    if i < len(params)
                    for n in (params[i].names or (params[i].name,))
                }

            inside = function_scope(self.ctx.program.files[target[0]], target[1])
            if chosen and self.ctx.sinks.first_sink(
                target[0], within(inside), names_of(chosen), database=True
            ):
                continue  # the client's value reaches the helper's queries too
            names = names_of(keyed)
            sink = self.ctx.sinks.first_sink(target[0], within(inside), names, database=True)
            if sink is not None and (sink.database or sink.target.endswith(REPOSITORY_CODE)):
                return Evidence(
                    file=facts.path,
                    line=call.line,
                    detail=f"{call.callee.removeprefix('await ')}() is given only the caller's "
                    f"identity (`{call.args[keyed[0]].text[:40]}`), which selects the records "
                    f"{sink.target.split(' (', 1)[0]} acts on",
                )
        return undecided

    def _client_key_in_sql(
        self, scope: EntryScope, call: Call, chosen: list[int]
    ) -> Evidence | None:
        """A signed-in caller's request hands a client value to a helper whose queries archtools
        cannot map to a model (raw SQL through the repository's own database code): whether the
        row is the caller's cannot be told."""
        target = self.ctx.summaries.target(scope.facts.path, call)
        if target is None or target[1] is None:
            return None
        params = self.ctx.program.files[target[0]].functions[target[1]].params
        names = {
            n for i in chosen if i < len(params) for n in (params[i].names or (params[i].name,))
        }
        inside = function_scope(self.ctx.program.files[target[0]], target[1])
        sink = self.ctx.sinks.first_sink(target[0], within(inside), names, database=True)
        if sink is None or not sink.target.endswith(REPOSITORY_CODE):
            return None
        return Evidence(
            file=scope.facts.path,
            line=call.line,
            detail=f"{_UNDECIDED}: `{call.args[chosen[0]].text[:40]}` from the client reaches "
            f"{sink.target.split(' (', 1)[0]}, whose rows archtools cannot tie to a model",
        )

    def _chain_ownership(self, entry: Entry, ops: list[OpFlow]) -> dict[str, Evidence]:
        """Input fields a middleware of the procedure checks the caller owns before the handler runs
        (`.use(ensureTagOwnership)`, which hands `input.tagId` to `Tag.fromId()`, which throws
        unless the tag's owner is the caller), with that check."""
        program, summaries = self.ctx.program, self.ctx.summaries
        found: dict[str, Evidence] = self._chain_lookups(entry, ops)
        for file, call in entry.chain:
            if call.name != "use":
                continue
            for mfile, mfunc in self._functions_of_args(file, call):
                for inner in program.files[mfile].calls:
                    if inner.func != mfunc:
                        continue
                    keys = [
                        match.group(1)
                        for arg in inner.args
                        for path in arg.paths
                        if (match := _INPUT_FIELD.search(path)) is not None
                    ]
                    target = summaries.target(mfile, inner) if keys else None
                    check = self._owner_check(*target, 0) if target is not None else None
                    if check is None:
                        continue
                    for key in keys:
                        found.setdefault(
                            key,
                            Evidence(
                                file=check.file,
                                line=check.line,
                                detail=f"the procedure's middleware ({mfile}:{inner.line}) hands "
                                f"`input.{key}` to {inner.callee.removeprefix('await ')}(), "
                                f"which {check.detail}",
                            ),
                        )
        return found

    def _existence_only(self, op: DbOp, ops: list[OpFlow]) -> Evidence | None:
        """A read whose row never leaves the function, by an entry point that changes nothing:
        what it found is only tested by the code (`if (!row) continue`), never returned, handed to
        a call or kept in another value, so no one's data reaches the caller. (A test returned to
        the caller, `return !!row`, answers whether someone's row exists, and a test that decides
        a write is check-then-write by the client's key: both stay findings.)"""
        if op.kind != "read" or op.returned or not op.assigned_to:
            return None
        if any(other.kind != "read" for other, _flow in ops):
            return None
        facts = self.ctx.program.files[op.file]
        scope = function_scope(facts, op.func)
        words = [re.compile(rf"(?<![\w$.]){re.escape(n)}(?![\w$])") for n in op.assigned_to]

        def uses(text: str) -> bool:
            return any(w.search(text) for w in words)

        if any(
            call.func in scope and call.index != op.call and any(uses(a.text) for a in call.args)
            for call in facts.calls
        ):
            return None
        if any(
            var.func in scope
            and var.init is not None
            and var.line != op.line
            and uses(var.init.text)
            for var in facts.vars
        ):
            return None
        if any(
            ret.func in scope and ret.value is not None and uses(ret.value.text)
            for ret in facts.returns
        ):
            return None
        return Evidence(
            file=op.file,
            line=op.line,
            detail=f"only whether {op.callee}() found a {op.model or op.table} row is used, by "
            "the code alone (never returned or handed on): no one's data leaves",
        )

    def _caller_key_handed_on(
        self, op: DbOp, scope: EntryScope, client: list[Expr]
    ) -> Evidence | None:
        """The operation runs in a helper the entry calls, and every value the entry hands it as
        the key was compared with the caller's id by an exit before that call (`if (id !==
        ctx.user.id) throw`, then `equipCosmetic({ userId: id, ... })`)."""
        if not client or (op.file == scope.facts.path and scope.has(op.func, op.line)):
            return None
        handed = self._key_arguments(op, scope, {root for key in client for root in key.roots})
        if not handed:
            return None
        facts = scope.facts
        found: Evidence | None = None
        for line, roots in handed:
            call = next(
                (c for c in facts.calls if c.line == line and scope.has(c.func, c.line)), None
            )
            funcs = enclosing_functions(facts, call.func) if call is not None else set()
            guard = equated_before(facts, scope.flow, funcs, line, roots) if roots else None
            if guard is None:
                return None
            found = found or Evidence(
                file=facts.path,
                line=guard.line,
                detail=f"exits unless the client's key is the caller's own id "
                f"(`{guard.condition.text[:60]}`), before it reaches {op.callee}() in "
                f"{op.file}:{op.line}",
            )
        return found

    def _checked_key_handed_on(
        self, op: DbOp, scope: EntryScope, keys: list[Expr], owned_keys: dict[str, Evidence]
    ) -> Evidence | None:
        """The operation runs in a helper the entry calls, and what the entry hands it as the key
        is an input field the procedure's middleware checked (`deleteCampaign(input.campaignId,
        team.id)`, whose query is `where: { id, teamId }`)."""
        if (
            not owned_keys
            or not keys
            or (op.file == scope.facts.path and scope.has(op.func, op.line))
        ):
            return None
        names = {root for key in keys for root in key.roots}
        for call, params, through in self._key_handoffs(op, scope, names):
            handed = [
                arg
                for param, arg in zip(params, call.args, strict=False)
                if set(param.names or (param.name,)) & through
            ]
            for key, evidence in owned_keys.items():
                if handed and all(_names_key(arg, key) for arg in handed):
                    return evidence
        return None

    def _chain_lookups(self, entry: Entry, ops: list[OpFlow]) -> dict[str, Evidence]:
        """Input fields a middleware of the procedure looks up among the caller's rows, stopping
        the request when none is found (`db.domain.findUnique({ where: { id: input.id, teamId:
        ctx.team.id } })` then `if (!domain) throw`)."""
        found: dict[str, Evidence] = {}
        middleware = {
            (mfile, func)
            for file, call in entry.chain
            if call.name == "use"
            for mfile, mfunc in self._functions_of_args(file, call)
            for func in function_scope(self.ctx.program.files[mfile], mfunc)
        }
        # a middleware kept in a module value (`t.middleware(fn)`) runs queries of its own, which
        # are not among the entry's operations
        for mfile in sorted({mfile for mfile, _func in middleware}):
            for lookup in self.ctx.classifier.db_ops(mfile):
                if (mfile, lookup.func) in middleware and lookup.kind == "read":
                    for field, evidence in self._chain_load_compared(lookup).items():
                        found.setdefault(field, evidence)
        for lookup, flow in ops:
            if (lookup.file, lookup.func) not in middleware or lookup.kind != "read":
                continue
            if not any(flow.is_identity(w) for w in lookup.where):
                continue
            facts = self.ctx.program.files[lookup.file]
            if lookup.operation.endswith("OrThrow"):
                stop = lookup.line
            else:
                guard = throws_unless_found(facts, lookup)
                if guard is None:
                    continue
                stop = guard.line
            for where in lookup.where:
                for part in where.parts():
                    for path in part.paths:
                        match = _INPUT_FIELD.search(path)
                        if match is not None:
                            found.setdefault(
                                match.group(1),
                                Evidence(
                                    file=lookup.file,
                                    line=lookup.line,
                                    detail=f"the procedure's middleware looks `input."
                                    f"{match.group(1)}` up among the caller's {lookup.model} rows "
                                    f"({lookup.callee}()) and stops at line {stop} when none is found",
                                ),
                            )
        return found

    def _chain_load_compared(self, lookup: DbOp) -> dict[str, Evidence]:
        """Input fields a middleware loads a row by and then throws unless the loaded row's
        owner is the caller (`const { id } = input; ownerId = (await findUnique({ where: { id }
        }))?.userId; if (ownerId !== userId) throw`)."""
        facts = self.ctx.program.files[lookup.file]
        loaded = set(lookup.assigned_to) | {
            name
            for var in facts.vars
            if var.func == lookup.func and var.init is not None and var.line == lookup.line
            for name in var.names
        }
        if not loaded:
            return {}
        flow = self.ctx.summaries.flow(lookup.file, lookup.func, context_seeds(facts, lookup.func))
        guard = next(
            (
                g
                for g in sorted(facts.guards, key=lambda g: g.line)
                if g.func == lookup.func
                and g.line > lookup.line
                and g.exit != ExitKind.RETURN
                and not g.caught
                and COMPARES.search(g.condition.text)
                and flow.is_identity(g.condition)
                and set(g.condition.roots) & loaded
            ),
            None,
        )
        if guard is None:
            return {}
        unpacked = unpacked_fields(facts, {lookup.func})
        fields: dict[str, Evidence] = {}
        for where in lookup.where:
            for part in where.parts():
                for path in (*part.paths, *(unpacked[r] for r in part.roots if r in unpacked)):
                    match = _INPUT_FIELD.search(path)
                    if match is not None:
                        fields[match.group(1)] = Evidence(
                            file=lookup.file,
                            line=guard.line,
                            detail=f"the procedure's middleware loads the row of `input."
                            f"{match.group(1)}` ({lookup.callee}(), line {lookup.line}) and throws "
                            f"unless it is the caller's (`{guard.condition.text[:60]}`)",
                        )
        return fields

    def _owner_check(self, file: str, func: int | None, depth: int) -> Evidence | None:
        """A guard of `func` that throws unless a row belongs to the caller: a comparison with the
        caller (`tag.userId !== ctx.user.id`), or a helper that makes one."""
        facts = self.ctx.program.files[file]
        flow = self.ctx.summaries.flow(file, func, context_seeds(facts, func))
        for guard in sorted(facts.guards, key=lambda g: g.line):
            if guard.func != func or guard.exit == ExitKind.RETURN:
                continue
            text = guard.condition.text
            if flow.is_identity(guard.condition) and COMPARES.search(text):
                return Evidence(file=file, line=guard.line, detail=f"throws when `{text[:60]}`")
            for call in facts.calls:
                if call.func != func or call.line != guard.line or depth >= 2:
                    continue
                if f"{call.callee.removeprefix('await ')}(" not in text:
                    continue
                target = self.ctx.summaries.target(file, call)
                if target is not None and self._compares_caller(*target):
                    return Evidence(
                        file=file,
                        line=guard.line,
                        detail=f"throws when `{text[:60]}`, {call.callee}() comparing the row's "
                        "owner with the caller",
                    )
        return None

    def _compares_caller(self, file: str, func: int | None) -> bool:
        facts = self.ctx.program.files[file]
        flow = self.ctx.summaries.flow(file, func, context_seeds(facts, func))
        return any(
            c.func == func and (flow.is_identity(c.left) != flow.is_identity(c.right))
            for c in facts.comparisons
        )

    def _binding_line(self, op: DbOp, flow: Flow) -> int:
        """The line of the filter value that names the caller (`eq(t.workspaceId, ctx.workspace.id)`
        inside an `and(...)` of several lines), else the operation's."""
        calls = self.ctx.program.files[op.file].calls
        stack = list(op.where)
        while stack:
            expr = stack.pop(0)
            if expr.kind in (ExprKind.MEMBER, ExprKind.IDENTIFIER) and flow.is_identity(expr):
                return expr.line
            for pair in expr.pairs:  # `userId: result.userId ?? result.user.id`
                if pair.value.kind not in (ExprKind.OBJECT, ExprKind.CALL) and flow.is_identity(
                    pair.value
                ):
                    return pair.value.line
            stack.extend(pair.value for pair in expr.pairs)
            stack.extend(expr.items)
            if expr.call is not None:
                stack.extend(calls[expr.call].args)
        return op.line

    def _caller_filter(self, op: DbOp, flow: Flow) -> Evidence:
        """The filter of `op` that names the caller, at its own line (`userId: session.user.id`)."""
        stack = list(op.where)
        while stack:
            expr = stack.pop(0)
            for pair in expr.pairs:
                if flow.is_identity(pair.value) and not pair.value.pairs:
                    return Evidence(
                        file=op.file,
                        line=pair.value.line,
                        detail=f"{op.callee}() reads only the caller's {op.model} rows "
                        f"({pair.key} is the signed-in user)",
                    )
                stack.append(pair.value)
            stack.extend(expr.items)
        return Evidence(
            file=op.file,
            line=self._binding_line(op, flow),
            detail=f"{op.callee}() is filtered by the signed-in user",
        )

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

    def _checked_parent(
        self, op: DbOp, flow: Flow, pair: Pair, access: _Access | None
    ) -> Evidence | None:
        """An owner-named column that refers to a row of another model than a user's (a CRM
        account's id in `accountId`) is the new row's parent: the client may choose it once a
        lookup among the caller's rows has checked it."""
        model = self.ctx.schema.model(op.model or "")
        if access is None or model is None:
            return None
        people = set(self.k.ownership.user_models)
        parents = {
            column
            for f in model.fields
            if f.relation is not None and f.type not in people
            for column in f.relation.fields
        }
        if pair.key not in parents:
            return None
        return self._checked_by_lookup_before(
            op, access.scope, access.ops, [pair.value]
        ) or self._looked_up_before(op, flow, [pair.value], access.ops)

    def _owner_from_input(
        self,
        op: DbOp,
        flow: Flow,
        problems: list[Problem],
        fails: list[Evidence],
        passes: list[Evidence] | None = None,
        access: _Access | None = None,
    ) -> bool:
        owner_fields = set(self.k.ownership.owner_fields)
        found = False
        for data in op.data:
            # a row the caller is recorded on (`reportedById: ctx.user.id`) names another user by
            # the client's choice as someone it is about (the reported, the invited): a
            # reference, not a claim of whose row it is
            attributed = any(
                flow.is_identity(p.value) and not flow.is_client_value(p.value)
                for p in data.pairs
                if p.key != "..."
            )
            for pair in data.pairs:
                if attributed:
                    break
                if pair.key in owner_fields and (
                    flow.is_client_value(pair.value) or flow.is_input(pair.value)
                ):
                    if flow.is_identity(pair.value):
                        continue
                    # `if (userId !== session.user.id) throw` before: the caller's own id
                    if self._key_is_caller(op, flow, [pair.value]) is not None:
                        continue
                    parent = self._checked_parent(op, flow, pair, access)
                    if parent is not None:
                        if passes is not None:
                            passes.append(parent)
                        continue
                    flag(
                        fails,
                        problems,
                        Problem(
                            "AZ002",
                            op.file,
                            pair.value.line,
                            f"{op.model}.{pair.key} comes from client input instead of the session",
                            f"identity-from-input:{op.model}.{pair.key}",
                            op.model,
                        ),
                        f"{op.model}.{pair.key} is taken from the client (`{pair.value.text}`)",
                    )
                    found = True
        return found


def _client_keys(op: DbOp, flow: Flow) -> list[Expr]:
    """The parts of an operation's filter the client chose (`params.id` in `{ id: params.id }`)."""
    return [c for w in op.where if (c := client_part(w, flow)) is not None]


def _filter_keys(op: DbOp, flow: Flow, client: list[Expr]) -> list[Expr]:
    """The client's keys of a filter and every other client value a row must match with them."""
    found = list(client)
    texts = {c.text for c in client}
    for where in op.where:
        for key in conjunct_keys(where, flow):
            if key.text not in texts:
                texts.add(key.text)
                found.append(key)
    return found


def _client_roots(expr: Expr, flow: Flow) -> list[str]:
    return [r for r in expr.roots if r in flow.inputs and r not in flow.identity]


def _scoped_filter(op: DbOp, flow: Flow, scoped: dict[str, DbOp]) -> Pair | None:
    """A key of the query's filter (at its top level, so every row must match it) whose value is
    taken from a row found for the caller."""
    for where in op.where:
        for pair in where.pairs:
            roots = set(pair.value.roots)
            if pair.key == "..." or not roots or flow.is_client_value(pair.value):
                continue
            if roots <= set(scoped):
                return pair
    return None


def _taken_from(expr: Expr, flow: Flow, scoped: dict[str, DbOp]) -> bool:
    roots = _client_roots(expr, flow)
    return bool(roots) and all(r in scoped for r in roots)


# Calls that make a fresh random identifier: a key holding one names a new object
_FRESH_ID = re.compile(r"\b(?:randomUUID|nanoid|uuidv4|uuid|v4|cuid|cuid2|createId|ulid)\(")


def _fresh_key(facts: FileFacts, key: Expr) -> str | None:
    """`${folder}/${randomUUID()}.${ext}`, directly or in the local the key was set from: the key
    names a new object the request creates, not one another user stored."""
    texts = [key.text] + [
        var.init.text
        for var in facts.vars
        if var.init is not None and set(var.names) & set(key.roots) and var.line <= key.line
    ]
    for text in texts:
        found = _FRESH_ID.search(text)
        if found is not None:
            return found.group(0)
    return None


_UNDECIDED = "cannot tell whether the row is the caller's"
_COUNTS = frozenset({"count", "$count"})
# `user.id === Number(process.env.ADMIN_ID)`, `session.user.email === env.OPERATOR_EMAIL`
_OPERATOR_TEST = re.compile(
    r"^[\w.?]+\s*===?\s*(?:Number\(|String\()?\s*(?:process\.)?env\.\w+|"
    r"(?:Number\(|String\()?\s*(?:process\.)?env\.\w+.*===?\s*[\w.?]+$"
)
_INPUT_FIELD = re.compile(r"(?:^|\.)input\.(\w+)$")


def _names_key(expr: Expr, key: str) -> bool:
    """`input.bookmarkId`, or a name destructured from it, as the client key of an operation."""
    return any(path.endswith("." + key) for path in expr.paths) or key in expr.roots
