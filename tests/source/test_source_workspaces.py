"""Workspace globs from pnpm, npm/yarn and lerna, and the packages they match."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archtools.source.globs import Globs
from archtools.source.reading import RepoFS
from archtools.source.workspaces import (
    PackageManifest,
    match_workspace_dirs,
    read_manifests,
    workspace_globs,
    workspace_packages,
)

MakeRepo = Callable[..., Path]


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("apps/*", "apps/web", True),
        ("apps/*", "apps/web/nested", False),
        ("./apps/*/", "apps/web", True),
        ("packages/**", "packages/a/b", True),
        ("packages/**", "packages/a", True),
        ("packages/**/x", "packages/x", True),
        ("packages/**/x", "packages/a/b/x", True),
        ("{apps,tools}/*", "tools/cli", True),
        ("{apps,tools}/*", "libs/cli", False),
        ("apps/web?", "apps/web2", True),
        ("apps/web", "apps/web", True),
        ("apps/*/package.json", "apps/web", True),
    ],
)
def test_workspace_globs(glob: str, path: str, matches: bool) -> None:
    assert Globs([glob], directories=True).match(path) is matches


def test_match_workspace_dirs_with_negation() -> None:
    dirs = [".", "apps/web", "apps/docs", "packages/ui", "packages/ui/test/fixture", "tools/x"]
    globs = ["apps/*", "packages/**", "!**/test/**"]
    assert match_workspace_dirs(globs, dirs) == ["apps/docs", "apps/web", "packages/ui"]


def test_pnpm_workspace_yaml(make_repo: MakeRepo) -> None:
    root = make_repo(
        {"pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - \"packages/*\"\ncatalog: {}\n"}
    )
    assert workspace_globs(RepoFS(root, 1_000_000), None) == ["apps/*", "packages/*"]


@pytest.mark.parametrize(
    "workspaces",
    [["apps/*", "packages/*"], {"packages": ["apps/*", "packages/*"], "nohoist": ["**/x"]}],
)
def test_package_json_workspaces(make_repo: MakeRepo, workspaces: object) -> None:
    root = make_repo({})
    manifest = PackageManifest(".", {"name": "root", "workspaces": workspaces})
    assert workspace_globs(RepoFS(root, 1_000_000), manifest) == ["apps/*", "packages/*"]


def test_lerna_json(make_repo: MakeRepo) -> None:
    root = make_repo({"lerna.json": '{"packages": ["modules/*"], "version": "1.0.0"}'})
    fs = RepoFS(root, 1_000_000)
    assert workspace_globs(fs, PackageManifest(".", {"name": "root"})) == ["modules/*"]


def test_no_workspace_declaration(make_repo: MakeRepo) -> None:
    root = make_repo({"turbo.json": "{}"})
    assert workspace_globs(RepoFS(root, 1_000_000), PackageManifest(".", {})) is None


def test_invalid_yaml_is_ignored(make_repo: MakeRepo) -> None:
    root = make_repo({"pnpm-workspace.yaml": "packages: [unclosed\n"})
    assert workspace_globs(RepoFS(root, 1_000_000), None) is None


def test_workspace_packages_names_and_manifests(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "package.json": '{"name": "root"}',
            "apps/web/package.json": '{"name": "web", "dependencies": {"next": "^15.0.0"}}',
            "packages/db/package.json": '{"name": "@acme/db"}',
            "packages/db2/package.json": '{"name": "@acme/db"}',
            "packages/noname/package.json": "{}",
            "packages/broken/package.json": "{ nope",
        }
    )
    fs = RepoFS(root, 1_000_000)
    manifests = read_manifests(
        fs,
        [
            "package.json",
            "apps/web/package.json",
            "packages/broken/package.json",
            "packages/db/package.json",
            "packages/db2/package.json",
            "packages/noname/package.json",
        ],
    )
    assert sorted(manifests) == [".", "apps/web", "packages/db", "packages/db2", "packages/noname"]
    assert manifests["apps/web"].dependency("next") == "^15.0.0"
    assert manifests["apps/web"].dependency("react") is None
    dirs = match_workspace_dirs(["apps/*", "packages/*"], manifests)
    assert workspace_packages(manifests, dirs) == {"@acme/db": "packages/db", "web": "apps/web"}
