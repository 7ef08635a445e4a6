"""A Stripe subscription or a Clerk user the client names by its id is one of another user's
records unless the code binds the id to the caller: judged like a database key the client chose."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.analysis import provider_records
from archtools.analysis.program import Program
from archtools.facts.code import Call, FileFacts
from tests.support.minirepo import entry, make_repo, rules_at, run_audit

STRIPE = """import Stripe from "stripe";
export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
"""

CANCEL = """import { auth } from "@/auth";
import { stripe } from "@/lib/stripe";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { subscriptionId } = await req.json();
  await stripe.subscriptions.cancel(subscriptionId);
  return new Response(null, { status: 204 });
}

export async function DELETE() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const user = await prisma.user.findUnique({ where: { id: session.user.id } });
  await stripe.subscriptions.cancel(user!.email);
  return new Response(null, { status: 204 });
}
"""

FROM_ROW = """import { auth } from "@/auth";
import { stripe } from "@/lib/stripe";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { noteId } = await req.json();
  const note = await prisma.note.findUnique({ where: { id: noteId } });
  await stripe.subscriptions.cancel(note!.title);
  return new Response(null, { status: 204 });
}
"""

FROM_SCOPED_ROW = """import { auth } from "@/auth";
import { stripe } from "@/lib/stripe";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { teamId } = await req.json();
  const team = await prisma.team.findFirst({
    where: { id: teamId, memberships: { some: { userId: session.user.id } } },
  });
  if (!team) return new Response(null, { status: 404 });
  await stripe.customers.retrieve(team.name);
  return new Response(null, { status: 204 });
}
"""

CLERK = """import { auth, clerkClient } from "@clerk/nextjs/server";

export async function POST(req: Request) {
  const { userId } = await auth();
  if (!userId) return new Response(null, { status: 401 });
  const { targetId } = await req.json();
  const client = await clerkClient();
  await client.users.deleteUser(targetId);
  return new Response(null, { status: 204 });
}
"""

FILE = "app/api/billing/route.ts"


def test_a_subscription_id_from_the_client_is_an_idor(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/stripe.ts": STRIPE, FILE: CANCEL}, dependencies={"stripe": "17.0.0"})
    result = run_audit(tmp_path)
    authz = entry(result, f"route_handler:{FILE}#POST").checks.authorization
    assert authz.status.value == "fail", authz
    assert "stripe id `subscriptionId`" in authz.evidence[0].detail
    assert ("AZ001", FILE, 9) in rules_at(result, FILE)


def test_an_id_taken_from_the_callers_own_row_is_bound(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/stripe.ts": STRIPE, FILE: CANCEL}, dependencies={"stripe": "17.0.0"})
    result = run_audit(tmp_path)
    authz = entry(result, f"route_handler:{FILE}#DELETE").checks.authorization
    assert authz.status.value != "fail", authz
    assert ("AZ001", FILE, 17) not in rules_at(result, FILE)


def test_an_id_read_from_a_row_is_judged_by_the_query_that_read_it(tmp_path: Path) -> None:
    make_repo(
        tmp_path, {"lib/stripe.ts": STRIPE, FILE: FROM_ROW}, dependencies={"stripe": "17.0.0"}
    )
    result = run_audit(tmp_path)
    assert {r for r in rules_at(result, FILE) if r[0] == "AZ001"} == {("AZ001", FILE, 9)}


def test_an_id_of_a_row_found_for_the_caller_is_bound(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"lib/stripe.ts": STRIPE, FILE: FROM_SCOPED_ROW},
        dependencies={"stripe": "17.0.0"},
    )
    result = run_audit(tmp_path)
    authz = entry(result, f"route_handler:{FILE}#POST").checks.authorization
    assert authz.status.value == "pass", authz
    assert [e.line for e in authz.evidence] == [10]  # the query that found the row
    assert not {r for r in rules_at(result, FILE) if r[0] == "AZ001"}


def test_a_user_id_handed_to_clerk_is_judged_like_a_key(tmp_path: Path) -> None:
    route = "app/api/users/route.ts"
    make_repo(tmp_path, {route: CLERK}, dependencies={"@clerk/nextjs": "6.20.0"})
    result = run_audit(tmp_path)
    authz = entry(result, f"route_handler:{route}#POST").checks.authorization
    assert authz.status.value == "fail", authz
    assert ("AZ001", route, 8) in rules_at(result, route)


def test_only_calls_of_a_providers_methods_are_traced_to_their_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Finding the package behind a call's receiver reads variables and imports across modules; a
    # call whose method no provider has (`logger.info`, `res.json`) is not worth it.
    traced: list[str] = []
    real = provider_records._made_by_package

    def made_by_package(
        program: Program, facts: FileFacts, name: str, call: Call, depth: int = 0
    ) -> str | None:
        traced.append(call.callee)
        return real(program, facts, name, call, depth)

    monkeypatch.setattr(provider_records, "_made_by_package", made_by_package)
    logged = CANCEL.replace(
        "  await stripe.subscriptions.cancel(subscriptionId);\n",
        '  console.info("cancel", subscriptionId);\n'
        "  await stripe.subscriptions.cancel(subscriptionId);\n"
        "  await stripe.subscriptions.search(subscriptionId);\n",
    )
    make_repo(tmp_path, {"lib/stripe.ts": STRIPE, FILE: logged}, dependencies={"stripe": "17.0.0"})
    result = run_audit(tmp_path)
    assert ("AZ001", FILE, 10) in rules_at(result, FILE)  # the verdict stands
    assert traced and set(traced) == {"stripe.subscriptions.cancel"}


ALGOLIA = """import { algoliasearch } from "algoliasearch";
export const writeClient = algoliasearch("app", process.env.ALGOLIA_WRITE_KEY!);
"""

UNINDEX = """'use server';
import { auth } from "@/auth";
import { writeClient } from "@/lib/algolia";

export async function unindexNote(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await writeClient.deleteObject({ indexName: "notes", objectID: noteId });
}
"""


def test_a_search_record_the_client_names_is_judged_like_a_key(tmp_path: Path) -> None:
    files = {"lib/algolia.ts": ALGOLIA, "app/notes/actions.ts": UNINDEX}
    make_repo(tmp_path / "client", files, dependencies={"algoliasearch": "5.0.0"})
    point = entry(run_audit(tmp_path / "client"), "server_action:app/notes/actions.ts#unindexNote")
    check = point.checks.authorization
    assert check.status.value == "fail" and check.evidence[0].line == 8, check
    own = UNINDEX.replace("objectID: noteId", "objectID: session.user.id")
    make_repo(
        tmp_path / "own",
        {**files, "app/notes/actions.ts": own},
        dependencies={"algoliasearch": "5.0.0"},
    )
    point = entry(run_audit(tmp_path / "own"), "server_action:app/notes/actions.ts#unindexNote")
    assert point.checks.authorization.status.value != "fail", point.checks.authorization
