"""Locating Prisma schemas and reading Drizzle configs as text, without running them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archtools.source.reading import RepoFS
from archtools.source.schema_locator import (
    DrizzleConfig,
    find_prisma_schemas,
    locate_prisma_schemas,
    read_drizzle_config,
)
from archtools.source.workspaces import PackageManifest

MakeRepo = Callable[..., Path]


def index(files: dict[str, str]) -> tuple[frozenset[str], frozenset[str]]:
    dirs = {"."}
    for path in files:
        parts = path.split("/")[:-1]
        dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return frozenset(files), frozenset(dirs)


def locate(
    root: Path, files: dict[str, str], package_dir: str, manifest: object = None
) -> list[str]:
    file_set, dirs = index(files)
    data = manifest if isinstance(manifest, dict) else {}
    return locate_prisma_schemas(
        RepoFS(root, 1_000_000), package_dir, PackageManifest(package_dir, data), file_set, dirs
    )


MODEL = "model User {\n  id Int @id\n}\n"


def test_prisma_default_location(make_repo: MakeRepo) -> None:
    files = {"prisma/schema.prisma": MODEL, "prisma/seed.ts": "x"}
    root = make_repo(files)
    assert locate(root, files, ".") == ["prisma/schema.prisma"]


def test_prisma_schema_at_package_root(make_repo: MakeRepo) -> None:
    files = {"apps/web/schema.prisma": MODEL}
    root = make_repo(files)
    assert locate(root, files, "apps/web") == ["apps/web/schema.prisma"]


def test_prisma_package_json_schema_setting(make_repo: MakeRepo) -> None:
    files = {"db/main.prisma": MODEL, "prisma/schema.prisma": MODEL}
    root = make_repo(files)
    manifest = {"prisma": {"schema": "./db/main.prisma"}}
    assert locate(root, files, ".", manifest) == ["db/main.prisma"]


def test_prisma_package_json_setting_to_missing_file_falls_back(make_repo: MakeRepo) -> None:
    files = {"prisma/schema.prisma": MODEL}
    root = make_repo(files)
    manifest = {"prisma": {"schema": "nope/schema.prisma"}}
    assert locate(root, files, ".", manifest) == ["prisma/schema.prisma"]


def test_prisma_configured_schema_generated_at_build_uses_the_files_beside_it(
    make_repo: MakeRepo,
) -> None:
    # package.json names db/prisma/schema.prisma, which a build step writes from the full
    # schema kept beside it; docs elsewhere hold .prisma files that are not the app's.
    files = {
        "db/prisma/schema.full.prisma": MODEL,
        "db/prisma/seed.ts": "x",
        "docs/reference/schema.prisma": MODEL,
    }
    root = make_repo(files)
    manifest = {"prisma": {"schema": "db/prisma/schema.prisma"}}
    assert locate(root, files, ".", manifest) == ["db/prisma/schema.full.prisma"]


def test_prisma_config_ts_schema_read_as_text(make_repo: MakeRepo) -> None:
    files = {
        "prisma.config.ts": """import { defineConfig } from "prisma/config";
// schema: "commented/out.prisma",
export default defineConfig({
  schema: 'database/schema',
  migrations: { path: "database/migrations" },
});
""",
        "database/schema/user.prisma": MODEL,
        "database/schema/base.prisma": 'datasource db {\n  provider = "postgresql"\n}\n',
        "database/schema/nested/post.prisma": "model Post {\n  id Int @id\n}\n",
        "database/schema/notes.md": "x",
    }
    root = make_repo(files)
    assert locate(root, files, ".") == [
        "database/schema/base.prisma",
        "database/schema/nested/post.prisma",
        "database/schema/user.prisma",
    ]


def test_prisma_multi_file_default_folder(make_repo: MakeRepo) -> None:
    files = {"prisma/schema/a.prisma": MODEL, "prisma/schema/b.prisma": MODEL}
    root = make_repo(files)
    assert locate(root, files, ".") == ["prisma/schema/a.prisma", "prisma/schema/b.prisma"]


def test_prisma_config_outside_root_is_refused(make_repo: MakeRepo) -> None:
    files = {"prisma.config.ts": 'export default { schema: "../../etc/x.prisma" }'}
    root = make_repo(files)
    assert locate(root, files, ".") == []


def drizzle(root: Path, files: dict[str, str], package_dir: str = ".") -> DrizzleConfig | None:
    file_set, dirs = index(files)
    return read_drizzle_config(RepoFS(root, 1_000_000), package_dir, file_set, dirs)


def test_drizzle_config_ts_with_string_schema(make_repo: MakeRepo) -> None:
    files = {
        "packages/db/drizzle.config.ts": """import type { Config } from "drizzle-kit";
