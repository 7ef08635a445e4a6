"""What a provider's SDK reads back (`stripe.checkout.sessions.retrieve(id)`) is the provider's
record, checked and typed by it, even when the client chose which one: writing its fields is no
unvalidated input. The client's own value written beside it still is."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import make_repo, rules_at, run_audit

ROUTE = """import Stripe from "stripe";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? "");

export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const checkoutId = new URL(request.url).searchParams.get("checkout_id") ?? "";
  const checkout = await stripe.checkout.sessions.retrieve(checkoutId);
  await prisma.note.updateMany({
    where: { authorId: session.user.id },
    data: { title: checkout.client_reference_id },
  });
  await prisma.note.updateMany({
    where: { authorId: session.user.id },
    data: { body: new URL(request.url).searchParams.get("body") },
  });
  return Response.json({ ok: true });
}
"""

FILE = "app/api/checkout/route.ts"


def test_a_record_the_provider_reads_back_is_not_the_clients_input(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: ROUTE}, dependencies={"stripe": "14.0.0"})
    found = {(rule, line) for rule, _file, line in rules_at(run_audit(tmp_path), FILE)}
    assert ("VAL001", 14) not in found, found
    assert ("VAL001", 18) in found, found
