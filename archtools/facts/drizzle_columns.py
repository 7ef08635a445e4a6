"""Drizzle column builders read from code facts: `text("id").notNull()` -> a schema Field."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from archtools.facts.code import Call, Expr, ExprKind, Function, Param
from archtools.facts.drizzle_symbols import MAX_HOPS, Ref, Symbols, pair_value, string_of
from archtools.facts.schema import Enum, Field, FieldKind

# Builder name -> Prisma-like scalar type. Dialect-specific differences are in _DIALECT_TYPES.
SCALAR_TYPES: dict[str, str] = {
    **dict.fromkeys(
        ("text", "varchar", "char", "uuid", "tinytext", "mediumtext", "longtext", "citext"),
        "String",
    ),
    **dict.fromkeys(("interval", "inet", "cidr", "macaddr", "macaddr8", "bit"), "String"),
    **dict.fromkeys(
        ("integer", "int", "smallint", "tinyint", "mediumint", "serial", "smallserial", "year"),
        "Int",
    ),
    **dict.fromkeys(("bigint", "bigserial"), "BigInt"),
    "boolean": "Boolean",
    **dict.fromkeys(("timestamp", "date", "time", "datetime"), "DateTime"),
    **dict.fromkeys(("doublePrecision", "real", "double", "float"), "Float"),
    **dict.fromkeys(("numeric", "decimal"), "Decimal"),
    **dict.fromkeys(("json", "jsonb"), "Json"),
    **dict.fromkeys(("bytea", "blob", "binary", "varbinary"), "Bytes"),
}
_DIALECT_TYPES: dict[tuple[str, str], str] = {("mysql", "serial"): "BigInt"}
# Drizzle builders with no Prisma scalar: kept as Unsupported("<builder>") without complaint.
_UNSUPPORTED = frozenset({"point", "line", "geometry", "vector", "halfvec", "sparsevec"})
# SQLite (and a few others) change the TypeScript/storage type with `{ mode }`.
_MODE_TYPES = {
    "boolean": "Boolean",
    "timestamp": "DateTime",
    "timestamp_ms": "DateTime",
    "json": "Json",
    "bigint": "BigInt",
}
_SERIALS = frozenset({"serial", "smallserial", "bigserial"})
# Builders whose SQL type drizzle-kit spells differently.
_SQL_NAMES = {"doublePrecision": "double precision"}
# SQL type names (customType dataType) -> scalar type.
_SQL_TYPES = {
    **dict.fromkeys(("text", "citext", "varchar", "character varying", "char", "uuid"), "String"),
    **dict.fromkeys(("integer", "int", "int4", "smallint", "int2"), "Int"),
    **dict.fromkeys(("bigint", "int8"), "BigInt"),
    **dict.fromkeys(("boolean", "bool"), "Boolean"),
    **dict.fromkeys(("timestamp", "timestamptz", "date", "time", "datetime"), "DateTime"),
    **dict.fromkeys(("real", "float", "float8", "double precision", "double"), "Float"),
    **dict.fromkeys(("numeric", "decimal", "money"), "Decimal"),
    **dict.fromkeys(("json", "jsonb"), "Json"),
    **dict.fromkeys(("bytea", "blob"), "Bytes"),
}
_ACTIONS = {
    "cascade": "Cascade",
    "restrict": "Restrict",
    "noaction": "NoAction",
    "setnull": "SetNull",
    "setdefault": "SetDefault",
}
_NOT_NULL = frozenset({"notNull", "generatedAlwaysAsIdentity", "generatedByDefaultAsIdentity"})
_AUTOINCREMENT = frozenset(
    {"autoincrement", "generatedAlwaysAsIdentity", "generatedByDefaultAsIdentity"}
)
_DEFAULT_FNS = frozenset({"$defaultFn", "$default"})
_ON_UPDATE = frozenset({"$onUpdate", "$onUpdateFn", "onUpdateNow"})


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key: from `.references()` on a column or `foreignKey({...})` on the table."""

    fields: list[str]
    target: str  # the referenced table's variable name
    references: list[str]
    on_delete: str | None
    on_update: str | None
    line: int


@dataclass(frozen=True)
class Column:
    field: Field
    foreign_key: ForeignKey | None = None
    enum: Enum | None = None  # an inline enum the column declares (mysqlEnum)


