"""A helper handed a key taken from a row found for the caller holds a scoped key; a row it finds
within that scope, checked before use, proves the client's other key."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

SERVICE = """import { prisma } from "@/lib/db";

async function findInTeam(membershipId: string, teamId: string) {
  return prisma.membership.findFirst({ where: { id: membershipId, teamId } });
}

export async function removeMember(membershipId: string, teamId: string) {
  const existing = await findInTeam(membershipId, teamId);
  if (!existing) return null;
  return prisma.membership.delete({ where: { id: membershipId } });
}
"""

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { removeMember } from "@/lib/members";

export async function DELETE(req: Request, { params }: { params: Promise<{ teamId: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { teamId } = await params;
  const { membershipId } = await req.json();
  const mine = await prisma.membership.findFirst({ where: { userId: session.user.id, teamId } });
  if (!mine) return new Response(null, { status: 404 });
  await removeMember(String(membershipId), mine.teamId);
  return new Response(null, { status: 204 });
}
"""


def _authorization(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(
        tmp_path, {"lib/members.ts": SERVICE, "app/api/teams/[teamId]/members/route.ts": route}
    )
    point = entry(
        run_audit(tmp_path), "route_handler:app/api/teams/[teamId]/members/route.ts#DELETE"
    )
    return point.checks.authorization


def test_a_key_found_within_the_callers_team_before_use_is_authorized(tmp_path: Path) -> None:
    check = _authorization(tmp_path / "scoped", ROUTE)
    assert check.status.value == "pass", check
    assert any(e.file == "lib/members.ts" and e.line == 9 for e in check.evidence), check


def test_the_clients_team_id_scopes_nothing(tmp_path: Path) -> None:
    check = _authorization(tmp_path / "client", ROUTE.replace("mine.teamId);", "teamId);"))
    assert check.status.value == "fail", check


MOVE = """import { prisma } from "@/lib/db";

export async function moveNote({ noteId, title, userId }: { noteId: string; title: string; userId: string }) {
  return prisma.$transaction(async (tx) => {
    const note = await tx.note.findFirst({ where: { id: noteId, authorId: userId } });
    if (!note) throw new Error("not found");
    return tx.note.update({ where: { id: noteId }, data: { title } });
  });
}
"""

MOVE_ROUTE = """import { auth } from "@/auth";
import { moveNote } from "@/lib/move";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { noteId, title } = await req.json();
  await moveNote({ noteId: String(noteId), title: String(title), userId: session.user.id });
  return new Response(null, { status: 204 });
}
"""


def test_a_key_found_among_the_callers_rows_in_the_same_transaction_is_authorized(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path, {"lib/move.ts": MOVE, "app/api/move/route.ts": MOVE_ROUTE})
    point = entry(run_audit(tmp_path), "route_handler:app/api/move/route.ts#POST")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert any(e.file == "lib/move.ts" and e.line == 6 for e in check.evidence), check
