"""load_repository: single apps, src layout, monorepos, errors, commit, safe reads."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from archtools.errors import InputError
from archtools.source import Language, Router, load_repository

MakeRepo = Callable[..., Path]
SHA = "0123456789abcdef0123456789abcdef01234567"
SHA2 = "89abcdef0123456789abcdef0123456789abcdef"


def test_single_app_at_root(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "package.json": {"name": "shop", "dependencies": {"next": "14.2.3", "react": "18"}},
            "tsconfig.json": '{"compilerOptions": {"strict": true, "paths": {"@/*": ["./*"]}}}',
            "app/page.tsx": "export default function Page() { return null }\n",
            "app/api/notes/route.ts": "export async function GET() {}\n",
            "middleware.ts": "export function middleware() {}\n",
            "prisma/schema.prisma": "model Note {\n  id Int @id\n}\n",
            "node_modules/next/package.json": '{"name": "next"}',
        }
    )
    repo = load_repository(root)
    assert repo.root == root.resolve()
    assert repo.commit is None
    assert [f.path for f in repo.files] == [
        "app/api/notes/route.ts",
        "app/page.tsx",
        "middleware.ts",
        "package.json",
        "prisma/schema.prisma",
        "tsconfig.json",
    ]
    assert repo.skipped == [("node_modules/", "node_modules")]
    assert repo.skipped_counts == {"node_modules": 1}
    assert repo.files_skipped == 1
    assert repo.workspace_packages == {}
    [app] = repo.apps
    assert app.path == "."
    assert app.name == "shop"
    assert app.next_version == "14.2.3"
    assert app.routers == [Router.APP]
    assert (app.app_dir, app.pages_dir) == ("app", None)
    assert app.middleware == "middleware.ts"
    assert app.prisma_schema == ["prisma/schema.prisma"]
    assert app.drizzle is None
    assert app.next_config is None
    assert app.tsconfig is not None
    assert app.tsconfig.paths == {"@/*": ["*"]}
    assert app.tsconfig.strict is True
    assert repo.tsconfigs == {"tsconfig.json": app.tsconfig}
    assert repo.file("app/page.tsx") is not None
    assert repo.file("./app/page.tsx") == repo.file("app/page.tsx")
    assert repo.file("missing.ts") is None
    assert repo.app_for("app/page.tsx") == app


def test_src_layout_with_both_routers_and_proxy(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "package.json": {"devDependencies": {"next": "^16.0.0"}},
            "next.config.ts": "export default {}\n",
            "src/app/layout.tsx": "x\n",
            "src/pages/api/hello.js": "x\n",
            "src/proxy.ts": "export function proxy() {}\n",
            "jsconfig.json": '{"compilerOptions": {"baseUrl": "src"}}',
        }
    )
    [app] = load_repository(root).apps
    assert app.name is None
    assert app.next_version == "^16.0.0"
    assert app.routers == [Router.APP, Router.PAGES]
    assert (app.app_dir, app.pages_dir) == ("src/app", "src/pages")
    assert app.next_config == "next.config.ts"
    assert app.middleware == "src/proxy.ts"
    assert app.tsconfig is not None
    assert app.tsconfig.path == "jsconfig.json"
    assert app.tsconfig.base_url == "src"


def test_root_app_dir_wins_over_src(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "package.json": {"dependencies": {"next": "15.1.0"}},
            "app/page.tsx": "x\n",
            "src/app/page.tsx": "x\n",
            "middleware.js": "x\n",
            "src/middleware.ts": "x\n",
        }
    )
    [app] = load_repository(root).apps
    assert app.app_dir == "app"
    assert app.middleware == "middleware.js"


def pnpm_monorepo() -> dict[str, str | dict[str, object]]:
    return {
        "package.json": {"name": "acme", "private": True, "devDependencies": {"turbo": "2"}},
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
        "turbo.json": "{}",
        "apps/web/package.json": {
            "name": "@acme/web",
            "dependencies": {"next": "15.0.3", "@acme/db": "workspace:*"},
        },
        "apps/web/next.config.mjs": "export default {}\n",
        "apps/web/tsconfig.json": '{"extends": "@acme/tsconfig/base.json",'
        ' "compilerOptions": {"paths": {"@/*": ["./src/*"]}}}',
        "apps/web/src/app/api/users/route.ts": "x\n",
        "apps/web/src/middleware.ts": "x\n",
        "apps/admin/package.json": {"name": "@acme/admin", "dependencies": {"next": "14.2.3"}},
        "apps/admin/pages/api/users.ts": "x\n",
        "packages/db/package.json": {
            "name": "@acme/db",
            "exports": {".": "./src/index.ts"},
            "dependencies": {"drizzle-orm": "0.36"},
        },
        "packages/db/src/index.ts": "x\n",
        "packages/db/src/schema.ts": "x\n",
        "packages/db/drizzle.config.ts": (
            'export default { schema: "./src/schema.ts", out: "./drizzle" }'
        ),
        "packages/tsconfig/package.json": {"name": "@acme/tsconfig"},
        "packages/tsconfig/base.json": '{"compilerOptions": {"strict": true}}',
        "packages/ui/package.json": {"name": "@acme/ui", "devDependencies": {"next": "15.0.3"}},
        "packages/ui/src/button.tsx": "x\n",
        "examples/demo/package.json": {"dependencies": {"next": "13.0.0"}},
        "examples/demo/app/page.tsx": "x\n",
    }


def test_pnpm_monorepo_with_two_apps_and_shared_package(make_repo: MakeRepo) -> None:
    repo = load_repository(make_repo(pnpm_monorepo()))
    assert repo.workspace_packages == {
        "@acme/admin": "apps/admin",
        "@acme/db": "packages/db",
        "@acme/tsconfig": "packages/tsconfig",
        "@acme/ui": "packages/ui",
        "@acme/web": "apps/web",
    }
    # packages/ui depends on next but has no config or router: a library, not an app.
    # examples/demo is outside the workspace globs.
    admin, web = repo.apps
    assert (admin.path, admin.name, admin.next_version) == ("apps/admin", "@acme/admin", "14.2.3")
    assert admin.routers == [Router.PAGES]
    assert admin.pages_dir == "apps/admin/pages"
    assert admin.middleware is None
    assert admin.drizzle is None
    assert (web.path, web.name, web.next_version) == ("apps/web", "@acme/web", "15.0.3")
    assert web.routers == [Router.APP]
    assert web.app_dir == "apps/web/src/app"
    assert web.middleware == "apps/web/src/middleware.ts"
    assert web.next_config == "apps/web/next.config.mjs"
    assert web.prisma_schema == []
    # The schema lives in the workspace package the app depends on.
    assert web.drizzle is not None
    assert web.drizzle.path == "packages/db/drizzle.config.ts"
    assert web.drizzle.schema_files == ["packages/db/src/schema.ts"]
    assert web.drizzle.out == "packages/db/drizzle"
    assert web.tsconfig is not None
    assert web.tsconfig.chain == ["apps/web/tsconfig.json", "packages/tsconfig/base.json"]
    assert web.tsconfig.strict is True
    assert web.tsconfig.paths == {"@/*": ["apps/web/src/*"]}
    assert repo.app_for("apps/web/src/app/api/users/route.ts") == web
    assert repo.app_for("packages/db/src/index.ts") is None


def test_package_json_workspaces_object_form(make_repo: MakeRepo) -> None:
    tree = pnpm_monorepo()
    del tree["pnpm-workspace.yaml"]
    tree["package.json"] = {"name": "acme", "workspaces": {"packages": ["apps/web"]}}
    repo = load_repository(make_repo(tree))
    assert [a.path for a in repo.apps] == ["apps/web"]
    assert repo.workspace_packages == {"@acme/web": "apps/web"}


def test_without_workspaces_every_next_package_is_an_app(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "package.json": {"name": "root"},
            "frontend/package.json": {"dependencies": {"next": "14.0.0"}},
            "frontend/pages/index.js": "x\n",
            "site/next.config.js": "module.exports = {}\n",
            "site/app/page.js": "x\n",
        }
    )
    repo = load_repository(root)
    assert [(a.path, a.next_version, a.routers) for a in repo.apps] == [
        ("frontend", "14.0.0", [Router.PAGES]),
        ("site", None, [Router.APP]),
    ]


def test_next_library_only_repo_still_counts_as_an_app(make_repo: MakeRepo) -> None:
    root = make_repo({"package.json": {"dependencies": {"next": "15.0.0"}}, "lib/a.ts": "x\n"})
    [app] = load_repository(root).apps
    assert (app.path, app.routers) == (".", [])


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError) as info:
        load_repository(missing)
    assert str(info.value) == f"{missing} does not exist."


def test_a_file_is_not_a_repository(tmp_path: Path) -> None:
    file = tmp_path / "page.tsx"
    file.write_text("x\n")
    with pytest.raises(InputError) as info:
        load_repository(file)
    assert str(info.value) == (f"{file} is not a directory (give the root folder of a repository).")


def test_a_folder_without_js_is_not_a_project(make_repo: MakeRepo) -> None:
    root = make_repo({"README.md": "# hi\n", "main.py": "print(1)\n"})
    with pytest.raises(InputError) as info:
        load_repository(root)
    assert str(info.value) == (
        f"{root} is not a JavaScript/TypeScript project (no package.json or .js/.ts files found)."
    )


def test_a_js_project_without_next_is_an_input_error(make_repo: MakeRepo) -> None:
    root = make_repo({"package.json": {"dependencies": {"express": "4"}}, "index.js": "x\n"})
    with pytest.raises(InputError) as info:
        load_repository(root)
    assert str(info.value) == (
        f"no Next.js app found under {root} "
        "(looked for package.json with a `next` dependency or next.config.*)"
    )


def next_repo(make_repo: MakeRepo, extra: dict[str, str | bytes] | None = None) -> Path:
    files: dict[str, str | bytes | dict[str, object]] = {
        "package.json": {"dependencies": {"next": "15.0.0"}},
        "app/page.tsx": "x\n",
    }
    files.update(extra or {})
    return make_repo(files)


def test_commit_from_loose_ref(make_repo: MakeRepo) -> None:
    root = next_repo(
        make_repo, {".git/HEAD": "ref: refs/heads/main\n", ".git/refs/heads/main": SHA + "\n"}
    )
    assert load_repository(root).commit == SHA


def test_commit_from_packed_refs(make_repo: MakeRepo) -> None:
    packed = "# pack-refs with: peeled fully-peeled sorted\n"
    packed += f"{SHA2} refs/heads/dev\n{SHA} refs/heads/main\n"
    root = next_repo(make_repo, {".git/HEAD": "ref: refs/heads/main\n", ".git/packed-refs": packed})
    assert load_repository(root).commit == SHA


def test_commit_detached_and_unsafe_refs(make_repo: MakeRepo) -> None:
    root = next_repo(make_repo, {".git/HEAD": SHA2 + "\n"})
    assert load_repository(root).commit == SHA2
    (root / ".git" / "HEAD").write_text("ref: refs/../../../etc/passwd\n")
    assert load_repository(root).commit is None
    (root / ".git" / "HEAD").write_text("ref: refs/heads/missing\n")
    assert load_repository(root).commit is None


def test_git_file_pointing_outside_root_is_ignored(make_repo: MakeRepo, tmp_path: Path) -> None:
    outside = tmp_path / "gitdir"
    outside.mkdir()
    (outside / "HEAD").write_text(SHA + "\n")
    root = next_repo(make_repo, {".git": f"gitdir: {outside}\n"})
    assert load_repository(root).commit is None


def test_read_text_stays_inside_the_root(make_repo: MakeRepo, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("top secret\n")
    root = next_repo(make_repo, {"lib/a.ts": "\ufeffexport const a = 1\n", "big.ts": "x" * 2000})
    (root / "lib" / "link.ts").symlink_to("a.ts")
    (root / "lib" / "out.txt").symlink_to(tmp_path / "secret.txt")
    repo = load_repository(root, max_file_bytes=1000)
    assert repo.read_text("lib/a.ts") == "export const a = 1\n"
    assert repo.read_text("lib/link.ts") == "export const a = 1\n"
    assert repo.read_text("lib/../lib/a.ts") == "export const a = 1\n"
    for bad in ("lib/out.txt", "../secret.txt", str(tmp_path / "secret.txt"), "missing.ts"):
        with pytest.raises(InputError):
            repo.read_text(bad)
    with pytest.raises(InputError, match="larger than the 1000-byte cap"):
        repo.read_text("big.ts")
    assert ("big.ts", "too-large") in repo.skipped


def test_loaded_languages_and_env_files(make_repo: MakeRepo) -> None:
    root = next_repo(
        make_repo,
        {
            ".env.example": "DATABASE_URL=\n",
            "drizzle/0000_init.sql": "CREATE TABLE a (id int);\n",
            "lib/util.mjs": "export {}\n",
        },
    )
    repo = load_repository(root)
    assert [(f.path, f.language) for f in repo.files] == [
        (".env.example", Language.ENV),
        ("app/page.tsx", Language.TSX),
        ("drizzle/0000_init.sql", Language.SQL),
        ("lib/util.mjs", Language.JS),
        ("package.json", Language.JSON),
    ]


def test_root_given_through_a_symlink(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = next_repo(make_repo)
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    repo = load_repository(alias)
    assert repo.root == Path(os.path.realpath(root))
    assert [f.path for f in repo.files] == ["app/page.tsx", "package.json"]


def test_read_text_resolves_every_folder_inside_the_root(
    make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = next_repo(make_repo, {"lib/real/a.ts": "export const a = 1\n"})
    (root / "lib" / "alias").symlink_to("real")  # a folder link inside the root
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "back").symlink_to(root / "lib" / "real")  # leaves the root, then comes back
    (root / "lib" / "away").symlink_to(outside)
    (root / "lib" / "loop").symlink_to("loop")
    repo = load_repository(root)
    assert repo.read_text("lib/alias/a.ts") == "export const a = 1\n"
    assert repo.read_text("lib/alias/../real/a.ts") == "export const a = 1\n"
    for bad in ("lib/away/back/a.ts", "lib/loop/a.ts", "lib/real/a.ts/x", "lib/missing/a.ts"):
        with pytest.raises(InputError):
            repo.read_text(bad)