@dataclass
class ColumnContext:
    """What reading one table's columns needs: lookups, known enums, dialect, error sink."""

    symbols: Symbols
    enums: dict[str, Enum]  # by variable name
    dialect: str
    table: str  # the table's variable name
    file: str
    error: Callable[[str, int], None]


def normalize_action(value: str | None) -> str | None:
    """`"cascade"` -> "Cascade", `"set null"` -> "SetNull" (Prisma's names); others unchanged."""
    if value is None:
        return None
    return _ACTIONS.get(value.replace(" ", "").replace("_", "").lower(), value)


def default_text(
    symbols: Symbols, file: str, expr: Expr, builder: str = "", dialect: str = "pg"
) -> str:
    """The SQL default drizzle-kit records: `"a"`/`'a'` (or a TypeScript enum's member holding
    it) -> `'a'`; sql`now()` -> `now()`; a JSON
    literal on a json/jsonb column -> `'{}'::jsonb`, on any SQLite column (JSON kept as text)
    -> `'{}'`; anything else (numbers, booleans): its text."""
    value = string_of(expr)
    if value is None and expr.kind is ExprKind.MEMBER:  # a TypeScript enum's member
        member = symbols.enum_member(file, expr.text)
        if member is not None and not member.lstrip("-").replace(".", "", 1).isdigit():
            value = member
        elif member is not None:
            return member
    if value is not None:
        return "'" + value.replace("'", "''") + "'"
    call = symbols.call(file, expr.call) if expr.kind is ExprKind.CALL else None
    if call is not None and call.tagged_template and call.name == "sql" and call.args:
        sql = string_of(call.args[0])
        if sql is not None:
            return sql.strip()
    json_column = builder in ("json", "jsonb")
    if (json_column or dialect == "sqlite") and expr.kind in (ExprKind.OBJECT, ExprKind.ARRAY):
        with contextlib.suppress(ValueError):
            compact = json.dumps(json.loads(expr.text), separators=(",", ":"))
            quoted = f"'{compact.replace(chr(39), chr(39) * 2)}'"
            return f"{quoted}::{builder}" if json_column and dialect == "pg" else quoted
    return expr.text


@dataclass(frozen=True)
class ColumnChain:
    """The calls building a column, outermost first, and what the parameters of the helper
    function that holds the builder call stand for (`createdAt("at")` -> {colName: "at"})."""

    calls: list[tuple[str, Call]]
    arguments: dict[str, Expr]

    def argument(self, expr: Expr) -> Expr:
        """`expr`, or the argument a helper's parameter `expr` names."""
        if expr.kind is ExprKind.IDENTIFIER:
            return self.arguments.get(expr.text, expr)
        return expr


def _helper(symbols: Symbols, file: str, name: str) -> tuple[str, Function] | None:
    """The function a helper name is: `const id = () => ...` or `function id() {...}`."""
    binding = symbols.binding(file, name)
    if binding is not None:
        if binding.init.kind is not ExprKind.FUNCTION or binding.init.func is None:
            return None
        functions = symbols.files[binding.file].functions
        index = binding.init.func
        return (binding.file, functions[index]) if 0 <= index < len(functions) else None
    return symbols.function(file, name)


def _arguments(chain: ColumnChain, call: Call, params: tuple[Param, ...]) -> dict[str, Expr]:
    """What each parameter of a helper stands for at a call: the argument given, else the
    parameter's default (an argument that is itself a parameter of the caller is followed)."""
    found: dict[str, Expr] = {}
    for position, param in enumerate(params):
        given = call.args[position] if position < len(call.args) else param.default
        if given is not None and len(param.names) == 1 and param.names[0] == param.name:
            found[param.name] = chain.argument(given)
    return found


def _array_literal(expr: Expr) -> str | None:
    """A PostgreSQL array default as drizzle-kit records it: `[]` -> `'{}'`, `["a", 1]` ->
    `'{"a",1}'`; None for items other than strings, numbers and booleans."""
    items: list[str] = []
    for item in expr.items:
        text = string_of(item)
        if text is not None:
            items.append('"' + text.replace("'", "''") + '"')
        elif item.kind is ExprKind.NUMBER or item.text in ("true", "false"):
            items.append(item.text)
        else:
            return None
    return "'{" + ",".join(items) + "}'"


