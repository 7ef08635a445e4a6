"""A read whose arguments are built before the call (`const args = { where: { username } }`,
then `findUnique(args)`) has a filter archtools does not see at the call: it is not reported as
returning every row. A read written with no filter at all still is."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const title = new URL(req.url).searchParams.get("title") ?? "";
  const args = { where: { title }, select: { id: true } };
  const note = await prisma.note.READ;
  return Response.json(note);
}
"""

FILE = "app/api/notes/route.ts"


def _messages(root: Path, read: str) -> list[str]:
    make_repo(root, {FILE: ROUTE.replace("READ", read)})
    result = run_audit(root)
    return [f.message for f in result.findings if f.rule == "AZ001" and f.file == FILE]


def test_a_read_given_arguments_built_before_it_is_not_every_row(tmp_path: Path) -> None:
    assert not any("returns all" in m for m in _messages(tmp_path, "findFirst(args)"))


def test_a_read_with_no_filter_at_all_returns_every_row(tmp_path: Path) -> None:
    messages = _messages(tmp_path, "findMany({ select: { id: true } })")
    assert any("returns all Note rows" in m for m in messages), messages
