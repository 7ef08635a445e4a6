"""How many rows a table holds shows no one's row: an unfiltered count is no read of every
user's rows, while an unfiltered findMany is."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const mine = await prisma.note.findMany({ where: { authorId: session.user.id } });
  const total = await prisma.note.count();
  return Response.json({ mine, total });
}
"""


def test_an_unfiltered_count_reads_no_ones_rows(tmp_path: Path) -> None:
    make_repo(tmp_path / "count", {"app/api/notes/route.ts": ROUTE})
    result = run_audit(tmp_path / "count")
    check = entry(result, "route_handler:app/api/notes/route.ts#GET").checks.authorization
    assert check.status.value == "pass", check
    assert not any(rule == "AZ001" for rule, _f, _l in rules_at(result))


def test_an_unfiltered_list_still_reads_every_row(tmp_path: Path) -> None:
    listed = ROUTE.replace("prisma.note.count()", "prisma.note.findMany()")
    make_repo(tmp_path / "list", {"app/api/notes/route.ts": listed})
    result = run_audit(tmp_path / "list")
    check = entry(result, "route_handler:app/api/notes/route.ts#GET").checks.authorization
    assert check.status.value == "fail", check
    assert ("AZ001", "app/api/notes/route.ts", 8) in rules_at(result)
