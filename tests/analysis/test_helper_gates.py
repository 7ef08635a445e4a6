"""A page or action whose every operation runs inside a helper that first proves the caller (a
signed link) and throws otherwise is authenticated, however the page handles the throw."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit, statuses

SERVICE = """import { createHash } from "crypto";
import { prisma } from "@/lib/db";

function verifyLink(id: string, hash: string) {
  const expected = createHash("sha256").update(`${id}-${process.env.LINK_SECRET}`).digest("hex");
  if (hash !== expected) {
    throw new Error("Invalid link");
  }
  return id;
}

async function markRead(noteId: string) {
  return prisma.note.update({ where: { id: noteId }, data: { title: "read" } });
}

export async function readFromLink(id: string, hash: string) {
  const noteId = verifyLink(id, hash);
  const note = await prisma.note.findUnique({ where: { id: noteId } });
  await markRead(noteId);
  return note;
}

export async function readUnverified(id: string) {
  return prisma.note.findUnique({ where: { id } });
}
"""

PAGE = """import { readFromLink } from "@/lib/links";

export default async function Page({ searchParams }: { searchParams: Promise<{ id?: string; hash?: string }> }) {
  const { id, hash } = await searchParams;
  let content = <p>Invalid link</p>;
  if (id && hash) {
    try {
      const note = await readFromLink(id, hash);
      content = <p>{note?.title}</p>;
    } catch (error) {
      console.error(error);
    }
  }
  return content;
}
"""


def test_operations_proven_inside_the_helper_are_authenticated(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/links.ts": SERVICE, "app/read/page.tsx": PAGE})
    point = entry(run_audit(tmp_path), "page:app/read/page.tsx#default")
    check = point.checks.authentication
    assert check.status.value == "pass" and check.kind == "signature", check
    assert ("lib/links.ts", 6) in {(e.file, e.line) for e in check.evidence}


def test_a_helper_that_proves_nothing_leaves_the_page_unauthenticated(tmp_path: Path) -> None:
    page = PAGE.replace("readFromLink(id, hash)", "readUnverified(id)")
    page = page.replace("import { readFromLink }", "import { readUnverified }")
    make_repo(tmp_path, {"lib/links.ts": SERVICE, "app/read/page.tsx": page})
    point = entry(run_audit(tmp_path), "page:app/read/page.tsx#default")
    assert statuses(point)["authentication"] == "fail"
