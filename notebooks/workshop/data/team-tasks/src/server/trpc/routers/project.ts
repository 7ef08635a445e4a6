import { z } from "zod";

import { protectedProcedure, publicProcedure, router } from "@/server/trpc/trpc";

export const projectRouter = router({
  mine: protectedProcedure.query(({ ctx }) =>
    ctx.prisma.project.findMany({
      where: { organization: { memberships: { some: { userId: ctx.userId } } } },
      select: { id: true, name: true },
    }),
  ),

  rename: publicProcedure
    .input(z.object({ id: z.string().cuid(), name: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) =>
      ctx.prisma.project.update({ where: { id: input.id }, data: { name: input.name }, select: { id: true, name: true } }),
    ),

  byId: protectedProcedure
    .input(z.object({ id: z.string().cuid() }))
    .query(({ ctx, input }) =>
      ctx.prisma.project.findUnique({ where: { id: input.id }, select: { id: true, name: true } }),
    ),
});
