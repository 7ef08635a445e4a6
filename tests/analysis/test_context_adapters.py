"""A helper that builds a service's context out of a tRPC procedure's (`toServiceCtx(ctx)` returning
`{ actor: { userId: ctx.user.id } }`) hands the caller on: a query the service binds to
`ctx.actor.userId` is the caller's. The same helper given a context the client filled hands
nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ADAPTER = """export type ServiceCtx = { actor: { userId: string }; source: string };

export function toServiceCtx(ctx: { user: { id: string } }): ServiceCtx {
  return { actor: { userId: ctx.user.id }, source: "web" };
}
"""

SERVICE = """import { prisma } from "@/lib/db";
import type { ServiceCtx } from "@/lib/service-ctx";

export async function archiveNote(args: { ctx: ServiceCtx; noteId: string }) {
  const { ctx } = args;
  await prisma.note.updateMany({
    where: { id: args.noteId, authorId: ctx.actor.userId },
    data: { title: "archived" },
  });
}
"""

TRPC = """import { initTRPC, TRPCError } from "@trpc/server";

export const t = initTRPC.context<{ session: { user: { id: string } } | null }>().create();
export const createTRPCRouter = t.router;

export const signedInProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { user: ctx.session.user } });
});
"""

ROUTER = """import { z } from "zod";
import { createTRPCRouter, signedInProcedure } from "../trpc";
import { toServiceCtx } from "@/lib/service-ctx";
import { archiveNote } from "@/lib/notes";

const byNote = z.object({ noteId: z.string(), userId: z.string() });

export const noteRouter = createTRPCRouter({
  archive: signedInProcedure.input(byNote).mutation(async ({ ctx, input }) => {
    const serviceCtx = toServiceCtx(ctx);
    await archiveNote({ ctx: serviceCtx, noteId: input.noteId });
  }),
  archiveAs: signedInProcedure.input(byNote).mutation(async ({ input }) => {
    const serviceCtx = toServiceCtx({ user: { id: input.userId } });
    await archiveNote({ ctx: serviceCtx, noteId: input.noteId });
  }),
});
"""

ROOT = """import { createTRPCRouter } from "./trpc";
import { noteRouter } from "./routers/note";
export const appRouter = createTRPCRouter({ note: noteRouter });
"""

FILE = "server/routers/note.ts"


def test_a_context_built_of_the_callers_fields_carries_the_caller(tmp_path: Path) -> None:
    files = {
        "server/trpc.ts": TRPC,
        FILE: ROUTER,
        "server/root.ts": ROOT,
        "lib/service-ctx.ts": ADAPTER,
        "lib/notes.ts": SERVICE,
    }
    make_repo(tmp_path, files, dependencies={"@trpc/server": "11.0.0"})
    result = run_audit(tmp_path)
    mine = entry(result, f"trpc_procedure:{FILE}#note.archive").checks.authorization
    assert mine.status.value == "pass", mine
    other = entry(result, f"trpc_procedure:{FILE}#note.archiveAs").checks.authorization
    assert other.status.value == "fail", other
    assert [f.entry_points for f in result.findings if f.rule == "AZ001"] == [
        [f"trpc_procedure:{FILE}#note.archiveAs"]
    ], rules_at(result, "lib/notes.ts")
