"""Monorepo layout: declared workspace globs and the packages (name -> directory) they match."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from archtools.source.configtext import parse_json_object
from archtools.source.reading import RepoFS, parent_rel
from archtools.yaml_data import safe_load


@dataclass(frozen=True)
class PackageManifest:
    """A package.json of the repo: where it is and what it says."""

    dir: str
    data: dict[str, Any]

    @property
    def name(self) -> str | None:
        name = self.data.get("name")
        return name if isinstance(name, str) and name else None

    def dependency(self, name: str) -> str | None:
        """The version range of `name` in dependencies or devDependencies, as written."""
        for key in ("dependencies", "devDependencies"):
            deps = self.data.get(key)
            if isinstance(deps, dict) and isinstance(deps.get(name), str):
                value: str = deps[name]
                return value
        return None

    def dependency_names(self) -> list[str]:
        names: set[str] = set()
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            deps = self.data.get(key)
            if isinstance(deps, dict):
                names.update(k for k in deps if isinstance(k, str))
        return sorted(names)


def read_manifests(fs: RepoFS, package_json_paths: Iterable[str]) -> dict[str, PackageManifest]:
    """Every readable package.json, keyed by its directory."""
    manifests: dict[str, PackageManifest] = {}
    for path in package_json_paths:
        text = fs.try_read_text(path)
        data = parse_json_object(text) if text is not None else None
        if data is not None:
            directory = parent_rel(path)
            manifests[directory] = PackageManifest(directory, data)
    return manifests


def workspace_globs(fs: RepoFS, root: PackageManifest | None) -> list[str] | None:
    """Globs of pnpm-workspace.yaml, package.json `workspaces`, lerna.json; None if none."""
    globs: list[str] = []
    declared = False
    text = fs.try_read_text("pnpm-workspace.yaml")
    if text is not None:
        try:
            data = safe_load(text)
        except (yaml.YAMLError, RecursionError, ValueError):
            data = None
        if isinstance(data, dict) and isinstance(data.get("packages"), list):
            declared = True
            globs.extend(g for g in data["packages"] if isinstance(g, str))
    if root is not None:
        spaces = root.data.get("workspaces")
        if isinstance(spaces, dict):
            spaces = spaces.get("packages")
        if isinstance(spaces, list):
            declared = True
            globs.extend(g for g in spaces if isinstance(g, str))
    lerna_text = fs.try_read_text("lerna.json")
    lerna = parse_json_object(lerna_text) if lerna_text is not None else None
    if lerna is not None and isinstance(lerna.get("packages"), list):
        declared = True
        globs.extend(g for g in lerna["packages"] if isinstance(g, str))
    return globs if declared else None


def match_workspace_dirs(globs: list[str], package_dirs: Iterable[str]) -> list[str]:
    """The package directories (holding a package.json) that the globs include, sorted."""
    includes: list[re.Pattern[str]] = []
    excludes: list[re.Pattern[str]] = []
    for glob in globs:
        negated = glob.startswith("!")
        pattern = glob_to_regex(glob[1:] if negated else glob)
        (excludes if negated else includes).append(pattern)
    return sorted(
        d
        for d in package_dirs
        if d != "."
        and any(p.fullmatch(d) for p in includes)
        and not any(p.fullmatch(d) for p in excludes)
    )


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """A workspace glob (`apps/*`, `packages/**`, `{a,b}/*`) as a regex over directory paths."""
    glob = glob.strip()
    while glob.startswith("./"):
        glob = glob[2:]
    glob = glob.rstrip("/")
    if glob.endswith("/package.json"):
        glob = glob[: -len("/package.json")]
    parts: list[str] = []
    segments = glob.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:[^/]+/)*")
            continue
        parts.append(_segment_regex(segment) + ("" if last else "/"))
    return re.compile("".join(parts))


def _segment_regex(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "{" and "}" in segment[i:]:
            close = segment.index("}", i)
            options = segment[i + 1 : close].split(",")
            out.append("(?:" + "|".join(_segment_regex(o) for o in options) + ")")
            i = close
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def workspace_packages(
    manifests: dict[str, PackageManifest], workspace_dirs: list[str]
) -> dict[str, str]:
    """Package name -> directory of the workspace packages (first directory wins a clash)."""
    packages: dict[str, str] = {}
    for directory in workspace_dirs:
        manifest = manifests.get(directory)
        if manifest is not None and manifest.name is not None:
            packages.setdefault(manifest.name, directory)
    return dict(sorted(packages.items()))
