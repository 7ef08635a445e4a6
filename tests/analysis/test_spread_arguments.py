"""A helper handed an object that spreads the client's payload beside the caller's fields
(`sendNote({ ...payload, userId: session.user.id })`) receives the client's values under every key
it reads that the object does not name: its `args.noteId` (or a destructured `noteId`) is the
client's choice, while `userId`, named with the caller, stays the caller's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { showNote } from "@/lib/notes";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const body = await req.json();
  const payload = { ...body, title: body.title ?? undefined };
  return Response.json(await showNote({ ...payload, userId: session.user.id }));
}
"""

WHOLE = """import { prisma } from "@/lib/db";
export async function showNote(args: { noteId: string; userId: string }) {
  const { noteId, userId } = args;
  return prisma.note.findFirst({ where: WHERE });
}
"""

DESTRUCTURED = """import { prisma } from "@/lib/db";
export async function showNote({ noteId, userId }: { noteId: string; userId: string }) {
  return prisma.note.findFirst({ where: WHERE });
}
"""

FILE = "app/api/notes/route.ts"


@pytest.mark.parametrize("helper", [WHOLE, DESTRUCTURED], ids=["args", "destructured"])
@pytest.mark.parametrize(
    ("where", "verdict"),
    [("{ id: noteId }", "fail"), ("{ id: noteId, authorId: userId }", "pass")],
)
def test_a_spread_payload_fills_the_keys_the_object_does_not_name(
    tmp_path: Path, helper: str, where: str, verdict: str
) -> None:
    make_repo(tmp_path, {FILE: ROUTE, "lib/notes.ts": helper.replace("WHERE", where)})
    check = entry(run_audit(tmp_path), f"route_handler:{FILE}#POST").checks.authorization
    assert check.status.value == verdict, check
    if verdict == "fail":
        assert "`noteId` chosen by the client" in check.evidence[0].detail
