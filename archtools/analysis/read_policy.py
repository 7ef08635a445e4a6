"""Which models the app treats as public to read, learned from its own queries.

The schema says who a row belongs to (an owner column, a relation path to a user); the app's queries
say who may read it. A model that the app lists and looks up in many places and never once filters
by an owner, a foreign key to an owned model, or a comparison of the loaded row with an owner (a
challenge, a comment under it, a catalog entry) is public to read, whatever its author column says:
reading it needs no signed-in caller and no ownership. Writes keep the schema's ownership. A model
with too few reads to tell keeps it too."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archtools.analysis.knowledge import GuardKnowledge
from archtools.analysis.orms.base import DbOp
from archtools.analysis.program import Program
from archtools.analysis.roles import CallClassifier
from archtools.analysis.summaries import is_identity_table
from archtools.facts.code import Expr, ExprKind, FileFacts
from archtools.facts.outline import whole_pass
from archtools.facts.schema import Schema
from archtools.source.files import is_test_file

# Fewer reads than this tell nothing about the policy of a model with an owner of its own (an owner
# column, a membership). A model owned only through a relation path needs one read that lists its
# rows without an owner: the schema's path alone does not make it private.
MIN_READS = 3
MIN_READS_THROUGH_RELATION = 1
# How the ownership of a model owned only through a relation path is explained (context.py).
THROUGH_RELATION = "belongs to"
# Filter keys that select a row by itself, not a kind of rows: they say nothing of the policy.
_ROW_KEYS = frozenset({"id", "where", "AND", "OR", "NOT"})
# Drizzle's comparison helpers whose first argument is the column filtered on.
_DRIZZLE_COMPARE = frozenset({"eq", "inArray", "ne", "isNull", "isNotNull"})


@dataclass
class _Reads:
    """The reads of one model across the app: how many, one that selects rows by other columns
    (a status, a slug, a tag: a read of every row is no policy), and whether any is scoped to an
    owner."""

    count: int = 0
    listing: DbOp | None = None
    scoped: DbOp | None = None


def public_to_read(
    program: Program,
    classifier: CallClassifier,
    schema: Schema,
    owned: dict[str, str],
    knowledge: GuardKnowledge,
    shared: set[str],
    private: Callable[[str], bool],
) -> dict[str, str]:
    """Owned models the app reads only unscoped (model -> why), found as a fixpoint: a read
    filtered by a foreign key to a model that turns out public scopes nothing. Users, sessions and
    keys, the models `shared` with their members (a team, a workspace: their reads are scoped by
    the membership found before, not by the filter) and the `private` ones (personal data or
    secrets in a column of their own: an order with its address) are never public. Tests are no
    evidence."""
    users = {m.lower() for m in knowledge.ownership.user_models} | {"user", "users"}
    candidates = {
        m
        for m in owned
        if m.lower() not in users
        and m not in shared
        and not is_identity_table(m)
        and not private(m)
        and schema.model(m)
    }
    reads: dict[str, list[DbOp]] = {m: [] for m in candidates}
    with whole_pass(program.files):  # every file's operations, found once for the audit
        for path in program.files:
            if is_test_file(path):
                continue
            for op in classifier.db_ops(path):
                if op.kind == "read" and op.model in reads and not op.subquery:
                    reads[op.model].append(op)
    still_owned = set(owned)
    public: dict[str, str] = {}
    writes: set[tuple[str, int | None, str | None]] = {
        (op.file, op.func, op.model)
        for path in program.files
        if not is_test_file(path)
        for op in classifier.db_ops(path)
        if op.kind != "read" and op.model in reads
    }
    links = _links(schema)
    for _round in range(6):
        changed = False
        for model in sorted(candidates - set(public)):
            scoping = _scoping_names(links, still_owned - {model}, users, knowledge)
            tally = _tally(program, reads[model], scoping, writes)
            least = (
                MIN_READS_THROUGH_RELATION
                if owned[model].startswith(THROUGH_RELATION)
                else MIN_READS
            )
            if tally.count < least or tally.scoped is not None or tally.listing is None:
                continue
            listing = tally.listing
            public[model] = (
                f"none of the app's {tally.count} reads of {model} filters by an owner or compares "
                f"the row with one (e.g. {listing.callee}() at {listing.file}:{listing.line})"
            )
            still_owned.discard(model)
            changed = True
        if not changed:
            break
    return public


def _links(schema: Schema) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every relation of the schema that holds a foreign key: (target model, relation field name,
    its key columns), read once."""
    return [
        (f.type, f.name, tuple(f.relation.fields))
        for model in schema.models
        for f in model.fields
        if f.relation is not None
    ]


