"""Rows a raw query returns (`$queryRaw` with the client's page size in its text) are stored
data, as a query builder's are: ids taken from them are the database's, not keys the client
chose. The client's own list of ids in the same place still is."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const take = Number(new URL(req.url).searchParams.get("take") ?? 10);
  const ids = new URL(req.url).searchParams.getAll("id");
  const rows = await prisma.$queryRaw<{ noteId: string }[]>`SELECT "noteId" FROM "Pin" LIMIT ${take}`;
  const notes = await prisma.note.findMany({ where: { id: { in: KEYS } } });
  return Response.json(notes);
}
"""

FILE = "app/api/pins/route.ts"


def _idor(root: Path, keys: str) -> list[str]:
    make_repo(root, {FILE: ROUTE.replace("KEYS", keys)})
    return [f.message for f in run_audit(root).findings if f.rule == "AZ001" and f.file == FILE]


def test_ids_from_a_raw_querys_rows_are_not_the_clients(tmp_path: Path) -> None:
    assert _idor(tmp_path, "rows.map((row) => row.noteId)") == []


def test_ids_from_the_request_are(tmp_path: Path) -> None:
    messages = _idor(tmp_path, "ids")
    assert any("`ids` from the client" in m for m in messages), messages
