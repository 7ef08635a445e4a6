"""A read by the client's key whose row never leaves the function (the code only tests it, and
the entry point changes nothing) hands no one's data to the caller: no IDOR. The same read whose
test is returned (`return !!row` answers whether someone's row exists), whose row is handed to a
call, or whose test decides a write, is one."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function titles(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) return [];
  const other = await prisma.note.findFirst({ where: { id: noteId } });
  if (!other) console.warn("a note asked for is gone");
  return [];
}

export async function noteExists(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) return false;
  const note = await prisma.note.findFirst({ where: { id: noteId } });
  return !!note;
}

export async function noteLogged(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) return false;
  const note = await prisma.note.findFirst({ where: { id: noteId } });
  console.info(note);
  return true;
}

export async function touchIfThere(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) return false;
  const note = await prisma.note.findFirst({ where: { id: noteId } });
  if (!note) return false;
  await prisma.auditLog.create({ data: { actorId: session.user.id, action: "touch" } });
  return true;
}
"""

FILE = "app/notes/actions.ts"


def test_a_read_only_the_code_tests_leaks_no_row_and_one_returned_or_handed_on_does(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path, {FILE: ACTIONS})
    result = run_audit(tmp_path)
    quiet = entry(result, f"server_action:{FILE}#titles").checks.authorization
    assert quiet.status.value == "pass", quiet
    assert any(
        "only whether prisma.note.findFirst() found a Note row is used" in e.detail
        for e in quiet.evidence
    ), quiet
    found = rules_at(result, FILE)
    assert ("AZ001", FILE, 8) not in found
    assert ("AZ001", FILE, 16) in found  # whether it exists is returned
    assert ("AZ001", FILE, 23) in found  # the row is handed to a call
    assert ("AZ001", FILE, 31) in found  # the test decides a write
