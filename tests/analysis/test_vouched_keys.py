"""A row loaded by the client's key and refused unless it is the caller's vouches for that key:
other reads by the same key (the row's children, the row again) read the caller's rows, also when
the reads run together (`Promise.all`, or an object of functions run by `better-all`'s `all`).
A comparison that only sets a flag vouches for nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit

SCHEMA = (
    PRISMA_SCHEMA.replace(
        "  notes        Note[]\n", "  notes        Note[]\n  replies      Reply[]\n"
    ).replace(
        "  version   Int       @default(0)\n",
        "  version   Int       @default(0)\n  replies   Reply[]\n",
    )
    + """
model Reply {
  id        String   @id @default(cuid())
  noteId    String
  note      Note     @relation(fields: [noteId], references: [id], onDelete: Cascade)
  authorId  String
  author    User     @relation(fields: [authorId], references: [id], onDelete: Cascade)
  text      String
  createdAt DateTime @default(now())
}
"""
)

QUERIES = """import { prisma } from "@/lib/db";

export async function findNote(id: string) {
  return prisma.note.findUnique({ where: { id } });
}

export async function repliesOf(noteId: string) {
  return prisma.reply.findMany({ where: { noteId } });
}

export async function myReplies(authorId: string) {
  return prisma.reply.findMany({ where: { authorId } });
}

export async function myNotes(authorId: string) {
  return prisma.note.findMany({ where: { authorId } });
}
"""

ROUTE = """import { all } from "better-all";
import { auth } from "@/auth";
import { findNote, repliesOf } from "@/lib/queries";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { session, note, replies } = await all({
    async session() {
      return auth();
    },
    async note() {
      return findNote(id).catch(() => null);
    },
    replies: async () => repliesOf(id),
  });
  if (!session?.user) return new Response(null, { status: 401 });
  if (!note) return new Response(null, { status: 404 });
  if (note.authorId !== session.user.id) return new Response(null, { status: 403 });
  return Response.json({ note, replies });
}
"""

FLAGGED = """import { auth } from "@/auth";
import { findNote, repliesOf } from "@/lib/queries";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const [note, replies] = await Promise.all([findNote(id), repliesOf(id)]);
  const mine = note?.authorId === session.user.id;
  return Response.json({ mine, replies });
}
"""


def _audit(tmp_path: Path, route: str) -> tuple[str, object]:
    file = "app/api/notes/[id]/route.ts"
    make_repo(
        tmp_path,
        {"lib/queries.ts": QUERIES, file: route},
        schema=SCHEMA,
        dependencies={"better-all": "0.0.5"},
    )
    return file, run_audit(tmp_path)


def test_reads_by_the_key_of_a_row_compared_with_the_caller_pass(tmp_path: Path) -> None:
    file, result = _audit(tmp_path, ROUTE)
    point = entry(result, f"route_handler:{file}#GET")  # type: ignore[arg-type]
    authz = point.checks.authorization
    assert authz.status.value == "pass", authz
    assert any("unless it is the caller's" in e.detail for e in authz.evidence), authz
    assert not {r for r in rules_at(result) if r[0] == "AZ001"}  # type: ignore[arg-type]


def test_a_comparison_that_only_sets_a_flag_vouches_for_nothing(tmp_path: Path) -> None:
    file, result = _audit(tmp_path, FLAGGED)
    point = entry(result, f"route_handler:{file}#GET")  # type: ignore[arg-type]
    assert point.checks.authorization.status.value == "fail", point.checks.authorization
    assert ("AZ001", "lib/queries.ts", 8) in rules_at(result)  # type: ignore[arg-type]
