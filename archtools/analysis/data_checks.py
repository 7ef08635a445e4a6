"""Input validation, rate limiting and audit logging of an entry point, and the database operations
of the helpers it calls."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from archtools.analysis.audit_trail import AuditTrail
from archtools.analysis.entry import Entry, chain_schema
from archtools.analysis.entry_scope import (
    EntryScope,
    OpFlow,
    Problem,
    describe,
    flag,
    make_check,
)
from archtools.analysis.filter_builders import segment_keyed
from archtools.analysis.flow import Flow, Seeds, function_scope, within
from archtools.analysis.listed_fields import (
    carried,
    conditional_fields,
    listed_record,
    same_elements,
    written_out,
)
from archtools.analysis.load_checks import stops_unless_found
from archtools.analysis.problems import upload_checks
from archtools.analysis.rate_limits import KnowsRateLimits
from archtools.analysis.roles import DbOp
from archtools.analysis.sinks import SCALAR_OPERANDS, tainted_by
from archtools.analysis.summaries import is_identity_table
from archtools.analysis.ternaries import tested_only
from archtools.facts.code import Call, Expr, ExprKind, FileFacts, Param
from archtools.facts.schema import FieldKind, Orm
from archtools.results import Check, CheckStatus, Evidence


class DataChecks(KnowsRateLimits):
    _trail: AuditTrail | None = None
    # the keys each helper reads off its parameters (`_keys_read`), by (file, function)
    _read_keys: dict[tuple[str, int], dict[str, set[str]]] | None = None

    def _unique_keys(self, op: DbOp) -> frozenset[str]:
        """The `@id` and `@unique` fields of a Prisma unique operation's model."""
        schema = self.ctx.schema
        model = schema.model(op.model) if op.model and schema is not None else None
        if model is None or op.operation not in UNIQUE_OPERATIONS:
            return frozenset()
        return frozenset(f.name for f in model.fields if f.id or f.unique)

    def _closed_columns(self, op: DbOp) -> frozenset[str]:
        """The Boolean and enum columns of a Prisma write's model: Prisma refuses any value but
        `true`/`false` or one of the enum's, so the type is the whole of their validation."""
        schema = self.ctx.schema
        if schema is None or schema.orm != Orm.PRISMA or op.kind == "read" or not op.model:
            return frozenset()
        model = schema.model(op.model)
        if model is None:
            return frozenset()
        return frozenset(
            f.name
            for f in model.fields
            if not f.list and (f.kind == FieldKind.ENUM or f.type == "Boolean")
        )

    def _validation(
        self, entry: Entry, scope: EntryScope, ops: list[OpFlow], problems: list[Problem]
    ) -> Check:
        """fail: client input reaches an operation or another sink unvalidated, goes whole into a
        write, or an upload check trusts what the client declares; pass: a schema, a hand check
        or a coercion validates it; n/a: no client input reaches a sink."""
        fails: list[Evidence] = []
        operands_of: dict[str, frozenset[int]] = {}
        lookups = self._scalar_lookups(ops)
        for op, flow in ops:
            if op.file not in operands_of:
                operands_of[op.file] = _eq_operands(self.ctx.program.files[op.file].calls)
            proven = _proven_scalar(op, lookups)
            _flag_unvalidated_op(
                op,
                flow,
                fails,
                problems,
                self._unique_keys(op),
                operands_of[op.file] | self._keyed_by_helpers(op, flow),
                self._built_by_helpers(op),
                self._closed_columns(op),
                proven,
                self._paging(op),
            )
        inline = self._validated_inline(ops)
        for line, path in upload_checks(scope.facts, scope.funcs, scope.flow):
            flag(
                fails,
                problems,
                Problem(
                    "VAL003",
                    scope.facts.path,
                    line,
                    f"the upload check trusts `{path}`, which the client declares",
                    f"upload:{path}",
                ),
                f"the upload check trusts `{path}`, which the client declares",
            )
        if not fails:
            self._flag_unvalidated_sink(scope, fails, problems)
        if fails:
            return Check(status=CheckStatus.FAIL, evidence=fails)
        declared = chain_schema(entry) is not None or bool(entry.seeds.validated_by)
        if not declared and not self._client_values_reach_sink(scope, ops):
            # checked or not, the client's values end in a response, a comparison or a hash (a
            # schema the entry point declares, `.input()`, `.inputSchema()`, a route's request
            # schema, a validating wrapper, checks its input wherever the framework hands it on)
            return self._validated_at_sinks(entry, scope)
        return self._validated_input(entry, scope, inline)

    def _paging(self, op: DbOp) -> list[Expr]:
        """How many rows a read takes or skips, as written at the call: Prisma's `take`/`skip`,
        Drizzle's `.limit()`/`.offset()`."""
        if op.kind != "read":
            return []
        call = self.ctx.program.files[op.file].calls[op.call]
        found = [
            pair.value
            for arg in call.args[:1]
            for pair in arg.pairs
            if pair.key in ("take", "skip", "limit", "offset")
        ]
        for link in self.ctx.program.chain(op.file, call):
            if link.name in ("limit", "offset") and link.args:
                found.append(link.args[0])
        return found

    def _scalar_lookups(self, ops: list[OpFlow]) -> list[_ScalarLookup]:
        """Prisma unique operations given an unchecked client value as their unique field's whole
        value (`findUnique({ where: { id } })`), whose result an exit then requires (a unique
        update or delete throws by itself when no row matches): Prisma refuses anything but a
        scalar there (it throws), so past that point the value is one."""
        found: list[_ScalarLookup] = []
        for op, flow in ops:
            if op.operation not in UNIQUE_OPERATIONS or self.ctx.schema.orm == Orm.DRIZZLE:
                continue
            facts = self.ctx.program.files[op.file]
            if facts.calls[op.call].caught:
                continue
            unique = self._unique_keys(op)
            values = [
                pair.value
                for where in op.where
                for pair in where.pairs
                if pair.key in unique
                and pair.value.kind in (ExprKind.IDENTIFIER, ExprKind.MEMBER)
                and flow.is_input(pair.value)
            ]
            if not values:
                continue
            # a unique update or delete throws by itself unless the key names a row
            stop = op.line if op.operation in ("update", "delete") else None
            stop = stop or stops_unless_found(facts, op, derived=True)
            if stop is None:
                continue
            found.append(
                _ScalarLookup(op.file, op.func, stop, frozenset(v.text for v in values), op)
            )
        return found

    def _keyed_by_helpers(self, op: DbOp, flow: Flow) -> frozenset[int]:
        """The filters of `op` a helper builds with route path segments as exact keys."""
        return frozenset(
            id(where)
            for where in op.where
            if segment_keyed(self.ctx.program, self.ctx.summaries, op.file, where, flow)
        )

    def _built_by_helpers(self, op: DbOp) -> frozenset[int]:
        """The data of `op` that a call of a repository function builds, when that function returns
        only object literals with their keys written out (`data: auditEntry({ ... })`)."""
        calls = self.ctx.program.files[op.file].calls
        built: set[int] = set()
        for data in op.data:
            target = (
                self.ctx.summaries.target(op.file, calls[data.call])
                if data.call is not None
                else None
            )
            if target is None or target[1] is None:
                continue
            returned = [
                r.value for r in self.ctx.program.files[target[0]].returns if r.func == target[1]
            ]
            if returned and all(v is not None and written_out(v) for v in returned):
                built.add(id(data))
        return frozenset(built)

    def _client_values_reach_sink(self, scope: EntryScope, ops: list[OpFlow]) -> bool:
        """Whether a client value, validated or not, reaches a database operation or another sink:
        a schema that checks values that then only feed a response or a comparison validates
        nothing that needed it."""
        for op, flow in ops:
            args = self.ctx.program.files[op.file].calls[op.call].args
            if any(
                flow.is_client_value(expr) and not flow.is_identity(expr)
                for expr in (*op.where, *op.data, *args)
            ):
                return True
        flow = scope.flow
        # (a validated name counts even when another branch reuses it for the caller's data)
        names = {name for name in flow.inputs if name not in flow.identity} | set(flow.validated)
        if self._raw_sql_takes(scope, names):
            return True
        requests = frozenset(n for n, what in flow.inputs.items() if what == "request")
        sink = self.ctx.sinks.first_sink(
            scope.facts.path, scope.has, names, database=True, requests=requests, checked=True
        )
        return sink is not None

    def _flag_unvalidated_sink(
        self, scope: EntryScope, fails: list[Evidence], problems: list[Problem]
    ) -> None:
        """The first sink other than the operations that unvalidated client input reaches."""
        flow = scope.flow
        tainted = {
            name for name in flow.inputs if name not in flow.validated and name not in flow.identity
        }
        # fields the schema let through unchecked (`cursor: z.any()`)
        tainted |= {
            path
            for path in flow.input_paths
            if not any(path == v or path.startswith(v + ".") for v in flow.validated_paths)
            and path.split(".", 1)[0] in flow.validated
        }
        requests = frozenset(n for n, what in flow.inputs.items() if what == "request")
        sink = self.ctx.sinks.first_sink(
            scope.facts.path,
            scope.has,
            tainted,
            database=False,
            propagate=False,
            requests=requests,
        )
        if sink is None:
            return
        detail = f"unvalidated client input `{sink.value}` reaches {sink.target}"
        if sink.scalar_only:  # unchecked all the same, but no VAL001: see `_flag_unvalidated_op`
            fails.append(
                Evidence(
                    file=sink.file,
                    line=sink.line,
                    detail=f"{detail}, only where the query takes a scalar",
                )
            )
        elif sink.database:
            problem = Problem(
                "VAL001",
                sink.file,
                sink.line,
                f"unvalidated input reaches {sink.target}",
                f"unvalidated:{sink.target}:{sink.value[:40]}",
                sink.model,
            )
            flag(fails, problems, problem, detail)
        else:
            fails.append(Evidence(file=sink.file, line=sink.line, detail=detail))

    def _raw_sql_takes(self, scope: EntryScope, names: set[str]) -> bool:
        """Whether SQL the code runs raw (`sql.raw(...)`, `$queryRawUnsafe(...)`) is built with a
        client value, checked or not."""
        known = self.k.database.raw_sql
        raw = (*known.unsafe, *known.raw_helpers)
        places: list[tuple[str, Callable[[int | None, int], bool], Flow]] = [
            (scope.facts.path, scope.has, scope.flow)
        ]
        places += [
            (file, within(function_scope(self.ctx.program.files[file], func)), flow)
            for (file, func), flow in self.helper_flows.items()
        ]
        for file, runs, flow in places:
            own = file == scope.facts.path
            for call in self.ctx.program.files[file].calls:
                if not runs(call.func, call.line) or not any(
                    call.callee == name or call.callee.endswith("." + name) for name in raw
                ):
                    continue
                if any(
                    flow.is_client_value(arg) or (own and tainted_by(arg, names))
                    for arg in call.args
                ):
                    return True
        return False

    def _validated_input(self, entry: Entry, scope: EntryScope, inline: list[Evidence]) -> Check:
        """With nothing unvalidated: what validates the input (a schema, hand checks, the chain's
        schema, an inline coercion), or n/a."""
        flow = scope.flow
        by_schema = {n: e for n, e in flow.validated.items() if n not in flow.hand_checked}
        if flow.hand_checked and not by_schema:
            checked = self._hand_checks_that_matter(scope)
            if checked:
                return make_check(CheckStatus.PASS, *checked)
        elif by_schema:
            first = sorted(by_schema.values(), key=lambda e: e.line)[0]
            schema = chain_schema(entry)
            if first.line == 1 and schema is not None:
                first = schema
            return make_check(CheckStatus.PASS, first)
        schema = chain_schema(entry)
        if schema is not None:
            return make_check(CheckStatus.PASS, schema)
        if inline:
            return make_check(CheckStatus.PASS, inline[0])
        return self._validated_at_sinks(entry, scope)

    def _validated_at_sinks(self, entry: Entry, scope: EntryScope) -> Check:
        """Input checked where it is used (in a helper, by a fixed destination or a checked
        argument) passes; otherwise n/a, as it reaches no sink."""
        flow = scope.flow
        tainted = {name for name in flow.inputs if name not in flow.identity}
        requests = frozenset(n for n, what in flow.inputs.items() if what == "request")
        in_helper = self.ctx.sinks.validated_in_helper(
            scope.facts.path, scope.has, tainted, requests
        )
        if in_helper is not None:
            return make_check(CheckStatus.PASS, in_helper)
        fixed = self.ctx.sinks.fixed_destinations(scope.facts.path, scope.has, tainted, requests)
        fixed += self.ctx.sinks.checked_arguments(scope.facts.path, scope.has, tainted, requests)
        fixed += self.ctx.sinks.procedure_inputs(scope.facts.path, scope.has, tainted, requests)
        if fixed:
            return make_check(CheckStatus.PASS, *fixed)
        used = self._inputs_used(scope)
        if not used:
            return make_check(
                CheckStatus.NA,
                Evidence(file=entry.file, line=entry.line, detail="reads no client input"),
            )
        return make_check(
            CheckStatus.NA,
            Evidence(
                file=scope.facts.path,
                line=used[0],
                detail="client input is read but reaches no database operation or other sink",
            ),
        )

    def _validated_inline(self, ops: list[OpFlow]) -> list[Evidence]:
        """Client values a validator or coercion checks inside the operation itself:
        `where: { id: Number(req.query.id) }`."""
        found: list[Evidence] = []
        for op, flow in ops:
            calls = self.ctx.program.files[op.file].calls
            for expr in op.where + op.data:
                values = [expr, *(pair.value for pair in expr.pairs)]
                for value in values:
                    if value.call is None or value.call not in flow.validating_calls:
                        continue
                    call = calls[value.call]
                    if any(flow.is_client_value(arg) for arg in call.args):
                        found.append(
                            Evidence(
                                file=op.file,
                                line=value.line,
                                detail=f"`{value.text[:50]}`: the client's value is checked by "
                                f"{call.callee}() where {op.callee}() uses it",
                            )
                        )
        return sorted(found, key=lambda e: (e.file, e.line))

    def _hand_checks_that_matter(self, scope: EntryScope) -> list[Evidence]:
        """The hand-written checks of the values that go on to a database operation or another sink
        (a value that is only compared needs none)."""
        flow = scope.flow
        requests = frozenset(n for n, what in flow.inputs.items() if what == "request")
        evidence: list[Evidence] = []
        for name in sorted(flow.hand_checked, key=lambda n: flow.validated[n].line):
            reached = self.ctx.sinks.first_sink(
                scope.facts.path,
                scope.has,
                {name},
                database=True,
                requests=requests,
            )
            if reached is not None:
                evidence.append(flow.validated[name])
        return evidence

    def _inputs_used(self, scope: EntryScope) -> list[int]:
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

    def _rate_limiting(self, entry: Entry, scope: EntryScope, problems: list[Problem]) -> Check:
        """pass: a limit the requests meet (rate_limits.py says where one is seen); n/a: not an
        operation worth limiting, or its callers are not the public; fail: a sensitive operation
        any caller may repeat at will."""
        if scope.summary.rate_limit is not None:
            return make_check(CheckStatus.PASS, scope.summary.rate_limit)
        for file, call in entry.chain:
            if self.ctx.classifier.is_rate_limit(file, call):
                return make_check(
                    CheckStatus.PASS,
                    Evidence(file=file, line=call.line, detail=f"rate limited by {call.callee}()"),
                )
        limits = self._rate_limits()
        sensitive = limits.sensitive(entry, scope)
        if sensitive is None:
            return make_check(
                CheckStatus.NA,
                Evidence(
                    file=entry.file, line=entry.line, detail="not a sensitive or costly operation"
                ),
            )
        limit = limits.limit(entry, scope)
        if limit is not None:
            return make_check(CheckStatus.PASS, limit)
        trusted = limits.trusted_caller(entry, scope) or limits.redirects_to_provider(
            scope, self._ops_run(scope)
        )
        if trusted is not None:
            return make_check(
                CheckStatus.NA,
                Evidence(
                    file=trusted.file,
                    line=trusted.line,
                    detail=f"{sensitive}, but its callers are not the public: {trusted.detail}",
                ),
            )
        problems.append(
            Problem(
                "RL001",
                entry.file,
                entry.line,
                f"{describe(entry)} is {sensitive} without a rate limit",
                f"rate-limit:{entry.id}",
            )
        )
        return make_check(
            CheckStatus.FAIL,
            Evidence(file=entry.file, line=entry.line, detail=f"{sensitive} without a rate limit"),
        )

    def _ops_run(self, scope: EntryScope) -> list[DbOp]:
        """The database operations of the handler and of the helpers it calls."""
        ops = [
            op for op in self.ctx.classifier.db_ops(scope.facts.path) if scope.has(op.func, op.line)
        ]
        for file, func in self.helper_flows:
            inside = function_scope(self.ctx.program.files[file], func)
            ops += [op for op in self.ctx.classifier.db_ops(file) if op.func in inside]
        return ops

    def _audit_logging(
        self, entry: Entry, scope: EntryScope, ops: list[OpFlow], problems: list[Problem]
    ) -> Check:
        """fail: a delete, or a write of the role that grants access, with no audit row written for
        it (one deleted with the row it records is none); pass: the audit row; n/a: nothing that
        needs a trail (audit_trail.py says which writes do)."""
        if scope.summary.audit_log is not None:
            return make_check(CheckStatus.PASS, scope.summary.audit_log)
        trail = self._audit_trail()
        runs = [c for c in scope.facts.calls if scope.has(c.func, c.line)]
        writes = trail.writes_in_entry(entry, scope.facts.path, runs, [op for op, _ in ops])
        role_fields = set(self.k.ownership.role_fields)
        covered: list[Evidence] = []
        own: Evidence | None = None
        for op, flow in ops:
            destructive = op.kind == "delete"
            privileged = op.kind == "write" and any(
                p.key in role_fields for d in op.data for p in d.pairs
            )
            if not (destructive or privileged) or trail.needs_no_trail(op) is not None:
                continue
            if (
                not privileged
                and not trail.kept_for_others(op.model or op.table)
                and self._own_rows_only(op, flow)
            ):
                # the caller removing a row of their own: no one else's data goes
                own = own or Evidence(
                    file=op.file,
                    line=op.line,
                    detail=f"{op.callee}() deletes only one {op.model} row of the caller's own, "
                    "which nothing else refers to",
                )
                continue
            covering = next((w for w in writes if trail.covers(w, op)), None)
            if covering is not None:
                covered.append(covering.evidence)
                continue
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
            return make_check(
                CheckStatus.FAIL,
                Evidence(
                    file=op.file,
                    line=op.line,
                    detail=f"{op.callee}() {what} {op.model} with no audit log",
                ),
            )
        if covered:
            return make_check(CheckStatus.PASS, covered[0])
        return make_check(
            CheckStatus.NA,
            own
            or Evidence(
                file=entry.file, line=entry.line, detail="no destructive or privilege change"
            ),
        )

    def _own_rows_only(self, op: DbOp, flow: Flow) -> bool:
        """A delete of one row of the caller's own that nothing else hangs off: its filter names
        the row (its key) and an owner column (`userId`, `authorId`) equal to the signed-in user,
        and no other model refers to its model (a bookmark, a saved filter; not a credential, a
        team, nor all of the caller's notes at once)."""
        model = self.ctx.schema.model(op.model or "") if op.model else None
        if model is None or is_identity_table(model.name):
            return False  # revoking a credential (an API key, a session) is a security event
        if any(  # a foreign key to it: rows of another model hang off it
            f.relation is not None and f.relation.fields and f.type == model.name
            for other in self.ctx.schema.models
            for f in other.fields
        ):
            return False
        keys = set(model.primary_key or [f.name for f in model.fields if f.id]) or {"id"}
        owners = set(self.k.ownership.owner_fields)
        facts = self.ctx.program.files[op.file]
        for where in op.where:
            pairs = [(p.key, p.value) for p in where.pairs]
            if where.kind == ExprKind.CALL and where.call is not None:
                call = facts.calls[where.call]
                for part in call.args if call.name == "and" else (where,):
                    compare = facts.calls[part.call] if part.call is not None else None
                    if compare is not None and compare.name == "eq" and len(compare.args) == 2:
                        pairs.append((compare.args[0].text.rsplit(".", 1)[-1], compare.args[1]))
            named = any(key in keys for key, _value in pairs)
            if named and any(key in owners and flow.is_identity(v) for key, v in pairs):
                return True
        return False

    def _audit_trail(self) -> AuditTrail:
        """The app's audit models and writers, learned on first use."""
        if self._trail is None:
            self._trail = AuditTrail(self.ctx)
        return self._trail

    def _helper_ops(self, scope: EntryScope) -> list[OpFlow]:
        """Database operations of repository functions the handler calls, judged with what the handler
        passes them: a parameter given a client value is client input, one given the caller's identity
        (or the context that carries it) is identity; followed through helpers of helpers."""
        found: list[OpFlow] = []
        self._ops_below(scope.facts.path, scope.has, scope.flow, 0, set(), found)
        return found

    def _ops_below(
        self,
        file: str,
        runs: Callable[[int | None, int], bool],
        flow: Flow,
        depth: int,
        seen: set[tuple[str, int | None]],
        found: list[OpFlow],
    ) -> None:
        requests = {n for n, what in flow.inputs.items() if what == "request"}
        for call in self.ctx.program.files[file].calls:
            if not runs(call.func, call.line):
                continue
            target = self.ctx.summaries.target(file, call)
            if target is None or target in seen:
                continue
            seen.add(target)
            tfile, tfunc = target
            if tfunc is None:
                continue
            inside = function_scope(self.ctx.program.files[tfile], tfunc)
            function = self.ctx.program.function(tfile, tfunc)
            facts = self.ctx.program.files[file]
            if self._read_keys is None:
                self._read_keys = {}
            read_keys = self._read_keys.get((tfile, tfunc))
            if read_keys is None:
                read_keys = _keys_read(self.ctx.program.files[tfile], inside, function.params)
                self._read_keys[(tfile, tfunc)] = read_keys
            seeds, listed = _seeds_for(function.params, call, facts, flow, requests, read_keys)
            helper_flow = self.ctx.summaries.flow(tfile, tfunc, seeds)
            helper_flow.listed |= carried(self.ctx.program.files[tfile], inside, listed)
            self.helper_flows.setdefault((tfile, tfunc), helper_flow)
            for name in seeds.validated:
                helper_flow.validated.setdefault(
                    name, Evidence(file=tfile, line=function.line, detail="validated by the caller")
                )
            found.extend(
                (op, helper_flow) for op in self.ctx.classifier.db_ops(tfile) if op.func in inside
            )
            if depth < MAX_HELPER_DEPTH:
                self._ops_below(tfile, within(inside), helper_flow, depth + 1, seen, found)


