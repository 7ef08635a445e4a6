"""DATA001 (a hard delete of a soft-deleted model) and DATA002 (an update of a model with an
optimistic lock that does not check it), decided from what the app itself does with the columns the
schema declares.

A column named like `deletedAt` or `version` says what a model *may* be used for; the app's own
writes say what it *is* used for:

- a model is soft-deleted when the app writes its soft-delete column somewhere. When the app
  soft-deletes other models but never this one, the column is unused (a join table that carries the
  common column set), and removing its rows is how the app deletes them. When the app writes no
  soft-delete column at all, nothing contradicts the schema and its declaration stands;
- a hard delete written beside a soft delete of the same model, in the same function, is the app's
  chosen policy (only completed records are kept), not a bypass of it;
- a `version` column is an optimistic lock only when it is a number. When some update of the app
  checks it in its filter, it is a lock, and an update that does not check it loses concurrent
  edits. When the app instead creates rows with an explicit version number, the column numbers the
  revisions of a history (document versions), which a lock never does: a lock starts at its default
  and only the update that wins a race bumps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import Problem
from archtools.analysis.flow import function_scope, outermost_function
from archtools.analysis.roles import CallClassifier, DbOp
from archtools.facts.code import Expr
from archtools.facts.outline import Holds, holding, whole_pass
from archtools.knowledge.vocabulary import is_soft_delete_field, is_version_field, loose
from archtools.source.files import is_test_file

_NUMERIC = re.compile(r"int|float|double|decimal|numeric|real|serial|number", re.I)
# `UPDATE "Model" SET ... "deletedAt" = ...` in raw SQL: the table and the assigned columns
_RAW_UPDATE = re.compile(r"update\s+[\"'`]?(\w+)[\"'`]?\s+set\s+(.*)", re.I | re.S)
_ASSIGNED = re.compile(r"[\"'`]?(\w+)[\"'`]?\s*=")


@dataclass
class _AppWrites:
    """What the whole app does with its models' columns, by model name."""

    soft_deleted: dict[str, set[str]] = field(default_factory=dict)  # soft-delete columns written
    filtered: dict[str, set[str]] = field(default_factory=dict)  # columns some filter checks
    created_with: dict[str, set[str]] = field(default_factory=dict)  # columns creates set


_CACHE: WeakKeyDictionary[CallClassifier, _AppWrites] = WeakKeyDictionary()


def write_problems(
    ctx: AnalysisContext, op: DbOp, model: str, *, purge: bool = False
) -> list[Problem]:
    """DATA001 and DATA002 for one operation of an entry point on `model`. `purge`: only a
    privileged caller (a role, an operator's secret) reaches it; where the app soft-deletes the
    model elsewhere, such a hard delete is the deliberate purge beside that path, not a bypass of
    it (where it never does, the privileged delete is how rows go, and the schema's contract
    stands)."""
    purged = purge and bool(_app_writes(ctx).soft_deleted.get(model))
    found = [None if purged else _hard_delete(ctx, op, model), _lost_update(ctx, op, model)]
    return [problem for problem in found if problem is not None]


def _hard_delete(ctx: AnalysisContext, op: DbOp, model: str) -> Problem | None:
    """DATA001: `op` deletes rows of a model the app soft-deletes, outside a function that chooses
    between the two."""
    if op.kind != "delete":
        return None
    column = soft_delete_column(ctx, model)
    if column is None or _soft_deletes_beside(ctx, op, model):
        return None
    return Problem(
        "DATA001",
        op.file,
        op.line,
        f"{op.callee}() hard-deletes {model}, which is soft-deleted through {column}",
        f"hard-delete:{model}:{op.callee}",
        model,
    )


def _lost_update(ctx: AnalysisContext, op: DbOp, model: str) -> Problem | None:
    """DATA002: an update of a model locked by a version column whose filter does not check it
    (creates, upserts and updates that only flag a row deleted are not edits a lock protects)."""
    if op.kind != "write" or not op.where or op.operation in ("create", "insert", "upsert"):
        return None
    column = lock_column(ctx, model)
    if column is None:
        return None
    written = {p.key for d in op.data for p in d.pairs}
    soft_only = bool(written) and all(
        is_soft_delete_field(key) or loose(key) == "updatedat" for key in written
    )
    if soft_only or any(_mentions(w, column) for w in op.where):
        return None
    return Problem(
        "DATA002",
        op.file,
        op.line,
        f"{op.callee}() updates {model} without checking {column}: concurrent edits are lost",
        f"optimistic-lock:{model}:{op.callee}",
        model,
    )


def soft_delete_column(ctx: AnalysisContext, model: str) -> str | None:
    """The column through which `model` is soft-deleted: one the schema declares, unless the app
    soft-deletes other models and never writes this one's."""
    declared = sorted(f for f in _field_names(ctx, model) if is_soft_delete_field(f))
    if not declared:
        return None
    writes = _app_writes(ctx)
    written = writes.soft_deleted.get(model, set())
    if writes.soft_deleted and not written:
        return None
    return next((c for c in declared if c in written), declared[0])


