import { TRPCError } from "@trpc/server";
import { desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";

import { orderItems, orders, products } from "@/db/schema";
import { adminProcedure, createTRPCRouter, protectedProcedure, publicProcedure } from "@/server/api/trpc";

const lineSchema = z.object({
  productId: z.string().uuid(),
  quantity: z.number().int().min(1).max(20),
});

export const orderRouter = createTRPCRouter({
  // Used by the order confirmation page, which is linked from the confirmation email.
  // expect: ATH001
  byId: publicProcedure
    .input(z.object({ id: z.string().uuid() }))
    .query(async ({ ctx, input }) => {
      // expect: AZ001
      const order = await ctx.db.query.orders.findFirst({ where: eq(orders.id, input.id), with: { items: true } });
      if (!order) throw new TRPCError({ code: "NOT_FOUND" });
      return order;
    }),

  mine: protectedProcedure.query(({ ctx }) => {
    return ctx.db
      .select({ id: orders.id, status: orders.status, total: orders.total, createdAt: orders.createdAt })
      .from(orders)
      .where(eq(orders.userId, ctx.auth.userId))
      .orderBy(desc(orders.createdAt));
  }),

  history: protectedProcedure
    .input(z.object({ page: z.number().int().min(0).max(1000) }))
    .query(({ ctx, input }) => {
      return ctx.db
        .select({ id: orders.id, status: orders.status, total: orders.total, createdAt: orders.createdAt })
        .from(orders)
        .where(eq(orders.userId, ctx.auth.userId))
        .orderBy(desc(orders.createdAt))
        .limit(20)
        .offset(input.page * 20);
    }),

  // Staff dashboard: the oldest paid orders waiting to be shipped. No index starts with status.
  awaitingShipment: adminProcedure.query(({ ctx }) => {
    // expect: PRF003
    return ctx.db
      .select({ id: orders.id, total: orders.total, createdAt: orders.createdAt })
      .from(orders)
      .where(eq(orders.status, "paid"))
      .orderBy(orders.createdAt)
      .limit(50);
  }),

  // Support staff place phone orders for customers, so the client says whose order it is.
  create: protectedProcedure
    .input(z.object({ userId: z.string(), items: z.array(lineSchema).min(1).max(50) }))
    .mutation(async ({ ctx, input }) => {
      const ids = input.items.map((item) => item.productId);
      const catalog = await ctx.db
        .select({ id: products.id, price: products.price })
        .from(products)
        .where(inArray(products.id, ids));
      const prices = new Map(catalog.map((product) => [product.id, product.price]));
      if (prices.size !== new Set(ids).size) throw new TRPCError({ code: "BAD_REQUEST", message: "Unknown product" });

      const total = input.items.reduce((sum, item) => sum + prices.get(item.productId)! * item.quantity, 0);
      return ctx.db.transaction(async (tx) => {
        const [order] = await tx
          .insert(orders)
          .values({
            // expect: AZ002
            userId: input.userId,
            total,
            currency: "usd",
          })
          .returning({ id: orders.id });
        await tx.insert(orderItems).values(
          input.items.map((item) => ({
            orderId: order.id,
            productId: item.productId,
            quantity: item.quantity,
            unitPrice: prices.get(item.productId)!.toFixed(2),
          })),
        );
        return order;
      });
    }),

  cancelAllPending: protectedProcedure.mutation(async ({ ctx }) => {
    // expect: AZ004
    await ctx.db.update(orders).set({ status: "cancelled" }).where(eq(orders.status, "pending"));
    return { ok: true };
  }),
});
