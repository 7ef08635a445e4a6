"""A page that reads its data only through Server Actions it calls (`await getNote({ id })`, a
next-safe-action client's action) is authenticated by them when each one checks the caller before
it reads: the check runs in the page's render, before anything is read. An action that checks no
one leaves the page open."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

CLIENT = """import { createSafeActionClient } from "next-safe-action";
import { auth } from "@/auth";

export const actionClient = createSafeActionClient().use(async ({ next }) => {
  const session = await auth();
  return next({ ctx: { userId: session?.user?.id } });
});
"""

ACTIONS = """"use server";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { actionClient } from "@/lib/safe-action";

export const getNote = actionClient
  .schema(z.object({ id: z.string() }))
  .action(async ({ parsedInput, ctx: { userId } }) => {
    CHECK
    return prisma.note.findFirst({ where: { id: parsedInput.id } });
  });
"""

PAGE = """import { getNote } from "@/app/notes/actions";

export default async function NotePage({ params }: { params: { id: string } }) {
  const res = await getNote({ id: params.id });
  return <h1>{res?.data?.title}</h1>;
}
"""

CHECKED = 'if (!userId) throw new Error("User not found");'


@pytest.mark.parametrize(("check", "expected"), [(CHECKED, "pass"), ("", "fail")])
def test_a_page_reading_through_actions_is_as_authenticated_as_they_are(
    tmp_path: Path, check: str, expected: str
) -> None:
    files = {
        "lib/safe-action.ts": CLIENT,
        "app/notes/actions.ts": ACTIONS.replace("CHECK", check),
        "app/notes/[id]/page.tsx": PAGE,
    }
    make_repo(tmp_path, files, dependencies={"next-safe-action": "7.9.3"})
    checks = entry(run_audit(tmp_path), "page:app/notes/[id]/page.tsx#default").checks
    assert checks.authentication.status.value == expected, checks.authentication
    if expected == "pass":
        first = checks.authentication.evidence[0]
        assert first.line == 4 and "runs the Server Action getNote" in first.detail
