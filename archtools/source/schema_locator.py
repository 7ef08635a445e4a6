"""Where a package keeps its data schema: Prisma schema files and the Drizzle config."""

from __future__ import annotations

import posixpath
from collections.abc import Set

from pydantic import BaseModel, ConfigDict

from archtools.source.configtext import (
    parse_json_object,
    read_string_or_list_property,
    read_string_property,
    strip_comments,
)
from archtools.source.globs import Globs
from archtools.source.reading import RepoFS, join_rel, normalize_rel
from archtools.source.workspaces import PackageManifest

PRISMA_CONFIG_NAMES = tuple(
    f"prisma.config.{ext}" for ext in ("ts", "mts", "cts", "js", "mjs", "cjs")
)
DRIZZLE_CONFIG_NAMES = tuple(
    f"drizzle.config.{ext}" for ext in ("ts", "mts", "cts", "js", "mjs", "cjs", "json")
)
_DRIZZLE_SCHEMA_EXTENSIONS = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")
_GLOB_CHARS = frozenset("*?[{")


class DrizzleConfig(BaseModel):
    """A drizzle.config.* read as text. Paths are repo-relative; patterns keep their globs."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    path: str
    schema_patterns: list[str] = []
    schema_files: list[str] = []  # loaded files the patterns match
    out: str | None = None
    dialect: str | None = None


def locate_prisma_schemas(
    fs: RepoFS,
    package_dir: str,
    manifest: PackageManifest | None,
    files: Set[str],
    dirs: Set[str],
) -> list[str]:
    """The .prisma files of the package at `package_dir`: configured location, else defaults."""
    configured: list[str] = []
    if manifest is not None:
        prisma = manifest.data.get("prisma")
        if isinstance(prisma, dict) and isinstance(prisma.get("schema"), str):
            configured.append(prisma["schema"])
    for name in PRISMA_CONFIG_NAMES:
        config_path = join_rel(package_dir, name)
        if config_path is None or config_path not in files:
            continue
        text = fs.try_read_text(config_path)
        schema = read_string_property(strip_comments(text), "schema") if text else None
        if schema is not None:
            configured.append(schema)
    for location in [*configured, "schema.prisma", "prisma/schema.prisma", "prisma/schema"]:
        target = join_rel(package_dir, location)
        if target is None:
            continue
        found = _prisma_files_at(target, files, dirs)
        if found:
            return found
    for location in configured:
        # the configured schema is generated at build time (absent from the repository) from
        # the .prisma files kept beside it (`schema.full.prisma` next to `schema.prisma`)
        target = join_rel(package_dir, location)
        if target is None or not target.endswith(".prisma"):
            continue
        folder = posixpath.dirname(target)
        beside = sorted(
            f for f in files if f.endswith(".prisma") and posixpath.dirname(f) == folder
        )
        if beside:
            return beside
    return []


def find_prisma_schemas(package_dir: str, files: Set[str], other_packages: Set[str]) -> list[str]:
    """The .prisma files of a package that uses Prisma but keeps its schema where neither its
    manifest nor a prisma.config says (the path is passed to the CLI as `--schema` in a script or a
    task file): the package's own .prisma files, when they all sit in one folder (one schema, or
    the files of a multi-file one). Files of nested packages are theirs, not this one's."""
    prefix = "" if package_dir in ("", ".") else package_dir.rstrip("/") + "/"
    nested = [d.rstrip("/") + "/" for d in other_packages if d not in ("", ".")]
    found = sorted(
        f
        for f in files
        if f.endswith(".prisma")
        and f.startswith(prefix)
        and "node_modules/" not in f
        and not any(f.startswith(d) for d in nested if d.startswith(prefix) and d != prefix)
    )
    folders = {posixpath.dirname(f) for f in found}
    return found if len(folders) == 1 else []


def _prisma_files_at(target: str, files: Set[str], dirs: Set[str]) -> list[str]:
    if target in dirs:
        prefix = "" if target == "." else target + "/"
        return sorted(f for f in files if f.startswith(prefix) and f.endswith(".prisma"))
    return [target] if target in files and target.endswith(".prisma") else []


def read_drizzle_config(
    fs: RepoFS, package_dir: str, files: Set[str], dirs: Set[str]
) -> DrizzleConfig | None:
    """The Drizzle config of the package at `package_dir`, without executing it."""
    config_path = _find_drizzle_config(package_dir, files)
    if config_path is None:
        return None
    text = fs.try_read_text(config_path)
    if text is None:
        return DrizzleConfig(path=config_path)
    schema: list[str] | None
    out: str | None
    dialect: str | None
    if config_path.endswith(".json"):
        data = parse_json_object(text) or {}
        raw = data.get("schema")
        schema = [raw] if isinstance(raw, str) else None
        if isinstance(raw, list):
            schema = [s for s in raw if isinstance(s, str)]
        out = data.get("out") if isinstance(data.get("out"), str) else None
        dialect = data.get("dialect") if isinstance(data.get("dialect"), str) else None
    else:
        code = strip_comments(text)
        schema = read_string_or_list_property(code, "schema")
        out = read_string_property(code, "out")
        dialect = read_string_property(code, "dialect")
    patterns = [p for p in (join_rel(package_dir, s) for s in schema or []) if p is not None]
    return DrizzleConfig(
        path=config_path,
        schema_patterns=patterns,
        schema_files=_match_schema_files(patterns, files, dirs),
        out=join_rel(package_dir, out) if out else None,
        dialect=dialect,
    )


def _find_drizzle_config(package_dir: str, files: Set[str]) -> str | None:
    for name in DRIZZLE_CONFIG_NAMES:
        candidate = join_rel(package_dir, name)
        if candidate is not None and candidate in files:
            return candidate
    prefix = "" if package_dir == "." else package_dir + "/"
    others = sorted(
        f
        for f in files
        if f.startswith(prefix)
        and "/" not in f[len(prefix) :]
        and f[len(prefix) :].startswith("drizzle")
        and ".config." in f[len(prefix) :]
    )
    return others[0] if others else None


def _match_schema_files(patterns: list[str], files: Set[str], dirs: Set[str]) -> list[str]:
    matched: set[str] = set()
    for pattern in patterns:
        if not any(c in _GLOB_CHARS for c in pattern):
            norm = normalize_rel(pattern.rstrip("/")) or "."
            if norm in dirs:
                prefix = "" if norm == "." else norm + "/"
                matched.update(
                    f
                    for f in files
                    if f.startswith(prefix) and f.endswith(_DRIZZLE_SCHEMA_EXTENSIONS)
                )
            elif norm in files:
                matched.add(norm)
            continue
        matched.update(Globs([pattern]).filter(files))
    return sorted(matched)