def column_chain(symbols: Symbols, ref: Ref) -> ColumnChain:
    """The calls building a column, outermost first, through shared columns and helper functions."""
    chain = ColumnChain([], {})
    for _ in range(MAX_HOPS):
        ref = symbols.resolve(ref)
        if ref.expr.kind is not ExprKind.CALL:
            break
        calls = symbols.chain(ref.file, ref.expr.call)
        if not calls:
            break
        chain.calls.extend((ref.file, c) for c in calls)
        inner = calls[-1]
        helper = None if "." in inner.callee else _helper(symbols, ref.file, inner.callee)
        if helper is None:
            break
        helper_file, function = helper
        body = symbols.returned(helper_file, function.index)
        if body is None or body.kind is not ExprKind.CALL:
            break
        chain.calls.pop()  # the helper call stands for the chain it returns
        chain = ColumnChain(chain.calls, _arguments(chain, inner, function.params))
        ref = Ref(helper_file, body)
    return chain


def _number(expr: Expr | None) -> str | None:
    if expr is None or expr.kind is not ExprKind.NUMBER:
        return None
    return expr.text


def _native(builder: str, config: Expr | None) -> str:
    """The column type as drizzle-kit writes it: `varchar(255)`, `numeric(10, 2)`,
    `timestamp (3) with time zone`."""
    if builder in ("timestamp", "time"):
        precision = _number(pair_value(config, "precision"))
        zone = pair_value(config, "withTimezone")
        text = builder + (f" ({precision})" if precision is not None else "")
        return text + (" with time zone" if zone is not None and zone.text == "true" else "")
    length = _number(pair_value(config, "length"))
    if length is not None:
        return f"{builder}({length})"
    precision = _number(pair_value(config, "precision"))
    if precision is not None:
        scale = _number(pair_value(config, "scale"))
        return (
            f"{builder}({precision}, {scale})" if scale is not None else f"{builder}({precision})"
        )
    dimensions = _number(pair_value(config, "dimensions"))
    if dimensions is not None:
        return f"{builder}({dimensions})"
    return _SQL_NAMES.get(builder, builder)


def _custom_sql_type(symbols: Symbols, file: str, name: str) -> str | None:
    """The `dataType()` of a `customType({...})` bound to `name`, if it returns a literal."""
    binding = symbols.binding(file, name)
    if binding is None or binding.init.kind is not ExprKind.CALL:
        return None
    call = symbols.call(binding.file, binding.init.call)
    if call is None or call.name != "customType" or not call.args:
        return None
    data_type = pair_value(call.args[0], "dataType")
    if data_type is None or data_type.kind is not ExprKind.FUNCTION:
        return None
    return string_of(symbols.returned(binding.file, data_type.func))


@dataclass(frozen=True)
class _Type:
    kind: FieldKind
    type: str
    native: str | None
    serial: bool = False
    enum: Enum | None = None


def _column_type(ctx: ColumnContext, key: str, file: str, builder: Call) -> _Type:
    name = builder.name if "." in builder.callee else ctx.symbols.canonical(file, builder.name)
    config = next((a for a in builder.args if a.kind is ExprKind.OBJECT), None)
    enum = ctx.enums.get(name)
    if enum is not None:
        return _Type(FieldKind.ENUM, enum.name, None)
    if name == "mysqlEnum":
        values = next((a for a in builder.args if a.kind is ExprKind.ARRAY), None)
        inline = Enum(
            name=f"{ctx.table}_{key}",
            values=[v for v in (string_of(i) for i in (values.items if values else [])) if v],
            file=ctx.file,
            line=builder.line,
        )
        return _Type(FieldKind.ENUM, inline.name, None, enum=inline)
    sql_type = _custom_sql_type(ctx.symbols, file, name)
    if sql_type is not None:
        scalar = _SQL_TYPES.get(sql_type.split("(", 1)[0].strip().lower())
        if scalar is None:
            return _Type(FieldKind.UNSUPPORTED, f'Unsupported("{sql_type}")', sql_type)
        return _Type(FieldKind.SCALAR, scalar, sql_type)
    scalar = _DIALECT_TYPES.get((ctx.dialect, name)) or SCALAR_TYPES.get(name)
    if scalar is None:
        if name not in _UNSUPPORTED:
            ctx.error(
                f"column `{key}` of `{ctx.table}`: unknown column builder `{name}()`", builder.line
            )
        return _Type(FieldKind.UNSUPPORTED, f'Unsupported("{name}")', _native(name, config))
    mode = string_of(pair_value(config, "mode"))
    if mode in _MODE_TYPES and name in ("integer", "int", "text", "blob"):
        scalar = _MODE_TYPES[mode]
    return _Type(FieldKind.SCALAR, scalar, _native(name, config), serial=name in _SERIALS)


