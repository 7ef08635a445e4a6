import { auth } from "@clerk/nextjs/server";
import { desc, eq, inArray } from "drizzle-orm";
import { NextResponse } from "next/server";
import { z } from "zod";

import { db } from "@/db";
import { orderItems, orders, products } from "@/db/schema";

const createOrderSchema = z.object({
  items: z
    .array(z.object({ productId: z.string().uuid(), quantity: z.number().int().min(1).max(20) }))
    .min(1)
    .max(50),
});

export async function GET() {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });

  const rows = await db
    .select({ id: orders.id, status: orders.status, total: orders.total, currency: orders.currency, createdAt: orders.createdAt })
    .from(orders)
    .where(eq(orders.userId, userId))
    .orderBy(desc(orders.createdAt));
  const withCounts = [];
  for (const row of rows) {
    // expect: PRF001
    const lines = await db.select({ id: orderItems.id }).from(orderItems).where(eq(orderItems.orderId, row.id));
    withCounts.push({ ...row, itemCount: lines.length });
  }
  return NextResponse.json(withCounts);
}

export async function POST(req: Request) {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });

  const parsed = createOrderSchema.safeParse(await req.json());
  if (!parsed.success) return NextResponse.json({ error: "Invalid order" }, { status: 400 });
  const { items } = parsed.data;

  const catalog = await db
    .select({ id: products.id, price: products.price, stock: products.stock })
    .from(products)
    .where(inArray(products.id, items.map((item) => item.productId)));
  const byId = new Map(catalog.map((product) => [product.id, product]));
  for (const item of items) {
    const product = byId.get(item.productId);
    if (!product || product.stock < item.quantity) {
      return NextResponse.json({ error: "Some items are out of stock" }, { status: 409 });
    }
  }

  const total = items.reduce((sum, item) => sum + byId.get(item.productId).price * item.quantity, 0);
  const [order] = await db.insert(orders).values({ userId, total, currency: "usd" }).returning({ id: orders.id });
  // The items go in a second statement: when it fails, the customer has an order with no items.
  // expect: DATA003
  await db.insert(orderItems).values(
    items.map((item) => ({
      orderId: order.id,
      productId: item.productId,
      quantity: item.quantity,
      unitPrice: byId.get(item.productId).price.toFixed(2),
    })),
  );

  return NextResponse.json(order, { status: 201 });
}
