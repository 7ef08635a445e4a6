"""DATA004 (check-then-act race): a read whose value decides a later write of the same row or the
same unique value, with nothing that makes the two atomic. Two requests that arrive together both
read the old value, both pass the check, and both write. Two shapes count, those a reviewer calls
a race:

- **uniqueness checked, not enforced**: `findFirst({ where: { email } })`, an early exit when a
  row is found, then `create({ data: { email, ... } })` of the same model, when no unique
  constraint of the schema (`@unique`, `@@unique`, `@@id`, `.unique()`, `uniqueIndex`) covers
  the checked columns. With one, the second create fails and the check is only a nicer error.
  An exit that returns the row found, or updates it instead, is a find-or-create: a duplicate
  does no harm there. A unique set whose other columns the create leaves to a constant default
  (`@@id([userId, itemId, kind])`, `kind @default("claimed")`) covers the check.
- **a state read, then written**: a row read (`const user = await prisma.user.findUnique(...)`),
  then an update of the same row that writes a number it computes from the number as read
  (`credits: user.credits - cost`: a lost update), moves a number the function checked in an
  early exit (`if (user.credits < cost) throw`, then `{ decrement: cost }`), or sets a flag or
  date marking something single-use as consumed after checking it (`if (invite.usedAt) throw`),
  when the update's filter does not repeat the condition (`where: { id, credits: { gte: cost } }`
  is atomic) or check a version column. Statuses set twice to one value, a new value from the
  client after a check of the old one (a validation), and text are no race here.

Left out: a read or write in a transaction at the serializable level, a read under a row lock
(`.for("update")`, `FOR UPDATE`) or in a callback of a lock helper (`withLock(key, async () =>
...)`), keys, foreign keys and id-like numbers, a check that exits when the row is missing (a
not-found check), a count read against a quota, and a model the schema does not declare.
"""

from __future__ import annotations

import re

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import Problem
from archtools.analysis.orms import DbOp
from archtools.analysis.query_loops import chain_roots
from archtools.analysis.write_shapes import (
    filtered,
    foreign_keys,
    is_create,
    is_update,
    schema_model,
    stepped,
    target,
    unique_sets,
    written,
)
from archtools.facts.code import Call, ExitKind, FileFacts, Guard
from archtools.facts.schema import Field, FieldKind, Model, Orm
from archtools.knowledge.vocabulary import is_version_field

_DEPTH = 6
_SERIALIZABLE = re.compile(r"serializable", re.I)
_ROW_LOCK = re.compile(r"for\s+(no\s+key\s+)?update|for\s+share", re.I)
_TRANSACTIONS = ("$transaction", "transaction")
_NUMERIC = re.compile(r"int|float|double|decimal|numeric|real|serial|number|money", re.I)
_STATE_TYPE = re.compile(r"bool|date|time", re.I)
_ID_LIKE = re.compile(r"(^id|Id|_id|ID)$")
_LOCKS = re.compile(r"lock|mutex|semaphore", re.I)
_WRITES = ("update", "updateMany", "upsert", "set")
_NOT_LOOKUPS = ("count", "aggregate", "groupBy")
_NOT_IDENTIFYING = re.compile(r"bool|json", re.I)
_CONSUMED = re.compile(r"used|redeem|claim|consum|spent", re.I)


def check_then_act_problems(ctx: AnalysisContext, ops: list[DbOp]) -> list[Problem]:
    """DATA004 for the writes of an entry point decided by an earlier read of the same row or
    unique value, with no constraint, conditional update, lock or serializable transaction."""
    reads = [op for op in ops if op.kind == "read" and op.assigned_to and not op.subquery]
    problems: list[Problem] = []
    for write in ops:
        if write.kind != "write" or write.subquery:
            continue
        facts = ctx.program.files[write.file]
        for read in sorted(reads, key=lambda op: op.line, reverse=True):
            if (
                read.file != write.file
                or read.func != write.func
                or read.line >= write.line
                or target(read) != target(write)
            ):
                continue
            model = schema_model(ctx.schema, read)
            if model is None or _atomic(facts, read, write):
                continue
            message = _unchecked_unique(ctx, facts, model, read, write) or _state_race(
                facts, model, read, write, drizzle=ctx.schema.orm == Orm.DRIZZLE
            )
            if message is not None:
                problems.append(
                    Problem(
                        "DATA004",
                        write.file,
                        write.line,
                        message,
                        f"check-then-act:{model.name}:{read.callee}:{write.callee}",
                        model.name,
                    )
                )
                break
    return problems


