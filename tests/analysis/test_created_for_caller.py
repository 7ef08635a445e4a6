"""A reference to a row the same function has just created for the caller (a chat saved under the
client's id with the caller as owner, then its first message pointing at that id) is bound: had the
id named someone else's chat, the create would have failed on its primary key and stopped the
request before the reference was written. A create whose failure is swallowed, one that ignores
conflicts, or one that does not make the caller the owner proves nothing."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.test_checked_beside import SCHEMA
from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const body = await req.json();
  CREATE
  await prisma.task.create({ data: { projectId: body.projectId, title: String(body.title) } });
  return Response.json({ ok: true });
}
"""

OWNED = (
    "prisma.project.create({ data: { id: body.projectId, name: 'New', ownerId: session.user.id } })"
)
FILE = "app/api/projects/route.ts"


def _authorization(root: Path, create: str) -> str:
    make_repo(root, {FILE: ROUTE.replace("CREATE", create)}, schema=SCHEMA)
    check = entry(run_audit(root), f"route_handler:{FILE}#POST").checks.authorization
    return f"{check.status.value}: {' / '.join(e.detail for e in check.evidence)}"


def test_a_reference_to_a_row_just_created_for_the_caller_is_bound(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, f"await {OWNED};")
    assert verdict.startswith("pass") and "creates the Project" in verdict, verdict


def test_a_create_whose_failure_is_swallowed_proves_nothing(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, f"try {{ await {OWNED}; }} catch {{}}")
    assert verdict.startswith("fail") and "body.projectId" in verdict, verdict


def test_a_parent_created_without_the_caller_as_owner_proves_nothing(tmp_path: Path) -> None:
    unowned = OWNED.replace("ownerId: session.user.id", "ownerId: 'system'")
    verdict = _authorization(tmp_path, f"await {unowned};")
    assert verdict.startswith("fail") and "body.projectId" in verdict, verdict
