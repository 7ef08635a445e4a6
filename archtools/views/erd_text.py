"""Text serializers of the ERD: Mermaid erDiagram and DBML (dbdiagram.io)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection

from archtools.facts.schema import Field, FieldKind, Model, Schema
from archtools.views.erd_model import (
    End,
    RelationEdge,
    assign_clusters,
    field_markers,
    is_key_field,
    relation_edges,
    select_models,
)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MERMAID_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_\-\[\]()]*\Z")
_MERMAID_LEFT = {End.ONE: "||", End.ZERO_OR_ONE: "|o", End.MANY: "}o"}
_MERMAID_RIGHT = {End.ONE: "||", End.ZERO_OR_ONE: "o|", End.MANY: "o{"}
_MERMAID_KEYS = {"PK": "PK", "FK": "FK", "UQ": "UK"}


def _safe_name(name: str) -> str:
    """A plain identifier for a schema name; odd names get a short hash to stay distinct."""
    if _IDENT.match(name):
        return name
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not cleaned[:1].isalpha() and not cleaned.startswith("_"):
        cleaned = "_" + cleaned
    return f"{cleaned}_{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"


def _mermaid_type(field: Field) -> str:
    text = field.type + ("[]" if field.list else "")
    return text if _MERMAID_TYPE.match(text) else _safe_name(text).lstrip("_") or "unknown"


def _mermaid_label(edge: RelationEdge) -> str:
    side = edge.parent_field if edge.many_to_many else edge.child_field
    text = edge.name or side or edge.parent_field or "relation"
    return re.sub(r"[^A-Za-z0-9_ .:\-]", "_", text)


def _mermaid_attribute(field: Field, marks: list[str]) -> str:
    parts = [_mermaid_type(field), _safe_name(field.name)]
    keys = [_MERMAID_KEYS[m] for m in marks if m in _MERMAID_KEYS]
    if keys:
        parts.append(", ".join(keys))
    if field.optional:
        parts.append('"nullable"')
    return " ".join(parts)


def erd_mermaid(
    schema: Schema,
    *,
    focus: str | None = None,
    depth: int = 1,
    hide_scalars: bool = False,
    overview: bool = False,
    clusters: bool | dict[str, str] = True,
    groups: set[str] | None = None,
) -> str:
    """The ERD as a Mermaid `erDiagram` (relation fields become relationship lines)."""
    cluster_of = assign_clusters(schema, clusters)
    models = select_models(schema, focus=focus, depth=depth, groups=groups, cluster_of=cluster_of)
    return mermaid_text(schema, models, hide_scalars=hide_scalars, overview=overview)


def mermaid_text(
    schema: Schema,
    models: Collection[Model],
    *,
    hide_scalars: bool = False,
    overview: bool = False,
    context: bool = False,
) -> str:
    """`models` as a Mermaid `erDiagram`; with `context`, the models they relate to are drawn too,
    as bare names, with the relationship lines that cross to them."""
    names = {m.name for m in models}
    edges = [
        edge
        for edge in relation_edges(schema)
        if (edge.parent in names and edge.child in names)
        or (context and (edge.parent in names or edge.child in names))
    ]
    bare = sorted({end for edge in edges for end in (edge.parent, edge.child)} - names)
    lines = ["erDiagram"]
    for model in models:
        if overview:
            lines.append(f"    {_safe_name(model.name)}")
            continue
        markers = field_markers(model)
        attributes = [
            _mermaid_attribute(field, markers[field.name])
            for field in model.fields
            if field.kind is not FieldKind.RELATION
            and (not hide_scalars or is_key_field(field, markers))
        ]
        if not attributes:
            lines.append(f"    {_safe_name(model.name)}")
            continue
        lines.append(f"    {_safe_name(model.name)} {{")
        lines += [f"        {attribute}" for attribute in attributes]
        lines.append("    }")
    lines += [f"    {_safe_name(name)}" for name in bare]
    for edge in edges:
        line = "--" if edge.enforced else ".."
        lines.append(
            f"    {_safe_name(edge.parent)} {_MERMAID_LEFT[edge.parent_end]}{line}"
            f"{_MERMAID_RIGHT[edge.child_end]} {_safe_name(edge.child)}"
            f' : "{_mermaid_label(edge)}"'
        )
    return "\n".join(lines) + "\n"


# --- DBML -------------------------------------------------------------------------------------

_DBML_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\(\d+(,\d+)*\))?(\[\])?\Z")
_DBML_ACTIONS = {
    "cascade": "cascade",
    "restrict": "restrict",
    "noaction": "no action",
    "setnull": "set null",
    "setdefault": "set default",
}
_GENERATED = ("autoincrement()", "sequence()")
_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _dbml_name(name: str) -> str:
    if _IDENT.match(name):
        return name
    return '"' + _CONTROL.sub(" ", name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dbml_string(text: str) -> str:
    flat = _CONTROL.sub(" ", text)
    return "'" + flat.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _table_name(model: Model) -> str:
    return model.db_name or model.name


def _column_name(model: Model, name: str) -> str:
    field = model.field(name)
    return field.db_name or field.name if field is not None else name


def _dbml_type(field: Field, schema: Schema) -> str:
    if field.kind is FieldKind.ENUM and (enum := schema.enum(field.type)) is not None:
        base = enum.db_name or enum.name
    elif field.native_type:
        base = field.native_type.removeprefix("@db.").replace(" ", "")
    else:
        base = field.type
    text = base + ("[]" if field.list else "")
    return text if _DBML_TYPE.match(text) else _dbml_name(text)


def _dbml_default(default: str) -> str:
    text = default.strip()
    if text in ("true", "false", "null") or _NUMBER.match(text):
        return text
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return _dbml_string(text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == "'" and "'" not in text[1:-1].replace("''", ""):
        return _dbml_string(text[1:-1].replace("''", "'"))  # an SQL literal (Drizzle defaults)
    if "(" in text or "::" in text:
        return "`" + text.replace("`", "'") + "`"
    return _dbml_string(text)


def _dbml_column(model: Model, field: Field, marks: list[str], schema: Schema) -> str:
    settings: list[str] = []
    if field.id or model.primary_key == [field.name]:
        settings.append("pk")
    if field.default is not None and field.default.strip() in _GENERATED:
        settings.append("increment")
    if "UQ" in marks:
        settings.append("unique")
    if not field.optional and "pk" not in settings:
        settings.append("not null")
    if field.default is not None and field.default.strip() not in _GENERATED:
        settings.append("default: " + _dbml_default(field.default))
    if field.doc:
        settings.append("note: " + _dbml_string(field.doc))
    column = f"  {_dbml_name(field.db_name or field.name)} {_dbml_type(field, schema)}"
    return column + (f" [{', '.join(settings)}]" if settings else "")


def _dbml_columns(model: Model, columns: list[str]) -> str:
    names = [_dbml_name(_column_name(model, c)) for c in columns]
    return names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"


def _dbml_table(model: Model, schema: Schema) -> list[str]:
    markers = field_markers(model)
    lines = [f"Table {_dbml_name(_table_name(model))} {{"]
    lines += [
        _dbml_column(model, field, markers[field.name], schema)
        for field in model.fields
        if field.kind is not FieldKind.RELATION
    ]
    indexes: list[str] = []
    if model.primary_key and len(model.primary_key) > 1:
        indexes.append(f"    {_dbml_columns(model, model.primary_key)} [pk]")
    indexes += [f"    {_dbml_columns(model, key)} [unique]" for key in model.unique if len(key) > 1]
    indexes += [f"    {_dbml_columns(model, key)}" for key in model.indexes if key]
    if indexes:
        lines += ["", "  indexes {", *indexes, "  }"]
    notes = [model.doc] if model.doc else []
    if model.kind == "view":
        notes.append("database view")
    if model.db_name and model.db_name != model.name:
        notes.append(f"model {model.name}")
    if notes:
        lines += ["", f"  Note: {_dbml_string('; '.join(notes))}"]
    lines.append("}")
    return lines


def _dbml_ref(edge: RelationEdge, schema: Schema) -> str | None:
    parent, child = schema.model(edge.parent), schema.model(edge.child)
    if parent is None or child is None:
        return None
    if edge.many_to_many:
        if not parent.primary_key and not any(f.id for f in parent.fields):
            return None
        if not child.primary_key and not any(f.id for f in child.fields):
            return None
        parent_pk = parent.primary_key or [f.name for f in parent.fields if f.id]
        child_pk = child.primary_key or [f.name for f in child.fields if f.id]
        left = f"{_dbml_name(_table_name(parent))}.{_dbml_columns(parent, parent_pk)}"
        right = f"{_dbml_name(_table_name(child))}.{_dbml_columns(child, child_pk)}"
        return f"Ref: {left} <> {right}"
    if not edge.child_columns or not edge.parent_columns:
        return None
    left = f"{_dbml_name(_table_name(child))}.{_dbml_columns(child, list(edge.child_columns))}"
    right = f"{_dbml_name(_table_name(parent))}.{_dbml_columns(parent, list(edge.parent_columns))}"
    op = "-" if edge.child_end is not End.MANY else ">"
    name = f" {edge.name}" if edge.name and _IDENT.match(edge.name) else ""
    settings = []
    action = _DBML_ACTIONS.get((edge.on_delete or "").lower())
    if action:
        settings.append(f"delete: {action}")
    suffix = f" [{', '.join(settings)}]" if settings else ""
    return f"Ref{name}: {left} {op} {right}{suffix}"


DBML_STUB_NOTE = "referenced here; described with its own domain cluster"


def _neighbour_columns(schema: Schema, names: set[str]) -> dict[str, set[str]]:
    """The models outside `names` that their relations reach, with the fields those references use
    (and the primary key), so that a part's every Ref resolves."""
    found: dict[str, set[str]] = {}
    for edge in relation_edges(schema):
        for inside, outside, columns in (
            (edge.child, edge.parent, edge.parent_columns),
            (edge.parent, edge.child, edge.child_columns),
        ):
            model = schema.model(outside)
            if inside in names and outside not in names and model is not None:
                keys = model.primary_key or [f.name for f in model.fields if f.id]
                found.setdefault(outside, set()).update(columns, keys)
    return found