MAX_HELPER_DEPTH = 2


def _seeds_for(
    params: Sequence[Param],
    call: Call,
    facts: FileFacts,
    flow: Flow,
    requests: set[str],
    read_keys: dict[str, set[str]] | None = None,
) -> tuple[Seeds, set[str]]:
    """What a helper's parameters hold from what `call` passes them, and those of them the caller
    built with every key written out. The keys an object argument spreads in (`{ ...payload,
    teamId }`) are those the helper reads off the parameter (`read_keys`) and no pair names."""
    seeds = Seeds()
    listed: set[str] = set()
    for param, given in zip(params, call.args, strict=False):
        if _whole_request(given, requests):
            continue  # its headers and cookies are credentials, judged by authentication
        arg = _object_declared(given, facts, call) or given
        if arg.kind == ExprKind.OBJECT and arg.pairs and (param.by_key or not param.keys):
            keys_read = (read_keys or {}).get(param.name, set())
            _seed_object(seeds, listed, param, arg, keys_read, (facts, flow, call))
        else:
            for name in param.names or (param.name,):
                _seed(seeds, name, arg, flow, facts.path, call)
            if not param.keys and listed_record(arg, facts, flow):
                listed.add(param.name)
    return seeds, listed


def _seed_object(
    seeds: Seeds,
    listed: set[str],
    param: Param,
    arg: Expr,
    keys_read: set[str],
    at: tuple[FileFacts, Flow, Call],
) -> None:
    """What a parameter holds from an object literal handed to it, key by key: into
    `({ ctx, input })` by the names it binds, into `(args)` as `args.ctx`, `args.input`; the keys a
    spread fills (`{ ...payload, teamId }`) are those the helper reads and no pair names."""
    facts, flow, call = at
    file = facts.path
    spreads = [p.value for p in arg.pairs if p.key == "..."]
    named = {p.key for p in arg.pairs if p.key != "..."}
    if param.by_key:
        for pair in arg.pairs:
            for name in param.by_key.get(pair.key, []):
                _seed(seeds, name, pair.value, flow, file, call)
                if name == pair.key and listed_record(pair.value, facts, flow):
                    listed.add(name)
        for key in set(param.by_key) - named:
            for spread in spreads:
                for name in param.by_key[key]:
                    _seed(seeds, name, spread, flow, file, call)
        return
    for pair in arg.pairs:
        if pair.key != "...":
            _seed(seeds, f"{param.name}.{pair.key}", pair.value, flow, file, call)
    for key in keys_read - named:
        for spread in spreads:
            _seed(seeds, f"{param.name}.{key}", spread, flow, file, call)


