"""The benchmark repository generator: exact size, monorepo shape, valid code and schema, determinism."""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path

import pytest

from archtools.facts.prisma import prisma_errors_tolerant
from archtools.parse.treesitter import grammar_for, parse
from archtools.source import load_repository
from benchmarks.generate_repo import CODE_SUFFIXES, generate, plan

SCHEMA = "packages/db/prisma/schema.prisma"


@cache
def planned(files: int, seed: int = 0) -> dict[str, str]:
    return plan(files, seed)


def code_files(files: dict[str, str]) -> list[str]:
    return sorted(p for p in files if p.endswith(CODE_SUFFIXES))


@pytest.mark.parametrize("files", [60, 137, 1000, 2500])
def test_the_number_of_code_files_is_exact(files: int) -> None:
    assert len(code_files(planned(files))) == files


def test_too_small_a_repository_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 50"):
        plan(49)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not() -> None:
    assert plan(60, seed=0) == planned(60)
    other = plan(60, seed=1)
    assert len(code_files(other)) == 60
    assert other != planned(60)


def test_generate_writes_the_plan_and_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    generate(tmp_path / "repo", 60)
    written = {
        p.relative_to(tmp_path / "repo").as_posix(): p.read_text(encoding="utf-8")
        for p in (tmp_path / "repo").rglob("*")
        if p.is_file()
    }
    assert written == planned(60)
    with pytest.raises(FileExistsError):
        generate(tmp_path / "repo", 60)


def test_archtools_sees_a_pnpm_monorepo_with_two_next_apps(tmp_path: Path) -> None:
    generate(tmp_path, 60)
    repo = load_repository(tmp_path)
    assert [(a.path, [r.value for r in a.routers]) for a in repo.apps] == [
        ("apps/admin", ["pages"]),
        ("apps/web", ["app"]),
    ]
    web = repo.apps[1]
    assert web.middleware == "apps/web/middleware.ts"
    assert web.prisma_schema == [SCHEMA]
    assert repo.workspace_packages == {
        "@acme/admin": "apps/admin",
        "@acme/db": "packages/db",
        "@acme/lib": "packages/lib",
        "@acme/ui": "packages/ui",
        "@acme/web": "apps/web",
    }
    assert (
        repo.resolve_import("apps/web/middleware.ts", "./auth.config") == "apps/web/auth.config.ts"
    )
    assert repo.resolve_import("apps/web/auth.ts", "@acme/db") == "packages/db/src/index.ts"
    assert repo.resolve_import("apps/web/auth.ts", "@acme/lib/auth") == "packages/lib/src/auth.ts"
    assert repo.resolve_import("apps/web/auth.ts", "@acme/ui/table") == "packages/ui/src/table.tsx"
    assert (
        repo.resolve_import("apps/web/app/page.tsx", "@/lib/session") == "apps/web/lib/session.ts"
    )


def test_the_schema_has_100_models_every_one_related() -> None:
    schema, problems = prisma_errors_tolerant({SCHEMA: planned(60)[SCHEMA]})
    assert problems == []
    assert len(schema.models) == 100
    related = [m.name for m in schema.models if any(f.relation is not None for f in m.fields)]
    assert len(related) == 100
    assert schema.provider == "postgresql"


def test_every_code_file_parses_without_a_syntax_error() -> None:
    files = planned(1000)
    broken = []
    for path in code_files(files):
        grammar = grammar_for(path)
        assert grammar is not None
        if parse(grammar, files[path].encode()).root_node.has_error:
            broken.append(path)
    assert broken == []


def test_the_layout_mixes_every_kind_of_file() -> None:
    paths = code_files(planned(1000))

    def count(prefix: str, suffix: str) -> int:
        return sum(1 for p in paths if p.startswith(prefix) and p.endswith(suffix))

    assert count("apps/web/app/api/", "/route.ts") >= 150
    assert count("apps/web/app/(dashboard)/", "/actions.ts") >= 50
    assert count("apps/web/app/(dashboard)/", "page.tsx") >= 60
    assert count("apps/web/components/", ".tsx") >= 100
    assert count("apps/admin/pages/api/admin/", ".ts") >= 50
    assert count("packages/ui/src/", ".tsx") >= 50
    assert count("packages/lib/src/validators/", ".ts") == 26  # 25 models in use + common.ts
    assert count("packages/db/src/repositories/", ".ts") == 25
    tsx = sum(1 for p in paths if p.endswith(".tsx"))
    assert 0.35 < tsx / len(paths) < 0.6


def test_entry_points_show_a_realistic_mix_of_guards() -> None:
    files = planned(1000)
    routes = [
        t
        for p, t in files.items()
        if p.startswith("apps/web/app/api/") and "/[...nextauth]/" not in p
    ]
    with_auth = sum(1 for t in routes if "await auth()" in t)
    with_require = sum(1 for t in routes if "await requireUser()" in t)
    validated = sum(1 for t in routes if "Schema.parse(" in t)
    assert with_auth + with_require + (len(routes) - with_auth - with_require) == len(routes)
    assert 0.1 < (len(routes) - with_auth - with_require) / len(routes) < 0.35
    assert with_auth > 0 and with_require > 0
    assert 0.5 < validated / len(routes) < 0.95
    actions = [t for p, t in files.items() if p.endswith("/actions.ts")]
    assert actions and all(t.startswith('"use server";\n') for t in actions)


def test_generated_files_have_typical_sizes() -> None:
    from benchmarks.repo_fixed import fixed_files

    files = planned(1000)
    fixed = set(fixed_files([], ""))
    sizes = [len(files[p].encode()) for p in code_files(files) if p not in fixed]
    assert min(sizes) >= 1024
    assert max(sizes) <= 6200
    assert 2000 <= statistics.median(sizes) <= 3500
