"""Checks made by calling a helper that stops the request unless a key is the caller's: the helper
looks the key up among the caller's rows, or loads the row the key names and hands its parent's
key to such a helper (`row = findUnique({ where: { id: itemId } }); await mustEditList(user,
row.listId)`). A row whose parent key goes to such a helper once it is loaded is the caller's."""

from __future__ import annotations

from archtools.analysis.flow import (
    Flow,
    enclosing_functions,
    function_scope,
    leaving_branches,
    unpacked_fields,
)
from archtools.analysis.instance_checks import method_compares_row_with_caller
from archtools.analysis.load_checks import (
    CREATES,
    LoadChecks,
    _covering,
    _where_roots,
    after_in,
    derived_names,
    stops_unless_found,
)
from archtools.analysis.predicates import caller_fields, compared_params
from archtools.analysis.roles import DbOp
from archtools.facts.code import Call, Expr, FileFacts, Guard
from archtools.results import Evidence

# how many helpers deep a key is followed through loads of its parent
_DEPTH = 2


class CheckingCalls(LoadChecks):
    def _scoped_lookup_in(
        self,
        target: tuple[str, int | None],
        ops: list[tuple[DbOp, Flow]],
        handed: set[str],
        depth: int = _DEPTH,
    ) -> tuple[DbOp, int] | None:
        """A read in `target` bound to the caller by one of the `handed` parameters that stops
        the request when nothing was found; or a read by one of them that stops when nothing was
        found and hands what it loaded to a helper that checks it so."""
        found = super()._scoped_lookup_in(target, ops, handed)
        if found is not None or depth == 0:
            return found
        tfile, tfunc = target
        facts = self.ctx.program.files[tfile]
        inside = function_scope(facts, tfunc)
        for load, _flow in ops:
            if load.file != tfile or load.func not in inside or load.kind != "read":
                continue
            if not load.assigned_to or not _where_roots(facts, load) & handed:
                continue
            # a helper's `return` goes on in its caller: only a throw stops the request
            stop = stops_unless_found(facts, load, throws=True)
            if stop is None:
                continue
            checked = self._checking_call(
                facts, inside, stop, None, set(load.assigned_to), ops, depth - 1
            )
            if checked is not None:
                return checked[1], stop
        return None

    def _checking_call(
        self,
        facts: FileFacts,
        funcs: set[int | None],
        after: int,
        before: int | None,
        names: set[str],
        ops: list[tuple[DbOp, Flow]],
        depth: int = _DEPTH,
    ) -> tuple[Call, DbOp] | None:
        """A call in `funcs`, between lines `after` and `before`, whose throw is not swallowed,
        handing a value read out of `names` to a helper that stops the request unless it is a
        key of the caller's rows."""
        for call in facts.calls:
            if call.func not in funcs or call.line <= after or call.caught:
                continue
            if before is not None and call.line >= before:
                continue
            if not any(arg.all_roots() & names for arg in call.args):
                continue
            target = self.ctx.summaries.target(facts.path, call)
            if target is None or target[1] is None:
                continue
            params = self.ctx.program.function(target[0], target[1]).params
            handed = {
                name
                for param, arg in zip(params, call.args, strict=False)
                if arg.all_roots() & names
                for name in (param.names or (param.name,))
            }
            found = self._scoped_lookup_in(target, ops, handed, depth)
            if found is not None:
                return call, found[0]
        return None

    def _row_checked_by_helper(
        self, op: DbOp, flow: Flow, ops: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        """An operation by the client's key after a read by the same key whose row, once found,
        went to a helper that stops the request unless the row's parent is the caller's (the
        read itself too: nothing of the row leaves before the check)."""
        facts = self.ctx.program.files[op.file]
        scope = function_scope(facts, op.func)
        keys = {r for w in op.where for r in w.all_roots() if r in flow.inputs}
        if not keys:
            return None
        for load, _load_flow in ops:
            if load.file != op.file or load.func not in scope or load.kind != "read":
                continue
            if load.line > op.line or not load.assigned_to:
                continue
            if not {r for w in load.where for r in w.all_roots()} & keys:
                continue
            stop = stops_unless_found(facts, load)
            if stop is None:
                continue
            before = None if load.line == op.line else op.line
            checked = self._checking_call(facts, scope, stop, before, set(load.assigned_to), ops)
            if checked is None:
                continue
            call, lookup = checked
            return Evidence(
                file=op.file,
                line=call.line,
                detail=f"the {load.model} row {load.callee}() loads for the client's key goes to "
                f"{call.callee}(), which stops the request unless it is the caller's "
                f"({lookup.callee}() at {lookup.file}:{lookup.line}), before {op.callee}() uses it",
            )
        return None

    def _looked_up_before(
        self, op: DbOp, flow: Flow, keys: list[Expr], ops: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        """A read earlier in the operation's function (or one around it), filtered by the caller
        and by the same key, after which the request stops when nothing was found: `const team =
        await findFirstOrThrow({ where: { id: teamId, members: { some: { userId } } } })` then
        the create under `teamId`. Any key of a filter, every reference of a new row."""
        found = [self._key_looked_up_before(op, _key_roots([key], flow), ops) for key in keys]
        return _covering(op, found)

    def _key_looked_up_before(
        self, op: DbOp, roots: set[str], ops: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        if not roots:
            return None
        facts = self.ctx.program.files[op.file]
        around = enclosing_functions(facts, op.func)
        for lookup, lookup_flow in ops:
            if lookup.file != op.file or lookup.func not in around or lookup is op:
                continue
            if lookup.kind != "read" or lookup.line >= op.line:
                continue
            if not any(lookup_flow.is_identity(w) for w in lookup.where):
                continue
            if not _where_roots(facts, lookup) & roots and not _same_field(
                facts, around, roots, lookup
            ):
                continue
            stop = stops_unless_found(facts, lookup)
            if stop is None or stop >= op.line or _left_before(facts, lookup, op.line):
                continue
            return Evidence(
                file=op.file,
                line=lookup.line,
                detail=f"{lookup.callee}() looks the client's key up among the caller's rows and "
                f"the request stops when it is not found (line {stop}), before {op.callee}()",
            )
        return None

    def _checked_by_predicate(
        self, op: DbOp, flow: Flow, keys: list[Expr], ops: list[tuple[DbOp, Flow]]
    ) -> Evidence | None:
        """An operation by the client's key after (or being) a read by the same key whose row,
        once found, goes with the caller to a permission predicate that the function exits
        unless it holds: `if (!canPay(invoice, { id: user.id })) throw`, where `canPay` compares
        the row's owner with the caller's id."""
        facts = self.ctx.program.files[op.file]
        scope = function_scope(facts, op.func)
        named = [_key_names(key) for key in keys]
        if not named or not all(named):
            return None
        for load, _load_flow in ops:
            if load.file != op.file or load.func not in scope or load.kind != "read":
                continue
            if load.line > op.line or not load.assigned_to:
                continue
            loaded = {n for w in load.where for part in w.parts() for n in _key_names(part)}
            matched = [bool(names & loaded) for names in named]
            # any key of a filter, every reference of a new row
            if not (all(matched) if op.operation in CREATES else any(matched)):
                continue
            stop = stops_unless_found(facts, load)
            if stop is None:
                continue
            before = None if load is op else op.line
            row = derived_names(facts, set(load.assigned_to), after_in(scope, load.line + 1))
            for guard in sorted(facts.guards, key=lambda g: g.line):
                if guard.func not in scope or guard.caught or not guard.negated:
                    continue
                if guard.line < stop or (before is not None and guard.line >= before):
                    continue
                call = self._predicate_call(facts, guard, row, flow)
                if call is not None:
                    return Evidence(
                        file=op.file,
                        line=guard.line,
                        detail=f"exits unless {call.callee}() allows the caller the {load.model} "
                        f"row {load.callee}() loads for the client's key, before {op.callee}()",
                    )
        return None

    def _predicate_call(
        self, facts: FileFacts, guard: Guard, row: set[str], flow: Flow
    ) -> Call | None:
        """The call in the guard's condition handing the row and the caller to a function that
        compares the two."""
        for call in facts.calls:
            # in the condition: from its line up to the exit's (on the line itself when both
            # share it, `if (!canRead(row, user)) throw ...`)
            in_condition = call.line == guard.line or guard.line <= call.line < guard.exit_line
            if call.func != guard.func or not in_condition:
                continue
            if method_compares_row_with_caller(
                self.ctx.program, facts, call, row, flow.is_identity
            ):
                return call
            if call.name not in guard.condition.roots:
                continue
            target = self.ctx.summaries.target(facts.path, call)
            if target is None or target[1] is None:
                continue
            params = self.ctx.program.function(target[0], target[1]).params
            names = [p.names[0] if p.names else p.name for p in params]
            rows = {names[i] for i, a in enumerate(call.args[: len(names)]) if a.all_roots() & row}
            callers = {
                (names[i], field)
                for i, a in enumerate(call.args[: len(names)])
                for field in caller_fields(a, flow.is_identity)
            }
            pairs = compared_params(self.ctx.program, self.ctx.summaries, target[0], target[1])
            if any((r, c, field) in pairs for r in rows for c, field in callers if r != c):
                return call
        return None


def _left_before(facts: FileFacts, lookup: DbOp, line: int) -> bool:
    """Whether the lookup's function returns between it and `line` other than by an exit taken
    when a check fails: the lookup then sits in a branch that leaves (`else { lookup; ...;
    return }`), and the code after that branch runs without it."""
    if any(start < lookup.line <= end for start, end in leaving_branches(facts, {lookup.func})):
        return True
    exits = {g.exit_line for g in facts.guards if g.func == lookup.func}
    return any(
        ret.func == lookup.func and lookup.line < ret.line < line and ret.line not in exits
        for ret in facts.returns
    )


def _key_names(expr: Expr) -> set[str]:
    """What a key is read from: its member paths (`input.noteId`), or its names when it has none."""
    return set(expr.paths) or set(expr.roots)


def _same_field(facts: FileFacts, funcs: set[int | None], roots: set[str], lookup: DbOp) -> bool:
    """Whether one of `roots` was unpacked from the very field the lookup filters by: `const { id,
    ...data } = input` after a lookup `where: { id: input.id, userId }`."""
    fields = {field for name, field in unpacked_fields(facts, funcs).items() if name in roots}
    return bool(fields) and any(
        path in fields for where in lookup.where for part in where.parts() for path in part.paths
    )


def _key_roots(keys: list[Expr], flow: Flow) -> set[str]:
    return {root for key in keys for root in key.roots if root in flow.inputs}
