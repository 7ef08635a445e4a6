"""DATA003 (multi-step write without a transaction): two writes of one function that must succeed
together, run as separate statements with neither inside a transaction. Only two shapes count,
those where a failure between the writes leaves a state every reader sees as wrong:

- **a row without its part**: a create (`const board = await prisma.board.create(...)`) then the
  create of a row the first one needs (`prisma.section.create({ data: { boardId: board.id } })`),
  where the schema says the second model references the first, and the first stands on its own
  (it references another model, an owner or a parent, so the app lists it without the part).
  When the second create fails, the first row is there and incomplete: a project with no
  section to put tasks in, a recipe without its statistics row.
- **a counter out of step**: a create or delete of rows and an update that moves a counter of
  another model relative to itself (`{ increment: 1 }`, `sql`${t.count} - 1``) for the same
  thing (the update's filter reads the first write's result or a value the first write used).
  When one of the two fails, the count is off for good.

Left out, as a reviewer would leave them:

- writes inside a transaction: a callback of `$transaction(...)`/`db.transaction(...)`, the calls
  handed to `$transaction([...])`/`db.batch([...])`, or a client named like a transaction handle
  (`tx`, `trx`) handed in by a caller;
- a later write in a `catch` block (it undoes or records the failure of the first) or in a `try`
  whose `catch` goes on (the app made it best effort);
- a side record after the row: a notification, a log, an event or history entry, an activity or
  analytics row; a join table linking the new row to something else (the row stands without the
  link, which can be made again); a row that only references the first one when the first has no
  other reference (an image, a blob of document data: a failure leaves it unreferenced and
  invisible);
- an update of another row that points at the new one, or marks rows for reindexing: a failure
  leaves the old state, consistent;
- a first write that is an upsert, writes of one model, and writes with other awaited work between
  them (a payment provider, a job queue, a helper of the app): no transaction can span that work;
- a single call that writes related rows (Prisma nested writes), which the database runs as one.
"""

from __future__ import annotations

import re

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import Problem
from archtools.analysis.query_loops import chain_roots
from archtools.analysis.roles import DbOp
from archtools.analysis.write_shapes import (
    foreign_keys,
    is_create,
    is_link_table,
    is_update,
    schema_model,
    stepped,
    target,
)
from archtools.facts.code import Call, ExprKind, FileFacts
from archtools.facts.schema import Model, Orm

_TRANSACTIONS = ("$transaction", "transaction", "batch")
_HANDLE = re.compile(r"^(tx|trx|transaction|txn|tr)$", re.I)
_DEPTH = 6
# the words of a model that records something happened rather than holding the app's state
_SIDE_RECORD = {
    "notification",
    "notifications",
    "log",
    "logs",
    "audit",
    "event",
    "events",
    "history",
    "histories",
    "activity",
    "activities",
    "analytics",
    "metric",
    "metrics",
    "tracking",
    "webhook",
    "webhooks",
    "outbox",
}
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def write_sequence_problems(ctx: AnalysisContext, ops: list[DbOp]) -> list[Problem]:
    """DATA003 for the writes of an entry point that leave a row without its part, or a counter
    out of step, when the second fails: one per later write."""
    writes = [op for op in ops if op.kind in ("write", "delete") and not op.subquery]
    problems: list[Problem] = []
    indexes: dict[str, _CallIndex] = {}
    for later in writes:
        facts = ctx.program.files[later.file]
        call = facts.calls[later.call]
        if call.in_catch or call.caught:
            continue
        # the nearest earlier write first: the one the later write answers
        for earlier in sorted(writes, key=lambda op: op.line, reverse=True):
            if (
                earlier.file != later.file
                or earlier.func != later.func
                or earlier.line >= later.line
                or earlier.operation == "upsert"
                or target(earlier) == target(later)
                or _work_between(facts, earlier, later, ops)
            ):
                continue
            message = _missing_part(ctx, facts, earlier, later) or _counter(facts, earlier, later)
            if message is None:
                continue
            if later.file not in indexes:
                indexes[later.file] = _CallIndex(facts)
            index = indexes[later.file]
            if index.in_transaction(earlier.call) or index.in_transaction(later.call):
                continue
            first, second = target(earlier) or "the first row", target(later) or "the second row"
            problems.append(
                Problem(
                    "DATA003",
                    later.file,
                    later.line,
                    f"{message}; run both in {_transaction_advice(ctx, earlier)}",
                    f"unguarded-writes:{first}:{second}:{later.callee}",
                    later.model,
                )
            )
            break
    return problems


