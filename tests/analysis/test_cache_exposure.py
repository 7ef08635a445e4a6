"""EXP003: a caller's rows in a cache every caller shares (`unstable_cache` whose cached function reads
the signed-in user from its closure), through helpers too; a key naming the user is safe."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import make_repo, run_audit

HELPER = """import { unstable_cache } from "next/cache";
import { prisma } from "@/lib/db";
export async function recentNotes(userId: string) {
  return unstable_cache(
    async () => prisma.note.findMany({ where: { authorId: userId }, take: 10 }),
    KEYS,
  )();
}
"""

ROUTE = """import { auth } from "@/auth";
import { recentNotes } from "@/lib/recent-notes";
export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  return Response.json(await recentNotes(session.user.id));
}
"""


def _exp003(root: Path, keys: str) -> list[tuple[str, int]]:
    make_repo(
        root,
        {
            "lib/recent-notes.ts": HELPER.replace("KEYS", keys),
            "app/api/notes/recent/route.ts": ROUTE,
        },
    )
    return [(f.file, f.line) for f in run_audit(root).findings if f.rule == "EXP003"]


def test_a_helper_caching_the_callers_rows_under_a_shared_key(tmp_path: Path) -> None:
    assert _exp003(tmp_path / "shared", '["recent-notes"]') == [("lib/recent-notes.ts", 4)]


def test_a_key_that_names_the_user_keeps_entries_apart(tmp_path: Path) -> None:
    assert _exp003(tmp_path / "keyed", '["recent-notes", userId]') == []


def test_rows_the_same_for_every_caller_are_no_exposure(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "lib/recent-notes.ts": HELPER.replace("KEYS", '["recent-notes"]').replace(
                "{ authorId: userId }", '{ title: "Welcome" }'
            ),
            "app/api/notes/recent/route.ts": ROUTE,
        },
    )
    assert [f for f in run_audit(tmp_path).findings if f.rule == "EXP003"] == []
