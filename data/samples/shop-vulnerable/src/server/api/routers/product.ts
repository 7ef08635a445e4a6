import { TRPCError } from "@trpc/server";
import { asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";

import { products } from "@/db/schema";
import { adminProcedure, createTRPCRouter, publicProcedure } from "@/server/api/trpc";

export const productRouter = createTRPCRouter({
  // The public catalog (declared public in archtools.toml).
  // ok: ATH001
  list: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(24), offset: z.number().int().min(0).default(0) }))
    .query(({ ctx, input }) => {
      return ctx.db
        .select({ id: products.id, slug: products.slug, name: products.name, price: products.price, imageUrl: products.imageUrl })
        .from(products)
        .where(isNull(products.deletedAt))
        .orderBy(asc(products.name))
        .limit(input.limit)
        .offset(input.offset);
    }),

  updateStock: adminProcedure
    .input(z.object({ id: z.string().uuid(), stock: z.number().int().min(0) }))
    .mutation(async ({ ctx, input }) => {
      // expect: DATA002
      const [product] = await ctx.db.update(products).set({ stock: input.stock }).where(eq(products.id, input.id)).returning({ id: products.id, stock: products.stock });
      if (!product) throw new TRPCError({ code: "NOT_FOUND" });
      return product;
    }),

  // Holds stock for a phone order while support staff take the payment.
  reserve: adminProcedure
    .input(z.object({ id: z.string().uuid(), quantity: z.number().int().min(1).max(20) }))
    .mutation(async ({ ctx, input }) => {
      const [product] = await ctx.db.select({ id: products.id, stock: products.stock }).from(products).where(eq(products.id, input.id));
      if (!product || product.stock < input.quantity) throw new TRPCError({ code: "CONFLICT", message: "Not enough stock" });
      // Two reservations at once both see the same stock and both take from it.
      // expect: DATA002, DATA004
      await ctx.db.update(products).set({ stock: product.stock - input.quantity }).where(eq(products.id, product.id));
      return { reserved: input.quantity };
    }),
});
