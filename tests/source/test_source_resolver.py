"""Import resolution: relative, index files, tsconfig aliases, workspaces, .js -> .ts, externals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archtools.source import Repository, load_repository

MakeRepo = Callable[..., Path]


@pytest.fixture
def repo(make_repo: MakeRepo) -> Repository:
    root = make_repo(
        {
            "package.json": {"name": "acme", "workspaces": ["apps/*", "packages/*"]},
            "apps/web/package.json": {"name": "web", "dependencies": {"next": "15.0.0"}},
            "apps/web/package.json.bak": "x",
            "apps/web/tsconfig.json": """{
              // aliases
              "compilerOptions": {
                "baseUrl": ".",
                "paths": {
                  "@/*": ["./src/*"],
                  "@/components/*": ["./src/ui/*", "./src/components/*"],
                  "~config": ["./config/index.ts"],
                },
              },
            }""",
            "apps/web/src/app/api/users/route.ts": "x",
            "apps/web/src/app/actions.ts": "x",
            "apps/web/src/lib/db.ts": "x",
            "apps/web/src/lib/auth/index.ts": "x",
            "apps/web/src/lib/esm.ts": "x",
            "apps/web/src/lib/view.tsx": "x",
            "apps/web/src/lib/legacy.js": "x",
            "apps/web/src/lib/data.json": "{}",
            "apps/web/src/components/button.tsx": "x",
            "apps/web/src/ui/card.tsx": "x",
            "apps/web/config/index.ts": "x",
            "apps/web/utils/format.ts": "x",
            "packages/db/package.json": {
                "name": "@acme/db",
                "exports": {
                    ".": {"types": "./dist/index.d.ts", "import": "./dist/index.js"},
                    "./schema": "./src/schema.ts",
                    "./client/*": "./src/client/*.ts",
                },
            },
            "packages/db/src/index.ts": "x",
            "packages/db/src/schema.ts": "x",
            "packages/db/src/client/edge.ts": "x",
            "packages/auth/package.json": {"name": "@acme/auth", "main": "./lib/main.js"},
            "packages/auth/lib/main.js": "x",
            "packages/auth/src/session.ts": "x",
            "packages/ui/package.json": {
                "name": "ui",
                "imports": {"#internal/*": "./src/internal/*.ts"},
            },
            "packages/ui/src/index.tsx": "x",
            "packages/ui/src/internal/theme.ts": "x",
            "packages/ui/src/button.tsx": "x",
            "packages/ui/tsconfig.json": '{"compilerOptions": {"paths": {"@ui/*": ["./src/*"]}}}',
        }
    )
    return load_repository(root)


ROUTE = "apps/web/src/app/api/users/route.ts"


@pytest.mark.parametrize(
    ("from_file", "specifier", "expected"),
    [
        # relative, with extension probing and index files
        (ROUTE, "../../../lib/db", "apps/web/src/lib/db.ts"),
        (ROUTE, "../../actions", "apps/web/src/app/actions.ts"),
        (ROUTE, "../../../lib/auth", "apps/web/src/lib/auth/index.ts"),
        (ROUTE, "../../../lib/view", "apps/web/src/lib/view.tsx"),
        (ROUTE, "../../../lib/legacy", "apps/web/src/lib/legacy.js"),
        (ROUTE, "../../../lib/data.json", "apps/web/src/lib/data.json"),
        (ROUTE, "../../../lib/missing", None),
        (ROUTE, "../../../../../../../etc/passwd", None),
        # TS ESM style: .js names the .ts source
        (ROUTE, "../../../lib/esm.js", "apps/web/src/lib/esm.ts"),
        (ROUTE, "../../../lib/view.js", "apps/web/src/lib/view.tsx"),
        (ROUTE, "../../../lib/legacy.js", "apps/web/src/lib/legacy.js"),
        # tsconfig paths: longest prefix wins, targets tried in order
        (ROUTE, "@/lib/db", "apps/web/src/lib/db.ts"),
        (ROUTE, "@/lib/auth", "apps/web/src/lib/auth/index.ts"),
        (ROUTE, "@/components/card", "apps/web/src/ui/card.tsx"),
        (ROUTE, "@/components/button", "apps/web/src/components/button.tsx"),
        (ROUTE, "~config", "apps/web/config/index.ts"),
        # baseUrl
        (ROUTE, "utils/format", "apps/web/utils/format.ts"),
        # workspace packages: exports (build output mapped back to source), subpaths, main
        (ROUTE, "@acme/db", "packages/db/src/index.ts"),
        (ROUTE, "@acme/db/schema", "packages/db/src/schema.ts"),
        (ROUTE, "@acme/db/client/edge", "packages/db/src/client/edge.ts"),
        (ROUTE, "@acme/auth", "packages/auth/lib/main.js"),
        (ROUTE, "@acme/auth/session", "packages/auth/src/session.ts"),
        (ROUTE, "ui", "packages/ui/src/index.tsx"),
        (ROUTE, "ui/button", "packages/ui/src/button.tsx"),
        # the package's own tsconfig and subpath imports
        ("packages/ui/src/button.tsx", "@ui/index", "packages/ui/src/index.tsx"),
        ("packages/ui/src/button.tsx", "#internal/theme", "packages/ui/src/internal/theme.ts"),
        ("packages/ui/src/button.tsx", "@/lib/db", None),
        # externals
        (ROUTE, "next/server", None),
        (ROUTE, "zod", None),
        (ROUTE, "@prisma/client", None),
        (ROUTE, "node:crypto", None),
        (ROUTE, "/abs/path", None),
    ],
)
def test_resolve_import(
    repo: Repository, from_file: str, specifier: str, expected: str | None
) -> None:
    assert repo.resolve_import(from_file, specifier) == expected


def test_tsconfig_for_nearest_file(repo: Repository) -> None:
    config = repo.resolver.tsconfig_for(ROUTE)
    assert config is not None
    assert config.path == "apps/web/tsconfig.json"
    assert repo.resolver.tsconfig_for("packages/db/src/index.ts") is None


def test_alias_to_a_skipped_file_is_external(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "package.json": {"dependencies": {"next": "15.0.0"}},
            "app/page.tsx": "x",
            "tsconfig.json": '{"compilerOptions": {"paths": {"@gen/*": ["./generated/*"]}}}',
            "generated/client.ts": "// @generated\nexport {}\n",
        }
    )
    repo = load_repository(root)
    assert repo.resolve_import("app/page.tsx", "@gen/client") is None
    assert repo.resolve_import("app/page.tsx", "../generated/client") is None
