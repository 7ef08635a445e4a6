"""Checks made on a row once it is loaded: compared with the caller where the query runs, by the
helper that called the lookup, or by an exit unless a record loaded for the client's key (or what is
derived from it) is the caller's. Authorization builds on these."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from archtools.analysis.authentication import AuthenticationChecks
from archtools.analysis.entry_scope import EntryScope
from archtools.analysis.flow import (
    Flow,
    computed_from,
    enclosing_functions,
    equated_with_caller,
    function_scope,
)
from archtools.analysis.instance_checks import names_given
from archtools.analysis.roles import DbOp
from archtools.facts.code import Call, ExitKind, Expr, ExprKind, FileFacts, Guard, Param
from archtools.results import Evidence

COMPARES = re.compile(r"[!=]==?")


class LoadChecks(AuthenticationChecks):
    def _compared_with_caller(
        self, scope: EntryScope, op_flows: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        """Every read of an owned model keyed by the client is compared with the caller once
        loaded (`if (recipe.createdBy !== userId) unauthorized()`): the first such comparison,
        or None when one is not, or there is none."""
        found: Evidence | None = None
        for op, flow in op_flows:
            keyed = op.model in self.ctx.owned and any(
                flow.is_client_value(w) or flow.is_input(w) for w in op.where
            )
            if not keyed:
                continue
            if op.kind != "read":
                return None
            compared = self._compared_after(op, scope, flow)
            if compared is None:
                return None
            found = found or compared
        return found

    def _compared_after(self, op: DbOp, scope: EntryScope, flow: Flow) -> Evidence | None:
        """The loaded row compared with the signed-in user before it is used: where the query
        runs, or in the entry point's code that receives the row from the helper running it
        (`const found = await getRecipe(id); if (found.createdBy !== userId) ...`)."""
        if op.assigned_to:
            facts = self.ctx.program.files[op.file]
            same_file = op.file == scope.facts.path
            inside = function_scope(facts, op.func)

            def after_query(func: int | None, line: int) -> bool:
                return (
                    func in inside and line >= op.line and (not same_file or scope.has(func, line))
                )

            found = self._comparison(op, facts.path, set(op.assigned_to), after_query, flow)
            if found is not None:
                return found
        in_handler = op.file == scope.facts.path and scope.has(op.func, op.line)
        if in_handler or not self.ctx.summaries.returns_rows(op.file, op.func):
            return None
        for call in scope.facts.calls:
            names = _names_given(scope.facts, call)
            if not (names and scope.has(call.func, call.line)):
                continue
            if self.ctx.summaries.target(scope.facts.path, call) != (op.file, op.func):
                continue
            runs = runs_from(scope, call.line)
            found = self._comparison(
                op,
                scope.facts.path,
                derived_names(scope.facts, names, runs),
                runs,
                scope.flow,
            )
            if found is not None:
                return found
        return None

    def _compared_by_helper(
        self, op: DbOp, helpers: dict[tuple[str, int | None], Flow]
    ) -> Evidence | None:
        """The row a lookup helper returns, compared with the caller by the helper of the entry
        that called it (`const access = await getPermission({ userId, linkId }); if
        (access?.ownerId !== userId) return 401`)."""
        if not self.ctx.summaries.returns_rows(op.file, op.func):
            return None
        for (file, func), flow in helpers.items():
            facts = self.ctx.program.files[file]
            inside = function_scope(facts, func)
            for call in facts.calls:
                if not call.assigned_to or call.func not in inside:
                    continue
                if self.ctx.summaries.target(file, call) != (op.file, op.func):
                    continue
                runs = after_in(inside, call.line)
                found = self._comparison(op, file, set(call.assigned_to), runs, flow)
                if found is not None:
                    return found
        return None

    def _checked_after_load(self, op: DbOp, flow: Flow) -> Evidence | None:
        """A read by the client's key whose row goes, before any other use, into a check that
        exits unless it is the caller's: `const link = await findUnique({ where: { id } });
        const access = await getPermission({ userId, collectionId: link.collectionId }); if
        (!(access?.ownerId === userId || isMember)) return 401`."""
        if op.kind != "read" or not op.assigned_to:
            return None
        facts = self.ctx.program.files[op.file]
        scope = function_scope(facts, op.func)
        derived = set(op.assigned_to)
        verdicts: dict[str, int] = {}  # name -> where it was declared
        for var in sorted(facts.vars, key=lambda v: v.line):
            if var.func not in scope or var.line <= op.line or var.init is None:
                continue
            if var.init.all_roots() & (derived | set(verdicts)):
                # an object built around the row and the caller (`new NoteView(session, row)`)
                # holds them, it says nothing of the one about the other by itself
                if flow.is_identity(var.init) and not _constructs(facts, var.init):
                    verdicts.update(dict.fromkeys(var.names, var.line))
                else:
                    derived.update(var.names)
        guard = _caller_check(
            facts, flow, lambda g: g.func in scope and g.line > op.line, derived, verdicts
        )
        if guard is None:
            return None
        return Evidence(
            file=op.file,
            line=guard.line,
            detail=f"the {op.model} {op.callee}() loads for the client's key is checked "
            f"against the caller (`{guard.condition.text[:60]}`) before use",
        )

    def _public_state_after_load(self, op: DbOp, scope: EntryScope) -> Evidence | None:
        """A read by the client's key whose row is refused unless it is in a public state, before
        any use: `const row = await findFirst({ where: { slug } }); if (!row || row.status !==
        "approved") return null`, in the function that reads it or, when a helper returns the row,
        in the entry point that called the helper. Only what everyone may see is served: the state
        is the policy."""
        if op.kind != "read":
            return None
        facts = self.ctx.program.files[op.file]
        if op.assigned_to:
            own = self._refused_unless_public(
                facts, function_scope(facts, op.func), op.line, op.assigned_to, op
            )
            if own is not None:
                return own
        returned = op.returned or any(
            ret.func == op.func
            and ret.value is not None
            and set(ret.value.roots) & set(op.assigned_to)
            for ret in facts.returns
        )
        if not returned or op.file == scope.facts.path:
            return None
        for call in scope.facts.calls:
            if (
                call.assigned_to
                and scope.has(call.func, call.line)
                and self.ctx.summaries.target(scope.facts.path, call) == (op.file, op.func)
            ):
                found = self._refused_unless_public(
                    scope.facts, scope.funcs, call.line, call.assigned_to, op
                )
                if found is not None:
                    return found
        return None

    def _refused_unless_public(
        self,
        facts: FileFacts,
        funcs: set[int | None],
        after: int,
        names_of_row: Sequence[str],
        op: DbOp,
    ) -> Evidence | None:
        states = self.k.public_routes.public_states
        names = "|".join(re.escape(n) for n in names_of_row)
        columns = "|".join(re.escape(c) for c in states.columns)
        refused = re.compile(
            rf"\b(?:{names})\??\.(?:{columns})\s*!==?\s*['\"`]?(?:[\w]+\.)?(\w+)['\"`]?", re.I
        )
        flags = "|".join(re.escape(f) for f in self.k.public_routes.public_flags)
        unflagged = re.compile(rf"!\s*(?:{names})\??\.(?:{flags})\b(?!\s*[.(=])")
        for guard in sorted(facts.guards, key=lambda g: g.line):
            if guard.func not in funcs or guard.line <= after or guard.caught:
                continue
            match = refused.search(guard.condition.text)
            if (match is not None and match.group(1).lower() in states.values) or unflagged.search(
                guard.condition.text
            ):  # `if (!listing.published) throw`
                return Evidence(
                    file=facts.path,
                    line=guard.line,
                    detail=f"the {op.model} row {op.callee}() loads for the client's key is "
                    f"refused unless it is public (`{guard.condition.text[:60]}`)",
                )
        return None

    def _ownership_check_before(self, op: DbOp, flow: Flow) -> Evidence | None:
        """An exit before the operation, in its function, unless a record loaded for the client's
        key is the caller's: `const access = await getPermission({ userId, linkId }); if
        (!(access?.ownerId === userId || isMember)) return 401;` then the write by that key."""
        facts = self.ctx.program.files[op.file]
        scope = enclosing_functions(facts, op.func)
        loaded: set[str] = set()  # records looked up by the client's key
        verdicts: dict[str, int] = {}  # what they say of the caller (`isMember`), and where
        for var in sorted(facts.vars, key=lambda v: v.line):
            if var.func not in scope or var.line >= op.line or var.init is None:
                continue
            init = var.init
            if init.call is not None and any(
                flow.is_client_value(part)
                for arg in facts.calls[init.call].args
                for part in arg.parts()
            ):
                loaded.update(var.names)
            elif init.all_roots() & (loaded | set(verdicts)):
                if flow.is_identity(init):
                    verdicts.update(dict.fromkeys(var.names, var.line))
                elif init.all_roots() & loaded:  # `const listing = res.data.listing`
                    loaded.update(var.names)
        if not loaded:
            return None
        guard = _caller_check(
            facts, flow, lambda g: g.func in scope and g.line < op.line, loaded, verdicts
        )
        if guard is None:
            return None
        return Evidence(
            file=op.file,
            line=guard.line,
            detail="exits unless the record loaded for the client's key is the caller's "
            f"(`{guard.condition.text[:60]}`), before {op.callee}()",
        )

    def _key_is_caller(self, op: DbOp, flow: Flow, client: list[Expr]) -> Evidence | None:
        """The client's key compared with the caller's id by an exit before the operation, in
        its function or one around it: the update by `userId` after `session.user.id !== userId`
        threw is on the caller's own row."""
        return self._equated_key(op.file, op.func, op.line, flow, client, f"{op.callee}()")

    def _equated_key(
        self, file: str, func: int | None, line: int, flow: Flow, keys: list[Expr], before: str
    ) -> Evidence | None:
        """An exit before `line`, in function `func` or one around it, taken whenever one of
        `keys` is not the caller's own id."""
        facts = self.ctx.program.files[file]
        roots = {root for expr in keys for root in expr.roots}
        guard = equated_before(facts, flow, enclosing_functions(facts, func), line, roots)
        if guard is None:
            return None
        return Evidence(
            file=file,
            line=guard.line,
            detail=f"exits unless the client's key is the caller's own id "
            f"(`{guard.condition.text[:60]}`), before {before}",
        )

    def _checked_by_lookup_before(
        self, op: DbOp, scope: EntryScope, ops: list[tuple[DbOp, Flow]], client: list[Expr]
    ) -> Evidence | None:
        """The client's key was first handed to a helper whose read of it is bound to the caller
        and which throws when that read finds nothing (`await checkEmailOfTeam(emailId, team.id)`
        then `updateEmail(emailId)`): past it the key is one of the caller's."""
        found = [self._key_looked_up(op, scope, ops, set(expr.roots)) for expr in client]
        return _covering(op, found)

    def _checked_beside(
        self, op: DbOp, ops: list[tuple[DbOp, Flow]], client: list[Expr]
    ) -> Evidence | None:
        """The function running the operation first handed its client key to a helper whose
        read of it is bound to the caller and which throws when that read finds nothing
        (`await loadPage({ pageId: input.pageId, workspaceId: ctx.workspace.id })`, then the
        query by `input.pageId`): past it the key is one of the caller's."""
        facts = self.ctx.program.files[op.file]
        found = []
        for expr in client:
            evidence = None
            for call in facts.calls:
                if call.line >= op.line or call.caught:
                    continue
                if op.func not in function_scope(facts, call.func):
                    continue
                target = self.ctx.summaries.target(op.file, call)
                if target is None or target[1] is None:
                    continue
                handed = self._handed_names((target[0], target[1]), call, expr)
                lookup = self._scoped_lookup_in(target, ops, handed) if handed else None
                if lookup is not None:
                    evidence = _looked_up_first(op.file, call, *lookup, op)
                    break
            found.append(evidence)
        return _covering(op, found)

    def _created_for_caller(
        self, op: DbOp, ops: list[tuple[DbOp, Flow]], client: list[Expr]
    ) -> Evidence | None:
        """A reference to a row the same function created just before for the caller
        (`insert(chat).values({ id: chatId, userId })`, then `insert(stream).values({ chatId })`):
        had the key named another's row, that create would have failed on its primary key and
        stopped the request first. A create that ignores a conflict, or whose failure is
        caught, proves nothing."""
        facts = self.ctx.program.files[op.file]
        for prior, flow in ops:
            if prior.file != op.file or prior.line >= op.line or prior.operation not in CREATES:
                continue
            call = facts.calls[prior.call]
            if call.caught or "onConflict" in call.callee:  # (Drizzle's conflict clauses)
                continue
            if op.func not in function_scope(facts, prior.func):
                continue
            model = self.ctx.schema.model(prior.model) if prior.model else None
            if model is None:
                continue
            primary = set(model.primary_key or [f.name for f in model.fields if f.id])
            for data in prior.data:  # (a createMany's list of rows holds no single key)
                keys = [p.value for p in data.pairs if p.key in primary]
                owners = [
                    p for p in data.pairs if p.key not in primary and flow.is_identity(p.value)
                ]
                if len(keys) != 1 or not owners:
                    continue
                key = keys[0]
                if any(
                    c.text == key.text
                    or (key.kind == ExprKind.IDENTIFIER and key.text in c.all_roots())
                    for c in client
                ):
                    return Evidence(
                        file=op.file,
                        line=prior.line,
                        detail=f"{prior.callee}() creates the {prior.model} `{key.text}` names "
                        f"for the signed-in user (`{owners[0].key}: {owners[0].value.text[:40]}`) "
                        f"before {op.callee}() refers to it; another's row would have stopped it",
                    )
        return None

    def _handed_names(self, target: tuple[str, int], call: Call, key: Expr) -> set[str]:
        """The names (or `param.field` paths) under which the helper `target` receives the
        value of `key` from `call`: a parameter given the value whole, or the field of an
        object argument holding it, by the name the helper binds it to."""
        tfile, tfunc = target
        params = self.ctx.program.function(tfile, tfunc).params
        tfacts = self.ctx.program.files[tfile]
        handed: set[str] = set()
        for param, arg in zip(params, call.args, strict=False):
            if not _carries(arg, key):
                continue
            if arg.kind != ExprKind.OBJECT or not arg.pairs:
                handed.update(param.names or (param.name,))
                continue
            for pair in arg.pairs:
                if pair.key == "..." or not _carries(pair.value, key):
                    continue
                handed.update(param.by_key.get(pair.key, ()))
                handed.add(f"{param.name}.{pair.key}")
                for var in tfacts.vars:  # `const { pageId } = args` in the helper
                    if (
                        var.func == tfunc
                        and var.init is not None
                        and var.init.text == param.name
                        and pair.key in var.keys
                        and len(var.keys) == len(var.names)
                    ):
                        handed.add(var.names[var.keys.index(pair.key)])
        return handed

    def _membership_for_key(
        self, op: DbOp, scope: EntryScope, client: list[Expr]
    ) -> Evidence | None:
        """The entry's membership gate (a lookup bound to the caller whose absence stops the
        request), when it was given the key this operation uses: a check on one id does not
        protect a row chosen by another."""
        gate = scope.summary.membership_gate
        if gate is None:
            return None
        facts = scope.facts
        if gate.file != facts.path:
            return gate
        checked = {
            root
            for call in facts.calls
            if call.line == gate.line and scope.has(call.func, call.line)
            for arg in call.args
            for root in arg.all_roots()
        } | {
            root
            for lookup in self.ctx.classifier.db_ops(facts.path)
            if lookup.line == gate.line
            for root in _where_roots(facts, lookup)
        }
        found = [
            gate
            if any(roots & checked for _line, roots in self._key_arguments(op, scope, set(e.roots)))
            else None
            for e in client
        ]
        return _covering(op, found)

    def _key_looked_up(
        self, op: DbOp, scope: EntryScope, ops: list[tuple[DbOp, Flow]], keys: set[str]
    ) -> Evidence | None:
        facts = scope.facts
        for line, roots in self._key_arguments(op, scope, keys):
            reads = _request_reads(facts, scope, roots)
            for call in facts.calls:
                if call.line >= line or call.caught or not scope.has(call.func, call.line):
                    continue
                target = self.ctx.summaries.target(facts.path, call)
                if target is None or target[1] is None:
                    continue
                params = self.ctx.program.function(target[0], target[1]).params
                handed: set[str] = set()
                for param, arg in zip(params, call.args, strict=False):
                    names = param.names or (param.name,)
                    if arg.all_roots() & roots:
                        handed.update(names)
                    # the helper reads the same value from the request it is given
                    # (`getContactBook(c, team.id)` reading `c.req.param("contactBookId")`)
                    if arg.kind == ExprKind.IDENTIFIER and param.name.isidentifier():
                        handed.update(
                            f"{param.name} {part}" for root, part in reads if root == arg.text
                        )
                found = self._scoped_lookup_in(target, ops, handed) if handed else None
                if found is not None:
                    return _looked_up_first(facts.path, call, *found, op)
        return None

    def _key_arguments(
        self, op: DbOp, scope: EntryScope, keys: set[str]
    ) -> list[tuple[int, set[str]]]:
        """Where, in the entry's code, the operation's client key is given: the operation itself,
        or the calls that lead to it, with the client's names they pass as that key."""
        inputs = scope.flow.inputs
        if op.file == scope.facts.path and scope.has(op.func, op.line):
            return [(op.line, {k for k in keys if k in inputs})]
        found = []
        for call, params, through in self._key_handoffs(op, scope, keys):
            roots = _argument_roots(params, call, through)
            if roots & set(inputs):
                found.append((call.line, roots & set(inputs)))
        return found

    def _key_handoffs(
        self, op: DbOp, scope: EntryScope, keys: set[str]
    ) -> Iterator[tuple[Call, tuple[Param, ...], set[str]]]:
        """The entry's calls of helpers that lead to the operation, each with the helper's
        parameters and the names of those whose values reach the operation's key."""
        for call in scope.facts.calls:
            if not scope.has(call.func, call.line):
                continue
            target = self.ctx.summaries.target(scope.facts.path, call)
            if target is None or target[1] is None:
                continue
            through = self._key_params(target[0], target[1], op, keys, 2)
            yield call, self.ctx.program.function(target[0], target[1]).params, through

    def _key_params(self, file: str, func: int, op: DbOp, keys: set[str], depth: int) -> set[str]:
        """The parameters of `func` whose values reach the operation's key, through the calls of
        helpers (up to `depth` of them)."""
        params = self.ctx.program.function(file, func).params
        names = {n for p in params for n in (p.names or (p.name,))}
        facts = self.ctx.program.files[file]
        inside = function_scope(facts, func)
        if op.file == file and op.func in inside:  # in the function or a callback of it
            return _derived_from(facts, inside, keys) & names
        if depth == 0:
            return set()
        found: set[str] = set()
        for call in facts.calls:
            if call.func not in inside:
                continue
            target = self.ctx.summaries.target(file, call)
            if target is None or target[1] is None or target == (file, func):
                continue
            inner = self._key_params(target[0], target[1], op, keys, depth - 1)
            if inner:
                found |= _argument_roots(
                    self.ctx.program.function(target[0], target[1]).params, call, inner
                )
        return found & names

    def _scoped_lookup_in(
        self, target: tuple[str, int | None], ops: list[tuple[DbOp, Flow]], handed: set[str]
    ) -> tuple[DbOp, int] | None:
        """A read in `target`, filtered by the caller and by one of the `handed` parameters,
        after which the function stops the request when nothing was found."""
        tfile, tfunc = target
        facts = self.ctx.program.files[tfile]
        inside = function_scope(facts, tfunc)
        for lookup, flow in ops:
            if lookup.file != tfile or lookup.func not in inside or lookup.kind != "read":
                continue
            if not any(flow.is_identity(w) for w in lookup.where):
                continue
            paths = {p for w in lookup.where for p in w.all_paths()}
            if not (_where_roots(facts, lookup) | _where_reads(facts, lookup) | paths) & handed:
                continue
            if lookup.operation.endswith("OrThrow"):
                return lookup, lookup.line
            guard = throws_unless_found(facts, lookup)
            if guard is not None:
                return lookup, guard.line
        return None

    def _comparison(
        self,
        op: DbOp,
        file: str,
        names: set[str],
        runs: Callable[[int | None, int], bool],
        flow: Flow,
    ) -> Evidence | None:
        facts = self.ctx.program.files[file]
        for cmp in facts.comparisons:
            if not runs(cmp.func, cmp.line):
                continue
            sides = (cmp.left, cmp.right)
            if any(set(s.roots) & names for s in sides) and any(flow.is_identity(s) for s in sides):
                return Evidence(
                    file=file,
                    line=cmp.line,
                    detail=f"compares the fetched {op.model} with the signed-in user",
                )
        for call in facts.calls:  # `assertOwnership(actor, note.userId)`, in a callback too
            if not runs(call.func, call.line):
                continue
            row = any(arg.all_roots() & names for arg in call.args)
            if not (row and any(flow.is_identity(arg) for arg in call.args)):
                continue
            target = self.ctx.summaries.target(file, call)
            if target is not None and self._asserts_equal(*target):
                return Evidence(
                    file=file,
                    line=call.line,
                    detail=f"{call.callee}() stops the request unless the fetched {op.model} "
                    "belongs to the signed-in user",
                )
        return None

    def _asserts_equal(self, file: str, func: int | None) -> bool:
        """A function that stops the request (throws or redirects) and compares two of its
        parameters (`assertOwnership(actor, ownerId)`: `actorUserId(actor) === ownerId`)."""
        if func is None:
            return False
        facts = self.ctx.program.files[file]
        params = {n for p in facts.functions[func].params for n in (p.names or (p.name,))}
        inside = function_scope(facts, func)
        if not any(g.func in inside and g.exit != ExitKind.RETURN for g in facts.guards):
            return False
        for cmp in facts.comparisons:
            if cmp.func not in inside:
                continue
            left, right = cmp.left.all_roots() & params, cmp.right.all_roots() & params
            if left and right and left != right:
                return True
        return False


