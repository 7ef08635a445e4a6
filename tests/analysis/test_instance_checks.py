"""A row wrapped in an object whose method decides on it (`const view = new NoteView(session,
row); if (!view.readable()) throw`): the method compares what the constructor kept of the row with
the caller it kept, so the exit binds the row to the caller. A method that looks at the row alone
binds nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

VIEW = """import type { Session } from "next-auth";

type NoteRow = { id: string; authorId: string; deletedAt: Date | null };

export class NoteView {
  constructor(
    private session: Session,
    public note: NoteRow,
  ) {}

  readable(): boolean {
    if (this.note.authorId === this.session.user?.id) {
      return true;
    }
    return false;
  }

  alive(): boolean {
    return this.note.deletedAt === null;
  }
}
"""

ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { NoteView } from "@/lib/note-view";

export async function readNote(noteId: string) {
  const session = await auth();
  if (!session?.user) throw new Error("signed out");
  const row = await prisma.note.findUnique({ where: { id: noteId } });
  if (!row) throw new Error("missing");
  const view = new NoteView(session, row);
  if (!view.readable()) throw new Error("forbidden");
  return row.title;
}

export async function peekNote(noteId: string) {
  const session = await auth();
  if (!session?.user) throw new Error("signed out");
  const row = await prisma.note.findUnique({ where: { id: noteId } });
  if (!row) throw new Error("missing");
  const view = new NoteView(session, row);
  if (!view.alive()) throw new Error("gone");
  return row.title;
}
"""

FILE = "app/notes/actions.ts"


def test_a_method_comparing_the_kept_row_with_the_kept_caller_binds_the_row(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path, {FILE: ACTIONS, "lib/note-view.ts": VIEW})
    result = run_audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#readNote")
    authz = point.checks.authorization
    assert authz.status.value == "pass", authz
    assert any(e.line == 12 and "readable()" in e.detail for e in authz.evidence), authz
    assert ("AZ001", FILE, 9) not in rules_at(result, FILE)


def test_a_method_looking_at_the_row_alone_binds_nothing(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: ACTIONS, "lib/note-view.ts": VIEW})
    result = run_audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#peekNote")
    assert point.checks.authorization.status.value == "fail", point.checks.authorization
    assert ("AZ001", FILE, 19) in rules_at(result, FILE)


MODEL = """import type { Session } from "next-auth";
import { prisma } from "@/lib/db";

type NoteRow = { id: string; authorId: string; deletedAt: Date | null };

export class OwnedNote {
  constructor(
    private session: Session,
    public note: NoteRow,
  ) {}

  static async load(session: Session, id: string): Promise<OwnedNote> {
    const row = await prisma.note.findUnique({ where: { id } });
    if (!row) {
      throw new Error("missing");
    }
    return new OwnedNote(session, row);
  }

  mustOwn() {
    if (this.note.authorId !== this.session.user?.id) {
      throw new Error("forbidden");
    }
  }

  mustBeAlive() {
    if (this.note.deletedAt !== null) {
      throw new Error("gone");
    }
  }
}
"""

RENAME = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { OwnedNote } from "@/lib/owned-note";

export async function renameNote(noteId: string, title: string) {
  const session = await auth();
  if (!session?.user) throw new Error("signed out");
  const [note] = await Promise.all([OwnedNote.load(session, noteId), Promise.resolve(null)]);
  note.mustOwn();
  await prisma.note.update({ where: { id: noteId }, data: { title } });
}

export async function touchNote(noteId: string, title: string) {
  const session = await auth();
  if (!session?.user) throw new Error("signed out");
  const note = await OwnedNote.load(session, noteId);
  note.mustBeAlive();
  await prisma.note.update({ where: { id: noteId }, data: { title } });
}
"""


def test_an_owner_method_of_the_loaded_object_binds_the_later_write(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: RENAME, "lib/owned-note.ts": MODEL})
    result = run_audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#renameNote")
    authz = point.checks.authorization
    assert any(e.line == 10 and "mustOwn()" in e.detail for e in authz.evidence), authz
    assert ("AZ001", FILE, 11) not in rules_at(result, FILE)


def test_a_method_that_checks_the_row_alone_binds_no_write(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: RENAME, "lib/owned-note.ts": MODEL})
    result = run_audit(tmp_path)
    assert ("AZ001", FILE, 19) in rules_at(result, FILE)
