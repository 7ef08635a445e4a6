"""`const user = assertProUser(await getCurrentUser())`: a checking helper handed the signed-in user
directly stops requests without one, and the user it hands back is still the caller."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit, statuses

SESSION = """import { auth } from "@/auth";

export async function getCurrentUser() {
  const session = await auth();
  if (!session?.user?.id) return null;
  return session.user;
}
"""

ROUTE = """import { getCurrentUser } from "@/lib/user";
import { prisma } from "@/lib/db";

function assertUser(user: Awaited<ReturnType<typeof getCurrentUser>>) {
  if (!user) throw new Error("Authentication required");
  return user;
}

export async function DELETE(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = assertUser(await getCurrentUser());
    const { id } = await params;
    await prisma.note.deleteMany({ where: { id, authorId: user.id } });
    return Response.json({ ok: true });
  } catch (error) {
    return Response.json({ error: "Unauthorized" }, { status: 401 });
  }
}
"""


def test_a_check_handed_the_signed_in_user_directly_authenticates(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/user.ts": SESSION, "app/api/notes/[id]/route.ts": ROUTE})
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/[id]/route.ts#DELETE")
    check = point.checks.authentication
    assert check.status.value == "pass", check
    assert check.evidence[0].line == 5 and "signed-in user" in check.evidence[0].detail
    # the user it hands back binds the delete to the caller
    authorization = point.checks.authorization
    assert authorization.status.value == "pass", authorization
    assert authorization.evidence[0].line == 13


def test_a_check_handed_something_else_authenticates_nothing(tmp_path: Path) -> None:
    route = ROUTE.replace(
        "assertUser(await getCurrentUser())", "assertUser(await Promise.resolve(null))"
    )
    make_repo(tmp_path, {"lib/user.ts": SESSION, "app/api/notes/[id]/route.ts": route})
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/[id]/route.ts#DELETE")
    assert statuses(point)["authentication"] == "fail"
