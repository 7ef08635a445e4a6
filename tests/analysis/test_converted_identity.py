"""The caller's id converted on the way (`Number(session.user.id)`, a coercion that also counts
as validation) is still the caller's: a service context built from it carries the caller into the
queries it scopes. The same conversion of a client's value binds nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import {{ auth }} from "@/auth";
import {{ getChatSession }} from "@/lib/chat";
import {{ getServiceContext }} from "@/lib/context";

export async function POST(req: Request) {{
  const body = await req.json();
  const ctx = {context};
  if (!ctx) return Response.json({{ error: "Unauthorized" }}, {{ status: 401 }});
  const note = await getChatSession({{ ctx, input: {{ noteId: body.noteId }} }});
  return Response.json(note);
}}
"""

CONTEXT = """import { auth } from "@/auth";

export async function getServiceContext() {
  const session = await auth();
  if (!session?.user?.id) return null;
  const userId = Number(session.user.id);
  if (!Number.isInteger(userId)) return null;
  return { actor: { type: "user", userId } };
}
"""

SERVICE = """import { prisma } from "@/lib/db";

export async function getChatSession(args: { ctx: { actor: { userId: number } }; input: { noteId: string } }) {
  const { ctx } = args;
  return loadNote({ noteId: args.input.noteId, userId: ctx.actor.userId });
}

async function loadNote(args: { noteId: string; userId: number }) {
  const { noteId, userId } = args;
  const note = await prisma.note.findFirst({ where: { id: noteId, authorId: String(userId) } });
  if (!note) throw new Error("not found");
  return note;
}
"""

FILE = "app/api/chat/route.ts"


def _authorization(root: Path, context: str) -> str:
    files = {FILE: ROUTE.format(context=context), "lib/context.ts": CONTEXT, "lib/chat.ts": SERVICE}
    make_repo(root, files)
    check = entry(run_audit(root), f"route_handler:{FILE}#POST").checks.authorization
    return f"{check.status.value}: {check.evidence[0].detail}"


def test_a_converted_caller_id_still_binds_the_query(tmp_path: Path) -> None:
    verdict = _authorization(tmp_path, "await getServiceContext()")
    assert verdict.startswith("pass") and "signed-in user" in verdict, verdict


def test_a_converted_client_id_binds_nothing(tmp_path: Path) -> None:
    context = "(await auth()) && { actor: { type: 'user', userId: Number(body.userId) } }"
    verdict = _authorization(tmp_path, context)
    assert verdict.startswith("fail") and "noteId" in verdict, verdict
