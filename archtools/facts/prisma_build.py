"""Prisma syntax trees to the Schema facts, with the semantics of Prisma's DMMF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from archtools.errors import ParseError
from archtools.facts.schema import Enum, Field, FieldKind, Model, Orm, Relation, Schema
from archtools.parse.prisma_ast import (
    Attribute,
    BlockDecl,
    Call,
    ConfigDecl,
    FieldDecl,
    FileAst,
    Literal,
    Value,
    path_names,
    source_text,
    value_text,
)

_GROUP_TAG = re.compile(r"@group\s+(\S+)")
_KIND_OF_BLOCK = {
    "model": FieldKind.RELATION,
    "view": FieldKind.RELATION,
    "type": FieldKind.COMPOSITE,
    "enum": FieldKind.ENUM,
}


def _literal(value: Value | None) -> str | None:
    """The text of a string, number or constant argument; None for calls, arrays and absence."""
    return value.value if isinstance(value, Literal) else None


def _first(attributes: list[Attribute] | tuple[Attribute, ...]) -> dict[str, Attribute]:
    """Attributes by name; Prisma rejects repeats, the first one wins here."""
    by_name: dict[str, Attribute] = {}
    for attribute in attributes:
        by_name.setdefault(attribute.name, attribute)
    return by_name


@dataclass
class _Context:
    """What every block needs from the whole schema."""

    multi_file: bool
    emulated_relations: bool  # no foreign keys: relationMode "prisma", or MongoDB
    kinds: dict[str, FieldKind] = field(default_factory=dict)
    views: set[str] = field(default_factory=set)
    errors: list[ParseError] = field(default_factory=list)


def _datasource(files: list[tuple[str, FileAst]], errors: list[ParseError]) -> ConfigDecl | None:
    found: tuple[str, ConfigDecl] | None = None
    for path, ast in files:
        for config in ast.configs:
            if config.keyword != "datasource":
                continue
            if found is None:
                found = (path, config)
                continue
            where = f"{found[0]}:{found[1].line}"
            errors.append(
                ParseError(
                    f"a second datasource `{config.name}`: a schema has exactly one "
                    f"(`{found[1].name}` is at {where})",
                    path,
                    config.line,
                    config.column,
                )
            )
    return found[1] if found else None


def _group(doc: str | None, path: str, multi_file: bool) -> str | None:
    for line in (doc or "").split("\n"):
        match = _GROUP_TAG.match(line.strip())
        if match:
            return match.group(1)
    return PurePosixPath(path).stem if multi_file else None


def _native_type(attributes: list[Attribute]) -> str | None:
    native = next((a for a in attributes if "." in a.name), None)
    if native is None:
        return None
    name = native.name.split(".", 1)[1]
    return source_text(Call(name, native.args)) if native.args else name


def _relation(block: BlockDecl, decl: FieldDecl, ctx: _Context) -> Relation:
    attribute = _first(decl.attributes).get("relation")
    target = decl.type.name
    name = _literal(attribute.arg("name", 0)) if attribute else None
    if name is None:
        name = "To".join(sorted((block.name, target)))
    on_delete = attribute.arg("onDelete") if attribute else None
    on_update = attribute.arg("onUpdate") if attribute else None
    return Relation(
        name=name,
        fields=path_names(attribute.arg("fields")) if attribute else [],
        references=path_names(attribute.arg("references")) if attribute else [],
        on_delete=value_text(on_delete) if on_delete is not None else None,
        on_update=value_text(on_update) if on_update is not None else None,
        enforced=not (ctx.emulated_relations or block.keyword == "view" or target in ctx.views),
    )


def _field(block: BlockDecl, decl: FieldDecl, path: str, ctx: _Context) -> Field:
    declared = decl.type
    if declared.is_list and declared.optional:
        ctx.errors.append(
            ParseError(
                f"lists cannot be optional: write `{declared.name}[]` or `{declared.name}?`",
                path,
                decl.line,
                decl.column,
            )
        )
    if declared.unsupported:
        kind, type_name = FieldKind.UNSUPPORTED, f"Unsupported({declared.name})"
    else:
        kind, type_name = ctx.kinds.get(declared.name, FieldKind.SCALAR), declared.name
    by_name = _first(decl.attributes)
    relation = _relation(block, decl, ctx) if kind is FieldKind.RELATION else None
    # Relation fields carry no keys, defaults or column names; composite type fields no keys.
    plain = relation is None
    keyed = plain and block.keyword != "type"
    is_id = keyed and "id" in by_name
    default = by_name["default"].arg("value", 0) if plain and "default" in by_name else None
    mapped = by_name["map"].arg("name", 0) if plain and "map" in by_name else None
    return Field(
        name=decl.name,
        type=type_name,
        kind=kind,
        list=declared.is_list,
        optional=declared.optional and not declared.is_list,
        id=is_id,
        unique=keyed and "unique" in by_name and not is_id,
        updated_at=keyed and "updatedAt" in by_name,
        default=value_text(default) if default is not None else None,
        db_name=_literal(mapped),
        native_type=_native_type(decl.attributes) if plain else None,
        doc=decl.doc,
        relation=relation,
        line=decl.line,
    )


def _model(block: BlockDecl, path: str, ctx: _Context) -> Model | None:
    block_attributes = _first(block.attributes)
    if "ignore" in block_attributes:
        return None  # DMMF leaves out @@ignore'd models and views
    in_type = block.keyword == "type"
    fields: list[Field] = []
    seen: dict[str, FieldDecl] = {}
    primary_key: list[str] | None = None
    unique: list[tuple[int, int, list[str]]] = []
    for decl in block.fields:
        first = seen.setdefault(decl.name, decl)
        if first is not decl:
            ctx.errors.append(
                ParseError(
                    f"field `{decl.name}` is already defined in {block.keyword} `{block.name}` "
                    f"(line {first.line})",
                    path,
                    decl.line,
                    decl.column,
                )
            )
            continue
        made = _field(block, decl, path, ctx)
        if any(a.name == "ignore" for a in decl.attributes):
            continue  # DMMF leaves out @ignore'd fields
        fields.append(made)
        if made.id and primary_key is None:
            primary_key = [made.name]
        if made.kind is not FieldKind.RELATION and not in_type:
            marker = _first(decl.attributes).get("unique")
            if marker is not None:
                unique.append((marker.line, marker.column, [made.name]))
    indexes: list[list[str]] = []
    index_lines: list[int | None] = []
    for attribute in block.attributes:
        if in_type:
            break
        columns = path_names(attribute.arg("fields", 0))
        if attribute.name == "id" and primary_key is None:
            primary_key = columns
        elif attribute.name == "unique":
            unique.append((attribute.line, attribute.column, columns))
        elif attribute.name == "index":
            indexes.append(columns)
            index_lines.append(attribute.line)
    fields = _single_field_keys(fields, primary_key, [columns for _, _, columns in unique])
    mapped = block_attributes.get("map")
    return Model(
        name=block.name,
        db_name=_literal(mapped.arg("name", 0)) if mapped and not in_type else None,
        file=path,
        line=block.line,
        doc=block.doc,
        fields=fields,
        primary_key=primary_key,
        unique=[columns for _, _, columns in sorted(unique, key=lambda u: (u[0], u[1]))],
        indexes=indexes,
        index_lines=index_lines,
        kind=block.keyword,
        group=_group(block.doc, path, ctx.multi_file),
    )


def _single_field_keys(
    fields: list[Field], primary_key: list[str] | None, unique: list[list[str]]
) -> list[Field]:
    """`@@id([a])` and `@@unique([a])` mark field `a` as the id or unique, as `@id`/`@unique` do
    (the DMMF's isId and isUnique)."""
    single_id = primary_key[0] if primary_key is not None and len(primary_key) == 1 else None
    single_unique = {columns[0] for columns in unique if len(columns) == 1}
    out = []
    for made in fields:
        if made.kind is not FieldKind.RELATION:
            is_id = made.id or made.name == single_id
            is_unique = made.unique or (made.name in single_unique and not made.id)
            if (is_id, is_unique) != (made.id, made.unique):
                made = made.model_copy(update={"id": is_id, "unique": is_unique})
        out.append(made)
    return out


def _enum(block: BlockDecl, path: str, ctx: _Context) -> Enum:
    values: list[str] = []
    value_db_names: dict[str, str] = {}
    seen: set[str] = set()
    for value in block.values:
        if value.name in seen:
            ctx.errors.append(
                ParseError(
                    f"value `{value.name}` is already defined in enum `{block.name}`",
                    path,
                    value.line,
                    value.column,
                )
            )
            continue
        values.append(value.name)
        seen.add(value.name)
        value_map = _first(list(value.attributes)).get("map")
        value_db_name = _literal(value_map.arg("name", 0)) if value_map else None
        if value_db_name is not None:
            value_db_names[value.name] = value_db_name
    mapped = _first(block.attributes).get("map")
    return Enum(
        name=block.name,
        values=values,
        value_db_names=value_db_names,
        doc=block.doc,
        db_name=_literal(mapped.arg("name", 0)) if mapped else None,
        file=path,
        line=block.line,
    )


def build_schema(
    paths: list[str], files: list[tuple[str, FileAst]], errors: list[ParseError]
) -> Schema:
    """One Schema from the parsed files (in path order); semantic errors go to `errors`."""
    datasource = _datasource(files, errors)
    provider = _literal(datasource.get("provider")) if datasource else None
    relation_mode = None
    if datasource is not None:
        relation_mode = _literal(datasource.get("relationMode")) or _literal(
            datasource.get("referentialIntegrity")
        )
    ctx = _Context(
        multi_file=len(paths) > 1,
        emulated_relations=relation_mode == "prisma" or provider == "mongodb",
        errors=errors,
    )
    blocks: list[tuple[str, BlockDecl]] = []
    where: dict[str, str] = {}
    for path, ast in files:
        for block in ast.blocks:
            if block.name in ctx.kinds:
                errors.append(
                    ParseError(
                        f"`{block.name}` is already defined at {where[block.name]}",
                        path,
                        block.line,
                        block.column,
                    )
                )
                continue
            ctx.kinds[block.name] = _KIND_OF_BLOCK[block.keyword]
            where[block.name] = f"{path}:{block.line}"
            if block.keyword == "view":
                ctx.views.add(block.name)
            blocks.append((path, block))
    models: list[Model] = []
    enums: list[Enum] = []
    for path, block in blocks:
        if block.keyword == "enum":
            enums.append(_enum(block, path, ctx))
        else:
            model = _model(block, path, ctx)
            if model is not None:
                models.append(model)
    return Schema(
        orm=Orm.PRISMA,
        provider=provider,
        sources=sorted(paths),
        models=models,
        enums=enums,
        relation_mode=relation_mode,
    )
