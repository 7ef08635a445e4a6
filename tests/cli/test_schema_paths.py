"""`archtools schema PATH` on every kind of path (a Drizzle schema file, an entry file re-exporting
it, a folder, a repository without drizzle.config), and a broken schema in `audit`: an error, its
checklist items unknown, no grade as if the schema were clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archtools.cli import main
from archtools.results import Audit, ItemStatus
from tests.support.minirepo import make_repo, run_audit

SHOP = Path(__file__).resolve().parents[2] / "data" / "samples" / "shop-vulnerable"
SHOP_TABLES = {"users", "products", "orders", "orderItems", "coupons"}

USERS_TS = """import { pgTable, serial, text, integer } from "drizzle-orm/pg-core";
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull().unique(),
});
export const notes = pgTable("notes", {
  id: serial("id").primaryKey(),
  ownerId: integer("owner_id").references(() => users.id),
});
"""
ROUTE = """import { db } from "@/lib/db/client";
export async function GET() {
  return Response.json(await db.query.notes.findMany());
}
"""


def _schema(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, object]:
    assert main(["schema", str(path)]) == 0
    schema: dict[str, object] = json.loads(capsys.readouterr().out)
    return schema


def _names(schema: dict[str, object]) -> set[str]:
    models = schema["models"]
    assert isinstance(models, list)
    return {m["name"] for m in models}


@pytest.mark.parametrize("where", ["src/db/schema.ts", "src/db/index.ts", "src/db", "src"])
def test_drizzle_file_entry_file_and_folder(capsys: pytest.CaptureFixture[str], where: str) -> None:
    schema = _schema(capsys, SHOP / where)
    assert (schema["orm"], schema["provider"]) == ("drizzle", "postgresql")
    assert _names(schema) >= SHOP_TABLES
    assert schema["sources"] == ["src/db/schema.ts"]  # relative to the project, not to PATH


def test_a_source_file_without_tables_is_no_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schema", str(SHOP / "next.config.mjs")]) == 2
    assert "no Prisma or Drizzle schema found" in capsys.readouterr().err


def _drizzle_repo(root: Path) -> Path:
    return make_repo(
        root,
        {
            "lib/db/schema/users.ts": USERS_TS,
            "lib/db/schema/index.ts": 'export * from "./users";\n',
            "lib/db/client.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\n'
            'import * as schema from "./schema";\nexport const db = drizzle(process.env.DB!, { schema });\n',
            "app/api/notes/route.ts": ROUTE,
        },
        schema=None,
        dependencies={"drizzle-orm": "0.36.0"},
    )


def test_a_repository_without_drizzle_config_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _drizzle_repo(tmp_path)
    assert not any(repo.glob("drizzle.config.*"))
    schema = _schema(capsys, repo)
    assert (schema["orm"], schema["provider"]) == ("drizzle", "postgresql")
    assert _names(schema) == {"users", "notes"}
    assert _names(_schema(capsys, repo / "lib" / "db" / "schema" / "index.ts")) == {
        "users",
        "notes",
    }
    assert _names(_schema(capsys, repo / "lib" / "db")) == {"users", "notes"}


BROKEN = 'datasource db {\n  provider = "postgresql"\n  url = env("DB")\n}\n' + (
    "model Note {\n  id String @id\n  owner String\n  title\n}\n"
)
GUARDED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function GET() {
  const session = await auth();
  if (!session?.user) return new Response("unauthorized", { status: 401 });
  return Response.json(await prisma.note.findMany({ where: { owner: session.user.id } }));
}
"""


@pytest.fixture(scope="module")
def broken_and_clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, Audit]:
    fixed = BROKEN.replace("  title\n", "  title String\n")
    broken = run_audit(
        make_repo(
            tmp_path_factory.mktemp("broken"), {"app/api/notes/route.ts": GUARDED}, schema=BROKEN
        )
    )
    clean = run_audit(
        make_repo(
            tmp_path_factory.mktemp("clean"), {"app/api/notes/route.ts": GUARDED}, schema=fixed
        )
    )
    return broken, clean


def test_a_broken_schema_is_an_error(broken_and_clean: tuple[Audit, Audit]) -> None:
    broken, _ = broken_and_clean
    assert [(e.file, e.line) for e in broken.errors] == [("prisma/schema.prisma", 8)]


def test_its_schema_items_are_unknown_and_the_grade_is_not_clean(
    broken_and_clean: tuple[Audit, Audit],
) -> None:
    broken, clean = broken_and_clean
    (card,) = broken.scorecards
    (clean_card,) = clean.scorecards
    status = {item.id: item.status for item in card.items}
    assert status["database-constraints"] is ItemStatus.UNKNOWN
    assert status["safe-migrations"] is ItemStatus.UNKNOWN
    (item,) = [i for i in card.items if i.id == "database-constraints"]
    assert item.evidence[0].file == "prisma/schema.prisma" and item.evidence[0].line == 8
    assert "the schema does not parse" in item.evidence[0].detail
    clean_status = {i.id: i.status for i in clean_card.items}
    assert clean_status["database-constraints"] is not ItemStatus.UNKNOWN
    assert clean_status["safe-migrations"] is not ItemStatus.UNKNOWN
    assert card.score < clean_card.score