def equated_before(
    facts: FileFacts, flow: Flow, scope: set[int | None], before: int, keys: set[str]
) -> Guard | None:
    """An exit, before line `before`, taken whenever one of `keys` is not the caller's own id
    (`if (!session?.user || session.user.id !== userId) throw`): past it the key is the caller's."""
    for guard in sorted(facts.guards, key=lambda g: g.line):
        if guard.func not in scope or guard.line >= before:
            continue
        if any(set(side.roots) & keys for side in equated_with_caller(facts, flow, guard)):
            return guard
    return None


def _caller_check(
    facts: FileFacts,
    flow: Flow,
    where: Callable[[Guard], bool],
    records: set[str],
    verdicts: dict[str, int],
) -> Guard | None:
    """The first exit (among the guards `where` keeps, none swallowed by a catch) that decides on
    the caller: it compares one of `records` with the signed-in user, or tests one of `verdicts`,
    what was derived from them about the caller (`isMember`), after it was declared (a name
    declared again in another block is another value)."""
    for guard in sorted(facts.guards, key=lambda g: g.line):
        if guard.caught or not where(guard):
            continue
        roots = guard.condition.all_roots()
        compares_caller = (
            bool(roots & records)
            and flow.is_identity(guard.condition)
            and COMPARES.search(guard.condition.text) is not None
        )
        if compares_caller or any(guard.line > verdicts.get(r, guard.line) for r in roots):
            return guard
    return None