def _keys_read(
    facts: FileFacts, inside: set[int | None], params: Sequence[Param]
) -> dict[str, set[str]]:
    """The keys a function reads off each of its plain parameters: `const { a, b } = args` and
    `args.c` in its body."""
    names = {p.name for p in params if p.name.isidentifier() and not p.keys}
    found: dict[str, set[str]] = {name: set() for name in names}
    for var in facts.vars:
        if var.func in inside and var.init is not None and var.init.text in names and var.keys:
            found[var.init.text].update(k for k in var.keys if k != "...")
    for call in facts.calls:
        if call.func not in inside:
            continue
        for arg in call.args:
            for path in arg.all_paths():
                root, _, rest = path.partition(".")
                if root in names and rest:
                    found[root].add(rest.split(".", 1)[0])
    return found


def _object_declared(arg: Expr, facts: FileFacts, call: Call) -> Expr | None:
    """The object literal a name the caller hands on was declared with, once and never
    reassigned (`const query = { sort: Number(q.sort), term: q.term }; helper(query)`): its fields
    hold what each of its keys was given."""
    if arg.kind != ExprKind.IDENTIFIER:
        return None
    found = [v for v in facts.vars if v.func == call.func and arg.text in v.names]
    if len(found) != 1 or found[0].keys or found[0].init is None:
        return None
    init = found[0].init
    if init.kind != ExprKind.OBJECT or not init.pairs or any(p.key == "..." for p in init.pairs):
        return None
    return init


