"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";

import { db } from "@/db";
import { coupons, orders } from "@/db/schema";
import { actionClient } from "@/lib/safe-action";

const applyCouponSchema = z.object({
  orderId: z.string().uuid(),
  code: z.string().trim().toUpperCase().min(3).max(32),
});

// expect: ATH001
export const applyCoupon = actionClient.schema(applyCouponSchema).action(async ({ parsedInput: { orderId, code } }) => {
  const [coupon] = await db
    .select({ id: coupons.id, expiresAt: coupons.expiresAt })
    .from(coupons)
    .where(eq(coupons.code, code));
  if (!coupon || (coupon.expiresAt && coupon.expiresAt < new Date())) {
    return { error: "This coupon is not valid" };
  }

  // The total is recomputed with the coupon when the Stripe session is created.
  // expect: AZ001
  const [order] = await db.update(orders).set({ couponId: coupon.id }).where(eq(orders.id, orderId)).returning({ id: orders.id, couponId: orders.couponId });
  if (!order) return { error: "Order not found" };

  revalidatePath("/checkout");
  return { order };
});
