"""A helper called only after its caller exits unless the record it loaded for the client's key
is the caller's runs on a key the caller may use."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

async function removeVersions(noteId: string) {
  await prisma.note.deleteMany({ where: { id: noteId } });
}

export async function DELETE(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await params;
  const note = await prisma.note.findUnique({ where: { id } });
  if (note?.authorId !== session.user.id) return new Response(null, { status: 403 });
  await removeVersions(id);
  return new Response(null, { status: 204 });
}
"""


def _authorization(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(tmp_path, {"app/api/notes/[id]/route.ts": route})
    return entry(
        run_audit(tmp_path), "route_handler:app/api/notes/[id]/route.ts#DELETE"
    ).checks.authorization


def test_a_helper_called_after_the_ownership_exit_is_authorized(tmp_path: Path) -> None:
    check = _authorization(tmp_path / "checked", ROUTE)
    assert check.status.value == "pass", check
    assert any(e.line == 13 and "removeVersions()" in e.detail for e in check.evidence), check


def test_a_helper_called_before_the_check_is_not(tmp_path: Path) -> None:
    early = ROUTE.replace("  await removeVersions(id);\n", "").replace(
        "  const note = await", "  await removeVersions(id);\n  const note = await"
    )
    check = _authorization(tmp_path / "early", early)
    assert check.status.value == "fail", check