def _seed(seeds: Seeds, name: str, value: Expr, flow: Flow, file: str, call: Call) -> None:
    """What a helper's parameter (or `param.key`) holds, from what the caller passes it: the
    caller's identity, the context that carries it (`toServiceCtx(ctx)` hands on `ctx.workspace`),
    or a client value."""
    if flow.is_identity(value):
        if "." in name:
            seeds.identity_paths = (*seeds.identity_paths, name)
        else:
            seeds.identity[name] = Evidence(
                file=file,
                line=call.line,
                detail=f"{value.text[:40]} passed to {call.callee}()",
            )
        return
    if value.kind in (ExprKind.IDENTIFIER, ExprKind.MEMBER):
        context = [value.text] if _carries_paths(flow, value.text) else []
    else:
        context = [root for root in value.roots if _carries_paths(flow, root)]
    if context and (value.kind in (ExprKind.IDENTIFIER, ExprKind.MEMBER) or value.call is not None):
        root = context[0]  # `opts.ctx` hands on `opts.ctx.user` as `<param>.user`
        seeds.identity_paths = tuple(
            dict.fromkeys(
                seeds.identity_paths
                + tuple(
                    name + path[len(root) :]
                    for path in flow.identity_paths
                    if path.startswith(root + ".")
                )
            )
        )
        return
    if flow.is_client_value(value) or flow.is_input(value):
        if "." in name:
            seeds.input_paths = (*seeds.input_paths, name)
            if not flow.is_input(value):
                seeds.validated_paths = (*seeds.validated_paths, name)
            return
        labels = {flow.inputs[root] for root in value.roots if root in flow.inputs}
        # a path segment stays one (a string) in the helper it is handed to
        path_segment = labels == {"route params"} and value.kind in (
            ExprKind.IDENTIFIER,
            ExprKind.MEMBER,
        )
        seeds.inputs[name] = "route params" if path_segment else "client value passed by the caller"
        if not flow.is_input(value):
            seeds.validated.add(name)


