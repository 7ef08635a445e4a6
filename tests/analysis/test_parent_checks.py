"""A row reached through a parent the caller was checked on: a compound key holding a key a
helper looked up among the caller's rows, and a row whose parent reference a helper checks after
it is loaded."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit

SCHEMA = (
    PRISMA_SCHEMA.replace(
        "  version   Int       @default(0)", "  version   Int       @default(0)\n  pins      Pin[]"
    )
    + """
model Pin {
  id     String @id @default(cuid())
  noteId String
  label  String
  note   Note   @relation(fields: [noteId], references: [id])

  @@unique([noteId, label])
}
"""
)

CHECKS = """import { prisma } from "@/lib/db";

export class Refused extends Error {}

export async function mustEditNote(
  who: { id: string; role: string },
  noteId: string,
): Promise<void> {
  const where = who.role === "ADMIN" ? { id: noteId } : { id: noteId, authorId: who.id };
  const row = await prisma.note.findFirst({ where, select: { id: true } });
  if (!row) throw new Refused();
}
"""

MINE = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function myNotes() {
  const session = await auth();
  if (!session?.user?.id) return [];
  return prisma.note.findMany({ where: { authorId: session.user.id } });
}
"""

CHECK = 'mustEditNote({ id: session.user.id, role: "USER" }, noteId)'

UNPIN = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { mustEditNote, Refused } from "@/lib/checks";

export async function unpin(input: { noteId: string; label: string; other: string }) {
  const session = await auth();
  if (!session?.user?.id) return { error: "sign in" };
  const { noteId, label, other } = input;
  try {
    await mustEditNote({ id: session.user.id, role: "USER" }, noteId);
  } catch (e) {
    if (e instanceof Refused) return { error: "forbidden" };
    throw e;
  }
  await prisma.pin.delete({
    where: { noteId_label: { label, noteId } },
  });
  return { ok: true };
}
"""


def _unpin(root: Path, action: str):  # type: ignore[no-untyped-def]
    make_repo(
        root,
        {"lib/checks.ts": CHECKS, "app/mine.ts": MINE, "app/unpin.ts": action},
        schema=SCHEMA,
    )
    result = run_audit(root)
    return result, entry(result, "server_action:app/unpin.ts#unpin").checks.authorization


def test_a_compound_key_holding_a_checked_parent_is_bound(tmp_path: Path) -> None:
    result, check = _unpin(tmp_path / "checked", UNPIN)
    assert check.status.value == "pass", check
    assert any(e.line == 11 and "mustEditNote()" in e.detail for e in check.evidence), check
    assert not {r for r in rules_at(result, "app/unpin.ts") if r[0].startswith("AZ")}


def test_a_compound_key_without_the_check_is_not(tmp_path: Path) -> None:
    unchecked = UNPIN.replace(f"    await {CHECK};\n", "")
    result, check = _unpin(tmp_path / "open", unchecked)
    assert check.status.value == "fail", check
    assert ("AZ001", "app/unpin.ts", 15) in rules_at(result, "app/unpin.ts")


def test_a_check_on_another_key_binds_nothing(tmp_path: Path) -> None:
    # the helper checked a note the caller named, not the one whose pin is deleted
    other = UNPIN.replace(CHECK, CHECK.replace("noteId)", "other)"))
    _result, check = _unpin(tmp_path / "other", other)
    assert check.status.value == "fail", check


PIN_CHECKS = (
    CHECKS
    + """
export async function mustEditPin(who: { id: string; role: string }, pinId: string) {
  const pin = await prisma.pin.findUnique({ where: { id: pinId }, select: { noteId: true } });
  if (!pin) throw new Refused();
  await mustEditNote(who, pin.noteId);
}
"""
)

DROP = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { mustEditNote, mustEditPin, Refused } from "@/lib/checks";

export async function dropPin(pinId: string) {
  const session = await auth();
  if (!session?.user?.id) return { error: "sign in" };
  const who = { id: session.user.id, role: "USER" };
  const pin = await prisma.pin.findUnique({ where: { id: pinId }, select: { noteId: true } });
  if (!pin) return { error: "not found" };
  try {
    await mustEditNote(who, pin.noteId);
  } catch (e) {
    return { error: "forbidden" };
  }
  await prisma.pin.delete({ where: { id: pinId } });
  return { ok: true };
}
"""

DROP_BY_HELPER = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { mustEditPin } from "@/lib/checks";

export async function dropPin(pinId: string) {
  const session = await auth();
  if (!session?.user?.id) return { error: "sign in" };
  await mustEditPin({ id: session.user.id, role: "USER" }, pinId);
  await prisma.pin.delete({ where: { id: pinId } });
  return { ok: true };
}
"""


def _drop(root: Path, action: str, checks: str = PIN_CHECKS):  # type: ignore[no-untyped-def]
    make_repo(
        root,
        {"lib/checks.ts": checks, "app/mine.ts": MINE, "app/drop.ts": action},
        schema=SCHEMA,
    )
    result = run_audit(root)
    az = {r for r in rules_at(result) if r[0].startswith("AZ")}
    return az, entry(result, "server_action:app/drop.ts#dropPin").checks.authorization


def test_a_row_whose_parent_a_helper_checks_once_loaded_is_bound(tmp_path: Path) -> None:
    az, check = _drop(tmp_path / "checked", DROP)
    assert check.status.value == "pass", check
    assert any(e.line == 13 and "mustEditNote()" in e.detail for e in check.evidence), check
    assert not az, az


def test_without_the_parent_check_the_row_is_anyones(tmp_path: Path) -> None:
    unchecked = DROP.replace("    await mustEditNote(who, pin.noteId);\n", "")
    az, check = _drop(tmp_path / "open", unchecked)
    assert check.status.value == "fail", check
    assert ("AZ001", "app/drop.ts", 16) in az, az


def test_a_helper_that_loads_the_row_and_checks_its_parent(tmp_path: Path) -> None:
    az, check = _drop(tmp_path / "helper", DROP_BY_HELPER)
    assert check.status.value == "pass", check
    assert any(e.line == 9 and "mustEditPin()" in e.detail for e in check.evidence), check
    assert not az, az


def test_a_helper_that_returns_when_the_row_is_missing_stops_nothing(tmp_path: Path) -> None:
    # `return` leaves the helper, not the request: the delete runs for any pin id
    lax = PIN_CHECKS.replace(
        "  if (!pin) throw new Refused();\n  await", "  if (!pin) return;\n  await"
    )
    az, check = _drop(tmp_path / "lax", DROP_BY_HELPER, lax)
    assert check.status.value == "fail", check
    assert ("AZ001", "app/drop.ts", 10) in az, az


ADD = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function addPin(noteId: string, label: string) {
  const session = await auth();
  if (!session?.user?.id) return { error: "sign in" };
  await prisma.$transaction(async (tx) => {
    const note = await tx.note.findFirstOrThrow({
      where: { id: noteId, authorId: session.user.id },
    });
    await tx.pin.create({ data: { noteId, label: `${note.title}: ${label}` } });
  });
  return { ok: true };
}
"""


