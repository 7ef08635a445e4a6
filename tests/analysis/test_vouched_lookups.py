"""A key the request also hands to a lookup bound to a secret the client presents (a signing or
share token) or to the caller, which stops the request when it finds nothing, names a row the
caller may reach: other reads by that key, in the same request, need no check of their own. A
lookup that carries on when nothing is found vouches for nothing."""

from __future__ import annotations

from pathlib import Path

from archtools.results import Audit
from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit

SCHEMA = PRISMA_SCHEMA.replace(
    "  version   Int       @default(0)\n",
    "  version   Int       @default(0)\n  shareToken String   @unique\n",
)

HELPERS = """import { prisma } from "@/lib/db";

async function noteForToken(shareToken: string, noteId: string) {
  return prisma.note.findFirstOrThrow({ where: { id: noteId, shareToken } });
}

async function maybeNoteForToken(shareToken: string, noteId: string) {
  return prisma.note.findFirst({ where: { id: noteId, shareToken } });
}

async function titleOf(noteId: string) {
  const row = await prisma.note.findFirst({ where: { id: noteId } });
  return row?.title;
}

export async function openShared(shareToken: string, noteId: string) {
  const note = await noteForToken(shareToken, noteId);
  const title = await titleOf(noteId);
  return { body: note.body, title };
}

export async function peekShared(shareToken: string, noteId: string) {
  const note = await maybeNoteForToken(shareToken, noteId);
  const title = await titleOf(noteId);
  return { body: note?.body, title };
}
"""

ACTIONS = """"use server";
import { openShared, peekShared } from "@/lib/shared";

export async function openNote(shareToken: string, noteId: string) {
  return openShared(shareToken, noteId);
}

export async function peekNote(shareToken: string, noteId: string) {
  return peekShared(shareToken, noteId);
}
"""

FILE = "app/shared/actions.ts"


def _audit(tmp_path: Path) -> Audit:
    make_repo(tmp_path, {FILE: ACTIONS, "lib/shared.ts": HELPERS}, schema=SCHEMA)
    return run_audit(tmp_path)


def test_a_key_looked_up_with_the_secret_vouches_for_other_reads(tmp_path: Path) -> None:
    result = _audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#openNote")
    authz = point.checks.authorization
    assert authz.status.value == "pass", authz
    assert any("stopping the request" in e.detail for e in authz.evidence), authz


def test_a_lookup_that_carries_on_vouches_for_nothing(tmp_path: Path) -> None:
    result = _audit(tmp_path)
    point = entry(result, f"server_action:{FILE}#peekNote")
    assert point.checks.authorization.status.value == "fail", point.checks.authorization
    assert ("AZ001", "lib/shared.ts", 12) in rules_at(result, "lib/shared.ts")


RESOLVE = """import { prisma } from "@/lib/db";

export async function resolveByToken(shareToken: string) {
  const found = await prisma.note.findFirst({ where: { shareToken }, include: { author: true } });
  if (!found) return null;
  const { author, ...row } = found;
  return { row, authorName: author.email };
}

export async function filterFor(shareToken: string, noteId: string) {
  const found = await prisma.note.findFirst({ where: { shareToken } });
  const { authorId } = found ?? { authorId: "" };
  return { key: noteId, authorId };
}
"""

TOKEN_HELPERS = """import { prisma } from "@/lib/db";
import { filterFor, resolveByToken } from "@/lib/resolve";

export async function archiveShared(shareToken: string, siblingIds: string[]) {
  const resolved = await resolveByToken(shareToken);
  if (!resolved) throw new Error("not found");
  const { row } = resolved;
  await prisma.$transaction(async (tx) => {
    await tx.note.update({ where: { id: row.id }, data: { title: "archived" } });
    await tx.note.updateMany({
      where: { authorId: row.authorId, id: { in: siblingIds } },
      data: { title: "archived" },
    });
  });
}

export async function archiveNamed(shareToken: string, noteId: string) {
  const resolved = await resolveByToken(shareToken);
  if (!resolved) throw new Error("not found");
  await prisma.note.update({ where: { id: noteId }, data: { title: "archived" } });
}

export async function archiveFiltered(shareToken: string, noteId: string) {
  const { key } = await filterFor(shareToken, noteId);
  await prisma.note.update({ where: { id: key }, data: { title: "archived" } });
}
"""

TOKEN_ACTIONS = """"use server";
import { archiveFiltered, archiveNamed, archiveShared } from "@/lib/shared";

export async function archive(shareToken: string, siblingIds: string[]) {
  return archiveShared(shareToken, siblingIds);
}

export async function archiveOther(shareToken: string, noteId: string) {
  return archiveNamed(shareToken, noteId);
}

export async function archiveByFilter(shareToken: string, noteId: string) {
  return archiveFiltered(shareToken, noteId);
}
"""


def test_the_id_of_a_row_a_helper_found_by_the_secret_is_no_client_key(tmp_path: Path) -> None:
    files = {FILE: TOKEN_ACTIONS, "lib/shared.ts": TOKEN_HELPERS, "lib/resolve.ts": RESOLVE}
    make_repo(tmp_path, files, schema=SCHEMA)
    result = run_audit(tmp_path)
    found = rules_at(result, "lib/shared.ts")
    # the row the token found, unpacked in the helper and again in the caller, is the server's;
    # the ids the client adds are judged within the rows of that row's author
    assert ("AZ001", "lib/shared.ts", 9) not in found
    assert (
        entry(result, f"server_action:{FILE}#archive").checks.authentication.status.value == "n/a"
    )
    # the client's own id, next to the same lookup, is still the client's choice
    assert ("AZ001", "lib/shared.ts", 20) in found, found
    # what a helper returns beside the row it found, built from the id it was given, is not the row
    assert ("AZ001", "lib/shared.ts", 25) in found, found
