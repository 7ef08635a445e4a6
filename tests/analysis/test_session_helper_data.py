"""A helper that finds the caller (an API key looked up, refused when missing) and goes on to read
the rows the client chose: its key lookup is authentication's, but its other queries are the
entry point's data and are judged for authorization like any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id          String       @id @default(cuid())
  memberships Membership[]
}

model Team {
  id          String       @id @default(cuid())
  apiKeys     ApiKey[]
  templates   Template[]
  memberships Membership[]
}

model Membership {
  id     String @id @default(cuid())
  userId String
  teamId String
  user   User   @relation(fields: [userId], references: [id])
  team   Team   @relation(fields: [teamId], references: [id])
}

model ApiKey {
  id        String @id @default(cuid())
  hashedKey String @unique
  teamId    String
  team      Team   @relation(fields: [teamId], references: [id])
}

model Template {
  id      String @id @default(cuid())
  subject String
  teamId  String
  team    Team   @relation(fields: [teamId], references: [id])
}
"""

ROUTE = """import { createHash } from "crypto";
import { renderForKey } from "@/lib/render";

export async function POST(req: Request) {
  const token = req.headers.get("authorization")?.replace("Bearer ", "") ?? "";
  const body = await req.json();
  const hashed = createHash("sha256").update(token).digest("hex");
  return Response.json(await renderForKey({ hashed, templateId: body.templateId }));
}
"""

RENDER = """import { prisma } from "@/lib/db";

export async function renderForKey(args: { hashed: string; templateId: string }) {
  const key = await prisma.apiKey.findUnique({ where: { hashedKey: args.hashed } });
  if (!key) throw new Error("Invalid API key");
  const template = await prisma.template.findFirst({ where: { WHERE } });
  return { subject: template?.subject, teamId: key.teamId };
}
"""

FILE = "app/api/render/route.ts"


def _authorization(root: Path, where: str) -> str:
    make_repo(root, {FILE: ROUTE, "lib/render.ts": RENDER.replace("WHERE", where)}, schema=SCHEMA)
    check = entry(run_audit(root), f"route_handler:{FILE}#POST").checks
    return f"{check.authentication.status.value}/{check.authorization.status.value}: " + " / ".join(
        e.detail for e in check.authorization.evidence
    )


def test_the_client_chosen_rows_a_key_helper_reads_are_judged(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, "id: args.templateId")
    assert verdict.startswith("pass/fail") and "args.templateId" in verdict, verdict
    # the key lookup itself finds the caller: it is no row the client chose
    assert "apiKey" not in verdict


INLINE_ROUTE = """import { createHash } from "crypto";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const token = req.headers.get("authorization")?.replace("Bearer ", "") ?? "";
  const body = await req.json();
  const hashed = createHash("sha256").update(token).digest("hex");
  const key = await prisma.apiKey.findUnique({ where: { hashedKey: hashed } });
  if (!key) return new Response("Unauthorized", { status: 401 });
  const template = await prisma.template.findFirst({ where: { WHERE } });
  return Response.json(template);
}
"""


@pytest.mark.parametrize(
    ("where", "authorization"),
    [("id: body.templateId, teamId: key.teamId", "pass"), ("id: body.templateId", "fail")],
)
def test_a_key_looked_up_in_the_route_itself_authenticates_before_its_queries(
    tmp_path: Path, where: str, authorization: str
) -> None:
    make_repo(tmp_path, {FILE: INLINE_ROUTE.replace("WHERE", where)}, schema=SCHEMA)
    checks = entry(run_audit(tmp_path), f"route_handler:{FILE}#POST").checks
    # the lookup of the presented key is the check, not a query run before it
    assert checks.authentication.status.value == "pass", checks.authentication
    assert checks.authentication.kind == "api_key"
    assert checks.authorization.status.value == authorization, checks.authorization
    details = " / ".join(e.detail for e in checks.authorization.evidence)
    assert "apiKey.findUnique() uses" not in details  # the credential is no row the client chose
