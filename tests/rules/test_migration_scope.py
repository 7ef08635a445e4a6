"""Migrations judged as history: the rules report on the migrations not yet applied (new since a
base, else the newest of each folder), read the whole history first, and give advice in the words of
the tool that writes the repository's migrations."""

from __future__ import annotations

from archtools.parse.sql_migrations import MigrationFile, parse_migration
from archtools.rules.migration_judge import judge_migrations
from archtools.rules.migration_scope import MigrationScope
from archtools.rules.migrations import run_migration_rules
from tests.rules.test_migration_rules import FIXTURES, expected_hits, load_repo

INIT = 'CREATE TABLE "User" ("id" TEXT NOT NULL, "phone" TEXT, "fax" TEXT, "pager" TEXT);\n'


def prisma(name: str, sql: str, root: str = "prisma/migrations") -> MigrationFile:
    return parse_migration(f"{root}/{name}/migration.sql", sql)


def history_of_drops(root: str = "prisma/migrations") -> list[MigrationFile]:
    """init, then one dropped column per migration: every file after init has one MIG002."""
    return [
        prisma("20240101000000_init", INIT, root),
        prisma("20240201000000_fax", 'ALTER TABLE "User" DROP COLUMN "fax";\n', root),
        prisma("20240301000000_pager", 'ALTER TABLE "User" DROP COLUMN "pager";\n', root),
        prisma("20240401000000_phone", 'ALTER TABLE "User" DROP COLUMN "phone";\n', root),
    ]


def drop_files(migrations: list[MigrationFile], scope: MigrationScope) -> set[str]:
    return {h.file for h in judge_migrations(migrations, scope).hits if h.rule == "MIG002"}


def test_without_a_base_only_the_newest_migration_of_each_folder_is_judged() -> None:
    shop = history_of_drops("apps/shop/prisma/migrations")[:3]
    web = history_of_drops()
    judgement = judge_migrations(list(reversed(shop + web)), MigrationScope.newest())
    newest = {
        "apps/shop/prisma/migrations/20240301000000_pager/migration.sql",
        "prisma/migrations/20240401000000_phone/migration.sql",
    }
    assert {h.file for h in judgement.hits} == newest
    assert set(judgement.judged) == newest
    assert len(judgement.history) == 5
    note = MigrationScope.newest().note(len(judgement.judged), len(judgement.history))
    assert note is not None
    assert "newest migration of each migration folder (2 files)" in note
    assert "5 applied migrations skipped" in note and "--migrations-since all" in note


def test_since_a_base_the_migrations_it_lacked_are_judged() -> None:
    migrations = history_of_drops()
    applied = frozenset(m.path for m in migrations[:2])
    scope = MigrationScope.since_state(applied, "git revision main")
    assert drop_files(migrations, scope) == {m.path for m in migrations[2:]}
    judgement = judge_migrations(migrations, scope)
    assert judgement.history == tuple(m.path for m in migrations[:2])
    assert scope.note(2, 2) == (
        "Migration rules judged 2 migrations new since git revision main; "
        "2 applied migrations skipped as history."
    )
    nothing_new = MigrationScope.since_state(frozenset(m.path for m in migrations), "main")
    assert drop_files(migrations, nothing_new) == set()
    assert nothing_new.note(0, 4) is not None  # says that nothing was new


def test_all_judges_every_migration_as_before() -> None:
    migrations = history_of_drops()
    every = MigrationScope.every()
    assert drop_files(migrations, every) == {m.path for m in migrations[1:]}
    assert every.note(4, 0) is None
    for fixture in sorted(FIXTURES.glob("mig*/*")):
        hits = judge_migrations(load_repo(fixture), every).hits
        assert {(h.rule, h.file, h.line) for h in hits} == expected_hits(fixture), fixture
        assert hits == run_migration_rules(load_repo(fixture))


def test_a_table_created_by_a_migration_not_yet_applied_is_empty_for_later_ones() -> None:
    posts = prisma(
        "20240201000000_posts",
        'CREATE TABLE "Post" ("id" TEXT NOT NULL, "authorId" TEXT NOT NULL, "draft" TEXT);\n',
    )
    later = prisma(
        "20240301000000_post_index",
        'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n'
        'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") '
        'REFERENCES "User"("id");\n'
        'ALTER TABLE "Post" DROP COLUMN "draft";\n'
        'CREATE INDEX "User_phone_idx" ON "User"("phone");\n',
    )
    migrations = [prisma("20240101000000_init", INIT), posts, later]
    since_init = MigrationScope.since_state(frozenset({migrations[0].path}), "main")
    hits = judge_migrations(migrations, since_init).hits
    # Post is created by a migration that ships with this one: empty, nothing to lock or lose.
    assert [(h.rule, h.model) for h in hits] == [("MIG006", "User")]
    # Judged as if everything were applied, Post may hold rows (the behaviour of `all`).
    every = judge_migrations(migrations, MigrationScope.every()).hits
    assert sorted((h.rule, h.model) for h in every) == [
        ("MIG002", "Post"),
        ("MIG006", "Post"),
        ("MIG006", "User"),
        ("MIG007", "Post"),
        ("MIG009", None),  # a Prisma file with a destructive change and no BEGIN/COMMIT
    ]