def _scoping_names(
    links: list[tuple[str, str, tuple[str, ...]]],
    owned: set[str],
    users: set[str],
    knowledge: GuardKnowledge,
) -> tuple[frozenset[str], frozenset[str]]:
    """Filter keys that scope a read to an owner: owner columns and foreign keys to an owned model
    (at any depth: a membership filter's `userId`), and relation fields to an owned model or a
    user, which scope when they select that row by its id. The model being judged is left out of
    `owned`: a reply's `parentId` says nothing of who may read comments."""
    columns = set(knowledge.ownership.owner_fields)
    relations: set[str] = set()
    for target, name, keys in links:
        if target in owned or target.lower() in users:
            columns.update(keys)
            relations.add(name)
    return frozenset(columns), frozenset(relations)


def _tally(
    program: Program,
    ops: list[DbOp],
    scoping: tuple[frozenset[str], frozenset[str]],
    writes: set[tuple[str, int | None, str | None]],
) -> _Reads:
    """A read compared with an owner after loading scopes the model's reads only where the same
    function does not go on to change the row: there the comparison guards the write."""
    tally = _Reads(count=len(ops))
    for op in ops:
        facts = program.files[op.file]
        keys = list(filter_keys(facts, op.where))
        if _scopes(keys, scoping) or (
            (op.file, op.func, op.model) not in writes
            and _compared_after_load(facts, op, scoping[0])
        ):
            tally.scoped = op
            return tally
        if tally.listing is None and any(k not in _ROW_KEYS for k, _ in keys):
            tally.listing = op
    return tally


def _scopes(keys: list[tuple[str, Expr]], scoping: tuple[frozenset[str], frozenset[str]]) -> bool:
    columns, relations = scoping
    for key, value in keys:
        if key in columns:
            return True
        if key in relations and any(p.key in ("id", *columns) for p in value.pairs):
            return True
    return False


def filter_keys(facts: FileFacts, where: Iterable[Expr]) -> Iterable[tuple[str, Expr]]:
    """Every key of a filter, at any depth: Prisma's object keys, and the columns Drizzle's
    `eq(t.col, v)` and its kin compare."""
    stack = list(where)
    seen = 0
    while stack and seen < 400:
        seen += 1
        expr = stack.pop()
        for pair in expr.pairs:
            yield pair.key, pair.value
            stack.append(pair.value)
        stack.extend(expr.items)
        if expr.kind == ExprKind.CALL and expr.call is not None:
            call = facts.calls[expr.call]
            if call.name in _DRIZZLE_COMPARE and call.args:
                yield call.args[0].text.rsplit(".", 1)[-1], call.args[-1]
            stack.extend(call.args)


def _compared_after_load(facts: FileFacts, op: DbOp, columns: frozenset[str]) -> bool:
    """The loaded row's owner is compared afterwards (`if (post.authorId !== user.id)`), in the
    function that loaded it: the app checks ownership after the read instead of in it."""
    names = op.assigned_to
    if not names:
        return False
    owner_paths = {f"{name}.{column}" for name in names for column in columns}
    for comparison in facts.comparisons:
        if comparison.func != op.func:
            continue
        if any(
            p in owner_paths for side in (comparison.left, comparison.right) for p in side.paths
        ):
            return True
    return any(
        guard.func == op.func and owner_paths & set(guard.condition.paths) for guard in facts.guards
    )
