"""A client's user id that an exit refuses unless it is the caller's own (`if (userId !==
session.user.id) return`) binds the queries it filters, and owns the rows it creates, past that
exit; before the exit, or in a query it does not filter, it binds nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function copyNote(noteId: string, userId: string) {
  const session = await auth();
  if (!session?.user?.id || userId !== session.user.id) return "unauthorized";
  const note = await prisma.note.findFirst({
    where: {
      id: noteId,
      authorId: userId,
    },
  });
  if (!note) return "missing";
  await prisma.note.create({ data: { title: note.title, body: note.body, authorId: userId } });
}

export async function peekNote(noteId: string, userId: string) {
  const note = await prisma.note.findFirst({ where: { id: noteId, authorId: userId } });
  const session = await auth();
  if (!session?.user?.id || userId !== session.user.id) return "unauthorized";
  return note?.title;
}
"""

FILE = "app/notes/actions.ts"


def test_a_user_id_equated_with_the_caller_binds_the_query_and_the_new_row(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path, {FILE: ACTIONS})
    result = run_audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#copyNote")
    authz = point.checks.authorization
    assert authz.status.value == "pass", authz
    assert any(e.line == 7 and "caller's own id" in e.detail for e in authz.evidence), authz
    assert not {r for r in rules_at(result, FILE) if r[0].startswith("AZ") and r[2] < 17}


def test_an_exit_after_the_query_binds_nothing(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: ACTIONS})
    result = run_audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#peekNote")
    assert point.checks.authorization.status.value == "fail", point.checks.authorization
    assert ("AZ001", FILE, 19) in rules_at(result, FILE)


HELPER = """import { prisma } from "@/lib/db";

export async function retitleAll(args: { userId: string; title: string }) {
  await prisma.note.updateMany({ where: { authorId: args.userId }, data: { title: args.title } });
}
"""

HANDING_ON = """"use server";
import { auth } from "@/auth";
import { retitleAll } from "@/lib/notes";

export async function retitleMine(userId: string, title: string) {
  const session = await auth();
  if (!session?.user?.id) return "unauthorized";
  if (userId !== session.user.id) throw new Error("forbidden");
  await retitleAll({ userId, title });
}

export async function retitleAnyones(userId: string, title: string) {
  const session = await auth();
  if (!session?.user?.id) return "unauthorized";
  await retitleAll({ userId, title });
}
"""


def test_a_user_id_equated_with_the_caller_stays_bound_in_the_helper_it_is_handed_to(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path, {FILE: HANDING_ON, "lib/notes.ts": HELPER})
    result = run_audit(tmp_path)
    mine = entry(result, f"server_action:{FILE}#retitleMine").checks.authorization
    assert mine.status.value == "pass", mine
    assert any(e.line == 8 and "caller's own id" in e.detail for e in mine.evidence), mine
    anyones = entry(result, f"server_action:{FILE}#retitleAnyones").checks.authorization
    assert anyones.status.value == "fail", anyones