def test_cache_keys_tell_scopes_and_bases_apart() -> None:
    keys = {
        MigrationScope.every().cache_key(),
        MigrationScope.newest().cache_key(),
        MigrationScope.since_state(frozenset({"a.sql"}), "main").cache_key(),
        MigrationScope.since_state(frozenset({"a.sql", "b.sql"}), "main").cache_key(),
        MigrationScope.since_state(frozenset({"a.sql"}), "the baseline b.json").cache_key(),
    }
    assert len(keys) == 5


# -- advice in the repository's own words ------------------------------------------------------

RISKY = (
    'ALTER TABLE "users" DROP COLUMN "phone";\n'
    'ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";\n'
    'ALTER TABLE "users" RENAME TO "members";\n'
    'CREATE INDEX "users_email_idx" ON "members" ("email");\n'
    'ALTER TABLE "members" ADD CONSTRAINT "members_team_fk" FOREIGN KEY ("team_id") '
    'REFERENCES "teams"("id");\n'
    'ALTER TABLE "members" ADD COLUMN "plan" text NOT NULL;\n'
    'ALTER TABLE "members" ALTER COLUMN "email" SET NOT NULL;\n'
    'DROP TABLE "teams";\n'
)
PRISMA_WORDS = ("Prisma", "prisma migrate", "@map", "@@map", "scalar field")
DRIZZLE_WORDS = ("drizzle", "Drizzle", "pgTable")


def messages(path: str, orm: str | None = None) -> dict[str, str]:
    hits = run_migration_rules([parse_migration(path, RISKY)], orm=orm)
    by_rule: dict[str, str] = {}
    for hit in hits:
        by_rule[hit.rule] = f"{by_rule.get(hit.rule, '')} {hit.message}"
    assert set(by_rule) - {"MIG009"} == {"MIG001", "MIG002", "MIG004", "MIG005", "MIG006", "MIG007"}
    return by_rule


def test_a_drizzle_repository_gets_drizzle_advice_and_no_prisma_advice() -> None:
    found = messages("drizzle/0003_members.sql")
    for rule, message in found.items():
        assert not any(word in message for word in PRISMA_WORDS), (rule, message)
    assert "db.select()" in found["MIG002"]
    assert 'keep "phone" as the database name' in found["MIG002"]
    assert 'keep "name" as the column\'s database name' in found["MIG004"]
    assert 'keep "users" as the name pgTable() is given' in found["MIG004"]
    assert 'keep "teams" as the name pgTable() is given' in found["MIG001"]
    assert (
        "drizzle-kit migrate applies every pending migration inside one transaction"
        in (found["MIG006"])
    )
    assert "IF NOT EXISTS in the generated .sql file" in found["MIG006"]
    assert "in a migration of a later deploy" in found["MIG007"]
    assert "applies every pending migration in one transaction, so a VALIDATE" in found["MIG007"]
    assert "in a migration of a later deploy" in found["MIG005"]
    assert ".default(...) on the column in the Drizzle schema" in found["MIG005"]


def test_a_prisma_repository_gets_prisma_advice_and_no_drizzle_advice() -> None:
    found = messages("prisma/migrations/20240101000000_members/migration.sql")
    for rule, message in found.items():
        assert not any(word in message for word in DRIZZLE_WORDS), (rule, message)
    assert "Prisma Client selects every scalar field" in found["MIG002"]
    assert '@map("phone")' in found["MIG002"]
    assert '@@map("teams")' in found["MIG001"]
    assert "@map renames a field" in found["MIG004"] and "@@map renames a model" in found["MIG004"]
    assert "prisma migrate dev --create-only" in found["MIG006"]
    assert "VALIDATE CONSTRAINT in a later migration" in found["MIG007"]
    assert "@default(...) on the field" in found["MIG005"]


def test_a_file_whose_folder_names_no_tool_speaks_of_the_schema_orm() -> None:
    # A .sql file in drizzle.config's `out` folder named neither `drizzle` nor NNNN_*.sql.
    path = "db/out/init_members.sql"
    drizzle = " ".join(messages(path, "drizzle").values())
    assert "drizzle-kit" in drizzle and not any(word in drizzle for word in PRISMA_WORDS)
    plain = messages(path, None)
    text = " ".join(plain.values())
    assert not any(word in text for word in PRISMA_WORDS + DRIZZLE_WORDS)
    assert "CREATE INDEX CONCURRENTLY in a migration of its own" in plain["MIG006"]


def test_mysql_drizzle_advice_names_its_table_builder() -> None:
    migration = parse_migration("drizzle/0001_drop.sql", "DROP TABLE `teams`;\n", "mysql")
    (hit,) = run_migration_rules([migration])
    assert 'keep "teams" as the name mysqlTable() is given' in hit.message
