"""A row loaded by either of two queries (`const project = input.id ? await byId() : await
bySlug()`) is held in the one name: a comparison of that row with the caller afterwards checks
whichever query ran, and without it both reads are the client's choice."""

from __future__ import annotations

from pathlib import Path

from archtools.facts.typescript import extract_code_facts
from tests.analysis.test_checked_beside import SCHEMA
from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const url = new URL(req.url);
  const id = url.searchParams.get("id");
  const project = id
    ? await prisma.project.findUnique({ where: { id } })
    : await prisma.project.findFirst({ where: { name: String(url.searchParams.get("name")) } });
  if (!project) return new Response("Not found", { status: 404 });
  CHECK
  return Response.json(project);
}
"""

FILE = "app/api/project/route.ts"
COMPARE = (
    'if (project.ownerId !== session.user.id) return new Response("Forbidden", { status: 403 });'
)


def _authorization(root: Path, check: str) -> str:
    make_repo(root, {FILE: ROUTE.replace("CHECK", check)}, schema=SCHEMA)
    result = entry(run_audit(root), f"route_handler:{FILE}#GET").checks.authorization
    return f"{result.status.value}: {' / '.join(e.detail for e in result.evidence)}"


def test_either_branch_of_a_conditional_load_is_held_in_its_name() -> None:
    facts = extract_code_facts("a.ts", ROUTE.replace("CHECK", "").encode())
    held = {c.name: c.assigned_to for c in facts.calls if c.name in ("findUnique", "findFirst")}
    assert held == {"findUnique": ("project",), "findFirst": ("project",)}


def test_a_conditionally_loaded_row_compared_with_the_caller_passes(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, COMPARE)
    assert verdict.startswith("pass") and "compares the fetched Project" in verdict, verdict


def test_without_the_comparison_the_conditional_load_fails(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, "")
    assert verdict.startswith("fail"), verdict
