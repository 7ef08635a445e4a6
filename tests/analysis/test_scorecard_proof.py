"""A checklist item passes on positive evidence, never on "no finding" alone: the query that keeps a
secret field out of the response, the tsconfig that turns strict mode on, the framework that hides
an uncaught error's message. Without such a fact the item is unknown, with the reason."""

from __future__ import annotations

from pathlib import Path

from archtools.results import Audit, ScoreItem
from tests.support.minirepo import make_repo, run_audit

ROUTE = "app/api/me/route.ts"

SELECTED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const user = await prisma.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, email: true },
  });
  return Response.json(user);
}
"""

# a whole row sent back, with the finding silenced: the silence is no evidence that nothing leaks
SILENCED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  // archtools-ignore EXP001: reviewed
  const user = await prisma.user.findUnique({ where: { id: session.user.id } });
  return Response.json(user);
}
"""

TRPC_STYLE = """import { initTRPC } from "@trpc/server";
import { prisma } from "@/lib/db";
const t = initTRPC.create();
export const appRouter = t.router({
  count: t.procedure.query(async () => prisma.team.count()),
});
"""


def _item(result: Audit, item: str) -> ScoreItem:
    card = next(c for c in result.scorecards if c.entry_points)
    return next(i for i in card.items if i.id == item)


def test_a_secret_field_kept_out_by_the_query_is_the_evidence_of_a_pass(tmp_path: Path) -> None:
    make_repo(tmp_path, {ROUTE: SELECTED})
    item = _item(run_audit(tmp_path), "no-sensitive-exposure")
    assert item.status.value == "pass", item
    assert item.evidence[0].file == ROUTE and item.evidence[0].line == 7
    assert "passwordHash" in item.evidence[0].detail
    assert "picks its fields" in item.evidence[0].detail


def test_no_finding_alone_leaves_the_exposure_item_unknown(tmp_path: Path) -> None:
    make_repo(tmp_path, {ROUTE: SILENCED})
    result = run_audit(tmp_path)
    assert [f.suppressed for f in result.findings if f.rule == "EXP001"] == ["reviewed"]
    item = _item(result, "no-sensitive-exposure")
    assert item.status.value == "unknown", item
    assert "`User.passwordHash`" in item.evidence[0].detail


def test_strict_mode_is_the_evidence_for_explicit_types(tmp_path: Path) -> None:
    make_repo(tmp_path, {ROUTE: SELECTED})
    item = _item(run_audit(tmp_path), "explicit-types")
    assert item.status.value == "pass", item
    assert item.evidence[0].file == "tsconfig.json" and "strict: true" in item.evidence[0].detail


def test_strict_mode_off_is_a_warning_for_every_feature_it_covers(tmp_path: Path) -> None:
    make_repo(tmp_path, {ROUTE: SELECTED}, strict=False)
    item = _item(run_audit(tmp_path), "explicit-types")
    assert item.status.value == "warn", item
    assert item.evidence[0].file == "tsconfig.json"


def test_route_handlers_hide_uncaught_errors_and_trpc_formatters_may_not(tmp_path: Path) -> None:
    make_repo(tmp_path, {ROUTE: SELECTED})
    route = _item(run_audit(tmp_path), "safe-errors")
    assert route.status.value == "pass" and "bare 500" in route.evidence[0].detail

    other = tmp_path / "trpc"
    make_repo(
        other,
        {"server/router.ts": TRPC_STYLE, "app/api/trpc/[trpc]/route.ts": _TRPC_ROUTE},
        dependencies={"@trpc/server": "10.45.0"},
    )
    result = run_audit(other)
    cards = [c for c in result.scorecards if any("trpc_procedure" in e for e in c.entry_points)]
    assert cards, [c.entry_points for c in result.scorecards]
    item = next(i for i in cards[0].items if i.id == "safe-errors")
    assert item.status.value == "unknown" and "error formatter" in item.evidence[0].detail


def test_schema_declarations_prove_constraints_and_edge_cases_stay_unknown(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/teams/route.ts": TEAMS})
    result = run_audit(tmp_path)
    constraints = _item(result, "database-constraints")
    assert constraints.status.value == "pass", constraints
    assert constraints.evidence[0].file == "prisma/schema.prisma"
    assert constraints.evidence[0].line == 17, constraints.evidence
    assert "`Team`" in constraints.evidence[0].detail
    assert "primary key id" in constraints.evidence[0].detail
    assert _item(result, "edge-cases").status.value == "unknown"


TEAMS = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  return Response.json(await prisma.team.count());
}
"""

_TRPC_ROUTE = """import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/router";
const handler = (req: Request) =>
  fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => ({}) });
export { handler as GET, handler as POST };
"""
