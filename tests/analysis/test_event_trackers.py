"""An event tracker that records who did what (`ctx.track.commentEvent({ type: "Delete" })`,
`trackTeamActivity(...)`) keeps the trail of a delete as an audit log does; a call that makes an
event of another kind (`calendar.createEvent(...)`) records nothing of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.test_own_row_deletes import SCHEMA
from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { analytics, calendar, trackTeamActivity } from "@/lib/events";

export async function DELETE(req: Request, { params }: { params: { id: string } }) {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  await prisma.team.deleteMany({ where: { id: params.id, ownerId: session.user.id } });
  await RECORD({ type: "Delete", teamId: params.id, userId: session.user.id });
  return new Response(null, { status: 204 });
}
"""

EVENTS = """export const analytics = { track: { teamEvent: async (event: object) => console.log(event) } };
export const calendar = { createEvent: async (event: object) => console.log(event) };
export async function trackTeamActivity(event: object) {
  console.log(event);
}
"""

FILE = "app/api/teams/[id]/route.ts"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("analytics.track.teamEvent", "pass"),
        ("trackTeamActivity", "pass"),
        ("calendar.createEvent", "fail"),
    ],
)
def test_an_event_tracker_keeps_the_trail(tmp_path: Path, record: str, expected: str) -> None:
    files = {FILE: ROUTE.replace("RECORD", record), "lib/events.ts": EVENTS}
    make_repo(tmp_path, files, schema=SCHEMA)
    check = entry(run_audit(tmp_path), f"route_handler:{FILE}#DELETE").checks.audit_logging
    assert check.status.value == expected, check
    if expected == "pass":
        assert "records the event" in check.evidence[0].detail
