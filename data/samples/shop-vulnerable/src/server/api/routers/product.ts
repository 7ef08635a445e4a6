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
});
