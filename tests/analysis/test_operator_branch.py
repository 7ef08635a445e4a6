"""Every row, read only in a branch taken when the caller is the operator the server is
configured with, is the operator's to read, as with an admin's role."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  if (session.user.id === process.env.OPERATOR_USER_ID) {
    const every = await prisma.note.findMany();
    return Response.json(every);
  }
  return Response.json(await prisma.note.findMany({ where: { authorId: session.user.id } }));
}
"""


def test_every_row_read_in_the_operators_branch_is_authorized(tmp_path: Path) -> None:
    make_repo(tmp_path / "operator", {"app/api/notes/route.ts": ROUTE})
    result = run_audit(tmp_path / "operator")
    check = entry(result, "route_handler:app/api/notes/route.ts#GET").checks.authorization
    assert check.status.value == "pass", check
    assert any(e.line == 7 and "operator" in e.detail for e in check.evidence), check


def test_a_branch_on_anything_else_authorizes_nothing(tmp_path: Path) -> None:
    other = ROUTE.replace(
        "session.user.id === process.env.OPERATOR_USER_ID", 'session.user.id !== ""'
    )
    make_repo(tmp_path / "other", {"app/api/notes/route.ts": other})
    result = run_audit(tmp_path / "other")
    assert ("AZ001", "app/api/notes/route.ts", 8) in rules_at(result)
