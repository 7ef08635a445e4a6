/**
 * tRPC setup: the context every procedure receives and the procedure builders.
 * `publicProcedure` runs for anyone; `protectedProcedure` requires a Clerk session;
 * `adminProcedure` additionally requires the admin role.
 */
import { auth } from "@clerk/nextjs/server";
import { initTRPC, TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { ZodError } from "zod";

import { db } from "@/db";
import { users } from "@/db/schema";

export const createTRPCContext = async (opts: { headers: Headers }) => {
  return { db, auth: auth(), ...opts };
};

const t = initTRPC.context<typeof createTRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: { ...shape.data, zodError: error.cause instanceof ZodError ? error.cause.flatten() : null },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.auth.userId) {
    throw new TRPCError({ code: "UNAUTHORIZED" });
  }
  return next({ ctx: { auth: { ...ctx.auth, userId: ctx.auth.userId } } });
});

export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const [user] = await ctx.db.select({ role: users.role }).from(users).where(eq(users.id, ctx.auth.userId));
  if (user?.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN" });
  }
  return next();
});