def _flag_unvalidated_op(
    op: DbOp,
    flow: Flow,
    fails: list[Evidence],
    problems: list[Problem],
    unique_keys: frozenset[str] = frozenset(),
    exact_keys: frozenset[int] = frozenset(),
    built: frozenset[int] = frozenset(),
    closed: frozenset[str] = frozenset(),
    proven: dict[str, _ScalarLookup] | None = None,
    paging: Sequence[Expr] = (),
) -> None:
    """Request data passed whole into an operation (mass assignment), or else the first
    unvalidated input in its filter or data. `unique_keys`: the fields of the operation's model
    its filter may name alone (`@id`, `@unique`) when it is a unique operation; `exact_keys`: the
    ids of the filter parts whose unchecked values are only exact keys: the compared operand of a
    Drizzle `eq(column, value)` (a filter written as a callback stands for the arguments of its
    calls, `value` among them), a filter a helper builds with path segments as keys; `built`: the
    ids of the data a helper builds with its keys written out; `closed`: the columns of a write
    that take only a closed set of values (Prisma's Boolean and enum columns); `paging`: the
    values setting how many rows it reads (`take`, `limit()`), where a number the client picks
    unchecked reads as many as it likes."""
    whole = [
        d
        for d in op.data
        if (
            (
                d.kind.value in ("identifier", "call")
                and not same_elements(d, flow.listed)
                and id(d) not in built
            )
            or any(p.key == "..." and not conditional_fields(p.value) for p in d.pairs)
        )
        and flow.is_input(d)
        and not flow.is_identity(d)
    ]
    for data in whole:
        flag(
            fails,
            problems,
            Problem(
                "VAL002",
                op.file,
                data.line,
                f"request data is passed whole into {op.callee}(): mass assignment",
                f"mass-assignment:{op.callee}",
                op.model,
            ),
            f"request data `{data.text[:60]}` goes whole into {op.callee}()",
        )
    if whole:
        return
    harmless: Evidence | None = None
    for expr in [*op.where, *op.data, *paging]:
        if not _unchecked(expr, flow):
            continue
        value = _input_part(expr, flow)
        detail = f"unvalidated client input `{value.text[:60]}` reaches {op.callee}()"
        if expr in paging:
            if _BOUNDED.match(expr.text):
                continue  # `Math.min(Number(q.limit), 50)`: a bound is its check
            detail = f"{detail} as the number of rows to read or skip, with no bound"
        else:
            why = _harmless_because(
                op, expr, value, flow, (unique_keys, exact_keys, closed), proven or {}
            )
            if why is not None:
                harmless = harmless or Evidence(file=op.file, line=expr.line, detail=detail + why)
                continue
        flag(
            fails,
            problems,
            Problem(
                "VAL001",
                op.file,
                expr.line,
                f"unvalidated input reaches {op.callee}()",
                f"unvalidated:{op.callee}:{expr.text[:40]}",
                op.model,
            ),
            detail,
        )
        return
    if harmless is not None:
        fails.append(harmless)