def _references(ctx: ColumnContext, key: str, file: str, call: Call) -> ForeignKey | None:
    target = call.args[0] if call.args else None
    body = ctx.symbols.returned(file, target.func) if target is not None else None
    path = body.paths[0] if body is not None and len(body.paths) == 1 else ""
    segments = path.split(".")
    if body is None or body.kind is not ExprKind.MEMBER or len(segments) < 2:
        what = f"what `{target.text}` references" if target is not None else "what it references"
        ctx.error(f"column `{key}` of `{ctx.table}`: cannot tell {what}", call.line)
        return None
    table = segments[-2] if len(segments) > 2 else ctx.symbols.canonical(file, segments[0])
    options = call.args[1] if len(call.args) > 1 else None
    return ForeignKey(
        fields=[key],
        target=table,
        references=[segments[-1]],
        on_delete=normalize_action(string_of(pair_value(options, "onDelete"))),
        on_update=normalize_action(string_of(pair_value(options, "onUpdate"))),
        line=call.line,
    )


def read_column(ctx: ColumnContext, key: str, value: Ref) -> Column | None:
    """The field of `key: <builder chain>`; None (with an error) when no builder can be read."""
    built = column_chain(ctx.symbols, value)
    chain = built.calls
    if not chain or not chain[-1][1].name.replace("$", "_").isidentifier():
        ctx.error(
            f"column `{key}` of `{ctx.table}`: cannot read a column builder from "
            f"`{value.expr.text}`",
            value.expr.line,
        )
        return None
    builder_file, builder = chain[-1]
    column_type = _column_type(ctx, key, builder_file, builder)
    db_name = next(
        (v for v in (string_of(built.argument(a)) for a in builder.args[:1]) if v is not None), None
    )
    is_id = unique = updated_at = is_list = False
    autoincrement = column_type.serial
    not_null = column_type.serial  # a serial column is NOT NULL
    default: str | None = None
    listed: Expr | None = None  # an array given as the default of an `.array()` column
    client_default: str | None = None
    foreign_key: ForeignKey | None = None
    for file, call in reversed(chain[:-1]):
        method = call.name
        first = call.args[0] if call.args else None
        not_null = not_null or method in _NOT_NULL
        autoincrement = autoincrement or method in _AUTOINCREMENT
        updated_at = updated_at or method in _ON_UPDATE
        unique = unique or method == "unique"
        is_list = is_list or method == "array"
        if method == "primaryKey":
            is_id = True
            flag = pair_value(first, "autoIncrement")
            autoincrement = autoincrement or (flag is not None and flag.text == "true")
        elif method == "default" and first is not None:
            default = default_text(ctx.symbols, file, first, builder.name, ctx.dialect)
            listed = first if first.kind is ExprKind.ARRAY else None
        elif method == "defaultNow":
            default = "now()"
        elif method == "defaultRandom":
            default = "gen_random_uuid()"
        elif method in _DEFAULT_FNS:  # computed by Drizzle in the client, not a database default
            client_default = " ".join((first.text if first is not None else method).split())[:200]
        elif method == "references":
            foreign_key = _references(ctx, key, file, call) or foreign_key
    if is_list and listed is not None and ctx.dialect == "pg":
        default = _array_literal(listed) or default
    if default is None and autoincrement:
        default = "autoincrement()"
    field = Field(
        name=key,
        type=column_type.type,
        kind=column_type.kind,
        list=is_list,
        optional=not (not_null or is_id),
        id=is_id,
        unique=unique,
        updated_at=updated_at,
        default=default,
        client_default=client_default,
        db_name=db_name,
        native_type=column_type.native,
        line=value.expr.line,
    )
    return Column(field=field, foreign_key=foreign_key, enum=column_type.enum)
