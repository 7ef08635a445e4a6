"""Server Actions (file-level, inline, next-safe-action), Pages API routes per method, tRPC procedures."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit, statuses

SAFE_ACTION = """import { createSafeActionClient } from "next-safe-action";
import { auth } from "@/auth";

export const actionClient = createSafeActionClient();

export const authActionClient = actionClient.use(async ({ next }) => {
  const session = await auth();
  if (!session?.user) throw new Error("Not signed in");
  return next({ ctx: { userId: session.user.id } });
});
"""


def test_file_level_server_action_exports(tmp_path: Path) -> None:
    actions = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { revalidatePath } from "next/cache";
import { z } from "zod";

const Input = z.object({ title: z.string().min(1) });

export async function createNote(formData: FormData) {
  const session = await auth();
  if (!session?.user) throw new Error("unauthorized");
  const { title } = Input.parse({ title: formData.get("title") });
  await prisma.note.create({ data: { title, body: "", authorId: session.user.id } });
  revalidatePath("/notes");
}

export async function deleteNote(id: string) {
  await prisma.note.delete({ where: { id } });
}
"""
    cached_page = (
        'import { prisma } from "@/lib/db";\nexport const revalidate = 60;\n'
        "export default async function Notes() {\n"
        "  return (await prisma.note.findMany()).length;\n}\n"
    )
    make_repo(tmp_path, {"app/notes/actions.ts": actions, "app/notes/page.tsx": cached_page})
    result = run_audit(tmp_path)
    create = entry(result, "server_action:app/notes/actions.ts#createNote")
    assert (create.method, create.route) == ("POST", "/notes")
    assert statuses(create) == {
        "authentication": "pass",
        "authorization": "n/a",  # the new note is the caller's own: no existing row is chosen
        "input_validation": "pass",
        "rate_limiting": "n/a",
        "audit_logging": "n/a",
    }
    delete = entry(result, "server_action:app/notes/actions.ts#deleteNote")
    assert statuses(delete) == {
        "authentication": "fail",
        "authorization": "fail",
        "input_validation": "fail",
        "rate_limiting": "n/a",
        "audit_logging": "fail",
    }
    found = rules_at(result, "app/notes/actions.ts")
    assert {("ATH001", "app/notes/actions.ts", 17), ("AZ001", "app/notes/actions.ts", 18)} <= found
    assert ("NXT001", "app/notes/actions.ts", 18) in found
    assert ("DATA001", "app/notes/actions.ts", 18) in found
    assert not any(rule == "NXT001" and line == 13 for rule, _f, line in found)


def test_inline_server_action_in_a_page(tmp_path: Path) -> None:
    page = """import { prisma } from "@/lib/db";

export default function Page() {
  async function rename(formData: FormData) {
    "use server";
    await prisma.team.update({ where: { id: String(formData.get("id")) }, data: { name: "x" } });
  }
  return <form action={rename} />;
}
"""
    make_repo(tmp_path, {"app/teams/page.tsx": page})
    point = entry(run_audit(tmp_path), "server_action:app/teams/page.tsx#rename")
    assert point.route == "/teams" and point.line == 4
    assert statuses(point)["authentication"] == "fail"