def _add(root: Path, action: str):  # type: ignore[no-untyped-def]
    make_repo(root, {"app/mine.ts": MINE, "app/add.ts": action}, schema=SCHEMA)
    result = run_audit(root)
    az = {r for r in rules_at(result) if r[0].startswith("AZ")}
    return az, entry(result, "server_action:app/add.ts#addPin").checks.authorization


def test_a_lookup_among_the_callers_rows_that_stops_binds_the_key(tmp_path: Path) -> None:
    az, check = _add(tmp_path / "bound", ADD)
    assert check.status.value == "pass", check
    assert any(e.line == 9 and "tx.pin.create()" in e.detail for e in check.evidence), check
    assert not az, az


def test_a_lookup_of_anyones_row_binds_nothing(tmp_path: Path) -> None:
    az, check = _add(
        tmp_path / "anyone",
        ADD.replace("where: { id: noteId, authorId: session.user.id }", "where: { id: noteId }"),
    )
    assert check.status.value == "fail", check
    assert ("AZ001", "app/add.ts", 12) in az, az


def test_a_lookup_that_does_not_stop_binds_nothing(tmp_path: Path) -> None:
    _az, check = _add(tmp_path / "lax", ADD.replace("findFirstOrThrow", "findFirst"))
    assert check.status.value == "fail", check


def test_a_lookup_in_a_branch_that_leaves_guards_nothing_after_it(tmp_path: Path) -> None:
    # the bound lookup runs only on the branch that returns; the create after it runs without
    branched = ADD.replace(
        "    const note = await tx.note.findFirstOrThrow({\n"
        "      where: { id: noteId, authorId: session.user.id },\n"
        "    });\n",
        '    if (label === "") {\n'
        "      await tx.pin.count();\n"
        "    } else {\n"
        "      await tx.note.findFirstOrThrow({\n"
        "        where: { id: noteId, authorId: session.user.id },\n"
        "      });\n"
        "      return;\n"
        "    }\n",
    ).replace("`${note.title}: ${label}`", "label")
    _az, check = _add(tmp_path / "branched", branched)
    assert check.status.value == "fail", check


STICKER_SCHEMA = (
    SCHEMA.replace("  pins      Pin[]", "  pins      Pin[]\n  stickers  Sticker[]")
    + """
model Sticker {
  id        String @id @default(cuid())
  label     String
  ownerId   String
  owner     Note   @relation(fields: [ownerId], references: [id])
  createdBy String
}
"""
)

STICK = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { mustEditNote } from "@/lib/checks";

export async function stick(ownerId: string, label: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("sign in");
  await mustEditNote({ id: session.user.id, role: "USER" }, ownerId);
  await prisma.sticker.create({ data: { ownerId, label, createdBy: session.user.id } });
  return { ok: true };
}
"""


def _stick(root: Path, action: str):  # type: ignore[no-untyped-def]
    mine = MINE.replace(
        "  return prisma.note.findMany({ where: { authorId: session.user.id } });",
        "  const notes = await prisma.note.findMany({ where: { authorId: session.user.id } });\n"
        "  const stickers = await prisma.sticker.findMany({ where: { createdBy: session.user.id } });\n"
        "  return [notes, stickers];",
    )
    make_repo(
        root,
        {"lib/checks.ts": CHECKS, "app/mine.ts": mine, "app/stick.ts": action},
        schema=STICKER_SCHEMA,
    )
    result = run_audit(root)
    az = {r for r in rules_at(result, "app/stick.ts") if r[0].startswith("AZ")}
    return az, entry(result, "server_action:app/stick.ts#stick").checks.authorization


def test_an_owner_named_parent_column_checked_first_is_no_owner_from_input(
    tmp_path: Path,
) -> None:
    # `ownerId` names the sticker's parent note, which the helper checked, not its user
    az, check = _stick(tmp_path / "checked", STICK)
    assert check.status.value == "pass", check
    assert not az, az


def test_an_owner_named_parent_column_unchecked_is_reported(tmp_path: Path) -> None:
    unchecked = STICK.replace(
        '  await mustEditNote({ id: session.user.id, role: "USER" }, ownerId);\n', ""
    )
    az, check = _stick(tmp_path / "open", unchecked)
    assert check.status.value == "fail", check
    # the sticker is recorded as the caller's (`createdBy`): the note it names is a reference
    # the client chose, reported as one
    assert ("AZ001", "app/stick.ts", 9) in az, az
