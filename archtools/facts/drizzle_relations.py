"""Relation fields of Drizzle tables, from foreign keys (`.references()`) and relations()."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from archtools.facts.code import Call, Expr, ExprKind
from archtools.facts.drizzle_columns import ForeignKey
from archtools.facts.drizzle_symbols import Ref, Symbols, last_segment, pair_value, string_of
from archtools.facts.schema import Field, FieldKind, Relation

_ID_SUFFIX = re.compile(r"(?<=[a-z0-9])(?:_id|Id|ID)\Z")


@dataclass
class Table:
    """A table while it is being built: scalar fields first, relation fields after them."""

    name: str
    file: str
    fields: list[Field]
    relations: list[Field] = field(default_factory=list)
    from_foreign_keys: set[str] = field(default_factory=set)  # relation fields not yet merged
    # relations() field -> the name its relations() is exported as
    declared_by: dict[str, str] = field(default_factory=dict)

    def taken(self) -> set[str]:
        return {f.name for f in self.fields} | {f.name for f in self.relations}

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _relation_name(table: Table, key: ForeignKey) -> str:
    """After the referenced table (`users` -> "user"); after the column for self-references or
    when that name is taken (`authorId` -> "author")."""
    by_column = _ID_SUFFIX.sub("", key.fields[0]) if len(key.fields) == 1 else ""
    by_target = singular(key.target)
    order = [by_column, by_target] if key.target == table.name else [by_target, by_column]
    taken = table.taken()
    for candidate in [*order, f"{by_column or by_target}Relation"]:
        if candidate and candidate not in taken:
            return candidate
    number = 2
    while f"{by_target}{number}" in taken:
        number += 1
    return f"{by_target}{number}"


def add_foreign_key(table: Table, key: ForeignKey) -> None:
    """The relation field a foreign key implies, named by `_relation_name`."""
    columns = [table.field(name) for name in key.fields]
    name = _relation_name(table, key)
    table.relations.append(
        Field(
            name=name,
            type=key.target,
            kind=FieldKind.RELATION,
            optional=any(c is None or c.optional for c in columns),
            relation=Relation(
                fields=list(key.fields),
                references=list(key.references),
                on_delete=key.on_delete,
                on_update=key.on_update,
                enforced=True,
            ),
            line=key.line,
        )
    )
    table.from_foreign_keys.add(name)


def _paths(expr: Expr | None) -> list[str]:
    items = expr.items if expr is not None and expr.kind is ExprKind.ARRAY else []
    return [item.paths[0].rsplit(".", 1)[-1] for item in items if len(item.paths) == 1]


def _target(symbols: Symbols, file: str, expr: Expr | None) -> str | None:
    if expr is None:
        return None
    if expr.kind is ExprKind.IDENTIFIER:
        return symbols.canonical(file, expr.text)
    if expr.kind is ExprKind.MEMBER and len(expr.paths) == 1:
        return expr.paths[0].rsplit(".", 1)[-1]
    return None


def _string(symbols: Symbols, file: str, expr: Expr | None) -> str | None:
    """A string literal, or the string constant an identifier names."""
    return string_of(symbols.resolve(Ref(file, expr)).expr) if expr is not None else None


def _owned(
    symbols: Symbols,
    file: str,
    table: Table,
    key: str,
    target: str,
    call: Call,
    config: Expr | None,
) -> tuple[Field, Field | None]:
    """A one() with `fields`, and the foreign key relation it describes (to merge with), if any."""
    fields = _paths(pair_value(config, "fields"))
    backing = next(
        (
            r
            for r in table.relations
            if r.name in table.from_foreign_keys
            and r.type == target
            and r.relation is not None
            and sorted(r.relation.fields) == sorted(fields)
        ),
        None,
    )
    key_relation = backing.relation if backing is not None else None
    relation = Relation(
        name=_string(symbols, file, pair_value(config, "relationName")),
        fields=fields,
        references=_paths(pair_value(config, "references")),
        on_delete=key_relation.on_delete if key_relation is not None else None,
        on_update=key_relation.on_update if key_relation is not None else None,
        enforced=backing is not None,
    )
    columns = [table.field(name) for name in fields]
    made = Field(
        name=key,
        type=target,
        kind=FieldKind.RELATION,
        optional=any(c is None or c.optional for c in columns),
        relation=relation,
        line=call.line,
    )
    return made, backing


def _beside_columns(table: Table, made: Field, backing: Field | None, by: str) -> Field | None:
    """A relations() key that is also a column's key (drizzle-orm keeps relations apart from
    columns) becomes `<key>Relation`, its key kept as `orm_name`. Of two relations() of one table
    with the same key, drizzle-orm keeps the one whose export comes last in the schema object
    (`import * as schema` orders exports by name); None when the earlier one stays."""
    earlier = next(
        (
            r
            for r in table.relations
            if (r.orm_name or r.name) == made.name and r.name not in table.from_foreign_keys
        ),
        None,
    )
    if earlier is not None:
        if table.declared_by.get(earlier.name, "") > by:
            return None
        table.relations.remove(earlier)
        update: dict[str, object] = {"name": earlier.name, "orm_name": earlier.orm_name}
        before, after = earlier.relation, made.relation
        if before is not None and after is not None and before.fields == after.fields:
            # the same foreign key: its actions (merged into the earlier entry) still hold
            update["relation"] = after.model_copy(
                update={
                    "on_delete": before.on_delete,
                    "on_update": before.on_update,
                    "enforced": before.enforced,
                }
            )
            update["line"] = earlier.line
        return made.model_copy(update=update)
    if table.field(made.name) is None:
        return made
    taken = table.taken() - ({backing.name} if backing is not None else set())
    name, number = f"{made.name}Relation", 2
    while name in taken:
        name, number = f"{made.name}Relation{number}", number + 1
    return made.model_copy(update={"name": name, "orm_name": made.name})


def _place(table: Table, made: Field, backing: Field | None) -> None:
    """Puts a relations() field in place of the foreign key relation it merges with (or last);
    an unmerged foreign key relation that happens to have its name is renamed."""
    clash = next((r for r in table.relations if r.name == made.name and r is not backing), None)
    if clash is not None:
        taken = table.taken()
        number = 2
        while f"{clash.name}{number}" in taken:
            number += 1
        renamed = clash.model_copy(update={"name": f"{clash.name}{number}"})
        table.relations[table.relations.index(clash)] = renamed
        table.from_foreign_keys.discard(clash.name)
        table.from_foreign_keys.add(renamed.name)
    if backing is not None:
        table.relations[table.relations.index(backing)] = made
        table.from_foreign_keys.discard(backing.name)
    else:
        table.relations.append(made)


def read_relations(
    symbols: Symbols,
    file: str,
    call: Call,
    tables: dict[str, Table],
    error: Callable[[str, int], None],
) -> None:
    """Adds the fields of one `relations(table, ({ one, many }) => ({ ... }))` call."""
    name = _target(symbols, file, call.args[0] if call.args else None)
    table = tables.get(name or "")
    if table is None or len(call.args) < 2:
        error(
            f"relations(): `{call.args[0].text if call.args else ''}` is not a known table",
            call.line,
        )
        return
    callback = call.args[1]
    body = symbols.returned(file, callback.func) if callback.kind is ExprKind.FUNCTION else None
    if body is not None:
        body = symbols.resolve(Ref(file, body)).expr
    if body is None or body.kind is not ExprKind.OBJECT:
        error(f"relations() of `{table.name}`: cannot read the relations object", call.line)
        return
    for pair in body.pairs:
        inner = symbols.call(file, pair.value.call) if pair.value.kind is ExprKind.CALL else None
        kind = last_segment(inner.callee) if inner is not None else ""
        target = _target(symbols, file, inner.args[0] if inner and inner.args else None)
        if inner is None or kind not in ("one", "many") or target is None:
            error(f"relations() of `{table.name}`: cannot read `{pair.key}`", pair.value.line)
            continue
        config = inner.args[1] if len(inner.args) > 1 else None
        backing = None
        if kind == "one" and pair_value(config, "fields") is not None:
            made, backing = _owned(symbols, file, table, pair.key, target, inner, config)
        else:
            made = Field(
                name=pair.key,
                type=target,
                kind=FieldKind.RELATION,
                list=kind == "many",
                optional=kind == "one",
                relation=Relation(name=_string(symbols, file, pair_value(config, "relationName"))),
                line=inner.line,
            )
        if backing is not None:  # located at the foreign key column, which the database has
            made = made.model_copy(update={"line": backing.line})
        elif file != table.file:  # a line of another file would point into the table's file
            made = made.model_copy(update={"line": None})
        by = call.assigned_to[0] if call.assigned_to else ""
        placed = _beside_columns(table, made, backing, by)
        if placed is not None:
            _place(table, placed, backing)
            table.declared_by[placed.name] = by


def settle_back_relations(tables: dict[str, Table]) -> None:
    """A back relation (many(), or one() without fields) is enforced when a foreign key of the
    other table, with the same relation name when one is given, points back at this table."""
    for table in tables.values():
        settled: list[Field] = []
        for made in table.relations:
            relation = made.relation
            if relation is not None and not relation.fields:
                other = tables.get(made.type)
                owners = [
                    r
                    for r in (other.relations if other is not None else [])
                    if r.type == table.name
                    and r.relation is not None
                    and r.relation.fields
                    and (relation.name is None or r.relation.name == relation.name)
                ]
                enforced = any(r.relation is not None and r.relation.enforced for r in owners)
                made = made.model_copy(
                    update={"relation": relation.model_copy(update={"enforced": enforced})}
                )
            settled.append(made)
        table.relations = settled
