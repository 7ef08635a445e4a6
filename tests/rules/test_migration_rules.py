"""Migration rules MIG001-MIG009: annotated fixture repos, the catalog, keys and ordering."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from archtools.parse.sql_migrations import (
    MigrationFile,
    dialect_for_provider,
    find_migration_files,
    parse_migration,
    provider_from_migration_lock,
)
from archtools.results import Severity
from archtools.rules.base import RuleMeta
from archtools.rules.migration_history import build_history, order_migrations
from archtools.rules.migrations import (
    MIGRATION_RULES,
    check_drop_column,
    run_migration_rules,
)

FIXTURES = Path(__file__).parent / "fixtures" / "migrations"
CATALOG = Path(__file__).parents[2] / "archtools" / "knowledge" / "rules" / "migration.yaml"
RULE_IDS = [rule_id for rule_id, _ in MIGRATION_RULES]
EXPECT = re.compile(r"--\s*expect:\s*(MIG\d{3}(?:\s*,\s*MIG\d{3})*)")

Expectation = set[tuple[str, str, int]]


def _dialect_for(root: Path, path: str) -> str:
    """What the audit would pick: migration_lock.toml for Prisma, the journal for drizzle."""
    folder = Path(path).parent
    for candidate in (folder.parent / "migration_lock.toml", folder / "meta" / "_journal.json"):
        full = root / candidate
        if not full.is_file():
            continue
        text = full.read_text()
        if candidate.name == "migration_lock.toml":
            return dialect_for_provider(provider_from_migration_lock(text))
        return dialect_for_provider(json.loads(text).get("dialect"))
    return "postgres"


def load_repo(root: Path) -> list[MigrationFile]:
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return [
        parse_migration(path, (root / path).read_text(), _dialect_for(root, path))
        for path in find_migration_files(paths)
    ]


def expected_hits(root: Path) -> Expectation:
    """`-- expect: MIGxxx` flags the next line that is not itself an annotation."""
    expected: Expectation = set()
    for file in sorted(root.rglob("*.sql")):
        rel = file.relative_to(root).as_posix()
        lines = file.read_text().splitlines()
        for index, line in enumerate(lines):
            match = EXPECT.search(line)
            if match is None:
                continue
            target = index + 1
            while target < len(lines) and EXPECT.search(lines[target]):
                target += 1
            for rule in re.split(r"\s*,\s*", match.group(1)):
                expected.add((rule, rel, target + 1))
    return expected


def actual_hits(root: Path) -> Expectation:
    return {(h.rule, h.file, h.line) for h in run_migration_rules(load_repo(root))}


CASES = [(rule_id, kind) for rule_id in RULE_IDS for kind in ("bad", "good")]


@pytest.mark.parametrize(("rule_id", "kind"), CASES, ids=[f"{r}-{k}" for r, k in CASES])
def test_fixture_hits_match_annotations(rule_id: str, kind: str) -> None:
    root = FIXTURES / rule_id.lower() / kind
    expected = expected_hits(root)
    actual = actual_hits(root)
    assert {h for h in actual if h not in expected} == set(), "noisy"
    assert {h for h in expected if h not in actual} == set(), "missing"
    fired = {rule for rule, _, _ in actual}
    if kind == "bad":
        assert rule_id in fired
    else:
        assert rule_id not in fired


def test_fixture_files_parse_without_errors() -> None:
    for root in sorted(FIXTURES.glob("mig*/*")):
        for migration in load_repo(root):
            assert migration.errors == (), migration.path


def test_bad_fixtures_pin_exact_lines() -> None:
    # The annotation reader itself is checked on one fixture, against literal values.
    assert expected_hits(FIXTURES / "mig001" / "bad") == {
        ("MIG001", "prisma/migrations/20240301000000_drop_invoices/migration.sql", 8),
        ("MIG009", "prisma/migrations/20240301000000_drop_invoices/migration.sql", 8),
        ("MIG001", "prisma/migrations/20240301000000_drop_invoices/migration.sql", 12),
    }


def test_drop_of_several_tables_yields_one_hit_per_table() -> None:
    hits = run_migration_rules(load_repo(FIXTURES / "mig001" / "bad"))
    assert [(h.rule, h.line, h.key, h.model) for h in hits] == [
        ("MIG001", 8, "drop-table:Invoice", "Invoice"),
        ("MIG009", 8, "migration-without-transaction:20240301000000_drop_invoices", None),
        ("MIG001", 12, "drop-table:Refund", "Refund"),
        ("MIG001", 12, "drop-table:RefundLine", "RefundLine"),
    ]


def test_keys_are_stable_text_without_line_numbers() -> None:
    keys = {
        h.rule: h.key
        for rule_id in RULE_IDS
        for h in run_migration_rules(load_repo(FIXTURES / rule_id.lower() / "bad"))
        if h.rule == rule_id
    }
    assert keys == {
        "MIG001": "drop-table:RefundLine",
        "MIG002": "drop-column:users.pager",
        "MIG003": "alter-column-type:Order.code",
        "MIG004": "rename:Post->Article",
        "MIG005": "not-null-without-default:User.name",
        "MIG006": "index-without-concurrently:Post_authorId_idx",
        "MIG007": "foreign-key-without-not-valid:Post.Post_authorId_fkey",
        "MIG008": "enum-value-removal:Status",
        "MIG009": "migration-without-transaction:20240101000000_split_name",
    }


def test_messages_name_the_object_and_the_way_out() -> None:
    hits = run_migration_rules(load_repo(FIXTURES / "mig008" / "bad"))
    swap = next(h for h in hits if h.key == "enum-value-removal:Role")
    assert swap.line == 10
    assert "Enum Role is recreated without GUEST" in swap.message
    assert "later migration" in swap.message
    column = run_migration_rules(load_repo(FIXTURES / "mig003" / "bad"))
    amount = next(h for h in column if h.key == "alter-column-type:Order.amount")
    assert "Order.amount from DOUBLE PRECISION to DECIMAL(12, 2)" in amount.message
    assert "ACCESS EXCLUSIVE" in amount.message


def test_hits_come_sorted_whatever_the_input_order() -> None:
    migrations = load_repo(FIXTURES / "mig003" / "bad")
    forward = run_migration_rules(migrations)
    backward = run_migration_rules(list(reversed(migrations)))
    assert forward == backward
    assert [(h.file, h.line, h.rule) for h in forward] == sorted(
        (h.file, h.line, h.rule) for h in forward
    )


def test_separate_migration_sets_do_not_share_tables() -> None:
    # "Item" is created in apps/shop's history only; the root set's ALTER still sees it as existing.
    shop = parse_migration(
        "apps/shop/prisma/migrations/1_init/migration.sql",
        'CREATE TABLE "Item" ("id" TEXT NOT NULL);\nALTER TABLE "Item" DROP COLUMN "id";',
    )
    web = parse_migration(
        "prisma/migrations/1_init/migration.sql",
        'CREATE TABLE "Other" ("id" TEXT);\nALTER TABLE "Item" DROP COLUMN "id";',
    )
    hits = run_migration_rules([shop, web])
    assert [(h.rule, h.file, h.line) for h in hits] == [
        ("MIG002", "prisma/migrations/1_init/migration.sql", 2),
        ("MIG009", "prisma/migrations/1_init/migration.sql", 2),
    ]


def test_rule_functions_are_usable_alone() -> None:
    ordered = order_migrations(load_repo(FIXTURES / "mig002" / "bad"))
    hits = list(check_drop_column(ordered, build_history(ordered)))
    assert [(h.line, h.key) for h in hits] == [
        (2, "drop-column:users.phone"),
        (5, "drop-column:users.fax"),
        (5, "drop-column:users.pager"),
    ]


def test_history_tracks_created_tables_per_file() -> None:
    ordered = order_migrations(load_repo(FIXTURES / "mig005" / "good"))
    history = build_history(ordered)
    assert [m.order_key for m in ordered] == [
        "20240101000000_init",
        "20240201000000_defaults",
        "20240301000000_validate",
        "20240401000000_required",
    ]
    assert history.is_new_table((0, 1), "Team") is True
    assert history.is_new_table((0, 0), "Team") is False
    assert history.is_new_table((1, 0), "Team") is False
    assert history.has_not_null_check((3, 0), "Account", "nickname") is True
    assert history.has_not_null_check((2, 0), "Account", "nickname") is False


def test_catalog_matches_the_registry() -> None:
    entries = [RuleMeta.model_validate(e) for e in yaml.safe_load(CATALOG.read_text())]
    assert [m.id for m in entries] == RULE_IDS
    assert [m.name for m in entries] == [
        "drop-table",
        "drop-column",
        "alter-column-type",
        "rename",
        "not-null-without-default",
        "index-without-concurrently",
        "foreign-key-without-not-valid",
        "enum-value-removal",
        "migration-without-transaction",
    ]
    assert {m.family for m in entries} == {"migration"}
    assert {m.checklist for m in entries} == {"safe-migrations"}
    assert [m.severity for m in entries[:2]] == [Severity.HIGH, Severity.HIGH]
    assert entries[-1].severity == Severity.LOW
    for meta in entries:
        assert meta.doc.why.strip() and meta.doc.references
        for example in (meta.doc.bad, meta.doc.good):
            assert example.lang == "sql"
            assert re.fullmatch(r"prisma/migrations/\d{14}_[a-z_]+/migration\.sql", example.path)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_catalog_examples_trigger_and_stay_clean(rule_id: str) -> None:
    entries = {e["id"]: RuleMeta.model_validate(e) for e in yaml.safe_load(CATALOG.read_text())}
    doc = entries[rule_id].doc
    bad = parse_migration(doc.bad.path, doc.bad.code)
    good = parse_migration(doc.good.path, doc.good.code)
    assert bad.errors == () and good.errors == ()
    assert rule_id in {h.rule for h in run_migration_rules([bad])}
    assert run_migration_rules([good]) == []


_TEMPLATES = [
    'CREATE TABLE "{t}" ("{c}" TEXT NOT NULL)',
    'DROP TABLE "{t}"',
    'ALTER TABLE "{t}" DROP COLUMN "{c}"',
    'ALTER TABLE "{t}" ADD COLUMN "{c}" INTEGER NOT NULL',
    'ALTER TABLE "{t}" ALTER COLUMN "{c}" SET DATA TYPE BIGINT',
    'ALTER TABLE "{t}" ALTER COLUMN "{c}" SET NOT NULL',
    'ALTER TABLE "{t}" RENAME COLUMN "{c}" TO "{c}x"',
    'ALTER TABLE "{t}" RENAME TO "{t}x"',
    'CREATE INDEX "{t}_{c}" ON "{t}"("{c}")',
    'ALTER TABLE "{t}" ADD CONSTRAINT "fk" FOREIGN KEY ("{c}") REFERENCES "{t}"("id")',
    "CREATE TYPE \"{t}\" AS ENUM ('a', 'b')",
    'ALTER TYPE "{t}" RENAME TO "{t}_old"',
    'DROP TYPE "{t}_old"',
    "BEGIN",
    "COMMIT",
]


@st.composite
def migration_texts(draw: st.DrawFn) -> str:
    lines = [
        draw(st.sampled_from(_TEMPLATES)).format(
            t=draw(st.sampled_from(["User", "Post", "Role"])), c=draw(st.sampled_from(["a", "b"]))
        )
        + ";"
        for _ in range(draw(st.integers(min_value=0, max_value=8)))
    ]
    return "\n".join(lines)


@settings(max_examples=100, deadline=timedelta(seconds=2))
@given(texts=st.lists(migration_texts(), min_size=1, max_size=3))
def test_rules_point_at_statement_starts_for_any_history(texts: list[str]) -> None:
    migrations = [
        parse_migration(f"prisma/migrations/{i}_m/migration.sql", text)
        for i, text in enumerate(texts)
    ]
    starts = {(s.file, s.line) for m in migrations for s in m.statements}
    hits = run_migration_rules(migrations)
    assert {(h.file, h.line) for h in hits} <= starts
    assert hits == run_migration_rules(list(reversed(migrations)))
    # Keys survive edits that move lines.
    shifted = [
        parse_migration(m.path, "-- moved\n\n" + text)
        for m, text in zip(migrations, texts, strict=True)
    ]
    moved = run_migration_rules(shifted)
    assert [(h.rule, h.file, h.key) for h in moved] == [(h.rule, h.file, h.key) for h in hits]
    assert [h.line for h in moved] == [h.line + 2 for h in hits]
