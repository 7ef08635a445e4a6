"""AUD001 is about deletes someone may have to account for: the caller removing one row of their
own that nothing else refers to (a bookmark, a saved search) needs no audit trail; an order or a
team of their own still does, and so does wiping all of their rows at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id        String     @id @default(cuid())
  bookmarks Bookmark[]
  orders    Order[]
  teams     Team[]
  links     UserLink[]
}

model UserLink {
  id     String @id @default(cuid())
  url    String
  userId String
  user   User   @relation(fields: [userId], references: [id])
}

model Bookmark {
  id     String @id @default(cuid())
  url    String
  userId String
  user   User   @relation(fields: [userId], references: [id])
}

model Order {
  id     String @id @default(cuid())
  total  Int
  userId String
  user   User   @relation(fields: [userId], references: [id])
}

model Team {
  id      String @id @default(cuid())
  name    String
  ownerId String
  owner   User   @relation(fields: [ownerId], references: [id])
}
"""

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function DELETE(req: Request, { params }: { params: { id: string } }) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  await prisma.DELETE;
  return new Response(null, { status: 204 });
}
"""

FILE = "app/api/things/[id]/route.ts"


@pytest.mark.parametrize(
    ("delete", "expected"),
    [
        ("bookmark.deleteMany({ where: { id: params.id, userId: session.user.id } })", "n/a"),
        ("userLink.deleteMany({ where: { id: params.id, userId: session.user.id } })", "n/a"),
        ("order.deleteMany({ where: { id: params.id, userId: session.user.id } })", "fail"),
        ("team.deleteMany({ where: { id: params.id, ownerId: session.user.id } })", "fail"),
        ("bookmark.deleteMany({ where: { userId: session.user.id } })", "fail"),
        ("bookmark.deleteMany({ where: { id: params.id } })", "fail"),
    ],
    ids=[
        "own bookmark",
        "own profile link",
        "own order",
        "own team",
        "all own bookmarks",
        "anyone's bookmark",
    ],
)
def test_only_a_row_of_the_callers_own_goes_without_a_trail(
    tmp_path: Path, delete: str, expected: str
) -> None:
    make_repo(tmp_path, {FILE: ROUTE.replace("DELETE;", f"{delete};")}, schema=SCHEMA)
    result = run_audit(tmp_path)
    check = entry(result, f"route_handler:{FILE}#DELETE").checks.audit_logging
    assert check.status.value == expected, check
    assert bool([f for f in result.findings if f.rule == "AUD001"]) == (expected == "fail")
    if expected == "n/a":
        assert "row of the caller's own" in check.evidence[0].detail
