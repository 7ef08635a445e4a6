"""Property tests on the sample apps' real schema and migration files, mutated: the Prisma parser
raises only ParseError (its tolerant form never raises), the Drizzle extractor never raises through
the facts layer, and the SQL migration reader never raises; every location they report is real."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archtools.errors import ParseError
from archtools.facts.drizzle import extract_drizzle_schema
from archtools.facts.prisma import parse_prisma, prisma_errors_tolerant
from archtools.facts.schema import Schema
from archtools.facts.typescript import extract_code_facts
from archtools.parse.sql_migrations import parse_migration

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PRISMA = "notes-secure/prisma/schema.prisma"
DRIZZLE = "shop-vulnerable/src/db/schema.ts"
DRIZZLE_CLIENT = "shop-vulnerable/src/db/index.ts"
MIGRATIONS = sorted(
    p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*.sql") if p.is_file()
)
PROPERTY = settings(
    max_examples=60, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow]
)

PRISMA_TOKENS = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "@",
    "@@",
    "?",
    "\n",
    '"',
    "//",
    "///",
    "model ",
    "enum ",
    "@relation(",
    "fields: [",
    "references: [",
    "@id",
    "@default(",
    ",",
]
TS_TOKENS = [
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ".",
    "\n",
    '"',
    "pgTable(",
    "relations(",
    "references(() => ",
    ".notNull()",
    "export const x = ",
    "...",
    "=>",
    "/*",
]
SQL_TOKENS = [
    ";",
    "'",
    '"',
    "$$",
    "(",
    ")",
    "--",
    "/*",
    "*/",
    "\n",
    "BEGIN",
    "DO $$ BEGIN",
    "ALTER TABLE ",
    "DROP ",
    "--> statement-breakpoint\n",
    "CREATE INDEX ",
    ",",
]


def read(rel: str) -> str:
    return (SAMPLES / rel).read_text(encoding="utf-8")


@st.composite
def mutated(draw: st.DrawFn, text: str, tokens: list[str]) -> str:
    """`text` with up to six edits: a cut, an inserted token or noise, a duplicated slice."""
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["cut", "insert", "duplicate"]))
        if action == "cut":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=60)) :]
        elif action == "insert":
            text = text[:at] + draw(st.sampled_from(tokens) | st.text(max_size=6)) + text[at:]
        else:
            text = text[:at] + text[at : at + 80] + text[at:]
    return text


def test_the_unmutated_samples_read_cleanly() -> None:
    schema = parse_prisma({PRISMA: read(PRISMA)})
    assert [m.name for m in schema.models] == [
        "User",
        "Account",
        "Session",
        "Team",
        "Membership",
        "Note",
        "Comment",
        "AuditLog",
        "Invitation",
        "ApiKey",
    ]
    files = {p: extract_code_facts(p, read(p).encode()) for p in (DRIZZLE, DRIZZLE_CLIENT)}
    drizzle, problems = extract_drizzle_schema(files)
    assert problems == []
    assert [m.name for m in drizzle.models] == [
        "users",
        "products",
        "coupons",
        "orders",
        "orderItems",
        "apiTokens",
    ]
    assert len(MIGRATIONS) == 5
    assert [parse_migration(p, read(p)).errors for p in MIGRATIONS] == [()] * 5


def _lines(text: str) -> int:
    return text.count("\n") + 1


@PROPERTY
@given(mutated(read(PRISMA), PRISMA_TOKENS))
def test_a_mutated_prisma_schema_parses_or_raises_parse_error(text: str) -> None:
    try:
        schema = parse_prisma({PRISMA: text})
    except ParseError as error:
        assert error.file == PRISMA and error.message
        assert error.line is None or 1 <= error.line <= _lines(text)
        assert error.column is None or error.column >= 1
    else:
        assert all(m.file == PRISMA and 1 <= m.line <= _lines(text) for m in schema.models)
    tolerant, errors = prisma_errors_tolerant({PRISMA: text, "prisma/other.prisma": ""})
    assert isinstance(tolerant, Schema)
    assert all(isinstance(e, ParseError) and e.file == PRISMA for e in errors)


@PROPERTY
@given(mutated(read(DRIZZLE), TS_TOKENS))
def test_a_mutated_drizzle_schema_never_raises(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    files = {
        DRIZZLE: extract_code_facts(DRIZZLE, data),
        DRIZZLE_CLIENT: extract_code_facts(DRIZZLE_CLIENT, read(DRIZZLE_CLIENT).encode()),
    }
    schema, errors = extract_drizzle_schema(files)
    assert isinstance(schema, Schema)
    assert all(isinstance(e, ParseError) and e.file in files for e in errors)
    assert all(e.line is None or 1 <= e.line <= _lines(text) for e in errors)
    assert all(m.file == DRIZZLE and 1 <= m.line <= _lines(text) for m in schema.models)


@PROPERTY
@given(
    st.sampled_from(MIGRATIONS).flatmap(
        lambda p: st.tuples(st.just(p), mutated(read(p), SQL_TOKENS))
    )
)
def test_a_mutated_migration_never_raises(case: tuple[str, str]) -> None:
    path, text = case
    migration = parse_migration(path, text, dialect="postgres")
    assert migration.path == path
    assert all(1 <= s.line <= _lines(text) for s in migration.statements)
    assert all(isinstance(e, ParseError) and e.file == path for e in migration.errors)
    assert all(e.line is None or 1 <= e.line <= _lines(text) for e in migration.errors)
