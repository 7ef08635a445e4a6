"""A new row that names a user account chosen by the client (its assignee) selects none of that
user's rows: the reference is not a key to authorize, the row's other references still are."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit

SCHEMA = (
    PRISMA_SCHEMA.replace(
        "  notes        Note[]",
        '  notes        Note[]\n  chores       Chore[] @relation("assigned")',
    ).replace(
        "  version   Int       @default(0)",
        "  version   Int       @default(0)\n  chores    Chore[]",
    )
    + """
model Chore {
  id         String @id @default(cuid())
  title      String
  noteId     String
  note       Note   @relation(fields: [noteId], references: [id])
  assigneeId String
  assignee   User   @relation("assigned", fields: [assigneeId], references: [id])
  createdBy  String
}
"""
)

MINE = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function mine() {
  const session = await auth();
  if (!session?.user?.id) return [];
  const me = await prisma.user.findUnique({ where: { id: session.user.id } });
  const notes = await prisma.note.findMany({ where: { authorId: session.user.id } });
  const chores = await prisma.chore.findMany({ where: { createdBy: session.user.id } });
  return [me, notes, chores];
}
"""

ASSIGN = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function assignChore(noteId: string, assigneeId: string, title: string) {
  const session = await auth();
  if (!session?.user?.id) return { error: "sign in" };
  const note = await prisma.note.findFirst({ where: { id: noteId, authorId: session.user.id } });
  if (!note) return { error: "not found" };
  await prisma.chore.create({
    data: { title, noteId, assigneeId, createdBy: session.user.id },
  });
  return { ok: true };
}
"""


def _assign(root: Path, action: str):  # type: ignore[no-untyped-def]
    make_repo(root, {"app/mine.ts": MINE, "app/assign.ts": action}, schema=SCHEMA)
    result = run_audit(root)
    az = {r for r in rules_at(result, "app/assign.ts") if r[0].startswith("AZ")}
    return az, entry(result, "server_action:app/assign.ts#assignChore").checks.authorization


def test_an_assignee_chosen_by_the_client_is_not_a_key(tmp_path: Path) -> None:
    az, check = _assign(tmp_path / "assignee", ASSIGN)
    assert check.status.value == "pass", check
    assert not az, az


def test_the_other_references_of_the_new_row_still_are(tmp_path: Path) -> None:
    unchecked = ASSIGN.replace(
        "{ where: { id: noteId, authorId: session.user.id } }", "{ where: { id: noteId } }"
    )
    az, check = _assign(tmp_path / "note", unchecked)
    assert check.status.value == "fail", check
    assert ("AZ001", "app/assign.ts", 10) in az, az
