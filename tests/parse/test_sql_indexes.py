"""Indexes created by SQL files: the table without its schema, the columns in order without their
quotes and sort order, expressions kept as written, statements over several lines."""

from __future__ import annotations

from archtools.parse.sql_indexes import SqlIndex, sql_indexes

SQL = """-- indexes added by hand
CREATE INDEX "Model_userId" ON public."Model" USING btree ("userId");
CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (lower(email), "createdAt" DESC)
  WHERE deleted_at IS NULL;
create index concurrently on `links` (
  `created_by_id`,
  url
);
CREATE TABLE "Note" ("id" TEXT NOT NULL);
"""


def test_create_index_statements_give_their_table_and_columns() -> None:
    assert sql_indexes("db/indexes.sql", SQL) == [
        SqlIndex("db/indexes.sql", 2, "Model", ("userId",)),
        SqlIndex("db/indexes.sql", 3, "users", ("lower(email)", "createdAt")),
        SqlIndex("db/indexes.sql", 5, "links", ("created_by_id", "url")),
    ]


def test_text_without_an_index_gives_none() -> None:
    assert sql_indexes("a.sql", "CREATE TABLE t (id int); -- INDEX ON nothing") == []
