"""A service that first hands the client's key to a helper which looks it up among the caller's
rows and throws when nothing is found (`await loadProject({ projectId: input.projectId, ownerId:
ctx.userId })`), then queries by that key, is bound to the caller: the check sits beside the query
in the service, not in the entry point. A helper whose lookup ignores the caller, or a query keyed
by another value than the one looked up, is not."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

model User {
  id       String    @id @default(cuid())
  email    String    @unique
  projects Project[]
}

model Project {
  id      String @id @default(cuid())
  name    String
  ownerId String
  owner   User   @relation(fields: [ownerId], references: [id])
  tasks   Task[]
}

model Task {
  id        String  @id @default(cuid())
  title     String
  projectId String
  project   Project @relation(fields: [projectId], references: [id])
}
"""

ROUTE = """import { auth } from "@/auth";
import { renameTask } from "@/lib/tasks";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const input = await req.json();
  await renameTask({ ctx: { userId: session.user.id }, input });
  return Response.json({ ok: true });
}
"""

LOOKUP = """import { prisma } from "@/lib/db";

export async function loadProject(args: { projectId: string; ownerId: string }) {
  const { projectId, ownerId } = args;
  const project = await prisma.project.findFirst({ where: { id: projectId, ownerId } });
  if (!project) throw new Error("not found");
  return project;
}
"""

SERVICE = """import { prisma } from "@/lib/db";
import { loadProject } from "@/lib/projects";

export async function renameTask(args: { ctx: { userId: string }; input: { projectId: string; taskId: string; title: string } }) {
  const { ctx, input } = args;
  await loadProject({ projectId: input.projectId, ownerId: ctx.userId });
  await prisma.task.updateMany({
    where: { KEY },
    data: { title: input.title },
  });
}
"""

FILE = "app/api/tasks/route.ts"


def _authorization(root: Path, key: str, lookup: str = LOOKUP) -> str:
    files = {
        FILE: ROUTE,
        "lib/projects.ts": lookup,
        "lib/tasks.ts": SERVICE.replace("KEY", key),
    }
    make_repo(root, files, schema=SCHEMA)
    check = entry(run_audit(root), f"route_handler:{FILE}#POST").checks.authorization
    return f"{check.status.value}: {' / '.join(e.detail for e in check.evidence)}"


def test_a_key_looked_up_among_the_callers_rows_beside_the_query_binds_it(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, "id: input.taskId, projectId: input.projectId")
    assert verdict.startswith("pass") and "loadProject() looks the client's key up" in verdict, (
        verdict
    )


def test_a_lookup_that_ignores_the_caller_binds_nothing(tmp_path: Path) -> None:
    open_lookup = LOOKUP.replace("{ id: projectId, ownerId }", "{ id: projectId }")
    verdict = _authorization(tmp_path, "id: input.taskId, projectId: input.projectId", open_lookup)
    assert verdict.startswith("fail") and "input.taskId" in verdict, verdict


def test_a_parent_looked_up_does_not_bind_a_child_chosen_by_its_own_id(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, "id: input.taskId")
    assert verdict.startswith("fail") and "input.taskId" in verdict, verdict
