"""The audited repository as loaded: files, apps, workspaces, tsconfigs, and safe reads."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from archtools.errors import InputError
from archtools.source.apps import NextApp, RepoIndex, detect_apps
from archtools.source.files import CODE_LANGUAGES, Classification, SourceFile, discover_files
from archtools.source.gitmeta import read_commit
from archtools.source.reading import RepoFS, normalize_rel
from archtools.source.resolver import ImportResolver
from archtools.source.tsconfig import TsConfig, load_tsconfig
from archtools.source.workspaces import (
    PackageManifest,
    match_workspace_dirs,
    read_manifests,
    workspace_globs,
    workspace_packages,
)

DEFAULT_MAX_FILE_BYTES = 1_000_000
_TSCONFIG_NAMES = ("tsconfig.json", "jsconfig.json")


@dataclass(frozen=True, eq=False)
class Repository:
    """A loaded repository. Paths are repo-relative POSIX paths; lists are sorted by path."""

    root: Path
    commit: str | None
    apps: list[NextApp]
    files: list[SourceFile]
    skipped: list[tuple[str, str]]  # (path, reason); gitignored entries listed up to a cap
    skipped_counts: dict[str, int]  # exact count per reason
    workspace_packages: dict[str, str]  # package name -> directory
    tsconfigs: dict[str, TsConfig]  # tsconfig.json / jsconfig.json path -> merged options
    manifests: dict[str, PackageManifest] = field(repr=False, compare=False)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    # What reading each file's content decided, by stamp: the next load of this repository
    # reads only the files whose stamp changed (see discover_files).
    classified: Mapping[str, Classification] = field(
        default_factory=dict, repr=False, compare=False
    )

    @cached_property
    def _fs(self) -> RepoFS:
        return RepoFS(self.root, self.max_file_bytes)

    @cached_property
    def _by_path(self) -> dict[str, SourceFile]:
        return {f.path: f for f in self.files}

    @cached_property
    def resolver(self) -> ImportResolver:
        return ImportResolver(
            frozenset(self._by_path), self.tsconfigs, self.workspace_packages, self.manifests
        )

    @property
    def files_skipped(self) -> int:
        return sum(self.skipped_counts.values())

    def file(self, rel_path: str) -> SourceFile | None:
        """The loaded file at `rel_path`, or None when it was not loaded."""
        norm = normalize_rel(rel_path)
        return self._by_path.get(norm) if norm is not None else None

    def read_text(self, rel_path: str) -> str:
        """The text of a repo file; InputError when it is outside the root or unreadable."""
        return self._fs.read_text(rel_path)

    def resolve_import(self, from_file: str, specifier: str) -> str | None:
        """The loaded file an import in `from_file` names, or None (an external package)."""
        return self.resolver.resolve(from_file, specifier)

    def app_for(self, rel_path: str) -> NextApp | None:
        """The app whose directory holds `rel_path` (the deepest one when apps nest)."""
        holders = [
            app
            for app in self.apps
            if app.path == "." or rel_path == app.path or rel_path.startswith(app.path + "/")
        ]
        return max(
            holders, key=lambda app: 0 if app.path == "." else len(app.path) + 1, default=None
        )


def load_repository(
    path: Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    require_app: bool = True,
    known: Mapping[str, Classification] | None = None,
) -> Repository:
    """Discover the files and Next.js apps of the repository at `path`, without running anything.
    `require_app=False` accepts a project without a Next.js app (to read its schema alone);
    `known`: an earlier load's `classified`, so that files with unchanged stamps are not read."""
    if max_file_bytes < 1:
        raise InputError(
            f"max_file_bytes must be a positive number of bytes, not {max_file_bytes}."
        )
    path = Path(path).expanduser()
    if not path.exists():
        raise InputError(f"{path} does not exist.")
    if not path.is_dir():
        raise InputError(f"{path} is not a directory (give the root folder of a repository).")
    root = path.resolve()
    fs = RepoFS(root, max_file_bytes)
    discovery = discover_files(fs.root_real, max_file_bytes, known)
    file_set = frozenset(f.path for f in discovery.files)
    manifests = read_manifests(
        fs, (p for p in sorted(file_set) if posixpath.basename(p) == "package.json")
    )
    if not manifests and not any(f.language in CODE_LANGUAGES for f in discovery.files):
        raise InputError(
            f"{path} is not a JavaScript/TypeScript project "
            "(no package.json or .js/.ts files found)."
        )
    globs = workspace_globs(fs, manifests.get("."))
    workspace_dirs = match_workspace_dirs(globs, manifests) if globs is not None else None
    packages = workspace_packages(manifests, workspace_dirs or [])
    tsconfigs: dict[str, TsConfig] = {}
    for rel in sorted(file_set):
        if posixpath.basename(rel) in _TSCONFIG_NAMES:
            config = load_tsconfig(fs, rel, packages)
            if config is not None:
                tsconfigs[rel] = config
    index = RepoIndex(fs, file_set, frozenset(discovery.dirs), manifests, packages, tsconfigs)
    apps = detect_apps(index, workspace_dirs)
    if not apps and require_app:
        raise InputError(
            f"no Next.js app found under {path} "
            "(looked for package.json with a `next` dependency or next.config.*)"
        )
    return Repository(
        root=root,
        commit=read_commit(fs.root_real),
        apps=apps,
        files=discovery.files,
        skipped=discovery.skipped,
        skipped_counts=dict(sorted(discovery.skipped_counts.items())),
        workspace_packages=packages,
        tsconfigs=tsconfigs,
        manifests=dict(sorted(manifests.items())),
        max_file_bytes=max_file_bytes,
        classified=discovery.classified,
    )
