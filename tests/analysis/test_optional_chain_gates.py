"""A role test read through optional chaining exits whenever the session is absent: `!session?.user
?.isAdmin` and `session?.user?.role !== "ADMIN"` hold for a signed-out request (the read gives
undefined), so they authenticate as well as check the role. A test that holds only for one role
(`=== "BANNED"`) lets a signed-out request through."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function DELETE() {
  const session = await auth();
  if (CONDITION) return new Response(null, { status: 401 });
  await prisma.note.deleteMany({ where: { deletedAt: { not: null } } });
  return Response.json({ ok: true });
}
"""


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        ("!session?.user?.isAdmin", "pass"),
        ('session?.user?.role !== "ADMIN"', "pass"),
        ('!session?.user?.roles?.includes("admin")', "pass"),
        ('session?.user?.role === "BANNED"', "fail"),
        ("session?.user?.role !== undefined", "fail"),
    ],
)
def test_a_role_test_through_optional_chaining_authenticates(
    tmp_path: Path, condition: str, status: str
) -> None:
    make_repo(tmp_path, {"app/api/purge/route.ts": ROUTE.replace("CONDITION", condition)})
    check = entry(run_audit(tmp_path), "route_handler:app/api/purge/route.ts#DELETE").checks
    assert check.authentication.status.value == status, check.authentication
    if status == "pass":
        assert check.authentication.evidence[0].line == 6