def _dbml_stub(model: Model, columns: set[str], schema: Schema) -> list[str]:
    markers = field_markers(model)
    lines = [f"Table {_dbml_name(_table_name(model))} {{"]
    lines += [
        _dbml_column(model, field, markers[field.name], schema)
        for field in model.fields
        if field.name in columns and field.kind is not FieldKind.RELATION
    ]
    lines += ["", f"  Note: {_dbml_string(DBML_STUB_NOTE)}", "}"]
    return lines


def _table_groups(schema: Schema, tables: list[Model]) -> list[list[str]]:
    cluster_of = assign_clusters(schema, True)
    members: dict[str, list[str]] = {}
    for model in tables:
        if model.name in cluster_of:
            members.setdefault(cluster_of[model.name], []).append(_dbml_name(_table_name(model)))
    if len(members) < 2:
        return []
    return [
        [f"TableGroup {_dbml_name(label)} {{", *(f"  {name}" for name in names), "}"]
        for label, names in sorted(members.items())
    ]


def erd_dbml(schema: Schema, *, tables: Collection[str] | None = None) -> str:
    """The schema as DBML: enums, tables (database names), indexes, references and, for a clustered
    schema, one TableGroup per domain cluster. `tables` keeps those models and their references;
    the models they reach outside `tables` appear with only the referenced fields."""
    own = set(tables) if tables is not None else None
    stubs = _neighbour_columns(schema, own) if own is not None else {}
    models = sorted(
        (
            m
            for m in schema.models
            if m.kind != "type" and (own is None or m.name in own or m.name in stubs)
        ),
        key=lambda m: m.name,
    )
    used_enums = {f.type for m in models for f in m.fields if f.kind is FieldKind.ENUM}
    blocks: list[list[str]] = []
    for enum in sorted(schema.enums, key=lambda e: e.name):
        if own is not None and enum.name not in used_enums:
            continue
        values = [f"  {_dbml_name(value)}" for value in enum.values]
        blocks.append([f"Enum {_dbml_name(enum.db_name or enum.name)} {{", *values, "}"])
    blocks += [
        _dbml_stub(model, stubs[model.name], schema)
        if model.name in stubs
        else _dbml_table(model, schema)
        for model in models
    ]
    refs = [
        ref
        for edge in relation_edges(schema)
        if (own is None or edge.parent in own or edge.child in own)
        and (ref := _dbml_ref(edge, schema))
    ]
    if refs:
        blocks.append(refs)
    if own is None:
        blocks += _table_groups(schema, models)
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