def _harmless_because(
    op: DbOp,
    expr: Expr,
    value: Expr,
    flow: Flow,
    positions: tuple[frozenset[str], frozenset[int], frozenset[str]],
    proven: dict[str, _ScalarLookup],
) -> str | None:
    """Why an unchecked client value cannot change what the operation does, as the end of the
    check's evidence, or None. `positions`: the unique keys, exact keys and closed columns
    `_flag_unvalidated_op` describes."""
    unique_keys, exact_keys, closed = positions
    # A path segment is a string, and as the value of a filter it only picks the row with that
    # exact key; Drizzle's `eq(column, value)` sends any value as one bound parameter; Prisma
    # takes the operand of `gte`/`contains`, or a unique operation's unique field, as a scalar or
    # refuses the query: unchecked, yet no way to change what the query does.
    if expr in op.where and (
        _path_segment_key(expr, value, flow)
        or _bound_equality_only(expr, flow)
        or id(expr) in exact_keys
    ):
        return ", as the exact key of a filter only"
    if expr in op.data and _closed_columns_only(expr, flow, closed):
        return ", only into columns that take true/false or an enum's values"
    lookup = proven.get(value.text)
    if lookup is not None:
        required = (
            "which throws unless it names a row"
            if lookup.stop == lookup.op.line
            else f"an exit at line {lookup.stop} required it found"
        )
        return (
            f", a value {lookup.op.callee}() ({lookup.file}:{lookup.op.line}) took as its "
            f"unique key and {required}: Prisma refuses anything but a scalar there"
        )
    if expr in op.where and _scalar_positions_only(expr, flow, unique_keys):
        return ", only where the query takes a scalar"
    return None


