import { projectRouter } from "@/server/trpc/routers/project";
import { router } from "@/server/trpc/trpc";

export const appRouter = router({ project: projectRouter });
export type AppRouter = typeof appRouter;
