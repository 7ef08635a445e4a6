"""INJ001: raw SQL whose text carries a value the client chooses, where an entry point runs it, and
not SQL text the code wrote itself (its values bound, or built only from its own values)."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import AUTH_TS, make_repo, run_audit

NOTES = """import { prisma } from "@/lib/db";
const byId = "SELECT * FROM notes WHERE id = $1";
export async function bound(id: string) {
  return prisma.$queryRawUnsafe(byId, id);
}
export async function built(id: string) {
  const sql = `SELECT * FROM notes WHERE id = '${id}'`;
  return prisma.$queryRawUnsafe(sql);
}
export async function inline(id: string) {
  return prisma.$queryRawUnsafe(`SELECT * FROM notes WHERE id = '${id}'`);
}
const ORDER = { newest: "created_at DESC", oldest: "created_at ASC" } as const;
export async function sorted(direction: "newest" | "oldest") {
  return prisma.$queryRawUnsafe(`SELECT * FROM notes ORDER BY ${ORDER[direction]}`);
}
"""

ROUTE = """import { auth } from "@/auth";
import { bound, built, inline, sorted } from "@/lib/notes";
export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const id = new URL(request.url).searchParams.get("id") ?? "";
  return Response.json([await bound(id), await built(id), await inline(id), await sorted("newest")]);
}
"""

JOB = """import { prisma } from "@/lib/db";
export async function purgeOld(days: number) {
  return prisma.$executeRawUnsafe(`DELETE FROM notes WHERE created_at < now() - interval '${days} days'`);
}
"""


def test_only_sql_built_from_a_client_value_is_reported(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "auth.ts": AUTH_TS,
            "lib/notes.ts": NOTES,
            "app/api/notes/route.ts": ROUTE,
            "jobs/purge.ts": JOB,
        },
    )
    hits = sorted((f.file, f.line) for f in run_audit(tmp_path).findings if f.rule == "INJ001")
    # the bound query, the constant ORDER BY and the job nobody calls with client input are not
    assert hits == [("lib/notes.ts", 8), ("lib/notes.ts", 11)]
