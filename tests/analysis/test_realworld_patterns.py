"""Reproductions of the failure patterns met on the real-world corpus (tests/realworld/), each a few lines
of TypeScript of our own with the verdict it must get. The class in each name is the failure class of
the analysis model. Patterns the engine still gets wrong are marked xfail(strict=True): fixing one
turns its test green and the marker must go."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit, statuses

TRPC_BASE = """import { initTRPC, TRPCError } from "@trpc/server";
type Context = { user: { id: string } | null };
const t = initTRPC.context<Context>().create();
export const router = t.router;
export const procedure = t.procedure;
export const authedProcedure = procedure.use(function isAuthed(opts) {
  if (!opts.ctx.user?.id) {
    throw new TRPCError({ code: "UNAUTHORIZED" });
  }
  return opts.next({ ctx: { user: opts.ctx.user } });
});
export function scopedProcedure(resource: string) {
  return authedProcedure.use((opts) => {
    if (resource === "") throw new TRPCError({ code: "FORBIDDEN" });
    return opts.next();
  });
}
"""

LABELS_ROUTER = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, scopedProcedure } from "../trpc";

const labelProcedure = scopedProcedure("labels");

export const labelsRouter = router({
  rename: labelProcedure
    .input(z.object({ id: z.string(), title: z.string() }))
    .mutation(({ ctx, input }) =>
      prisma.note.updateMany({
        where: { id: input.id, authorId: ctx.user.id },
        data: { title: input.title },
      }),
    ),
});
"""


def test_class1_procedure_from_a_factory_function_inherits_its_middleware(tmp_path: Path) -> None:
    # A function that returns `authedProcedure.use(...)` hands its callers the authed middleware.
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/routers/labels.ts": LABELS_ROUTER,
            "server/root.ts": 'import { router } from "./trpc";\nimport { labelsRouter } from "./routers/labels";\nexport const appRouter = router({ labels: labelsRouter });\n',
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    point = entry(run_audit(tmp_path), "trpc_procedure:server/routers/labels.ts#labels.rename")
    assert statuses(point)["authentication"] == "pass"
    evidence = point.checks.authentication.evidence[0]
    assert (evidence.file, evidence.line) == (
        "server/trpc.ts",
        7,
    )  # the condition, not the .use() call
