"""A read that also returns related rows picked by an owner column set to the client's value
returns whichever user's rows the client names: an IDOR even when the parent rows are public."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ACTION = """'use server';
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function teamsWithMemberships(userId: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  return prisma.team.findMany({
    include: {
      memberships: {
        where: { userId: userId },
      },
    },
  });
}
"""


def test_related_rows_of_the_user_the_client_names_are_an_idor(tmp_path: Path) -> None:
    make_repo(tmp_path / "client", {"app/teams/actions.ts": ACTION})
    result = run_audit(tmp_path / "client")
    point = entry(result, "server_action:app/teams/actions.ts#teamsWithMemberships")
    assert point.checks.authorization.status.value == "fail", point.checks.authorization
    assert ("AZ001", "app/teams/actions.ts", 11) in rules_at(result)
    assert any("related rows" in e.detail for e in point.checks.authorization.evidence)


def test_related_rows_of_the_caller_are_the_callers(tmp_path: Path) -> None:
    own = ACTION.replace("where: { userId: userId }", "where: { userId: session.user.id }")
    make_repo(tmp_path / "own", {"app/teams/actions.ts": own})
    result = run_audit(tmp_path / "own")
    point = entry(result, "server_action:app/teams/actions.ts#teamsWithMemberships")
    assert not any("related rows" in e.detail for e in point.checks.authorization.evidence)
    assert ("AZ001", "app/teams/actions.ts", 11) not in rules_at(result)


def test_without_a_session_check_it_is_no_public_read_either(tmp_path: Path) -> None:
    open_action = ACTION.replace(
        '  const session = await auth();\n  if (!session?.user?.id) throw new Error("unauthorized");\n',
        "",
    )
    make_repo(tmp_path / "open", {"app/teams/actions.ts": open_action})
    point = entry(
        run_audit(tmp_path / "open"), "server_action:app/teams/actions.ts#teamsWithMemberships"
    )
    assert point.checks.authentication.status.value == "fail", point.checks.authentication