def _unchecked_unique(
    ctx: AnalysisContext, facts: FileFacts, model: Model, read: DbOp, write: DbOp
) -> str | None:
    """A lookup by some columns, an exit when a row is found, then a create that sets those
    columns, with no unique constraint among them."""
    if not is_create(write) or read.operation in _NOT_LOOKUPS:
        return None
    checked = filtered(facts, read)
    if not checked or not all(_identifying(model, column) for column in checked):
        return None
    guard = _exit_when_found(facts, read, write)
    values = set(written(facts, write))
    if guard is None or not checked <= values:
        return None
    # a column the create leaves to a constant default holds the same value in every racing
    # create: `@@id([userId, cosmeticId, claimKey])` with `claimKey @default("claimed")`
    fixed = checked | {
        f.name for f in model.fields if f.name not in values and _constant_default(f)
    }
    if any(columns <= fixed for columns in unique_sets(model)):
        return None
    columns = ", ".join(sorted(checked))
    fix = (
        f"a uniqueIndex on ({columns})"
        if ctx.schema.orm == Orm.DRIZZLE
        else f"@@unique([{columns}]) on {model.name}"
    )
    return (
        f"{write.callee}() (line {write.line}) creates a {model.name} after "
        f"{read.callee}() (line {read.line}) found none with the same {columns} (the exit on "
        f"line {guard.line}), and no unique constraint of {model.name} covers ({columns}) "
        f"(it has {_unique_list(model)}): two requests at once both pass the check and both "
        f"create; add {fix} and handle the violation"
    )


def _state_race(
    facts: FileFacts, model: Model, read: DbOp, write: DbOp, *, drizzle: bool
) -> str | None:
    """An update of the row just read that writes a column checked in an early exit, or a value
    computed from that column as read, without repeating the condition in its filter."""
    if not is_update(write) or not _same_row(facts, read, write):
        return None
    bound = _bound(facts, read, write.line)
    values = written(facts, write)
    checked: dict[str, Guard] = {}
    for guard in _guards_between(facts, read, write):
        for column in _columns_read(guard.condition.all_paths(), bound):
            checked.setdefault(column, guard)
    relative = set(stepped(facts, write))
    raced: list[str] = []
    for column, value in values.items():
        field = model.field(column)
        if field is None or not _racy(model, field):
            continue
        if _numeric(field):
            # a balance checked then moved, or a number written back from its own old value;
            # a new value from the client after a check of the old one is a validation
            from_itself = _arithmetic_on(value.text, column, bound)
            if from_itself or (column in checked and column in relative):
                raced.append(column)
        elif column in checked:  # a single-use mark: `if (invite.usedAt) throw`, then set it
            raced.append(column)
    guarded = set(filtered(facts, write))
    if not raced or guarded & set(raced) or any(is_version_field(c) for c in guarded):
        return None
    column = raced[0]
    if column in checked:
        decided = f"checked on line {checked[column].line}"
    else:
        decided = "computed from the value it read"
    if column not in checked and drizzle:
        fix = f"let the database compute it: `.set()` {column} with a `sql` template on the column itself"
    elif column not in checked:
        fix = f"let the database compute it: `{{ {column}: {{ increment: n }} }}`"
    elif drizzle:
        fix = (
            f"put the condition in its `.where(and(...))` on {model.name}.{column} (or a "
            f"version column) and check the rows `.returning()` gives back"
        )
    else:
        fix = (
            f"use updateMany with the condition on {column} (or a version column) in its where "
            f"and check the count it returns"
        )
    return (
        f"{write.callee}() (line {write.line}) writes {model.name}.{column} of the row "
        f"{read.callee}() (line {read.line}) read, {decided}, and its filter does not repeat "
        f"the condition: two requests at once both read the old {column} and both write; "
        f"{fix}"
    )


def _atomic(facts: FileFacts, read: DbOp, write: DbOp) -> bool:
    """Inside a serializable transaction, or the read takes a row lock."""
    for call in facts.calls:
        if call.func is not None and call.name in _TRANSACTIONS:
            spans = call.line <= read.line and write.line <= call.end_line
            if spans and any(_SERIALIZABLE.search(arg.text) for arg in call.args):
                return True
        locks = call.name == "for" or (
            call.tagged_template and any(_ROW_LOCK.search(arg.text) for arg in call.args)
        )
        if locks and call.func == write.func and read.line <= call.line <= write.line:
            return True
    return _chain_locks(facts, facts.calls[read.call]) or _under_lock(facts, read)


def _under_lock(facts: FileFacts, read: DbOp) -> bool:
    """The read runs in a callback handed to a lock helper (`withDistributedLock(key, async
    () => ...)`), or after a call to one in its function."""
    holders: dict[int, Call] = {}
    for call in facts.calls:
        for arg in call.args:
            if arg.func is not None:
                holders[arg.func] = call
    func = read.func
    for _ in range(_DEPTH):
        if func is None:
            return False
        holder = holders.get(func)
        if holder is not None and _LOCKS.search(holder.name):
            return True
        func = facts.functions[func].parent
    return any(
        call.func == read.func and call.line < read.line and _LOCKS.search(call.name)
        for call in facts.calls
    )