export default {
  // schema: "./old.ts",
  schema: "./src/schema.ts",
  out: "./drizzle",
  dialect: "postgresql",
  dbCredentials: { url: process.env.DATABASE_URL! },
} satisfies Config;
""",
        "packages/db/src/schema.ts": "x",
        "packages/db/src/client.ts": "x",
    }
    root = make_repo(files)
    config = drizzle(root, files, "packages/db")
    assert config is not None
    assert config.model_dump() == {
        "path": "packages/db/drizzle.config.ts",
        "schema_patterns": ["packages/db/src/schema.ts"],
        "schema_files": ["packages/db/src/schema.ts"],
        "out": "packages/db/drizzle",
        "dialect": "postgresql",
    }


def test_drizzle_config_array_globs_and_folder(make_repo: MakeRepo) -> None:
    files = {
        "drizzle.config.mjs": """export default defineConfig({
  schema: ["./src/db/schema/*.ts", './src/auth/tables', `./src/**/*.table.ts`,],
  out: "migrations",
});
""",
        "src/db/schema/users.ts": "x",
        "src/db/schema/posts.ts": "x",
        "src/db/schema/nested/skip.ts": "x",
        "src/auth/tables/session.ts": "x",
        "src/auth/tables/deep/account.ts": "x",
        "src/billing/invoice.table.ts": "x",
        "src/billing/invoice.ts": "x",
    }
    root = make_repo(files)
    config = drizzle(root, files)
    assert config is not None
    assert config.schema_patterns == ["src/db/schema/*.ts", "src/auth/tables", "src/**/*.table.ts"]
    assert config.schema_files == [
        "src/auth/tables/deep/account.ts",
        "src/auth/tables/session.ts",
        "src/billing/invoice.table.ts",
        "src/db/schema/posts.ts",
        "src/db/schema/users.ts",
    ]
    assert config.out == "migrations"
    assert config.dialect is None


def test_drizzle_config_json(make_repo: MakeRepo) -> None:
    files = {
        "drizzle.config.json": '{"schema": "./db/schema.ts", "out": "./out", "dialect": "sqlite"}',
        "db/schema.ts": "x",
    }
    root = make_repo(files)
    config = drizzle(root, files)
    assert config is not None
    assert (config.schema_files, config.out, config.dialect) == (["db/schema.ts"], "out", "sqlite")


@pytest.mark.parametrize(
    "body",
    [
        "export default { schema: process.env.SCHEMA, out: `./${dir}` }",
        "export default { schema: [base, './x.ts'] }",
    ],
)
def test_drizzle_non_literal_values_are_unknown(make_repo: MakeRepo, body: str) -> None:
    files = {"drizzle.config.ts": body, "x.ts": "x"}
    root = make_repo(files)
    config = drizzle(root, files)
    assert config is not None
    assert (config.schema_patterns, config.schema_files, config.out) == ([], [], None)


def test_drizzle_custom_config_name_and_absence(make_repo: MakeRepo) -> None:
    files = {"drizzle.prod.config.ts": 'export default { schema: "./s.ts" }', "s.ts": "x"}
    root = make_repo(files)
    config = drizzle(root, files)
    assert config is not None
    assert (config.path, config.schema_files) == ("drizzle.prod.config.ts", ["s.ts"])
    assert drizzle(root, {"s.ts": "x"}) is None


def test_a_prisma_schema_kept_elsewhere_is_found_in_the_package() -> None:
    # `prisma generate --schema src/prisma/schema.prisma` in a task file: the package's only
    # .prisma files are its schema; a nested package's are that package's own.
    files = {
        "src/prisma/schema.prisma",
        "packages/db/prisma/schema.prisma",
        "node_modules/x/schema.prisma",
    }
    assert find_prisma_schemas(".", files, {"packages/db"}) == ["src/prisma/schema.prisma"]
    # a multi-file schema: one folder
    split = {"db/schema/user.prisma", "db/schema/note.prisma"}
    assert find_prisma_schemas(".", split, set()) == [
        "db/schema/note.prisma",
        "db/schema/user.prisma",
    ]
    # two unrelated folders: which one is the schema cannot be told
    assert find_prisma_schemas(".", {"a/schema.prisma", "b/schema.prisma"}, set()) == []