def lock_column(ctx: AnalysisContext, model: str) -> str | None:
    """The numeric version column that locks `model` optimistically: checked by some filter of the
    app, or at least never set by the app's creates (a revision number of a history)."""
    schema_model = ctx.schema.model(model)
    if schema_model is None:
        return None
    writes = _app_writes(ctx)
    for f in sorted(schema_model.fields, key=lambda f: f.name):
        if not is_version_field(f.name) or not _NUMERIC.search(f.type):
            continue
        if f.name in writes.filtered.get(model, set()):
            return f.name
        if f.name not in writes.created_with.get(model, set()):
            return f.name
    return None


def _soft_deletes_beside(ctx: AnalysisContext, op: DbOp, model: str) -> bool:
    """Whether the function around the delete (with the callbacks inside it) also soft-deletes rows
    of the same model: it picks which rows are kept and which are removed."""
    facts = ctx.program.files[op.file]
    outermost = outermost_function(facts, op.func)
    if outermost is None:
        return False
    inside = function_scope(facts, outermost)
    return any(
        other.model == model
        and other.kind == "write"
        and other.func in inside
        and any(is_soft_delete_field(key) for key in _written_keys(ctx, other))
        for other in ctx.classifier.db_ops(op.file)
    )


def _app_writes(ctx: AnalysisContext) -> _AppWrites:
    """What every database operation of the program writes and filters, computed once per audit."""
    known = _CACHE.get(ctx.classifier)
    if known is not None:
        return known
    writes = _AppWrites()
    tables = {loose(m.db_name or m.name): m.name for m in ctx.schema.models}
    tables.update({loose(m.name): m.name for m in ctx.schema.models})
    files = ctx.program.files
    field_names: dict[str, set[str]] = {}
    raw_sql = set(holding(files, Holds.RAW_CALLS))
    with whole_pass(files):  # raw SQL and the data helpers of every write
        for file in files:
            if is_test_file(file):
                continue
            for op in ctx.classifier.db_ops(file):
                if op.model is None:
                    continue
                keys = _written_keys(ctx, op)
                if op.kind == "write":
                    soft = {k for k in keys if is_soft_delete_field(k)}
                    if soft:
                        writes.soft_deleted.setdefault(op.model, set()).update(soft)
                    if op.operation in ("create", "createMany", "createManyAndReturn", "insert"):
                        writes.created_with.setdefault(op.model, set()).update(keys)
                if op.model not in field_names:
                    field_names[op.model] = _field_names(ctx, op.model)
                columns = {
                    f for f in field_names[op.model] if any(_mentions(w, f) for w in op.where)
                }
                if columns:
                    writes.filtered.setdefault(op.model, set()).update(columns)
            if file in raw_sql:
                _raw_soft_deletes(ctx, file, tables, writes)
    _CACHE[ctx.classifier] = writes
    return writes


def _raw_soft_deletes(
    ctx: AnalysisContext, file: str, tables: dict[str, str], writes: _AppWrites
) -> None:
    """Soft-delete columns set by raw SQL (`UPDATE "Note" SET "deletedAt" = now()`), the
    schema's `tables` by their loose table and model names."""
    for call in ctx.program.files[file].calls:
        if not call.tagged_template and "raw" not in call.name.lower():
            continue
        for arg in call.args:
            match = _RAW_UPDATE.search(arg.text)
            model = tables.get(loose(match.group(1))) if match else None
            if match is None or model is None:
                continue
            soft = {c for c in _ASSIGNED.findall(match.group(2)) if is_soft_delete_field(c)}
            if soft:
                writes.soft_deleted.setdefault(model, set()).update(soft)


def _written_keys(ctx: AnalysisContext, op: DbOp) -> set[str]:
    """The columns an operation's data sets (`data: {...}`, `.set({...})`, `.values([...])`),
    through a helper that builds the data (`data: softDeleteData(userId)`, `{ ...stamp() }`)."""
    keys: set[str] = set()
    for data in op.data:
        for value in (data, *data.items):  # `createMany({ data: [...] })`, `.values([...])`
            keys |= _object_keys(ctx, op.file, value, 0)
    return keys


def _object_keys(ctx: AnalysisContext, file: str, value: Expr, depth: int) -> set[str]:
    """The keys of an object literal, of the objects spread into it, and of what a function of
    the app called in its place returns."""
    keys = {p.key for p in value.pairs if p.key != "..."}
    if depth > 2:
        return keys
    for pair in value.pairs:
        if pair.key == "...":
            keys |= _object_keys(ctx, file, pair.value, depth + 1)
    if value.call is not None and not value.pairs:
        call = ctx.program.files[file].calls[value.call]
        target = ctx.summaries.target(file, call)
        if target is not None and target[1] is not None:
            tfile, tfunc = target
            facts = ctx.program.files[tfile]
            inside = function_scope(facts, tfunc)
            for ret in facts.returns:
                if ret.func in inside and ret.value is not None:
                    keys |= _object_keys(ctx, tfile, ret.value, depth + 1)
    return keys


def _mentions(where: Expr, column: str) -> bool:
    """Whether a filter names the column (`{ version }`, `eq(notes.version, v)`), as a whole word."""
    return re.search(rf"(?<![\w$]){re.escape(column)}(?![\w$])", where.text) is not None


def _field_names(ctx: AnalysisContext, model: str) -> set[str]:
    schema_model = ctx.schema.model(model)
    return {f.name for f in schema_model.fields} if schema_model else set()
