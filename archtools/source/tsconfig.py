"""tsconfig.json / jsconfig.json: read as JSONC, follow `extends`, merge compiler options."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from archtools.source.configtext import parse_json_object
from archtools.source.reading import RepoFS, join_rel, normalize_rel, parent_rel

_MAX_CHAIN = 16  # depth of nested extends
_MAX_FILES = 64  # files read for one tsconfig


class TsConfig(BaseModel):
    """The merged options of one tsconfig. Paths are repo-relative; None means "not set"."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    path: str
    chain: list[str]  # the files read, this one first, then what it extends (depth first)
    base_url: str | None = None
    paths: dict[str, list[str]] = {}
    strict: bool | None = None
    strict_null_checks: bool | None = None
    no_implicit_any: bool | None = None
    notes: list[str] = []  # extends that could not be followed, unreadable files


class _Merged:
    """Compiler options as they accumulate over an extends chain, bases first."""

    def __init__(self) -> None:
        self.base_url: str | None = None
        self.paths: dict[str, list[str]] | None = None
        self.paths_dir: str = "."
        self.flags: dict[str, bool] = {}


def load_tsconfig(
    fs: RepoFS, path: str, workspace_packages: Mapping[str, str] | None = None
) -> TsConfig | None:
    """Read the tsconfig at repo-relative `path`; None when it cannot be read as a JSON object."""
    text = fs.try_read_text(path)
    data = parse_json_object(text) if text is not None else None
    if data is None:
        return None
    merged = _Merged()
    chain: list[str] = []
    notes: list[str] = []
    _apply(fs, path, data, merged, chain, notes, workspace_packages or {}, depth=0)
    paths: dict[str, list[str]] = {}
    if merged.paths is not None:
        target_base = merged.base_url if merged.base_url is not None else merged.paths_dir
        for pattern, targets in merged.paths.items():
            resolved = [t for t in (join_rel(target_base, x) for x in targets) if t is not None]
            if resolved:
                paths[pattern] = resolved
    return TsConfig(
        path=path,
        chain=chain,
        base_url=merged.base_url,
        paths=paths,
        strict=merged.flags.get("strict"),
        strict_null_checks=merged.flags.get("strictNullChecks"),
        no_implicit_any=merged.flags.get("noImplicitAny"),
        notes=notes,
    )


def _apply(
    fs: RepoFS,
    path: str,
    data: dict[str, Any],
    merged: _Merged,
    chain: list[str],
    notes: list[str],
    workspace_packages: Mapping[str, str],
    depth: int,
) -> None:
    """Apply the bases named by `extends` (in order), then this file's own options on top."""
    if path in chain:
        notes.append(f"{path}: extends cycle, not followed again")
        return
    if len(chain) >= _MAX_FILES:
        notes.append(f"{path}: more than {_MAX_FILES} files extended, stopped")
        return
    chain.append(path)
    config_dir = parent_rel(path)
    extends = data.get("extends")
    bases = [extends] if isinstance(extends, str) else extends if isinstance(extends, list) else []
    for spec in bases:
        if not isinstance(spec, str):
            continue
        if depth >= _MAX_CHAIN:
            notes.append(f"{path}: extends chain deeper than {_MAX_CHAIN}, stopped")
            break
        base_path = _resolve_extends(fs, config_dir, spec, workspace_packages)
        if base_path is None:
            notes.append(f"{path}: extends {spec!r} not found in the repository, skipped")
            continue
        text = fs.try_read_text(base_path)
        base = parse_json_object(text) if text is not None else None
        if base is None:
            notes.append(f"{path}: extends {spec!r} ({base_path}) is not readable JSON, skipped")
            continue
        _apply(fs, base_path, base, merged, chain, notes, workspace_packages, depth + 1)
    options = data.get("compilerOptions")
    if not isinstance(options, dict):
        return
    base_url = options.get("baseUrl")
    if isinstance(base_url, str):
        merged.base_url = join_rel(config_dir, base_url)
    paths = options.get("paths")
    if isinstance(paths, dict):
        merged.paths = {
            k: [t for t in v if isinstance(t, str)]
            for k, v in paths.items()
            if isinstance(k, str) and isinstance(v, list)
        }
        merged.paths_dir = config_dir
    for flag in ("strict", "strictNullChecks", "noImplicitAny"):
        value = options.get(flag)
        if isinstance(value, bool):
            merged.flags[flag] = value


def _resolve_extends(
    fs: RepoFS, config_dir: str, spec: str, workspace_packages: Mapping[str, str]
) -> str | None:
    """The repo-relative file an `extends` value names, or None when it is not in the repo."""
    if spec.startswith(("./", "../")) or spec in (".", ".."):
        target = join_rel(config_dir, spec)
        return _probe_config(fs, target) if target is not None else None
    if spec.startswith("/"):
        return None
    name, sub = _split_package(spec)
    if name in workspace_packages:
        found = _probe_package(fs, workspace_packages[name], sub)
        if found is not None:
            return found
    directory = config_dir
    while True:
        package_dir = join_rel(directory, f"node_modules/{name}")
        if package_dir is not None and fs.is_dir(package_dir):
            return _probe_package(fs, package_dir, sub)
        if directory == ".":
            return None
        directory = parent_rel(directory)


def _split_package(spec: str) -> tuple[str, str]:
    parts = spec.split("/")
    count = 2 if spec.startswith("@") else 1
    return "/".join(parts[:count]), "/".join(parts[count:])


def _probe_package(fs: RepoFS, package_dir: str, sub: str) -> str | None:
    if sub:
        target = join_rel(package_dir, sub)
        return _probe_config(fs, target) if target is not None else None
    text = fs.try_read_text(f"{package_dir}/package.json")
    manifest = parse_json_object(text) if text is not None else None
    if manifest is not None and isinstance(manifest.get("tsconfig"), str):
        target = join_rel(package_dir, manifest["tsconfig"])
        if target is not None and fs.is_file(target):
            return target
    candidate = f"{package_dir}/tsconfig.json"
    return candidate if fs.is_file(candidate) else None


def _probe_config(fs: RepoFS, target: str) -> str | None:
    """`target` itself, `target.json`, or `target/tsconfig.json`, whichever is a file."""
    norm = normalize_rel(target)
    if norm is None:
        return None
    candidates = [norm]
    if not norm.endswith(".json"):
        candidates.append(norm + ".json")
    candidates.append(posixpath.join(norm, "tsconfig.json"))
    for candidate in candidates:
        if fs.is_file(candidate):
            return candidate
    return None