def test_next_safe_action_with_and_without_auth_middleware(tmp_path: Path) -> None:
    actions = """"use server";
import { z } from "zod";
import { authActionClient, actionClient } from "@/lib/safe-action";
import { prisma } from "@/lib/db";
import { revalidatePath } from "next/cache";

export const renameNote = authActionClient
  .inputSchema(z.object({ id: z.string(), title: z.string() }))
  .action(async ({ parsedInput, ctx }) => {
    await prisma.note.updateMany({ where: { id: parsedInput.id, authorId: ctx.userId }, data: { title: parsedInput.title } });
    revalidatePath("/notes");
  });

export const publicRename = actionClient
  .inputSchema(z.object({ id: z.string(), title: z.string() }))
  .action(async ({ parsedInput }) => {
    await prisma.note.updateMany({ where: { id: parsedInput.id }, data: { title: parsedInput.title } });
    revalidatePath("/notes");
  });
"""
    make_repo(
        tmp_path,
        {"lib/safe-action.ts": SAFE_ACTION, "app/notes/actions.ts": actions},
        dependencies={"next-safe-action": "8.0.0"},
    )
    result = run_audit(tmp_path)
    good = entry(result, "server_action:app/notes/actions.ts#renameNote")
    assert statuses(good)["authentication"] == "pass"
    gate = good.checks.authentication.evidence[0]
    assert (gate.file, gate.line) == ("lib/safe-action.ts", 8)  # the condition in the middleware
    assert statuses(good)["authorization"] == "pass"
    assert statuses(good)["input_validation"] == "pass"
    bad = entry(result, "server_action:app/notes/actions.ts#publicRename")
    assert statuses(bad)["authentication"] == "fail"
    assert statuses(bad)["authorization"] == "fail"
    assert statuses(bad)["input_validation"] == "pass"


def test_pages_api_splits_on_request_method(tmp_path: Path) -> None:
    handler = """import type { NextApiRequest, NextApiResponse } from "next";
import { prisma } from "@/lib/db";

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  if (req.method === "GET") {
    const notes = await prisma.note.findMany({ select: { id: true } });
    return res.status(200).json(notes);
  }
  if (req.method === "DELETE") {
    await prisma.note.delete({ where: { id: String(req.query.id) } });
    return res.status(204).end();
  }
  res.status(405).end();
}
"""
    make_repo(tmp_path, {"pages/api/notes/index.ts": handler})
    result = run_audit(tmp_path)
    ids = sorted(e.id for e in result.entry_points)
    assert ids == [
        "pages_api:pages/api/notes/index.ts#default.DELETE",
        "pages_api:pages/api/notes/index.ts#default.GET",
    ]
    delete = entry(result, "pages_api:pages/api/notes/index.ts#default.DELETE")
    assert (delete.route, delete.method, delete.name) == ("/api/notes", "DELETE", "default")
    assert statuses(delete)["audit_logging"] == "fail"
    get = entry(result, "pages_api:pages/api/notes/index.ts#default.GET")
    assert statuses(get)["audit_logging"] == "n/a"


def test_pages_api_without_method_branches_is_one_entry(tmp_path: Path) -> None:
    handler = """export default function handler(req, res) {
  res.status(200).json({ ok: true });
}
"""
    make_repo(tmp_path, {"pages/api/hello.js": handler})
    point = entry(run_audit(tmp_path), "pages_api:pages/api/hello.js#default")
    assert point.method == "*" and point.route == "/api/hello"


TRPC = """import { initTRPC, TRPCError } from "@trpc/server";
export const t = initTRPC.context<{ session: { user: { id: string } } | null }>().create();
export const createTRPCRouter = t.router;
export const publicProcedure = t.procedure;
const enforceUser = t.middleware(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { session: ctx.session } });
});
export const protectedProcedure = t.procedure.use(enforceUser);
"""

NOTE_ROUTER = """import { z } from "zod";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";
import { prisma } from "@/lib/db";

export const noteRouter = createTRPCRouter({
  byId: protectedProcedure.input(z.object({ id: z.string() })).query(({ ctx, input }) =>
    prisma.note.findFirst({ where: { id: input.id, authorId: ctx.session.user.id } }),
  ),
  leak: publicProcedure.input(z.object({ id: z.string() })).query(({ input }) =>
    prisma.note.findUnique({ where: { id: input.id } }),
  ),
  remove: protectedProcedure.mutation(async ({ ctx }) => {
    await prisma.note.deleteMany({ where: { authorId: ctx.session.user.id } });
  }),
});
"""

