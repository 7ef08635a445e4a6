"""Monorepo layout: declared workspace globs and the packages (name -> directory) they match."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from archtools.source.configtext import parse_json_object
from archtools.source.globs import Globs
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
    return Globs(globs, directories=True).filter(d for d in package_dirs if d != ".")


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