# A page size or offset held within a bound: `Math.min(n, 50)`, `Math.max(0, n)`, `clamp(n, 1, 50)`
_BOUNDED = re.compile(r"^\s*(?:Math\.(?:min|max)|clamp)\(")


@dataclass(frozen=True)
class _ScalarLookup:
    """A unique lookup that proved client values scalar, from the exit after it on."""

    file: str
    func: int | None
    stop: int  # the line of the exit that requires the lookup's row
    values: frozenset[str]  # the texts of the values it took as its unique key
    op: DbOp


def _proven_scalar(op: DbOp, lookups: list[_ScalarLookup]) -> dict[str, _ScalarLookup]:
    """The client values an earlier lookup proved scalar for `op`: in the same function, past the
    exit that required the lookup's row."""
    return {
        value: lookup
        for lookup in lookups
        if lookup.op is not op
        and lookup.file == op.file
        and lookup.func == op.func
        and lookup.stop < op.line
        for value in lookup.values
    }


def _path_segment_key(where: Expr, value: Expr, flow: Flow) -> bool:
    """Whether the unchecked value is a route's path segment (`params.id`, always a string) given
    as the exact value of a filter key (`{ id: params.id }`, or in a relation filter `{ team: {
    some: { id: params.id } } }`), not spread into the filter: a string cannot carry an operator."""
    if value.kind not in (ExprKind.IDENTIFIER, ExprKind.MEMBER):
        return False
    if not all(
        flow.inputs.get(root) == "route params" for root in value.roots if root in flow.inputs
    ):
        return False
    return _exact_value_in(where, value)


# Prisma operations whose filter is a unique input: its unique field takes the value alone
UNIQUE_OPERATIONS = frozenset({"findUnique", "findUniqueOrThrow", "update", "delete", "upsert"})


def _scalar_positions_only(where: Expr, flow: Flow, unique_keys: frozenset[str]) -> bool:
    """Whether every unchecked client value of a Prisma filter sits where Prisma accepts only a
    scalar: the operand of a comparison or a text search (`{ createdAt: { gte: from } }`), or the
    unique field of a unique operation's filter (`delete({ where: { id } })`). An object the
    client sends there is refused, never read as an operator."""
    operands: list[Expr] = []
    others: list[Expr] = []
    _visit_filter(where, flow, unique_keys, (operands, others), scalar=False, top=True)
    return bool(operands) and not others


def _closed_columns_only(data: Expr, flow: Flow, closed: frozenset[str]) -> bool:
    """Whether every unchecked client value of a write's data is the plain value of a column that
    takes only true/false or an enum's values (`data: { isShared }`): anything else is refused."""
    if not closed or data.kind != ExprKind.OBJECT or not data.pairs:
        return False
    carrying = [pair for pair in data.pairs if _unchecked(pair.value, flow)]
    return bool(carrying) and all(
        pair.key in closed and pair.value.kind in (ExprKind.IDENTIFIER, ExprKind.MEMBER)
        for pair in carrying
    )


def _visit_filter(
    expr: Expr,
    flow: Flow,
    unique_keys: frozenset[str],
    found: tuple[list[Expr], list[Expr]],
    *,
    scalar: bool,
    top: bool,
) -> None:
    """Sort the unchecked client values under `expr` into `found`: (in a scalar position, not)."""
    operands, others = found
    pushed = _pushed_parts(expr, flow)
    if pushed:
        for part in pushed:
            _visit_filter(part, flow, unique_keys, found, scalar=False, top=False)
        return
    if not _unchecked(expr, flow):
        return
    keys = unique_keys if top else SCALAR_OPERANDS
    inner = [(p.value, p.key in keys) for p in expr.pairs if p.key != "..."]
    # the items of a list in a scalar position (`in: [a, b]`) are scalars themselves
    inner += [(item, scalar and expr.kind == ExprKind.ARRAY) for item in expr.items]
    carrying = [(e, k) for e, k in inner if _unchecked(e, flow)]
    spread = any(p.key == "..." and _unchecked(p.value, flow) for p in expr.pairs)
    if not carrying or spread:
        (operands if scalar and not spread else others).append(expr)
        return
    for e, k in carrying:
        _visit_filter(e, flow, unique_keys, found, scalar=k, top=False)