ROOT = """import { createTRPCRouter } from "./trpc";
import { noteRouter } from "./routers/note";
export const appRouter = createTRPCRouter({ note: noteRouter });
"""


def test_trpc_procedures_paths_and_middleware(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "server/api/trpc.ts": TRPC,
            "server/api/routers/note.ts": NOTE_ROUTER,
            "server/api/root.ts": ROOT,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    ids = sorted(e.id for e in result.entry_points if e.kind.value == "trpc_procedure")
    assert ids == [
        "trpc_procedure:server/api/routers/note.ts#note.byId",
        "trpc_procedure:server/api/routers/note.ts#note.leak",
        "trpc_procedure:server/api/routers/note.ts#note.remove",
    ]
    by_id = entry(result, "trpc_procedure:server/api/routers/note.ts#note.byId")
    assert (by_id.method, by_id.route, by_id.feature) == ("query", "note.byId", "note")
    assert statuses(by_id) == {
        "authentication": "pass",
        "authorization": "pass",
        "input_validation": "pass",
        "rate_limiting": "n/a",
        "audit_logging": "n/a",
    }
    leak = entry(result, "trpc_procedure:server/api/routers/note.ts#note.leak")
    assert statuses(leak)["authentication"] == "fail"
    assert statuses(leak)["authorization"] == "fail"
    remove = entry(result, "trpc_procedure:server/api/routers/note.ts#note.remove")
    assert statuses(remove)["input_validation"] == "n/a"
    assert statuses(remove)["audit_logging"] == "fail"


CLI_AND_ACTION = """import { Command } from "commander";
import { z } from "zod";
import { actionClient } from "@/lib/safe-action";
import { prisma } from "@/lib/db";

const program = new Command();

export const purge = new Command()
  .name("purge")
  .action(async () => {
    await prisma.note.deleteMany({});
  });

export const wipe = program.command("wipe").action(async () => {
  await prisma.note.deleteMany({});
});

export const archive = actionClient.inputSchema(z.object({})).action(async () => {
  await prisma.note.deleteMany({});
});
"""


def test_a_command_line_builders_action_is_no_server_action(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"lib/safe-action.ts": SAFE_ACTION, "app/notes/commands.ts": CLI_AND_ACTION},
        dependencies={"next-safe-action": "8.0.0", "commander": "12.1.0"},
    )
    ids = {e.id for e in run_audit(tmp_path).entry_points}
    assert "server_action:app/notes/commands.ts#archive" in ids
    assert (
        not {
            "server_action:app/notes/commands.ts#purge",
            "server_action:app/notes/commands.ts#wipe",
        }
        & ids
    )


WHOLE_OPTIONS_ROUTER = """import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { prisma } from "@/lib/db";

export const noteRouter = createTRPCRouter({
  remove: protectedProcedure.input(z.object({ id: z.string() })).mutation(async (opts) => {
    await prisma.note.delete({ where: { id: opts.input.id } });
  }),
  removeOwn: protectedProcedure.input(z.object({ id: z.string() })).mutation(async (opts) => {
    await prisma.note.deleteMany({
      where: { id: opts.input.id, authorId: opts.ctx.session.user.id },
    });
  }),
});
"""


