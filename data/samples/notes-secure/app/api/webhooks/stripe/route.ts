import { headers } from "next/headers";
import { NextResponse } from "next/server";
import Stripe from "stripe";

import { writeAuditLog } from "@/lib/audit";
import { prisma } from "@/lib/db";
import { billingMetadataSchema } from "@/lib/validators";

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? "", { apiVersion: "2024-12-18.acacia" });
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? "";

// Public by design: Stripe calls it, and constructEvent() rejects any request Stripe did not sign.
// ok: ATH001
export async function POST(request: Request) {
  const signature = (await headers()).get("stripe-signature");
  if (!signature) return NextResponse.json({ error: "Missing signature" }, { status: 400 });

  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(await request.text(), signature, webhookSecret);
  } catch {
    return NextResponse.json({ error: "Invalid signature" }, { status: 400 });
  }

  // event.type is set by Stripe inside the signed payload.
  // ok: VAL003
  if (event.type === "checkout.session.completed") {
    const checkout = event.data.object;
    const { teamId } = billingMetadataSchema.parse(checkout.metadata);
    const customerId = typeof checkout.customer === "string" ? checkout.customer : null;

    await prisma.$transaction(async (tx) => {
      // teamId comes from metadata we set when creating the checkout session, and the event is signed.
      // ok: AZ001, VAL001
      await tx.team.update({ where: { id: teamId }, data: { plan: "PRO", stripeCustomerId: customerId }, select: { id: true } });
      await writeAuditLog({ action: "TEAM_PLAN_CHANGED", actorId: null, teamId, metadata: { plan: "PRO", event: event.id } }, tx);
    });
  }

  return NextResponse.json({ received: true });
}