def _chain_locks(facts: FileFacts, call: Call) -> bool:
    """`db.select().from(t).where(...).for("update")`: the chain holds a `for` link."""
    current: Call | None = call
    for _ in range(8):
        if current is None:
            return False
        if current.name == "for":
            return True
        current = facts.calls[current.receiver] if current.receiver is not None else None
    return False


def _exit_when_found(facts: FileFacts, read: DbOp, write: DbOp) -> Guard | None:
    """An early exit between the read and the write, taken when the read found a row, that
    refuses (throws, or returns something else): the app holds the value unique. An exit that
    returns the row found is a find-or-create, where a duplicate does no harm."""
    found = set(read.assigned_to)
    for guard in _guards_between(facts, read, write):
        if guard.negated or not guard.condition.all_roots() & found:
            continue
        if any(
            call.func == guard.func
            and guard.line <= call.line <= guard.exit_line
            and call.name in _WRITES
            for call in facts.calls
        ):
            return None  # the row found is updated instead: an update-or-create
        if guard.exit == ExitKind.RETURN and any(
            ret.value is not None and ret.value.all_roots() & found
            for ret in facts.returns
            if ret.func == guard.func and guard.line <= ret.line <= guard.exit_line
        ):
            return None
        return guard
    return None


def _constant_default(field: Field) -> bool:
    """A default that is one value for every row (`"claimed"`, `0`), not one computed per row
    (`cuid()`, `now()`, `autoincrement()`, a Drizzle `$defaultFn`)."""
    return field.default is not None and "(" not in field.default and field.client_default is None


def _identifying(model: Model, column: str) -> bool:
    """A column a unique constraint could cover: a scalar of the model that is no state (an
    enum, a flag, a JSON document); a filter on a relation or a state needs more than one."""
    field = model.field(column)
    return (
        field is not None
        and field.kind == FieldKind.SCALAR
        and not field.list
        and not _NOT_IDENTIFYING.search(field.type)
    )


def _guards_between(facts: FileFacts, read: DbOp, write: DbOp) -> list[Guard]:
    last = facts.calls[read.call].end_line
    return [
        guard
        for guard in facts.guards
        if guard.func == write.func and last <= guard.line < write.line and not guard.caught
    ]


def _same_row(facts: FileFacts, read: DbOp, write: DbOp) -> bool:
    """The update's filter reads the row read (`where: { id: invite.id }`) or the same values
    the read was filtered by (`where: { id }` after `findUnique({ where: { id } })`)."""
    bound = _bound(facts, read, write.line)
    keys: set[str] = set()
    for expr in read.where:
        keys |= expr.all_roots()
    keys -= _query_names(read, write)
    used: set[str] = set()
    for expr in write.where:
        used |= expr.all_roots()
    used |= chain_roots(facts, facts.calls[write.call], 0)
    return bool(used & (bound | keys))


def _bound(facts: FileFacts, read: DbOp, before: int) -> set[str]:
    """The names bound from the read's result, and those computed from them before `before`."""
    bound = set(read.assigned_to)
    for _ in range(2):
        for var in facts.vars:
            if (
                var.func == read.func
                and var.init is not None
                and read.line < var.line <= before
                and var.init.all_roots() & bound
            ):
                bound.update(var.names)
    return bound


def _columns_read(paths: set[str], bound: set[str]) -> set[str]:
    """`user.credits`, `row.status` -> credits, status: the columns read through a bound name."""
    found: set[str] = set()
    for path in paths:
        parts = path.split(".")
        if len(parts) >= 2 and parts[0] in bound:
            found.add(parts[1])
    return found


def _arithmetic_on(text: str, column: str, bound: set[str]) -> bool:
    """`user.credits - cost`, `1 + row.count`: the value computes on the column as read."""
    for name in bound:
        path = re.escape(f"{name}.{column}")
        if re.search(rf"{path}\s*[-+*/]|[-+*/]\s*{path}\b", text):
            return True
    return False


def _racy(model: Model, field: Field) -> bool:
    """A column a race corrupts: a number (a balance, a quota, a counter) or the flag or date
    that marks something single-use as consumed (`usedAt`, `redeemed`); never a key, a version
    or a list. A status set twice to the same value, or a text set when it differs, is not."""
    if field.id or field.list or field.name in foreign_keys(model) or field.updated_at:
        return False
    if is_version_field(field.name) or _ID_LIKE.search(field.name):
        return False
    return _numeric(field) or (
        bool(_STATE_TYPE.search(field.type)) and bool(_CONSUMED.search(field.name))
    )


def _numeric(field: Field) -> bool:
    return field.kind == FieldKind.SCALAR and bool(_NUMERIC.search(field.type))


def _unique_list(model: Model) -> str:
    sets = sorted({", ".join(sorted(columns)) for columns in unique_sets(model)})
    return "; ".join(f"({columns})" for columns in sets) if sets else "none"


def _query_names(read: DbOp, write: DbOp) -> set[str]:
    names = {op.callee.split(".", 1)[0].removesuffix("()") for op in (read, write)}
    names.update(t for t in (read.table, write.table) if t)
    return names
