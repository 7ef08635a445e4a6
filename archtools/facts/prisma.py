"""Prisma schemas (one file or a folder of .prisma files) to the Schema facts.

The Schema describes the models as Prisma's DMMF (`prisma generate`'s data model) does:

- Field kinds are resolved once every file is read: a model or view type is a relation, a
  `type` block a composite, an enum an enum, `Unsupported("...")` unsupported (its `type` is
  the source form `Unsupported("circle")`), anything else a scalar, unknown names included.
- A relation without a name gets Prisma's generated one on both sides: the two model names
  sorted and joined by "To" (`PostToUser`). `on_delete` / `on_update` only when written.
  `enforced` is False when no foreign key backs the relation: relationMode "prisma" (or the
  older `referentialIntegrity`), MongoDB, or a view on either side.
- Lists are never optional. @ignore'd fields and @@ignore'd models and views are left out,
  as DMMF leaves them out; `Unsupported` fields stay, with kind "unsupported".
- `primary_key` is the @id field or the @@id fields; `unique` lists @unique fields and
  @@unique field lists in order of appearance; `indexes` lists @@index field lists (@@fulltext
  indexes are not lookups on their columns and are not listed). Field-list arguments such as
  `title(sort: Desc)` or `address.street` give the names `title` and `address.street`.
- `default` is text. Literals are rendered as their value: strings unquoted with escapes
  decoded (a JSON default `"{\\"a\\": 1}"` gives `{"a": 1}`), numbers and booleans as written,
  enum values by name. Functions and lists keep Prisma's source form with normalized spacing:
  `autoincrement()`, `now()`, `cuid()`, `uuid(7)`, `dbgenerated("gen_random_uuid()")`,
  `[1, 2]`, `["a", "b"]` (strings inside keep their quotes).
- `native_type` is the native type attribute without its datasource prefix: `VarChar(255)`,
  `Decimal(10, 2)`, `Text`.
- Documentation is the `///` (and `/* */`) comments attached the way Prisma attaches them,
  lines joined with "\\n"; a trailing `///` comment on a field line is appended.
- `Model.group` is the file stem for a multi-file schema (`billing` for
  prisma/schema/billing.prisma), overridden by a `/// @group NAME` documentation line; None
  for a single file without the tag.

Models (with views and composite types) and enums come in source order, file by file in sorted
path order. A syntax error, a name defined twice, a field or enum value defined twice, an
optional list or a second datasource is a ParseError.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from archtools.errors import InputError, ParseError
from archtools.facts.prisma_build import build_schema
from archtools.facts.schema import Schema
from archtools.parse.prisma_ast import FileAst
from archtools.parse.prisma_syntax import parse_file_ast

__all__ = ["load_schema_path", "parse_prisma", "parse_prisma_file", "prisma_errors_tolerant"]

_SKIPPED_DIRS = frozenset({"node_modules", ".git"})


def prisma_errors_tolerant(sources: Mapping[str, str]) -> tuple[Schema, list[ParseError]]:
    """Parse every file on its own: the Schema of what parses, and the errors in file order."""
    paths = sorted(sources)
    files: list[tuple[str, FileAst]] = []
    errors: list[ParseError] = []
    for path in paths:
        try:
            files.append((path, parse_file_ast(path, sources[path])))
        except ParseError as error:
            errors.append(error)
    schema = build_schema(paths, files, errors)
    order = {path: i for i, path in enumerate(paths)}
    errors.sort(key=lambda e: (order.get(e.file, len(order)), e.line or 0, e.column or 0))
    return schema, errors


def parse_prisma(sources: Mapping[str, str]) -> Schema:
    """One Schema from a schema's files (repo-relative POSIX path -> text); errors raise."""
    schema, errors = prisma_errors_tolerant(sources)
    if errors:
        raise errors[0]
    return schema


def parse_prisma_file(path: str, text: str) -> Schema:
    """The Schema of a single schema file."""
    return parse_prisma({path: text})


def _read(file: Path) -> str:
    try:
        return file.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        raise InputError(f"cannot read {file}: {error.strerror or error}") from None


def load_schema_path(path: Path, root: Path) -> Schema:
    """The Schema of a .prisma file or of a folder of .prisma files, paths relative to `root`."""
    if path.is_dir():
        files = sorted(
            f
            for f in path.rglob("*.prisma")
            if f.is_file() and not _SKIPPED_DIRS.intersection(f.relative_to(path).parts)
        )
        if not files:
            raise InputError(f"no .prisma files in {path}")
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"no such file or folder: {path}")
    sources: dict[str, str] = {}
    for file in files:
        try:
            relative = file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise InputError(f"{file} is outside {root}") from None
        sources[relative] = _read(file)
    return parse_prisma(sources)
