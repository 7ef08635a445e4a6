"""An input field a procedure's middleware looks up among the caller's rows, stopping when none is
found, stays checked when the handler hands it on to a service under another name
(`removeNote(input.noteId)` querying `where: { id }`); the same service reached from a procedure
without that middleware is an IDOR."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit

TRPC = """import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { prisma } from "@/lib/db";

export const t = initTRPC.context<{ session: { user: { id: string } } | null }>().create();
export const createTRPCRouter = t.router;

export const signedInProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { user: ctx.session.user } });
});

export const noteProcedure = signedInProcedure
  .input(z.object({ noteId: z.string() }))
  .use(async ({ ctx, next, input }) => {
    const note = await prisma.note.findFirst({
      where: { id: input.noteId, authorId: ctx.user.id },
    });
    if (!note) throw new TRPCError({ code: "NOT_FOUND" });
    return next({ ctx: { ...ctx, note } });
  });
"""

SERVICE = """import { prisma } from "@/lib/db";

export async function removeNote(id: string) {
  return prisma.note.delete({ where: { id } });
}
"""

ROUTER = """import { z } from "zod";
import { createTRPCRouter, noteProcedure, signedInProcedure } from "../trpc";
import { removeNote } from "@/lib/notes";

export const noteRouter = createTRPCRouter({
  remove: noteProcedure.mutation(({ input }) => removeNote(input.noteId)),
  removeAny: signedInProcedure
    .input(z.object({ noteId: z.string() }))
    .mutation(({ input }) => removeNote(input.noteId)),
});
"""

ROOT = """import { createTRPCRouter } from "./trpc";
import { noteRouter } from "./routers/note";
export const appRouter = createTRPCRouter({ note: noteRouter });
"""


def test_a_key_the_middleware_checked_stays_checked_when_handed_to_a_service(
    tmp_path: Path,
) -> None:
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": TRPC,
            "server/routers/note.ts": ROUTER,
            "server/root.ts": ROOT,
            "lib/notes.ts": SERVICE,
        },
        schema=PRISMA_SCHEMA,
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    checked = entry(result, "trpc_procedure:server/routers/note.ts#note.remove").checks
    assert checked.authorization.status.value == "pass", checked.authorization
    assert "looks `input.noteId` up among the caller's Note rows" in (
        checked.authorization.evidence[0].detail
    )
    unchecked = entry(result, "trpc_procedure:server/routers/note.ts#note.removeAny").checks
    assert unchecked.authorization.status.value == "fail", unchecked.authorization
    # one finding at the service's query, reached by the procedure without the check
    [finding] = [f for f in result.findings if f.rule == "AZ001" and f.file == "lib/notes.ts"]
    assert finding.entry_points == ["trpc_procedure:server/routers/note.ts#note.removeAny"]
    assert ("AZ001", "lib/notes.ts", 4) in rules_at(result, "lib/notes.ts")


LOADING_TRPC = (
    TRPC
    + """
export const isAuthorOrModerator = t.middleware(async ({ ctx, next, input = {} }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  const { id } = input as { id: string };
  const userId = ctx.session.user.id;
  let ownerId = userId;
  if (id) {
    ownerId = (await prisma.note.findUnique({ where: { id } }))?.authorId ?? "";
    if (ownerId !== userId) throw new TRPCError({ code: "FORBIDDEN" });
  }
  return next({ ctx });
});

export const looseMiddleware = t.middleware(async ({ ctx, next, input = {} }) => {
  const { id } = input as { id: string };
  const ownerId = (await prisma.note.findUnique({ where: { id } }))?.authorId ?? "";
  console.log(ownerId);
  return next({ ctx });
});
"""
)

LOADING_ROUTER = """import { z } from "zod";
import { createTRPCRouter, isAuthorOrModerator, looseMiddleware, signedInProcedure } from "../trpc";
import { removeNote } from "@/lib/notes";

export const noteRouter = createTRPCRouter({
  remove: signedInProcedure
    .input(z.object({ id: z.string() }))
    .use(isAuthorOrModerator)
    .mutation(({ input }) => removeNote(input.id)),
  removeLoosely: signedInProcedure
    .input(z.object({ id: z.string() }))
    .use(looseMiddleware)
    .mutation(({ input }) => removeNote(input.id)),
});
"""


def test_a_middleware_that_loads_the_row_and_compares_its_owner_checks_the_key(
    tmp_path: Path,
) -> None:
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": LOADING_TRPC,
            "server/routers/note.ts": LOADING_ROUTER,
            "server/root.ts": ROOT,
            "lib/notes.ts": SERVICE,
        },
        schema=PRISMA_SCHEMA,
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    checked = entry(result, "trpc_procedure:server/routers/note.ts#note.remove").checks
    assert checked.authorization.status.value == "pass", checked.authorization
    assert "loads the row of `input.id`" in checked.authorization.evidence[0].detail
    loose = entry(result, "trpc_procedure:server/routers/note.ts#note.removeLoosely").checks
    assert loose.authorization.status.value == "fail", loose.authorization
