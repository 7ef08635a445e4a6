"""Checks on values that are not the caller are no authentication guard: a continuation of the
caller's promise (`userPromise.then((user) => ...)` holds what its callback returns), a row looked
up by the caller (missing, it was not found), an attribute of the caller (`!user.emailVerified`)."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { limiter } from "@/lib/limiter";

export async function POST(req: Request) {
  const sessionPromise = auth();
  const limited = sessionPromise.then((session) => {
    if (session) return null;
    return limiter.limit(req.headers.get("x-forwarded-for") ?? "anonymous");
  });
  const result = await limited;
  if (!result) {
    return Response.json({ error: "rate limit check failed" }, { status: 429 });
  }
  const notes = await prisma.note.findMany({ where: { title: "shared" } });
  return Response.json(notes);
}
"""

LIMITER = """import { Ratelimit } from "@upstash/ratelimit";
export const limiter = new Ratelimit({ limiter: Ratelimit.slidingWindow(5, "1 d") } as never);
"""


def _authentication(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(
        tmp_path,
        {"app/api/search/route.ts": route, "lib/limiter.ts": LIMITER},
        dependencies={"@upstash/ratelimit": "2.0.0"},
    )
    return entry(
        run_audit(tmp_path), "route_handler:app/api/search/route.ts#POST"
    ).checks.authentication


def test_a_check_on_a_continuation_of_the_session_is_no_guard(tmp_path: Path) -> None:
    check = _authentication(tmp_path / "continued", ROUTE)
    assert check.status.value == "fail", check


def test_a_check_on_the_awaited_session_itself_still_guards(tmp_path: Path) -> None:
    direct = ROUTE.replace("const result = await limited;", "const result = await sessionPromise;")
    check = _authentication(tmp_path / "direct", direct)
    assert check.status.value == "pass" and check.evidence[0].line == 12, check


LOOKED_UP = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { findTeam } from "@/lib/teams";

export async function GET() {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const team = await findTeam({ userId: session?.user?.id });
  if (!team) return new Response(null, { status: 404 });
  const notes = await prisma.note.findMany({ where: { authorId: session.user.id } });
  return Response.json({ team, notes });
}
"""

TEAMS = """import { prisma } from "@/lib/db";
export async function findTeam({ userId }: { userId?: string }) {
  return prisma.membership.findFirst({ where: { userId } });
}
"""


def test_a_lookup_by_the_caller_found_missing_is_no_authentication_guard(tmp_path: Path) -> None:
    files = {"lib/teams.ts": TEAMS}
    make_repo(tmp_path / "both", {**files, "app/api/notes/route.ts": LOOKED_UP})
    point = entry(run_audit(tmp_path / "both"), "route_handler:app/api/notes/route.ts#GET")
    check = point.checks.authentication
    assert check.status.value == "pass" and check.evidence[0].line == 7, check
    assert all(e.line != 9 for e in check.evidence), check
    unguarded = LOOKED_UP.replace(
        "  if (!session?.user) return new Response(null, { status: 401 });\n", ""
    )
    make_repo(tmp_path / "lookup", {**files, "app/api/notes/route.ts": unguarded})
    point = entry(run_audit(tmp_path / "lookup"), "route_handler:app/api/notes/route.ts#GET")
    assert point.checks.authentication.status.value == "fail", point.checks.authentication


ATTRIBUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function POST() {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  if (!session.user.emailVerified) return new Response(null, { status: 403 });
  await prisma.note.deleteMany({ where: { authorId: session.user.id } });
  return new Response(null, { status: 204 });
}
"""


def test_an_attribute_of_the_caller_is_no_authentication_guard(tmp_path: Path) -> None:
    make_repo(tmp_path / "both", {"app/api/notes/route.ts": ATTRIBUTE})
    point = entry(run_audit(tmp_path / "both"), "route_handler:app/api/notes/route.ts#POST")
    assert point.checks.authentication.status.value == "pass"
    assert point.checks.authentication.evidence[0].line == 6
    attribute_only = (
        ATTRIBUTE.replace("  if (!session?.user) return new Response(null, { status: 401 });\n", "")
        .replace("session.user.emailVerified", "session?.user?.emailVerified")
        .replace("session.user.id", "session?.user?.id")
    )
    make_repo(tmp_path / "attribute", {"app/api/notes/route.ts": attribute_only})
    point = entry(run_audit(tmp_path / "attribute"), "route_handler:app/api/notes/route.ts#POST")
    # read through optional chaining, the attribute's test holds for a signed-out request too:
    # the exit stops it (test_optional_chain_gates.py)
    assert point.checks.authentication.status.value == "pass", point.checks.authentication
    assert "!session?.user?.emailVerified" in point.checks.authentication.evidence[0].detail
    # with the user at hand (no optional chaining), it tests a state of a caller already there
    at_hand = ATTRIBUTE.replace(
        "  if (!session?.user) return new Response(null, { status: 401 });\n",
        "  const user = session!.user;\n",
    ).replace("session.user.emailVerified", "user.emailVerified")
    make_repo(tmp_path / "at-hand", {"app/api/notes/route.ts": at_hand})
    point = entry(run_audit(tmp_path / "at-hand"), "route_handler:app/api/notes/route.ts#POST")
    assert point.checks.authentication.status.value == "fail", point.checks.authentication
