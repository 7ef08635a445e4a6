"""Outlines: what whole-repository passes ask of a file, kept once the file is first decoded, so that
a pass over every file decodes only the files that can matter to it; and passes over every file
leave the pinned files to the ones the checks keep returning to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archtools.facts.table as table_module
from archtools.analyze import analyse
from archtools.facts.outline import Holds, holding, outline, outline_of, whole_pass
from archtools.facts.store import pack_facts, unpack_facts
from archtools.facts.table import FactsTable
from archtools.facts.typescript import extract_code_facts
from archtools.pipeline import AuditOptions, load
from tests.support.large_repo import large_repo

SOURCES = {
    "router.ts": 'export const appRouter = createRouter().merge("notes.", notesRouter);\n',
    "raw.ts": 'await prisma.$executeRaw`UPDATE "Note" SET "deletedAt" = now()`;\n',
    "service.ts": "createContext({ notesService: new NotesService(db) });\n",
    "dated.ts": "const day = new Date();\nawait prisma.note.create({ data: { day } });\n",
    "page.tsx": "export const revalidate = 60;\nexport default function Page() { return null; }\n",
    "flag.ts": 'if (process.env.NEXT_PUBLIC_FLAG === "true") enable();\n',
    "switch.ts": 'export function f(a: string) { if (a === "on") return 1; return 2; }\n',
    "compared.ts": "export function f(a: number, b: number) { return a === b; }\n",
    "guarded.ts": (
        "export async function GET() {\n"
        "  const session = await auth();\n"
        "  if (!session) return new Response(null, { status: 401 });\n"
        "  return Response.json({});\n"
        "}\n"
    ),
    "imports.ts": 'import type { A } from "./a";\nimport { b } from "@/lib/b";\n',
}


def _holds(name: str) -> Holds:
    return outline_of(extract_code_facts(name, SOURCES[name].encode())).holds


def test_an_outline_says_what_each_pass_looks_for() -> None:
    assert Holds.MERGE_CALLS in _holds("router.ts")
    assert Holds.RAW_CALLS in _holds("raw.ts")
    assert Holds.CONSTRUCTED_PROPERTIES in _holds("service.ts")
    assert Holds.CONSTRUCTED_PROPERTIES not in _holds("dated.ts")  # constructed, not under a key
    assert Holds.NEXT_CACHES in _holds("page.tsx")
    assert Holds.ENV_OR_SWITCHES in _holds("flag.ts")
    assert Holds.ENV_OR_SWITCHES in _holds("switch.ts")
    assert Holds.ENV_OR_SWITCHES not in _holds("compared.ts")  # no literal: no switch
    assert Holds.GUARDS in _holds("guarded.ts")
    assert _holds("compared.ts") == Holds.NOTHING
    facts = extract_code_facts("imports.ts", SOURCES["imports.ts"].encode())
    assert outline_of(facts).imports == (("./a", True), ("@/lib/b", False))


def _table(pinned: int = 0, recent: int = 0) -> FactsTable:
    packed = {
        name: pack_facts(extract_code_facts(name, text.encode())) for name, text in SOURCES.items()
    }
    return FactsTable(packed, unpack_facts, pinned=pinned, recent=recent)


def test_a_file_is_decoded_once_for_its_outline() -> None:
    table = _table()  # nothing stays decoded
    assert holding(table, Holds.RAW_CALLS) == ["raw.ts"]
    assert table.decodes == len(SOURCES)
    assert holding(table, Holds.MERGE_CALLS | Holds.NEXT_CACHES) == ["router.ts", "page.tsx"]
    assert outline(table, "imports.ts").imports == (("./a", True), ("@/lib/b", False))
    assert table.decodes == len(SOURCES)  # the outlines answered, no file was decoded again
    plain = {path: table[path] for path in table}  # a plain mapping: outlines made on the spot
    assert holding(plain, Holds.RAW_CALLS) == ["raw.ts"]


def test_a_pass_over_every_file_pins_none_of_them() -> None:
    table = _table(pinned=2)
    with whole_pass(table):
        for path in table:
            table[path]
    assert not table._pinned  # the pass kept nothing for good
    table["guarded.ts"], table["raw.ts"], table["flag.ts"]  # the checks' own files are pinned
    assert list(table._pinned) == ["guarded.ts", "raw.ts"]
    small = _table(pinned=len(SOURCES))  # a repository that fits is decoded once, pass or not
    with whole_pass(small):
        for path in small:
            small[path]
    assert len(small._pinned) == len(SOURCES)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return large_repo(tmp_path_factory.mktemp("large"))


def _analysed(repo: Path) -> tuple[str, int, int]:
    options = AuditOptions(use_cache=False)
    loaded = load(repo, options)
    assert isinstance(loaded.facts, FactsTable)
    result = analyse(loaded, options)
    dumped = [
        [e.model_dump(mode="json") for e in result.entry_points],
        [f.model_dump(mode="json") for f in result.findings],
        [s.model_dump(mode="json") for s in result.scorecards],
    ]
    return json.dumps(dumped, sort_keys=True), loaded.facts.decodes, len(loaded.facts)


def test_a_repository_larger_than_the_table_is_decoded_a_few_times_not_once_a_pass(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roomy, decodes, files = _analysed(repo)
    assert decodes == files  # it fits: every file decoded once
    # As a repository ten times the pinned files: each pass over every file decodes them all
    # again, unless the pass asks the outlines, which are kept.
    monkeypatch.setattr(table_module, "PINNED", files // 10)
    monkeypatch.setattr(table_module, "RECENT", files // 40)
    tight, decodes, files = _analysed(repo)
    assert tight == roomy
    assert decodes < 4 * files, decodes / files  # 9.6 times when every pass decoded them all
