"""An object that holds the client's values and a field the server wrote (`{ id: randomUUID(),
body: input.body }`): reading a row by that field reads the row the server just made, not one the
client chose. A field copied from the client's values stays the client's."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const input = await req.json();
  const draft = { id: crypto.randomUUID(), title: String(input.title), body: String(input.body) };
  await prisma.note.create({ data: { ...draft, authorId: session.user.id } });
  const saved = await prisma.note.findUnique({ where: { id: draft.id } });
  return Response.json(saved);
}

export async function PUT(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const input = await req.json();
  const draft = { id: String(input.id), title: String(input.title) };
  const found = await prisma.note.findUnique({ where: { id: draft.id } });
  return Response.json(found);
}
"""

FILE = "app/api/drafts/route.ts"


def test_a_field_the_server_wrote_is_not_the_clients_key(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: ROUTE})
    result = run_audit(tmp_path)
    assert ("AZ001", FILE, 10) not in rules_at(result, FILE)
    point = entry(result, f"route_handler:{FILE}#POST")
    assert point.checks.authorization.status.value != "fail", point.checks.authorization


def test_a_field_copied_from_the_client_stays_the_clients_key(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: ROUTE})
    result = run_audit(tmp_path)
    assert ("AZ001", FILE, 19) in rules_at(result, FILE)
