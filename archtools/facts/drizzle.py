"""Drizzle ORM schemas read from code facts: tables, columns, enums, keys and relations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial

import msgspec

from archtools.errors import ParseError
from archtools.facts.code import Call, Expr, ExprKind, FileFacts, Pair
from archtools.facts.drizzle_columns import Column, ColumnContext, read_column
from archtools.facts.drizzle_constraints import read_constraints
from archtools.facts.drizzle_relations import (
    Table,
    add_foreign_key,
    read_relations,
    settle_back_relations,
)
from archtools.facts.drizzle_symbols import Ref, Symbols, last_segment, string_of
from archtools.facts.schema import Enum, Model, Orm, Schema
from archtools.facts.ts_exprs import MAX_PAIRS

TABLE_BUILDERS = {"pgTable": "pg", "mysqlTable": "mysql", "sqliteTable": "sqlite"}
SCHEMA_BUILDERS = {"pgSchema": "pg", "mysqlSchema": "mysql"}
TABLE_CREATORS = {
    "pgTableCreator": "pg",
    "mysqlTableCreator": "mysql",
    "sqliteTableCreator": "sqlite",
}
PROVIDERS = {"pg": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}
# Methods of a table object that return the table (drizzle-orm's pg-core `enableRLS()`).
_TABLE_METHODS = frozenset({"enableRLS"})
_MAX_TABLE_METHODS = 4
_MAX_SPREADS = 4  # nesting of `...spread` column objects followed
_MAX_OBJECTS = 64  # column objects read for one table, spreads included


@dataclass(frozen=True)
class _Builder:
    """How a call builds a table: its dialect, and the naming function of a table creator."""

    dialect: str
    creator: tuple[str, int | None] | None = None  # (file, function index) of pgTableCreator's arg


@dataclass(frozen=True)
class _Entry:
    """One column entry; `line` is set when it comes from a spread object of another file."""

    file: str
    pair: Pair
    line: int | None


def _moved(column: Column, line: int) -> Column:
    """A column declared in another file, located at the spread that brings it in."""
    key = column.foreign_key
    return Column(
        field=column.field.model_copy(update={"line": line}),
        foreign_key=replace(key, line=line) if key is not None else None,
        enum=column.enum,
    )


class _Factories:
    """Module-level schema objects (`pgSchema("x")`) and table creators (`pgTableCreator(fn)`)."""

    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self.schemas: dict[tuple[str, str], str] = {}
        self.creators: dict[tuple[str, str], _Builder] = {}
        for path in symbols.order:
            for var in symbols.files[path].vars:
                if var.func is not None or len(var.names) != 1 or var.init is None:
                    continue
                call = symbols.call(path, var.init.call) if var.init.kind is ExprKind.CALL else None
                if call is None:
                    continue
                name = self.builder_name(path, call)
                if name in SCHEMA_BUILDERS:
                    self.schemas[(path, var.names[0])] = SCHEMA_BUILDERS[name]
                elif name in TABLE_CREATORS:
                    prefix = call.args[0].func if call.args else None
                    self.creators[(path, var.names[0])] = _Builder(
                        TABLE_CREATORS[name], (path, prefix)
                    )

    def builder_name(self, file: str, call: Call) -> str:
        if "." in call.callee:
            return call.name
        return self.symbols.canonical(file, call.callee)

    def _bound(self, file: str, name: str) -> tuple[str, str] | None:
        binding = self.symbols.binding(file, name)
        return (binding.file, binding.name) if binding is not None else None

    def classify(self, file: str, call: Call) -> _Builder | None:
        """The table builder a call is, if it is one."""
        name = self.builder_name(file, call)
        if name in TABLE_BUILDERS:
            return _Builder(TABLE_BUILDERS[name])
        head = call.callee.rpartition(".")[0]
        if call.name == "withRLS" and last_segment(head) == "pgTable":
            return _Builder("pg")
        if call.name == "table" and head:
            receiver = self.symbols.call(file, call.receiver)
            if receiver is not None:
                dialect = SCHEMA_BUILDERS.get(self.builder_name(file, receiver))
                return _Builder(dialect) if dialect else None
            bound = self._bound(file, head) if "." not in head and "(" not in head else None
            dialect = self.schemas.get(bound) if bound else None
            return _Builder(dialect) if dialect else None
        if "." not in call.callee:
            bound = self._bound(file, call.callee)
            return self.creators.get(bound) if bound else None
        return None

    def is_enum(self, file: str, call: Call) -> bool:
        if self.builder_name(file, call) == "pgEnum":
            return True
        head = call.callee.rpartition(".")[0]
        if call.name != "enum" or not head:
            return False
        receiver = self.symbols.call(file, call.receiver)
        if receiver is not None:
            return self.builder_name(file, receiver) in SCHEMA_BUILDERS
        bound = self._bound(file, head)
        return bound is not None and bound in self.schemas


class _Extraction:
    def __init__(self, files: Mapping[str, FileFacts]) -> None:
        self.symbols = Symbols(files)
        self.factories = _Factories(self.symbols)
        self.errors: list[ParseError] = []
        self.enums: dict[str, Enum] = {}
        self.tables: dict[str, Table] = {}
        self.models: dict[str, Model] = {}
        self.dialects: Counter[str] = Counter()

    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(ParseError(message, file, line))

    def report(self, file: str, message: str, line: int) -> None:
        self.error(file, line, message)

    # -- enums -----------------------------------------------------------------------------------

    def guarded(self, file: str, call: Call, read: Callable[[], None]) -> None:
        """Runs one declaration's reader; a failure on code no test foresaw becomes an error entry
        for that declaration instead of aborting the whole schema."""
        try:
            read()
        except Exception as failure:
            name = type(failure).__name__
            self.error(file, call.line, f"{call.callee}(): cannot read this declaration ({name})")

    def read_enums(self) -> None:
        for path in self.symbols.order:
            for call in self.symbols.files[path].calls:
                if call.func is None and self.factories.is_enum(path, call):
                    self.guarded(path, call, partial(self.read_enum, path, call))

    def read_enum(self, file: str, call: Call) -> None:
        if len(call.assigned_to) != 1:
            self.error(file, call.line, f"{call.callee}() is not bound to a variable")
            return
        name = call.assigned_to[0]
        values_expr = call.args[1] if len(call.args) > 1 else None
        values: list[str] = []
        resolved = self.symbols.resolve(Ref(file, values_expr)).expr if values_expr else None
        strings = [string_of(item) for item in resolved.items] if resolved else []
        values = [v for v in strings if v is not None]
        if resolved is None or resolved.kind is not ExprKind.ARRAY or len(values) != len(strings):
            self.error(file, call.line, f"enum `{name}`: values are not a literal string array")
        db_name = string_of(call.args[0]) if call.args else None
        if name in self.enums:
            self.error(file, call.line, f"enum `{name}` is declared more than once")
            return
        self.enums[name] = Enum(
            name=name, values=values, db_name=db_name, file=file, line=call.line
        )

    # -- tables ----------------------------------------------------------------------------------

    def read_tables(self) -> None:
        for path in self.symbols.order:
            for call in self.symbols.files[path].calls:
                builder = self.factories.classify(path, call)
                if builder is None:
                    continue
                if call.func is not None:
                    self.error(path, call.line, f"{call.callee}() inside a function is not read")
                    continue
                self.guarded(path, call, partial(self.read_table, path, call, builder))

    def _db_name(self, file: str, call: Call, builder: _Builder) -> str | None:
        first = call.args[0] if call.args else None
        name = string_of(self.symbols.resolve(Ref(file, first)).expr) if first else None
        if name is None or builder.creator is None:
            return name
        creator_file, func = builder.creator
        template = self.symbols.returned(creator_file, func)
        functions = self.symbols.files[creator_file].functions
        params = functions[func].params if func is not None and 0 <= func < len(functions) else []
        if template is None or template.kind is not ExprKind.TEMPLATE or len(params) != 1:
            return name
        body = template.text[1:-1]
        placeholder = "${" + params[0].name + "}"
        if body.count("${") != 1 or placeholder not in body:
            return name
        return body.replace(placeholder, name)

    def _columns(self, file: str, expr: Expr | None, table: str) -> list[_Entry] | None:
        """The `key: builder` pairs of the columns object, with `...spread` objects inlined."""
        if expr is not None and expr.kind is ExprKind.FUNCTION:
            body = self.symbols.returned(file, expr.func)
            expr = body
        if expr is None:
            return None
        ref = self.symbols.resolve(Ref(file, expr))
        if ref.expr.kind is not ExprKind.OBJECT:
            return None
        found: dict[str, _Entry] = {}
        pending: list[tuple[str, Expr, int, int | None]] = [(ref.file, ref.expr, 0, None)]
        budget = _MAX_OBJECTS
        while pending and budget > 0:
            budget -= 1
            where, obj, depth, anchor = pending.pop(0)
            if len(obj.pairs) >= MAX_PAIRS:
                self.error(
                    where, obj.line, f"`{table}`: only the first {MAX_PAIRS} columns are read"
                )
            for pair in obj.pairs:
                if pair.key != "...":
                    found[pair.key] = _Entry(where, pair, anchor)
                    continue
                target = pair.value.text.removeprefix("...").strip()
                named = msgspec.structs.replace(pair.value, kind=ExprKind.IDENTIFIER, text=target)
                inner = self.symbols.resolve(Ref(where, named))
                if inner.expr.kind is ExprKind.OBJECT and depth < _MAX_SPREADS:
                    moved = pair.value.line if anchor is None and inner.file != file else anchor
                    pending.append((inner.file, inner.expr, depth + 1, moved))
                else:
                    self.error(
                        where, pair.value.line, f"`{table}`: cannot read `{pair.value.text}`"
                    )
        return list(found.values())

    def _assigned(self, file: str, call: Call) -> tuple[str, ...]:
        """The names a table is bound to, through table methods chained on it
        (`const users = pgTable(...).enableRLS()`)."""
        outer: Call | None = call
        for _ in range(_MAX_TABLE_METHODS):
            if outer is None or outer.assigned_to:
                break
            chained = self.symbols.chained_on(file, outer.index)
            outer = next((c for c in chained if c.name in _TABLE_METHODS), None)
        return outer.assigned_to if outer is not None else ()

    def read_table(self, file: str, call: Call, builder: _Builder) -> None:
        db_name = self._db_name(file, call, builder)
        assigned = self._assigned(file, call)
        name = assigned[0] if len(assigned) == 1 else db_name
        if name is None:
            self.error(file, call.line, f"{call.callee}(): the table has no name")
            return
        if name in self.tables:
            self.error(file, call.line, f"table `{name}` is declared more than once")
            return
        pairs = self._columns(file, call.args[1] if len(call.args) > 1 else None, name)
        if pairs is None:
            self.error(file, call.line, f"`{name}`: the columns are not an object literal")
            return
        report = partial(self.report, file)
        ctx = ColumnContext(self.symbols, self.enums, builder.dialect, name, file, report)
        columns: list[Column] = []
        for entry in pairs:
            column = read_column(ctx, entry.pair.key, Ref(entry.file, entry.pair.value))
            if column is not None and entry.line is not None:
                column = _moved(column, entry.line)
            if column is not None:
                columns.append(column)
                if column.enum is not None:
                    self.enums.setdefault(column.enum.name, column.enum)
        problems: list[tuple[str, int]] = []
        callback = call.args[2] if len(call.args) > 2 else None
        keys = read_constraints(self.symbols, file, name, callback, problems)
        for message, line in problems:
            self.error(file, line, message)
        composite = set(keys.primary_key or [])
        fields = [
            c.field.model_copy(update={"optional": False}) if c.field.name in composite else c.field
            for c in columns
        ]
        table = Table(name=name, file=file, fields=fields)
        for key in [c.foreign_key for c in columns if c.foreign_key] + keys.foreign_keys:
            add_foreign_key(table, key)
        self.tables[name] = table
        self.dialects[builder.dialect] += 1
        binding = self.symbols.binding(file, name) if assigned else None
        line = binding.line if binding is not None and binding.file == file else call.line
        self.models[name] = Model(
            name=name,
            db_name=db_name,
            file=file,
            line=line,
            primary_key=keys.primary_key or [f.name for f in fields if f.id] or None,
            unique=keys.unique,
            indexes=keys.indexes,
            index_lines=keys.index_lines,
        )

    # -- relations() -----------------------------------------------------------------------------

    def read_relations(self) -> None:
        for path in self.symbols.order:
            for call in self.symbols.files[path].calls:
                if call.func is not None or len(call.args) != 2:
                    continue
                if self.factories.builder_name(path, call) != "relations":
                    continue
                if call.args[1].kind is not ExprKind.FUNCTION:
                    continue

                report = partial(self.report, path)
                read = partial(read_relations, self.symbols, path, call, self.tables, report)
                self.guarded(path, call, read)
        settle_back_relations(self.tables)

    def schema(self, provider: str | None) -> Schema:
        models = [
            model.model_copy(update={"fields": [*table.fields, *table.relations]})
            for model, table in ((self.models[n], self.tables[n]) for n in self.models)
        ]
        if provider is None and self.dialects:
            order = list(PROVIDERS)
            dialect = max(self.dialects, key=lambda d: (self.dialects[d], -order.index(d)))
            provider = PROVIDERS[dialect]
        return Schema(
            orm=Orm.DRIZZLE,
            provider=provider,
            sources=sorted({m.file for m in models}),
            models=models,
            enums=list(self.enums.values()),
        )


def extract_drizzle_schema(
    files: Mapping[str, FileFacts], provider: str | None = None
) -> tuple[Schema, list[ParseError]]:
    """The Drizzle schema declared across `files`, and what could not be read (never raises)."""
    extraction = _Extraction(files)
    extraction.read_enums()
    extraction.read_tables()
    extraction.read_relations()
    errors = sorted(extraction.errors, key=lambda e: (e.file, e.line or 0, e.message))
    return extraction.schema(provider), errors
