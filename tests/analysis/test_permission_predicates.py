"""A loaded row handed with the caller to a permission predicate the action exits unless it holds:
the predicate, through the helpers it calls, compares the row's owner with the caller's id."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

RULES = """type Row = { authorId: string; title: string };
type Who = { id: string; role: string };

function isStaff(who: Who): boolean {
  return who.role === "ADMIN";
}

function ownsOrStaff(row: Row, who: Who): boolean {
  return isStaff(who) || row.authorId === who.id;
}

export function mayRetitle(row: Row, who: Who): boolean {
  if (row.title === "") return false;
  return ownsOrStaff(row, who);
}
"""

ACTION = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { mayRetitle } from "@/lib/rules";

export async function retitle(input: { noteId: string; title: string }) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("sign in");
  return prisma.$transaction(async (tx) => {
    const note = await tx.note.findUniqueOrThrow({ where: { id: input.noteId } });
    if (
      !mayRetitle(
        { authorId: note.authorId, title: note.title },
        { id: session.user.id, role: "USER" },
      )
    ) {
      throw new Error("forbidden");
    }
    return tx.note.update({ where: { id: input.noteId }, data: { title: input.title } });
  });
}
"""

MINE = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function mine() {
  const session = await auth();
  if (!session?.user?.id) return [];
  return prisma.note.findMany({ where: { authorId: session.user.id } });
}
"""


def _retitle(root: Path, rules: str):  # type: ignore[no-untyped-def]
    make_repo(root, {"lib/rules.ts": rules, "app/mine.ts": MINE, "app/retitle.ts": ACTION})
    result = run_audit(root)
    az = {r for r in rules_at(result, "app/retitle.ts") if r[0].startswith("AZ")}
    return az, entry(result, "server_action:app/retitle.ts#retitle").checks.authorization


def test_a_predicate_comparing_the_owner_with_the_caller_authorizes(tmp_path: Path) -> None:
    az, check = _retitle(tmp_path / "owner", RULES)
    assert check.status.value == "pass", check
    assert any(e.line == 11 and "mayRetitle()" in e.detail for e in check.evidence), check
    assert not az, az


def test_a_predicate_that_never_looks_at_the_caller_does_not(tmp_path: Path) -> None:
    blind = RULES.replace("row.authorId === who.id", "row.title !== who.role")
    az, check = _retitle(tmp_path / "blind", blind)
    assert check.status.value == "fail", check
    assert ("AZ001", "app/retitle.ts", 19) in az, az
