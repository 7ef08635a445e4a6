"""The app's own predicates on the caller (`isAuthor(session, row.userId)`, `isAdmin(session)`):
false without a signed-in user, so an exit unless one of them holds stops signed-out requests. A
predicate with a fallback that holds without a user authenticates nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

GUARDS = """import type { Session } from "next-auth";

export function isAdmin(session: Session | null) {
  if (!session) return false;
  return session.user.role === "ADMIN";
}

export function isAuthor(session: Session | null, authorId?: string | null) {
  return Boolean(authorId && session?.user?.id && authorId === session?.user?.id);
}

export function isGuestOrAuthor(session: Session | null, authorId?: string | null) {
  return Boolean(authorId === (session?.user?.id ?? authorId));
}
"""

ACTION = """'use server';
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { isAdmin, isAuthor, isGuestOrAuthor } from "@/lib/guards";

export async function renameNote(id: string, title: string) {
  const session = await auth();
  if (CONDITION) {
    throw new Error("Not allowed");
  }
  await prisma.note.update({ where: { id }, data: { title: String(title) } });
}
"""


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        ("!isAuthor(session, id) && !isAdmin(session)", "pass"),
        ("!isAdmin(session) && !isAuthor(session, id)", "pass"),
        ("!isGuestOrAuthor(session, id) && !isAdmin(session)", "fail"),
        ("!isAuthor(null, id) && !isAdmin(null)", "fail"),
    ],
)
def test_an_exit_unless_a_caller_predicate_holds_authenticates(
    tmp_path: Path, condition: str, status: str
) -> None:
    files = {
        "lib/guards.ts": GUARDS,
        "app/notes/actions.ts": ACTION.replace("CONDITION", condition),
    }
    make_repo(tmp_path, files)
    point = entry(run_audit(tmp_path), "server_action:app/notes/actions.ts#renameNote")
    check = point.checks.authentication
    assert check.status.value == status
    if status == "pass":
        assert (check.evidence[0].file, check.evidence[0].line) == ("app/notes/actions.ts", 8)
        assert "returns false without `session`" in check.evidence[0].detail