def _constructs(facts: FileFacts, init: Expr) -> bool:
    """`new C(...)`, awaited or not."""
    return init.call is not None and facts.calls[init.call].callee.removeprefix(
        "await "
    ).startswith("new ")


def derived_names(
    facts: FileFacts, names: set[str], runs: Callable[[int | None, int], bool]
) -> set[str]:
    """`names` and the variables read out of them later (`const note = res.data.note`)."""
    found = set(names)
    for var in sorted(facts.vars, key=lambda v: v.line):
        init = var.init
        if (
            runs(var.func, var.line)
            and init is not None
            and init.kind in (ExprKind.MEMBER, ExprKind.IDENTIFIER)
            and set(init.roots) & found
        ):
            found.update(var.names)
    return found


def after_in(funcs: set[int | None], first: int) -> Callable[[int | None, int], bool]:
    """Runs in `funcs` from line `first` on."""
    return lambda func, line: func in funcs and line >= first


def runs_from(scope: EntryScope, first: int) -> Callable[[int | None, int], bool]:
    """Runs for the entry from line `first` on."""
    return lambda func, line: line >= first and scope.has(func, line)


def stops_unless_found(
    facts: FileFacts, load: DbOp, *, throws: bool = False, derived: bool = False
) -> int | None:
    """The line from which the read `load` is known to have found its row: an `...OrThrow`
    read's own, or that of the exit taken when it found nothing (a throw, with `throws`; with
    `derived`, also an exit on a value read from the row: `const owner = row?.authorId; if
    (!owner) return`)."""
    if load.operation.endswith("OrThrow"):
        return load.line
    if throws:
        thrown = throws_unless_found(facts, load)
        return thrown.line if thrown is not None else None
    names = set(load.assigned_to)
    if derived:
        names = computed_from(facts, load.func, names)
    scope = function_scope(facts, load.func)
    for guard in sorted(facts.guards, key=lambda g: g.line):
        if guard.func not in scope or guard.line <= load.line or guard.caught:
            continue
        if guard.negated and names & set(guard.condition.roots):
            return guard.line
    return None


