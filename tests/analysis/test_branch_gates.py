"""A gate inside a branch that leaves the function guards that branch alone: the path that goes
on past it needs a gate of its own."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { keyOwner } from "@/lib/keys";

export async function GET(req: Request) {
  const header = req.headers.get("authorization");
  if (header) {
    const userId = await keyOwner(header);
    return Response.json(await prisma.note.findMany({ where: { authorId: userId } }));
  }
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  return Response.json(await prisma.note.findMany({ where: { authorId: session.user.id } }));
}
"""

KEYS = """import { prisma } from "@/lib/db";
export async function keyOwner(token: string) {
  const key = await prisma.apiKey.findFirst({ where: { token } });
  if (!key) throw new Error("unauthorized");
  return key.userId;
}
"""


def _authentication(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    from tests.support.minirepo import PRISMA_SCHEMA

    schema = (
        PRISMA_SCHEMA
        + "\nmodel ApiKey {\n  id     String @id\n  token  String @unique\n  userId String\n}\n"
    )
    make_repo(tmp_path, {"app/api/notes/route.ts": route, "lib/keys.ts": KEYS}, schema=schema)
    return entry(
        run_audit(tmp_path), "route_handler:app/api/notes/route.ts#GET"
    ).checks.authentication


def test_both_paths_gated_pass_naming_both_gates(tmp_path: Path) -> None:
    check = _authentication(tmp_path / "both", ROUTE)
    assert check.status.value == "pass", check
    lines = {(e.file, e.line) for e in check.evidence}
    assert {("app/api/notes/route.ts", 12), ("app/api/notes/route.ts", 8)} <= lines, lines


def test_a_gate_on_one_branch_leaves_the_other_path_open(tmp_path: Path) -> None:
    open_path = ROUTE.replace(
        "  if (!session?.user?.id) return new Response(null, { status: 401 });\n", ""
    ).replace("session.user.id } }", 'session?.user?.id ?? "" } }')
    check = _authentication(tmp_path / "open", open_path)
    assert check.status.value == "fail", check
