"""The facts cache and the parallel extraction: a warm run parses nothing, a changed file is parsed
alone, results in parallel equal results in one process."""

from __future__ import annotations

from pathlib import Path

from archtools.facts.store import FactsJob, collect_facts, content_key
from archtools.pipeline import AuditOptions, audit
from tests.support.minirepo import make_repo

ROUTE = """import {{ prisma }} from "@/lib/db";
export async function GET() {{
  return Response.json(await prisma.note.findMany({{ where: {{ title: "{n}" }} }}));
}}
"""


def jobs(count: int) -> list[FactsJob]:
    return [FactsJob(f"app/api/r{n}/route.ts", ROUTE.format(n=n).encode()) for n in range(count)]


def test_second_run_parses_nothing_and_a_change_parses_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = collect_facts(jobs(20), cache_dir=cache, workers=1)
    assert (first.cached, first.parsed) == (0, 20)
    second = collect_facts(jobs(20), cache_dir=cache, workers=1)
    assert (second.cached, second.parsed) == (20, 0)
    assert second.facts == first.facts
    changed = jobs(20)
    changed[3] = FactsJob(changed[3].path, b"export const GET = 1;\n")
    third = collect_facts(changed, cache_dir=cache, workers=1)
    assert (third.cached, third.parsed) == (19, 1)
    assert third.facts["app/api/r3/route.ts"].exports[0].name == "GET"


def test_identical_content_at_another_path_reuses_the_entry_with_its_own_path(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    collect_facts([FactsJob("a/route.ts", b"export const x = 1;\n")], cache_dir=cache, workers=1)
    again = collect_facts(
        [FactsJob("b/route.ts", b"export const x = 1;\n")], cache_dir=cache, workers=1
    )
    assert again.cached == 1 and again.facts["b/route.ts"].path == "b/route.ts"


def test_the_grammar_is_part_of_the_key() -> None:
    assert content_key("a.ts", b"x") != content_key("a.tsx", b"x")


def test_parallel_extraction_equals_serial() -> None:
    many = jobs(150)
    serial = collect_facts(many, cache_dir=None, workers=1)
    parallel = collect_facts(many, cache_dir=None, workers=2)
    assert parallel.facts == serial.facts and parallel.parsed == 150


def test_audit_reports_cached_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE.format(n=1)})
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    cold = audit(repo, options)
    warm = audit(repo, options)
    # package.json, tsconfig.json, prisma/schema.prisma and three code files, of which the code is cached
    assert (cold.stats.files_scanned, cold.stats.files_cached) == (6, 0)
    assert (warm.stats.files_scanned, warm.stats.files_cached) == (6, 3)
    assert warm.entry_points == cold.entry_points and warm.findings == cold.findings
