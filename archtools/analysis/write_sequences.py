"""DATA003 (multi-step write without a transaction): a write that takes the result of an earlier
write of the same function (`const order = await prisma.order.create(...)`, then
`prisma.orderItem.createMany({ data: items.map(i => ({ orderId: order.id })) })`) with neither
inside a transaction. When the second fails (a constraint, a timeout, a crash of the process),
the first stays: an order without items, a user without the membership that lets them in.

Only dependent writes count: the later one reads a name bound from the earlier one's result, or a
value the function computes from it. Independent writes on one path are not judged (whether they
must succeed together is the app's to say). Left out:

- writes inside a transaction: a callback of `$transaction(...)`/`db.transaction(...)`, the calls
  handed to `$transaction([...])`/`db.batch([...])`, or a client named like a transaction handle
  (`tx`, `trx`) handed in by a caller;
- a later write in a `catch` block: it undoes or records the failure of the first;
- a first write that is an upsert (find-or-create: running it again changes nothing), a later
  write of the same model (it completes the row the first one wrote, which stands on its own),
  and writes with other awaited work between them (a payment provider, a job queue, a helper of
  the app): the first row records a step under way, and no transaction can span that work;
- a single call that writes related rows (Prisma nested writes), which the database runs as one.
"""

from __future__ import annotations

import re

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import Problem
from archtools.analysis.query_loops import chain_roots
from archtools.analysis.roles import DbOp
from archtools.facts.code import Call, ExprKind, FileFacts

_TRANSACTIONS = ("$transaction", "transaction", "batch")
_HANDLE = re.compile(r"^(tx|trx|transaction|txn|tr)$", re.I)
_DEPTH = 6


def write_sequence_problems(ctx: AnalysisContext, ops: list[DbOp]) -> list[Problem]:
    """DATA003 for the writes of an entry point that take an earlier write's result outside a
    transaction, one per dependent write."""
    writes = [op for op in ops if op.kind in ("write", "delete") and not op.subquery]
    problems: list[Problem] = []
    indexes: dict[str, _CallIndex] = {}
    for later in writes:
        facts = ctx.program.files[later.file]
        if facts.calls[later.call].in_catch:
            continue
        for earlier in writes:
            if (
                earlier.file != later.file
                or earlier.func != later.func
                or earlier.line >= later.line
                or not earlier.assigned_to
                or earlier.operation == "upsert"
                or (earlier.model or earlier.table) == (later.model or later.table)
                or not _takes_result(facts, earlier, later)
                or _work_between(facts, earlier, later, ops)
            ):
                continue
            if later.file not in indexes:
                indexes[later.file] = _CallIndex(facts)
            index = indexes[later.file]
            if index.in_transaction(earlier.call) or index.in_transaction(later.call):
                continue
            first = earlier.model or earlier.table or "the first row"
            second = later.model or later.table or "the second row"
            problems.append(
                Problem(
                    "DATA003",
                    later.file,
                    later.line,
                    f"{later.callee}() (line {later.line}) writes {second} with the result of "
                    f"{earlier.callee}() (line {earlier.line}) outside a transaction: when it "
                    f"fails, {first} stays written",
                    f"unguarded-writes:{first}:{second}:{later.callee}",
                    later.model,
                )
            )
            break
    return problems


class _CallIndex:
    """Where each call of a file sits: the call that takes it as an argument, and the call that
    takes each function as an argument."""

    def __init__(self, facts: FileFacts) -> None:
        self.facts = facts
        self.argument_of: dict[int, Call] = {}
        self.holders: dict[int, Call] = {}
        for call in facts.calls:
            for arg in call.args:
                if arg.kind == ExprKind.FUNCTION and arg.func is not None:
                    self.holders[arg.func] = call
                for part in arg.parts():
                    if part.call is not None and part.call != call.index:
                        self.argument_of.setdefault(part.call, call)
        self.known: dict[int, bool] = {}

    def in_transaction(self, index: int) -> bool:
        """Inside a transaction callback or batch, or on a client named like a transaction
        handle."""
        if index not in self.known:
            self.known[index] = self._in_transaction(self.facts.calls[index])
        return self.known[index]

    def _in_transaction(self, call: Call) -> bool:
        client = call.callee.split(".", 1)[0].removesuffix("()")
        if _HANDLE.match(client):
            return True
        current: Call | None = call
        for _ in range(_DEPTH):
            if current is None:
                return False
            if current.name in _TRANSACTIONS and current is not call:
                return True
            outer = self.argument_of.get(current.index)
            if outer is None and current.func is not None:
                outer = self.holders.get(current.func)
            current = outer
        return False


def _work_between(facts: FileFacts, earlier: DbOp, later: DbOp, ops: list[DbOp]) -> bool:
    """Whether the function awaits other work between the two writes (a payment provider, a job
    queue, a helper of the app): the first row records a step that is under way, and a
    transaction cannot span that work."""
    queries = {op.call for op in ops if op.file == later.file}
    first = facts.calls[earlier.call]
    return any(
        call.func == later.func
        and call.awaited
        and first.end_line < call.line < later.line
        and call.index not in queries
        for call in facts.calls
    )


def _takes_result(facts: FileFacts, earlier: DbOp, later: DbOp) -> bool:
    """Whether the later write reads a name bound from the earlier one's result, directly or
    through values computed from it before the later write."""
    bound = set(earlier.assigned_to)
    for _ in range(3):
        for var in facts.vars:
            if (
                var.func == later.func
                and var.init is not None
                and earlier.line < var.line <= later.line
                and var.init.all_roots() & bound
            ):
                bound.update(var.names)
    call = facts.calls[later.call]
    read = chain_roots(facts, call, 0)
    for expr in (*later.where, *later.data):
        read |= expr.all_roots()
    return bool(read & bound)
