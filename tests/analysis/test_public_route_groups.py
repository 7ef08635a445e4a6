"""A page in a route group the app keeps for every visitor (`app/(marketing)/...`,
`app/(landing)/...`) is public by design: reading data by its params needs no signed-in visitor.
The same page in another group is judged as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

PAGE = """import { prisma } from "@/lib/db";

export default async function Page({ params }: { params: { id: string } }) {
  const note = await prisma.note.findUnique({ where: { id: params.id } });
  return <h1>{note?.title}</h1>;
}
"""


@pytest.mark.parametrize(
    ("group", "expected"), [("(marketing)", "n/a"), ("(landing)", "n/a"), ("(dashboard)", "fail")]
)
def test_a_page_of_a_visitors_route_group_is_public(
    tmp_path: Path, group: str, expected: str
) -> None:
    file = f"app/{group}/notes/[id]/page.tsx"
    make_repo(tmp_path, {file: PAGE})
    check = entry(run_audit(tmp_path), f"page:{file}#default").checks.authentication
    assert check.status.value == expected, check
    if expected == "n/a":
        assert f"a page of the app's {group} route group" in check.evidence[0].detail
