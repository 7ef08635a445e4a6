"""VAL001 reports a value that can change what a query does. Drizzle's `eq(column, value)` sends
any value as one bound parameter compared for equality: unchecked (the validation check still
fails), yet it selects the row with that exact key or none, so no VAL001."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.test_realworld_patterns import (
    DRIZZLE_CONFIG,
    DRIZZLE_DB,
    DRIZZLE_SCHEMA,
    audit_files,
)
from tests.support.minirepo import entry, make_repo, run_audit, statuses

ACTION = """"use server";
import { eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { users } from "@/db/schema";

export async function userById(id: string) {
  return db.select().from(users).where(eq(users.id, id));
}

export async function usersMatching(pattern: string) {
  return db.select().from(users).where(sql`${users.email} like ${pattern} or true`);
}

export async function userByAlias(alias: string) {
  return db.select().from(users).where(sql`lower(${users.email}) = ${alias}`);
}

export async function usersAbove(floor: string) {
  return db.select().from(users).where(sql`${users.id} >= ${floor}`);
}
"""


def test_an_exact_drizzle_key_is_unchecked_but_changes_nothing(tmp_path: Path) -> None:
    result = audit_files(
        tmp_path,
        {
            "drizzle.config.ts": DRIZZLE_CONFIG,
            "db/index.ts": DRIZZLE_DB,
            "db/schema.ts": DRIZZLE_SCHEMA,
            "app/users/actions.ts": ACTION,
        },
        schema=None,
        dependencies={"drizzle-orm": "0.43.1"},
    )
    exact = entry(result, "server_action:app/users/actions.ts#userById")
    assert statuses(exact)["input_validation"] == "fail"  # still unchecked
    val001 = {(f.file, f.line) for f in result.findings if f.rule == "VAL001"}
    assert ("app/users/actions.ts", 7) not in val001
    # a value that shapes the query otherwise is still reported
    assert ("app/users/actions.ts", 11) in val001
    # compared for equality in a `sql` template, the value is one bound parameter, like eq()'s
    assert ("app/users/actions.ts", 15) not in val001
    assert ("app/users/actions.ts", 19) in val001


PROFILE_PAGE = """import { notFound } from "next/navigation";
import { db } from "@/db";

export default async function Profile({ params }: { params: Promise<{ handle: string }> }) {
  const { handle } = await params;
  const person = await db.query.users.findFirst({
    where: (u, { eq }) => eq(u.id, handle),
  });
  if (!person) notFound();
  const others = await db.query.users.findMany({
    where: (u, { like }) => like(u.email, handle),
  });
  return <p>{person.email} {others.length}</p>;
}
"""


def test_an_exact_key_in_a_callback_filter_changes_nothing(tmp_path: Path) -> None:
    """`where: (t, { eq }) => eq(t.id, value)`: the callback's operand is bound like the
    builder's; a pattern (`like`) built from the same value still shapes the query."""
    result = audit_files(
        tmp_path,
        {
            "drizzle.config.ts": DRIZZLE_CONFIG,
            "db/index.ts": DRIZZLE_DB,
            "db/schema.ts": DRIZZLE_SCHEMA,
            "app/people/[handle]/page.tsx": PROFILE_PAGE,
        },
        schema=None,
        dependencies={"drizzle-orm": "0.43.1"},
    )
    page = entry(result, "page:app/people/[handle]/page.tsx#default")
    assert statuses(page)["input_validation"] == "fail"  # still unchecked
    val001 = {(f.file, f.line) for f in result.findings if f.rule == "VAL001"}
    assert ("app/people/[handle]/page.tsx", 7) not in val001
    assert ("app/people/[handle]/page.tsx", 11) in val001


CLOSED_SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    String @id @default(cuid())
  email String @unique
  notes Note[]
}

model Note {
  id       String     @id @default(cuid())
  title    String
  pinned   Boolean    @default(false)
  state    NoteState  @default(DRAFT)
  authorId String
  author   User       @relation(fields: [authorId], references: [id])
}

enum NoteState {
  DRAFT
  PUBLISHED
}
"""

CLOSED_ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function pin(id: string, pinned: boolean, state: "DRAFT" | "PUBLISHED") {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.note.update({
    where: { id, authorId: session.user.id },
    data: { pinned, state },
  });
}

export async function rename(id: string, title: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.note.update({
    where: { id, authorId: session.user.id },
    data: { title },
  });
}
"""


def test_a_prisma_boolean_or_enum_column_takes_nothing_but_its_values(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/notes/actions.ts": CLOSED_ACTIONS}, schema=CLOSED_SCHEMA)
    result = run_audit(tmp_path)
    val001 = {(f.file, f.line) for f in result.findings if f.rule == "VAL001"}
    pin = entry(result, "server_action:app/notes/actions.ts#pin")
    assert statuses(pin)["input_validation"] == "fail"  # still unchecked
    assert ("app/notes/actions.ts", 10) not in val001
    # a text column takes any string: the value is reported
    assert ("app/notes/actions.ts", 19) in val001
