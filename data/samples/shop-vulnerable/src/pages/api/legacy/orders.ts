import { desc, eq } from "drizzle-orm";
import type { NextApiRequest, NextApiResponse } from "next";

import { db } from "@/db";
import { orders } from "@/db/schema";

// Order history for the v1 mobile app, still called by old app versions:
// GET /api/legacy/orders?userId=...
// expect: ATH001
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const userId = String(req.query.userId ?? "");
  if (!userId) return res.status(400).json({ error: "userId is required" });

  // expect: AZ001
  const rows = await db.select({ id: orders.id, status: orders.status, total: orders.total, createdAt: orders.createdAt }).from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt));
  res.status(200).json({ orders: rows });
}
