"""A client value Prisma has taken as the whole value of a unique field (`findUnique({ where: { id }
})`) is a scalar from the exit that requires the lookup's row on: Prisma throws on anything else, so
later filters by that value carry no operator. Without the exit, the lookup may not have run on the
path, and the later filter is unvalidated input as before."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function archiveAfterLookup(data: { id: string }) {
  const session = await auth();
  if (!session?.user?.id) return { error: "unauthorized" };
  const { id } = data;
  const existing = await prisma.note.findUnique({ where: { id }, select: { authorId: true } });
  const owner = existing?.authorId;
  if (!owner) return { error: "not found" };
  if (owner !== session.user.id) return { error: "forbidden" };
  await prisma.note.updateMany({ where: { id, deletedAt: null }, data: { title: "archived" } });
}

export async function archiveWithoutExit(data: { id: string }) {
  const session = await auth();
  if (!session?.user?.id) return { error: "unauthorized" };
  const { id } = data;
  const existing = await prisma.note.findUnique({ where: { id }, select: { authorId: true } });
  console.log(existing?.authorId);
  await prisma.note.updateMany({
    where: { id, authorId: session.user.id },
    data: { title: "archived" },
  });
}
"""

UPDATED_FIRST = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function retitle(data: { id: string; title: string }) {
  const session = await auth();
  if (!session?.user?.id) return { error: "unauthorized" };
  const { id } = data;
  await prisma.note.WRITE({ where: { id }, data: { title: "renamed" } });
  await prisma.auditLog.create({ data: { action: "retitle", target: id } });
}
"""

FILE = "app/notes/actions.ts"


def test_a_value_a_required_unique_lookup_took_is_a_scalar_afterwards(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: ACTIONS})
    result = run_audit(tmp_path)
    found = rules_at(result, FILE)
    assert ("VAL001", FILE, 13) not in found, found
    check = entry(result, f"server_action:{FILE}#archiveAfterLookup").checks.input_validation
    assert any("took as its unique key and an exit at line 11" in e.detail for e in check.evidence)
    # no exit requires the row: nothing says the lookup ran, or refused an object
    assert ("VAL001", FILE, 23) in found, found


def test_a_value_a_unique_update_took_is_a_scalar_afterwards(tmp_path: Path) -> None:
    # a unique update throws by itself when no row matches; updateMany does not
    make_repo(tmp_path / "update", {FILE: UPDATED_FIRST.replace("WRITE", "update")})
    result = run_audit(tmp_path / "update")
    assert ("VAL001", FILE, 10) not in rules_at(result, FILE)
    check = entry(result, f"server_action:{FILE}#retitle").checks.input_validation
    assert any("which throws unless it names a row" in e.detail for e in check.evidence), check
    make_repo(tmp_path / "many", {FILE: UPDATED_FIRST.replace("WRITE", "updateMany")})
    assert ("VAL001", FILE, 10) in rules_at(run_audit(tmp_path / "many"), FILE)
