"""Checks made on a row once it is loaded: compared with the caller where the query runs, by the
helper that called the lookup, or by an exit unless a record loaded for the client's key (or what is
derived from it) is the caller's. Authorization builds on these."""

from __future__ import annotations

import re
from collections.abc import Callable

from archtools.analysis.authentication import AuthenticationChecks
from archtools.analysis.entry_scope import EntryScope
from archtools.analysis.flow import Flow, enclosing_functions, function_scope
from archtools.analysis.roles import DbOp
from archtools.facts.code import Expr, ExprKind, FileFacts, Guard
from archtools.results import Evidence

COMPARES = re.compile(r"[!=]==?")


class LoadChecks(AuthenticationChecks):
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
            if not (call.assigned_to and scope.has(call.func, call.line)):
                continue
            if self.ctx.summaries.target(scope.facts.path, call) != (op.file, op.func):
                continue
            runs = runs_from(scope, call.line)
            found = self._comparison(
                op,
                scope.facts.path,
                derived_names(scope.facts, set(call.assigned_to), runs),
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
        verdicts: set[str] = set()
        for var in sorted(facts.vars, key=lambda v: v.line):
            if var.func not in scope or var.line <= op.line or var.init is None:
                continue
            if var.init.all_roots() & (derived | verdicts):
                if flow.is_identity(var.init):
                    verdicts.update(var.names)
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

    def _ownership_check_before(self, op: DbOp, flow: Flow) -> Evidence | None:
        """An exit before the operation, in its function, unless a record loaded for the client's
        key is the caller's: `const access = await getPermission({ userId, linkId }); if
        (!(access?.ownerId === userId || isMember)) return 401;` then the write by that key."""
        facts = self.ctx.program.files[op.file]
        scope = enclosing_functions(facts, op.func)
        loaded: set[str] = set()  # records looked up by the client's key
        verdicts: set[str] = set()  # what they say of the caller (`isMember`)
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
            elif init.all_roots() & (loaded | verdicts):
                if flow.is_identity(init):
                    verdicts.update(var.names)
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
        facts = self.ctx.program.files[op.file]
        keys = {root for expr in client for root in expr.roots}
        scope = enclosing_functions(facts, op.func)
        guard = _equated_with_caller(facts, flow, scope, op.line, keys)
        if guard is None:
            return None
        return Evidence(
            file=op.file,
            line=guard.line,
            detail=f"exits unless the client's key is the caller's own id "
            f"(`{guard.condition.text[:60]}`), before {op.callee}()",
        )

    def _comparison(
        self,
        op: DbOp,
        file: str,
        names: set[str],
        runs: Callable[[int | None, int], bool],
        flow: Flow,
    ) -> Evidence | None:
        for cmp in self.ctx.program.files[file].comparisons:
            if not runs(cmp.func, cmp.line):
                continue
            sides = (cmp.left, cmp.right)
            if any(set(s.roots) & names for s in sides) and any(flow.is_identity(s) for s in sides):
                return Evidence(
                    file=file,
                    line=cmp.line,
                    detail=f"compares the fetched {op.model} with the signed-in user",
                )
        return None


def _equated_with_caller(
    facts: FileFacts, flow: Flow, scope: set[int | None], before: int, keys: set[str]
) -> Guard | None:
    """An exit, before line `before`, taken whenever one of `keys` is not the caller's own id
    (`if (!session?.user || session.user.id !== userId) throw`): past it the key is the caller's."""
    for guard in sorted(facts.guards, key=lambda g: g.line):
        if guard.caught or guard.func not in scope or guard.line >= before:
            continue
        if "&&" in guard.condition.text:  # the exit needs more than the difference
            continue
        for cmp in facts.comparisons:
            if cmp.func != guard.func or cmp.operator not in ("!==", "!="):
                continue
            if not (guard.line <= cmp.line <= max(guard.line, guard.exit_line - 1)):
                continue
            sides = (cmp.left, cmp.right)
            if any(set(s.roots) & keys and not flow.is_identity(s) for s in sides) and any(
                flow.is_identity(s) for s in sides
            ):
                return guard
    return None


def _caller_check(
    facts: FileFacts,
    flow: Flow,
    where: Callable[[Guard], bool],
    records: set[str],
    verdicts: set[str],
) -> Guard | None:
    """The first exit (among the guards `where` keeps, none swallowed by a catch) that decides on
    the caller: it compares one of `records` with the signed-in user, or tests one of `verdicts`,
    what was derived from them about the caller (`isMember`)."""
    for guard in sorted(facts.guards, key=lambda g: g.line):
        if guard.caught or not where(guard):
            continue
        roots = guard.condition.all_roots()
        compares_caller = (
            bool(roots & records)
            and flow.is_identity(guard.condition)
            and COMPARES.search(guard.condition.text) is not None
        )
        if compares_caller or roots & verdicts:
            return guard
    return None


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
