"""`(await prisma.note.findMany({...})).map((n) => n.id)`: the query inside is a database
operation like any other, and the ids mapped from its rows are stored data, not the client's."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function PUT(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { ids } = await req.json();
  let mine: string[];
  mine = (
    await prisma.note.findMany({
      where: { id: { in: ids }, authorId: session.user.id },
      select: { id: true },
    })
  ).map((note) => note.id);
  await prisma.note.updateMany({ where: { id: { in: mine } }, data: { version: 0 } });
  return new Response(null, { status: 204 });
}
"""


def _authorization(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(tmp_path, {"app/api/notes/route.ts": route})
    return entry(
        run_audit(tmp_path), "route_handler:app/api/notes/route.ts#PUT"
    ).checks.authorization


def test_ids_mapped_from_the_callers_rows_are_bound(tmp_path: Path) -> None:
    check = _authorization(tmp_path / "bound", ROUTE)
    assert check.status.value == "pass", check
    assert any(e.line == 11 and "prisma.note.findMany()" in e.detail for e in check.evidence), check


def test_the_query_inside_the_mapping_is_judged_too(tmp_path: Path) -> None:
    unbound = ROUTE.replace(", authorId: session.user.id", "")
    check = _authorization(tmp_path / "unbound", unbound)
    assert check.status.value == "fail", check
    assert any("prisma.note.findMany()" in e.detail for e in check.evidence), check