def throws_unless_found(facts: FileFacts, op: DbOp) -> Guard | None:
    """The exit that stops the request when the read `op` found nothing (`if (!email) throw`), in
    the function that runs it; None for an `...OrThrow` read, which stops by itself."""
    names = set(op.assigned_to)
    if not names:
        return None
    scope = function_scope(facts, op.func)
    for guard in sorted(facts.guards, key=lambda g: g.line):
        if guard.func not in scope or guard.line <= op.line or guard.caught:
            continue
        if guard.exit == ExitKind.RETURN:
            continue
        if names & set(guard.condition.roots) and guard.negated:
            return guard
    return None


def _argument_roots(params: tuple[Param, ...], call: Call, names: set[str]) -> set[str]:
    """The names the call passes to the parameters called `names`."""
    return {
        root
        for param, arg in zip(params, call.args, strict=False)
        if set(param.names or (param.name,)) & names
        for root in arg.all_roots()
    }


def _looked_up_first(file: str, call: Call, lookup: DbOp, exit_line: int, op: DbOp) -> Evidence:
    """The evidence of a helper call that looked the client's key up among the caller's rows and
    stopped the request when it was not found, before `op`."""
    return Evidence(
        file=file,
        line=call.line,
        detail=f"{call.callee}() looks the client's key up among the caller's rows "
        f"({lookup.callee}() at {lookup.file}:{lookup.line}) and stops the request at line "
        f"{exit_line} when it is not found, before {op.callee}()",
    )


