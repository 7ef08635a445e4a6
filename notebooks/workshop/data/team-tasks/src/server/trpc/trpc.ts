import { initTRPC, TRPCError } from "@trpc/server";

import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export const createContext = async () => ({ prisma, session: await auth() });

const t = initTRPC.context<typeof createContext>().create();

export const router = t.router;
export const publicProcedure = t.procedure;

/** Signed-in users only: hands the procedure a session that is never null. */
const isAuthed = t.middleware(({ ctx, next }) => {
  if (!ctx.session?.user?.id) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { session: ctx.session, userId: ctx.session.user.id } });
});

export const protectedProcedure = t.procedure.use(isAuthed);
