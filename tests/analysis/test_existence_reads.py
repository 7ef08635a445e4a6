"""A read by the client's key whose row never leaves the function (it is only tested: `if (!row)`,
`return !!row`) tells at most whether such a row exists: no IDOR. The same read whose row is
returned, handed to a call or kept in another value is one."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function noteExists(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) return false;
  const note = await prisma.note.findFirst({ where: { id: noteId } });
  return !!note && note.version > 0;
}

export async function noteTitle(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) return null;
  const note = await prisma.note.findFirst({ where: { id: noteId } });
  if (!note) return null;
  return note.title;
}

export async function noteLogged(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) return false;
  const note = await prisma.note.findFirst({ where: { id: noteId } });
  console.info(note);
  return true;
}
"""

FILE = "app/notes/actions.ts"


def test_a_read_only_tested_leaks_no_row_and_one_returned_or_handed_on_does(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path, {FILE: ACTIONS})
    result = run_audit(tmp_path)
    exists = entry(result, f"server_action:{FILE}#noteExists").checks.authorization
    assert exists.status.value == "pass", exists
    assert (
        "only whether prisma.note.findFirst() found a Note row is used" in exists.evidence[0].detail
    )
    assert exists.evidence[0].line == 9
    found = rules_at(result, FILE)
    assert ("AZ001", FILE, 8) not in found
    assert ("AZ001", FILE, 15) in found  # its title is returned
    assert ("AZ001", FILE, 23) in found  # the row is handed to a call