def _carries(value: Expr, key: Expr) -> bool:
    """Whether `value` holds the client's `key`: it reads the key's path (or a path above it,
    `input.project` for `input.project.id`), or the whole object the key is read from (`input`
    for `input.taskId`); a sibling field (`input.projectId`) does not."""
    paths = key.all_paths()
    if not paths:
        return bool(value.all_roots() & key.all_roots())
    held = value.all_paths()
    if any(p == h or p.startswith(f"{h}.") for p in paths for h in held):
        return True
    whole = value.all_roots() - {h.split(".", 1)[0] for h in held}
    return any(p.split(".", 1)[0] in whole for p in paths)


def _derived_from(facts: FileFacts, funcs: set[int | None], names: set[str]) -> set[str]:
    """`names` and what they were built from in `funcs` (`const where = { documentId }`)."""
    found = set(names)
    for _ in range(3):
        grown = found | {
            root
            for var in facts.vars
            if var.func in funcs and var.init is not None and set(var.names) & found
            for root in var.init.all_roots()
        }
        if grown == found:
            break
        found = grown
    return found


def _where_roots(facts: FileFacts, op: DbOp) -> set[str]:
    """The names a query's filter reads, through a filter object built beforehand
    (`const where = { id: emailId, teamId }` then `findUnique({ where })`)."""
    roots = {r for w in op.where for r in w.all_roots()}
    for var in facts.vars:
        if var.func == op.func and var.init is not None and set(var.names) & roots:
            roots |= var.init.all_roots()
    return roots


