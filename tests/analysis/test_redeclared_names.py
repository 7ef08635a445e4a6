"""A test of a name declared again in another block is a test of that other value: a row the
client chose, whose fields later go into a new record of the caller's named like an earlier
lookup (`reply`), is not checked by the exit on that earlier lookup."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const { noteId, replyTo } = await req.json();
  const note = await prisma.note.findUnique({ where: { id: String(noteId) } });
  const title = note?.title ?? "";
  if (replyTo) {
    const reply = await prisma.note.findFirst({
      where: { id: String(replyTo), authorId: session.user.id },
    });
    if (!reply) return new Response("Bad reply", { status: 400 });
  }
  const reply = await prisma.note.create({
    data: { title, body: "", authorId: session.user.id },
  });
  CHECK
  return Response.json({ note, reply });
}
"""

FILE = "app/api/replies/route.ts"


def _authorization(root: Path, check: str) -> str:
    make_repo(root, {FILE: ROUTE.replace("CHECK", check)})
    result = entry(run_audit(root), f"route_handler:{FILE}#POST").checks.authorization
    return f"{result.status.value}: {' / '.join(e.detail for e in result.evidence)}"


def test_an_exit_on_an_earlier_value_of_the_name_checks_nothing(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, "")
    assert verdict.startswith("fail") and "String(noteId)" in verdict, verdict


def test_an_exit_on_the_value_declared_from_the_row_still_checks_it(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, 'if (!reply) return new Response("No", { status: 403 });')
    assert verdict.startswith("pass"), verdict
