"""A row recorded as the caller's (`reportedById: session.user.id`) that names another user by the
client's choice names the user it is about (the reported, the invited): no claim of whose row it
is, so no AZ002. The same user column with nothing recording the caller is one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import PRISMA_SCHEMA, make_repo, run_audit

SCHEMA = (
    PRISMA_SCHEMA
    + """
model Report {
  id           String @id @default(cuid())
  reason       String
  userId       String
  reportedById String
}
"""
)

ACTION = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function report(userId: string, reason: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("sign in");
  await prisma.report.create({ data: { DATA } });
}
"""


@pytest.mark.parametrize(
    ("data", "az002"),
    [
        ("userId, reason, reportedById: session.user.id", False),
        ("userId, reason, reportedById: userId", True),
    ],
)
def test_a_row_recorded_as_the_callers_names_other_users_as_references(
    tmp_path: Path, data: str, az002: bool
) -> None:
    make_repo(tmp_path, {"app/report.ts": ACTION.replace("DATA", data)}, schema=SCHEMA)
    rules = {f.rule for f in run_audit(tmp_path).findings if f.file == "app/report.ts"}
    assert ("AZ002" in rules) == az002, rules
