import { eq } from "drizzle-orm";
import { headers } from "next/headers";
import { NextResponse } from "next/server";
import type Stripe from "stripe";
import { z } from "zod";

import { db } from "@/db";
import { orders } from "@/db/schema";
import { stripe } from "@/lib/stripe";

const metadataSchema = z.object({ orderId: z.string().uuid() });

// Public by design: Stripe calls it, and constructEvent() rejects requests Stripe did not sign.
// ok: ATH001
export async function POST(req: Request) {
  const signature = headers().get("stripe-signature");
  if (!signature) return NextResponse.json({ error: "Missing signature" }, { status: 400 });

  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(await req.text(), signature, process.env.STRIPE_WEBHOOK_SECRET!);
  } catch {
    return NextResponse.json({ error: "Invalid signature" }, { status: 400 });
  }

  // event.type is set by Stripe inside the signed payload.
  // ok: VAL003
  if (event.type === "checkout.session.completed") {
    const session = event.data.object;
    const { orderId } = metadataSchema.parse(session.metadata);
    // orderId comes from the metadata of the signed event, set when the checkout session was created.
    // ok: AZ001, VAL001
    await db.update(orders).set({ status: "paid", stripeSessionId: session.id }).where(eq(orders.id, orderId));
  }

  return NextResponse.json({ received: true });
}