CREATES = ("create", "createMany", "createManyAndReturn", "insert")


def _covering(op: DbOp, found: list[Evidence | None]) -> Evidence | None:
    """The check that covers an operation's client keys: any one of a filter's (the row must
    match all of them), every one of a new row's references."""
    checked = [f for f in found if f is not None]
    if not checked:
        return None
    if op.operation in CREATES and len(checked) < len(found):
        return None
    return checked[0]


def _request_reads(facts: FileFacts, scope: EntryScope, names: set[str]) -> set[tuple[str, str]]:
    """How the entry read the values `names` out of an object it holds, with that object's name:
    `contactBookId = c.req.valid("param").contactBookId` is ("c", "param contactBookId")."""
    found = set()
    for var in facts.vars:
        init = var.init
        if init is None or not set(var.names) & names or not scope.has(var.func, var.line):
            continue
        read = _request_read(init)
        if read is not None:
            found.add(read)
    return found


# A value read from a request object by name, however it is written: `c.req.param("id")`,
# `c.req.valid("param").id`, `c.req.query("q")`, `req.query.id`.
_READS = (
    re.compile(r'^(\w+)\.req\.(param|query|header)\(\s*["\'](\w+)["\']\s*\)$'),
    re.compile(r'^(\w+)\.req\.valid\(\s*["\'](param|query|header)["\']\s*\)\.(\w+)$'),
    re.compile(r"^(\w+)\.(query|body|params)\.(\w+)$"),
)


def _request_read(init: Expr) -> tuple[str, str] | None:
    text = init.text.removeprefix("await ").strip()
    for pattern in _READS:
        match = pattern.match(text)
        if match is not None:
            return match.group(1), f"{match.group(2)} {match.group(3)}"
    return None


def _where_reads(facts: FileFacts, op: DbOp) -> set[str]:
    """The request reads the filter's values were taken from in the query's function, each as
    the object's name and the part read (`c param contactBookId`)."""
    roots = _where_roots(facts, op)
    found = set()
    for var in facts.vars:
        if var.func == op.func and var.init is not None and set(var.names) & roots:
            read = _request_read(var.init)
            if read is not None:
                found.add(f"{read[0]} {read[1]}")
    return found


def _names_given(facts: FileFacts, call: Call) -> set[str]:
    """The names a call's result is held in (see `names_given`)."""
    return names_given(facts, call)
