"""tRPC 11 lazy routers (`lazy(() => import("./x").then((m) => m.xRouter))`) mount their procedures
under their key, so a REST route that calls them in process is judged by what they do."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.test_realworld_patterns import TRPC_BASE
from tests.support.minirepo import entry, make_repo, run_audit, statuses

TAGS = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, procedure } from "../trpc";
export const tagRouter = router({
  getAll: procedure
    .input(z.object({ query: z.string().max(40).optional() }))
    .query(({ input }) => prisma.team.findMany({ where: { name: { contains: input.query } } })),
  raw: procedure.query(() => prisma.team.findMany({ take: 10 })),
});
"""

ROOT = """import { lazy } from "@trpc/server";
import { router } from "./trpc";
export const appRouter = router({
  tag: lazy(() => import("./routers/tag").then((m) => m.tagRouter)),
});
"""

ROUTE = """import { appRouter } from "@/server/root";
export default async function handler(req, res) {
  const caller = appRouter.createCaller({ user: null });
  res.status(200).json(await caller.tag.getAll({ ...req.query }));
}
"""


def test_a_lazy_router_mounts_its_procedures_under_its_key(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/routers/tag.ts": TAGS,
            "server/root.ts": ROOT,
            "pages/api/tags.ts": ROUTE,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    procedure = entry(result, "trpc_procedure:server/routers/tag.ts#tag.getAll")
    assert procedure.route == "tag.getAll"
    # the route hands the query to the procedure, whose input schema checks it first
    point = entry(result, "pages_api:pages/api/tags.ts#default")
    check = point.checks.input_validation
    assert statuses(point)["input_validation"] == "pass", check
    assert (check.evidence[0].file, check.evidence[0].line) == ("server/routers/tag.ts", 6)


def test_a_public_route_leaves_its_procedures_to_answer_for_themselves(tmp_path: Path) -> None:
    by_id = TAGS.replace(
        "  raw: procedure",
        "  byId: procedure\n"
        "    .input(z.object({ id: z.string() }))\n"
        "    .query(({ input }) => prisma.note.findUnique({ where: { id: input.id } })),\n"
        "  raw: procedure",
    )
    route = (
        'import { appRouter } from "@/server/root";\n'
        "export default async function handler(req, res) {\n"
        '  res.setHeader("Cache-Control", "public, s-maxage=60");\n'
        "  const caller = appRouter.createCaller({ user: null });\n"
        "  res.status(200).json(await caller.tag.byId({ id: String(req.query.id) }));\n"
        "}\n"
    )
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/routers/tag.ts": by_id,
            "server/root.ts": ROOT,
            "pages/api/notes.ts": route,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    assert (
        statuses(entry(result, "trpc_procedure:server/routers/tag.ts#tag.byId"))["authorization"]
        == "fail"
    )
    point = entry(result, "pages_api:pages/api/notes.ts#default")
    assert statuses(point)["authentication"] == "n/a"
    assert statuses(point)["authorization"] == "n/a"