def _exact_value_in(where: Expr, value: Expr) -> bool:
    for pair in where.pairs:
        if pair.key == "...":
            continue
        if pair.value is value or _exact_value_in(pair.value, value):
            return True
    return any(_exact_value_in(item, value) for item in where.items)


_DRIZZLE_EQ = re.compile(r"\beq\(\s*[\w.]+\s*,\s*([\w.?]+)\s*\)")
# a `sql` template (not `sql.raw`): each `${value}` in it is sent as one bound parameter; one
# compared for equality (`value = ${slug}`) is the template's `eq(column, slug)`
_SQL_TEMPLATE = re.compile(r"(?<![\w.])sql`[^`]*`")
_INTERPOLATED = re.compile(r"(?<![<>!=])=\s*\$\{\s*([\w.?]+)\s*\}|\$\{\s*([\w.?]+)\s*\}\s*=(?!=)")


def _bound_equality_only(where: Expr, flow: Flow) -> bool:
    """Whether every unchecked client value in a Drizzle filter is only the second operand of an
    `eq(column, value)` or compared for equality in a `sql` template (`value = ${slug}`): drizzle
    binds it as a single parameter, so whatever the client sends (a string, a number, an object)
    selects the rows with that exact value or none."""
    if where.kind != ExprKind.CALL or ("eq(" not in where.text and "sql`" not in where.text):
        return False
    roots = {r for r in where.all_roots() if r in flow.inputs and r not in flow.validated}
    if not roots:
        return False

    def client(name: str) -> bool:
        return name.split(".", 1)[0].rstrip("?") in roots

    rest = _DRIZZLE_EQ.sub(lambda m: "" if client(m.group(1)) else m.group(0), where.text)
    rest = _SQL_TEMPLATE.sub(
        lambda t: _INTERPOLATED.sub(
            lambda m: "" if client(m.group(1) or m.group(2)) else m.group(0), t.group(0)
        ),
        rest,
    )
    return not any(re.search(rf"\b{re.escape(root)}\b", rest) for root in roots)


def _eq_operands(calls: Sequence[Call]) -> frozenset[int]:
    """The compared operands of the file's `eq(column, value)` calls, by identity: in a callback
    filter (`where: (t, { eq }) => eq(t.id, id)`) each stands alone among the filter's parts."""
    return frozenset(
        id(call.args[1])
        for call in calls
        if call.name == "eq" and len(call.args) == 2 and call.args[0].kind == ExprKind.MEMBER
    )


def _input_part(expr: Expr, flow: Flow) -> Expr:
    """The innermost part of a where or data object that holds the unchecked value
    (`input.cursor` in `{ id: input.id, createdAt: input.cursor }`)."""
    for inner in (*(pair.value for pair in expr.pairs), *expr.items, *_pushed_parts(expr, flow)):
        if _unchecked(inner, flow):
            return _input_part(inner, flow)
    return expr


def _pushed_parts(expr: Expr, flow: Flow) -> list[Expr]:
    """What was pushed into the local array `expr` names or spreads (`...conditions`)."""
    if expr.kind not in (ExprKind.IDENTIFIER, ExprKind.SPREAD) or len(expr.roots) != 1:
        return []
    name = expr.text.removeprefix("...").strip()
    return flow.pushed.get(name, []) if name == expr.roots[0] else []


def _unchecked(expr: Expr, flow: Flow) -> bool:
    """Whether `expr` hands an unchecked client value to the operation, part by part: a
    conditional that only tests one (`input.pinned ? { some: { id: userId } } : undefined`) hands
    on one of its branches, never the value it tested."""
    if expr.kind == ExprKind.OBJECT and expr.pairs:
        return any(_unchecked(pair.value, flow) for pair in expr.pairs)
    if expr.kind == ExprKind.ARRAY and expr.items:
        return any(_unchecked(item, flow) for item in expr.items)
    pushed = _pushed_parts(expr, flow)
    if pushed:
        return any(_unchecked(part, flow) for part in pushed)
    if not flow.is_input(expr):
        return False
    unchecked = {r for r in expr.roots if r in flow.inputs and r not in flow.validated}
    unchecked |= {
        p.split(".", 1)[0]
        for p in expr.paths
        if any(p == q or p.startswith(q + ".") for q in flow.input_paths)
    }
    return not tested_only(expr, unchecked)


def _carries_paths(flow: Flow, prefix: str) -> bool:
    return any(path.startswith(prefix + ".") for path in flow.identity_paths)


def _whole_request(arg: Expr, requests: set[str]) -> bool:
    """`verifyUser({ req, res })`: the request object handed on whole, not a value read from it."""
    if not arg.roots or not set(arg.roots) <= requests | {"res", "response"}:
        return False
    return not any(
        path.split(".")[1:2] and path.split(".")[1] in ("body", "query", "json", "formData")
        for path in arg.paths
    )