def test_a_resolver_taking_its_options_whole_still_reads_the_clients_input(
    tmp_path: Path,
) -> None:
    make_repo(
        tmp_path,
        {
            "server/api/trpc.ts": TRPC,
            "server/api/routers/note.ts": WHOLE_OPTIONS_ROUTER,
            "server/api/root.ts": ROOT,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    remove = entry(result, "trpc_procedure:server/api/routers/note.ts#note.remove")
    authorization = remove.checks.authorization
    assert authorization.status.value == "fail", authorization
    assert "opts.input.id" in authorization.evidence[0].detail
    assert statuses(remove)["input_validation"] == "pass"
    own = entry(result, "trpc_procedure:server/api/routers/note.ts#note.removeOwn")
    assert statuses(own)["authorization"] == "pass", own.checks.authorization


LIST_ROUTER = """import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";
import { prisma } from "@/lib/db";

export const noteRouter = createTRPCRouter({
  mine: protectedProcedure.query(({ ctx }) =>
    prisma.note.findMany({ where: { authorId: ctx.session.user.id } }),
  ),
  everyone: publicProcedure.query(() => prisma.note.findMany({})),
});
"""

CALLER = """import { appRouter } from "./root";

export const api = appRouter.createCaller({ session: null });
"""

CALLING_ROUTE = """import { api } from "@/server/api/caller";

export async function GET() {
  return Response.json(await api.note.PROCEDURE());
}
"""


def test_a_route_that_runs_procedures_in_process_is_authenticated_by_them(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "server/api/trpc.ts": TRPC,
            "server/api/routers/note.ts": LIST_ROUTER,
            "server/api/root.ts": ROOT,
            "server/api/caller.ts": CALLER,
            "app/api/mine/route.ts": CALLING_ROUTE.replace("PROCEDURE", "mine"),
            "app/api/everyone/route.ts": CALLING_ROUTE.replace("PROCEDURE", "everyone"),
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    mine = entry(result, "route_handler:app/api/mine/route.ts#GET").checks.authentication
    assert mine.status.value == "pass", mine
    assert "runs the tRPC procedure note.mine" in mine.evidence[0].detail
    assert mine.evidence[1].file == "server/api/trpc.ts"
    everyone = entry(result, "route_handler:app/api/everyone/route.ts#GET").checks.authentication
    assert everyone.status.value == "fail", everyone
    assert any(
        f.rule == "ATH001" and f.file == "app/api/everyone/route.ts" for f in result.findings
    )


HONO_OVER_TRPC = """import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { appRouter } from "@/server/api/root";

const withApi = createMiddleware(async (c, next) => {
  c.set("api", appRouter.createCaller({ session: null }));
  await next();
});

export const app = new Hono()
  .basePath("/api")
  .use(withApi)
  .get("/notes/:title", async (c) => c.json(await c.var.api.note.PROCEDURE({ title: c.req.param("title") })));
"""

TITLE_ROUTER = """import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { prisma } from "@/lib/db";

export const noteRouter = createTRPCRouter({
  checked: protectedProcedure.input(z.object({ title: z.string().max(80) })).query(({ ctx, input }) =>
    prisma.note.findMany({ where: { title: input.title, authorId: ctx.session.user.id } }),
  ),
  unchecked: protectedProcedure.query(({ ctx, input }: { ctx: any; input: any }) =>
    prisma.note.findMany({ where: { title: input.title, authorId: ctx.session.user.id } }),
  ),
});
"""


def test_a_route_that_hands_its_input_to_a_procedure_in_process_is_checked_by_it(
    tmp_path: Path,
) -> None:
    for name, status in (("checked", "pass"), ("unchecked", "fail")):
        root = tmp_path / name
        make_repo(
            root,
            {
                "server/api/trpc.ts": TRPC,
                "server/api/routers/note.ts": TITLE_ROUTER,
                "server/api/root.ts": ROOT,
                "server/hono.ts": HONO_OVER_TRPC.replace("PROCEDURE", name),
                "app/api/[[...route]]/route.ts": 'import { handle } from "hono/vercel";\n'
                'import { app } from "@/server/hono";\nexport const GET = handle(app);\n',
            },
            dependencies={"@trpc/server": "11.0.0", "hono": "4.6.0"},
        )
        result = run_audit(root)
        route = entry(result, "rpc_procedure:server/hono.ts#GET /notes/:title").checks
        assert route.input_validation.status.value == status, (name, route.input_validation)
        assert route.authentication.status.value == "pass", (name, route.authentication)
        assert "runs the tRPC procedure note." in route.authentication.evidence[0].detail