def _missing_part(ctx: AnalysisContext, facts: FileFacts, earlier: DbOp, later: DbOp) -> str | None:
    """A create of a row the first created row needs, by the schema: the later model references
    the earlier one, the earlier one references some other model (it stands, and is listed, on
    its own), and the later one is no side record or join table."""
    if not (is_create(earlier) and is_create(later)) or not earlier.assigned_to:
        return None
    parent, part = schema_model(ctx.schema, earlier), schema_model(ctx.schema, later)
    if parent is None or part is None or _side_record(part.name) or is_link_table(part):
        return None
    links = [column for column, model in foreign_keys(part).items() if model == parent.name]
    # a required reference first: the owner the row is listed under
    owners = [
        f"{parent.name}.{column} -> {model}"
        for column, model in sorted(
            foreign_keys(parent).items(), key=lambda item: (_optional(parent, item[0]), item)
        )
        if model != part.name
    ]
    if not links or not owners or not _takes_result(facts, earlier, later):
        return None
    return (
        f"{later.callee}() (line {later.line}) creates the {part.name} that "
        f"{parent.name} needs ({part.name}.{links[0]} references it) with the result of "
        f"{earlier.callee}() (line {earlier.line}), outside a transaction: when it fails, "
        f"the {parent.name} row (which stands on its own through {owners[0]}) is left "
        f"without it"
    )


def _counter(facts: FileFacts, earlier: DbOp, later: DbOp) -> str | None:
    """An update that moves a counter of another model for rows the first write created or
    deleted (its filter reads the first write's result or a value the first write used)."""
    if not (is_create(earlier) or earlier.kind == "delete") or not is_update(later):
        return None
    columns = stepped(facts, later)
    if not columns or not _counts_for(facts, earlier, later):
        return None
    done = "deleted" if earlier.kind == "delete" else "created"
    counted = ", ".join(columns)
    return (
        f"{later.callee}() (line {later.line}) moves the counter {counted} of "
        f"{target(later)} for the {target(earlier)} that {earlier.callee}() "
        f"(line {earlier.line}) {done}, outside a transaction: when it fails, the count stays "
        f"out of step with the rows"
    )


def _counts_for(facts: FileFacts, earlier: DbOp, later: DbOp) -> bool:
    """Whether the counter update is about the rows the first write touched: its filter reads the
    first write's result, or a value the first write's filter or data also reads."""
    if earlier.assigned_to and _takes_result(facts, earlier, later):
        return True
    used: set[str] = set()
    for expr in (*earlier.where, *earlier.data):
        used |= expr.all_roots()
    read: set[str] = set()
    for expr in later.where:
        read |= expr.all_roots()
    read |= chain_roots(facts, facts.calls[later.call], 0)
    return bool((used & read) - _query_names(earlier, later))


def _query_names(earlier: DbOp, later: DbOp) -> set[str]:
    """The names of the database clients and tables, which every query reads."""
    names = {op.callee.split(".", 1)[0].removesuffix("()") for op in (earlier, later)}
    names.update(t for t in (earlier.table, later.table) if t)
    return names


def _optional(model: Model, column: str) -> bool:
    field = model.field(column)
    return field is None or field.optional


def _side_record(model: str) -> bool:
    """A model named for something that happened (`Notification`, `EmailEvent`, `audit_logs`)."""
    return any(word.lower() in _SIDE_RECORD for word in _WORDS.findall(model))


def _transaction_advice(ctx: AnalysisContext, op: DbOp) -> str:
    """The transaction call in the repo's own terms: its client's name and its ORM's API."""
    client = op.callee.split(".", 1)[0].removesuffix("()")
    if ctx.schema.orm == Orm.DRIZZLE:
        return f"{client}.transaction(async (tx) => ...)"
    return f"{client}.$transaction(async (tx) => ...)"


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
    return bool(read & bound) or _callback_reads(facts, later, bound)


def _callback_reads(facts: FileFacts, later: DbOp, bound: set[str]) -> bool:
    """Whether a callback building the later write's rows returns a value that reads a bound
    name (`values(items.map((item) => ({ orderId: order.id, ... })))`)."""
    callbacks: set[int] = set()
    for expr in later.data:
        for part in expr.parts():
            if part.call is None:
                continue
            for arg in facts.calls[part.call].args:
                if arg.kind == ExprKind.FUNCTION and arg.func is not None:
                    callbacks.add(arg.func)
    return any(
        ret.func in callbacks and ret.value is not None and ret.value.all_roots() & bound
        for ret in facts.returns
    )
