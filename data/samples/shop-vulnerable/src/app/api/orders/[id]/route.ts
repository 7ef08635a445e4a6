import { auth } from "@clerk/nextjs/server";
import { and, eq } from "drizzle-orm";
import { NextResponse } from "next/server";
import { z } from "zod";

import { db } from "@/db";
import { orders } from "@/db/schema";

type Params = { params: { id: string } };

const paramsSchema = z.object({ id: z.string().uuid() });

// Signed-in customers only: middleware.ts protects /api/orders(.*).
// expect: ATH002
export async function GET(_req: Request, { params }: Params) {
  // expect: AZ001
  const [order] = await db.select().from(orders).where(eq(orders.id, params.id));
  if (!order) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return NextResponse.json(order);
}

export async function PATCH(req: Request, { params }: Params) {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  const { id } = paramsSchema.parse(params);

  const body = await req.json();
  // expect: VAL001
  const [order] = await db.update(orders).set({ shippingAddress: body.shippingAddress }).where(and(eq(orders.id, id), eq(orders.userId, userId), eq(orders.status, "pending"))).returning({ id: orders.id, shippingAddress: orders.shippingAddress });
  if (!order) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return NextResponse.json(order);
}

// Customers may delete an order until it is paid.
export async function DELETE(_req: Request, { params }: Params) {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
  const { id } = paramsSchema.parse(params);

  // expect: AUD001
  const deleted = await db.delete(orders).where(and(eq(orders.id, id), eq(orders.userId, userId), eq(orders.status, "pending"))).returning({ id: orders.id });
  if (deleted.length === 0) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return new NextResponse(null, { status: 204 });
}
