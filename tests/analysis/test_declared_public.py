"""Public by the app's own word: a tRPC procedure built on the app's ungated base, where the app builds
others on gated ones, needs a signed-in caller only for what positively needs one (a write, a user's
rows, a package that acts); a cache wrapper the audit cannot follow does not make it sensitive, and
a read the authorization check finds guarded needs no caller either; an OpenAPI description saying
`protect: true` is no public declaration. A
model owned only through a relation path, which the app lists without an owner, is public to read;
a Drizzle select that counts or groups returns figures, not rows; and a handler that runs a tRPC
adapter is the transport, each procedure checked on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit

SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    String @id @default(cuid())
  email String @unique
  notes Note[]
}

model Note {
  id       String @id @default(cuid())
  title    String
  authorId String
  author   User   @relation(fields: [authorId], references: [id])
  picks    Pick[]
}

model Pick {
  id       String   @id @default(cuid())
  position Int
  validTo  DateTime
  noteId   String
  note     Note     @relation(fields: [noteId], references: [id])
}
"""

GATED_TRPC = """import { initTRPC, TRPCError } from "@trpc/server";
export const t = initTRPC.context<{ session: { user: { id: string } } | null }>().create();
export const createTRPCRouter = t.router;
export const openProcedure = t.procedure;
const signedIn = t.middleware(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { session: ctx.session } });
});
export const memberProcedure = t.procedure.use(signedIn);
"""

UNGATED_TRPC = """import { initTRPC } from "@trpc/server";
export const t = initTRPC.context<{ session: { user: { id: string } } | null }>().create();
export const createTRPCRouter = t.router;
export const openProcedure = t.procedure;
export const memberProcedure = t.procedure;
"""

CACHE = """import { makeStore } from "@acme/kv";
const store = makeStore();

export async function throughCache<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = await store.get(key);
  if (hit) return hit as T;
  const fresh = await load();
  await store.set(key, fresh);
  return fresh;
}
"""

PICKS = """import { prisma } from "@/lib/db";
import { throughCache } from "@/lib/cache";

export function currentPicks() {
  return throughCache("picks", () =>
    prisma.pick.findMany({ where: { validTo: { gt: new Date() } }, orderBy: { position: "asc" } }),
  );
}
"""

ROUTER = """import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, memberProcedure, openProcedure } from "../trpc";
import { prisma } from "@/lib/db";
import { currentPicks } from "@/lib/picks";
import { env } from "@/lib/env";

export const pickRouter = createTRPCRouter({
  current: openProcedure.query(() => currentPicks()),
  drop: openProcedure
    .input(z.object({ id: z.string() }))
    .mutation(({ input }) => prisma.pick.delete({ where: { id: input.id } })),
  notesOf: openProcedure
    .input(z.object({ userId: z.string() }))
    .query(({ input }) => prisma.note.findMany({ where: { authorId: input.userId } })),
  shown: openProcedure
    .input(z.object({ id: z.string() }))
    .query(async ({ input, ctx }) => {
      const note = await prisma.note.findUnique({ where: { id: input.id } });
      if (!note || note.authorId !== ctx.session?.user.id) throw new TRPCError({ code: "NOT_FOUND" });
      return note;
    }),
  documented: openProcedure
    .meta({ openapi: { method: "GET", path: "/picks", protect: true } })
    .query(() => currentPicks()),
  // OPERATOR
  mine: memberProcedure.query(({ ctx }) =>
    prisma.note.findMany({ where: { authorId: ctx.session?.user.id ?? "" } }),
  ),
});
"""

OPERATOR = """  operator: openProcedure
    .use(({ ctx, next }) => {
      if (ctx.headers.get("x-admin-api-key") !== env("ADMIN_API_KEY")) {
        throw new TRPCError({ code: "UNAUTHORIZED" });
      }
      return next({ ctx });
    })
    .query(() => prisma.note.count()),
"""

ROOT = """import { createTRPCRouter } from "./trpc";
import { pickRouter } from "./routers/pick";
export const appRouter = createTRPCRouter({ pick: pickRouter });
"""


def _app(tmp_path: Path, trpc: str, router: str = ROUTER) -> dict[str, tuple[str, list[str]]]:
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": trpc,
            "server/routers/pick.ts": router,
            "server/root.ts": ROOT,
            "lib/cache.ts": CACHE,
            "lib/picks.ts": PICKS,
            "lib/env.ts": "export const env = (name: string) => process.env[name];\n",
        },
        schema=SCHEMA,
        dependencies={"@trpc/server": "11.0.0"},
    )
    result = run_audit(tmp_path)
    out = {}
    for name in ("current", "drop", "notesOf", "shown", "documented", "operator", "touched"):
        if f"{name}:" not in router:
            continue
        check = entry(result, f"trpc_procedure:server/routers/pick.ts#pick.{name}").checks.get(
            "authentication"
        )
        out[name] = (check.status.value, [e.detail for e in check.evidence])
    return out


def test_a_procedure_on_the_ungated_base_reads_public_rows_through_a_cache(tmp_path: Path) -> None:
    checks = _app(tmp_path, GATED_TRPC)
    status, details = checks["current"]
    assert status == "n/a"
    assert "declared public (built on openProcedure" in details[0]
    # what positively needs a caller still does: a delete, and a user's notes by the client's key
    assert checks["drop"][0] == "fail"
    assert checks["notesOf"][0] == "fail"


def test_a_declared_public_read_that_authorization_finds_guarded_needs_no_caller(
    tmp_path: Path,
) -> None:
    checks = _app(tmp_path, GATED_TRPC)
    status, details = checks["shown"]
    assert status == "n/a", details
    assert "declared public" in details[0]
    assert "the authorization check passes its reads on server/routers/pick.ts:" in details[0]
    # the same read by the client's key with no comparison stays a finding (notesOf above)


TOUCHED = """  touched: openProcedure
    .input(z.object({ id: z.string() }))
    .query(async ({ input, ctx }) => {
      const picks = await currentPicks();
      if (ctx.session) {
        await prisma.note.updateMany({
          where: { id: input.id, authorId: ctx.session.user.id },
          data: { title: "seen" },
        });
      }
      return picks;
    }),
"""


def test_a_declared_public_read_that_writes_only_the_callers_own_rows_needs_no_caller(
    tmp_path: Path,
) -> None:
    checks = _app(tmp_path, GATED_TRPC, ROUTER.replace("  // OPERATOR\n", TOUCHED))
    status, details = checks["touched"]
    assert status == "n/a", details
    assert "it changes only the caller's own rows" in details[0]
    # a write of a row the client names, bound to no caller, still needs one
    assert checks["drop"][0] == "fail"


def test_an_openapi_description_that_requires_authentication_is_no_public_declaration(
    tmp_path: Path,
) -> None:
    status, details = _app(tmp_path, GATED_TRPC)["documented"]
    assert status == "fail"
    assert not any("declared public" in d for d in details)


def test_a_header_compared_with_a_secret_read_by_an_env_function_authenticates(
    tmp_path: Path,
) -> None:
    with_operator = ROUTER.replace("  // OPERATOR\n", OPERATOR)
    status, details = _app(tmp_path, GATED_TRPC, with_operator)["operator"]
    assert status == "pass", details
    assert "ADMIN_API_KEY" in details[0]


def test_without_gated_procedures_nothing_is_declared_and_the_cache_may_act(tmp_path: Path) -> None:
    checks = _app(tmp_path, UNGATED_TRPC)
    assert checks["current"][0] == "fail"
    assert not any("declared public" in d for d in checks["current"][1])


PICKS_ROUTE = """import { prisma } from "@/lib/db";

export async function GET() {
  const picks = await prisma.pick.findMany({ where: { validTo: { gt: new Date() } } });
  return Response.json(picks);
}
"""

MY_PICKS_ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  const picks = await prisma.pick.findMany({ where: { note: { authorId: session.user.id } } });
  return Response.json(picks);
}
"""


def test_a_model_owned_only_through_a_relation_and_listed_without_owner_is_public(
    tmp_path: Path,
) -> None:
    make_repo(tmp_path, {"app/api/picks/route.ts": PICKS_ROUTE}, schema=SCHEMA)
    point = entry(run_audit(tmp_path), "route_handler:app/api/picks/route.ts#GET")
    check = point.checks.get("authentication")
    assert check.status.value == "n/a", check.evidence
    assert "Pick" in check.evidence[0].detail


def test_one_read_scoped_to_the_owner_keeps_it_owned(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"app/api/picks/route.ts": PICKS_ROUTE, "app/api/my-picks/route.ts": MY_PICKS_ROUTE},
        schema=SCHEMA,
    )
    point = entry(run_audit(tmp_path), "route_handler:app/api/picks/route.ts#GET")
    assert point.checks.get("authentication").status.value == "fail"


TRANSPORT_ROUTE = """import { createNextApiHandler } from "@trpc/server/adapters/next";
import type { NextApiRequest, NextApiResponse } from "next";
import { appRouter } from "@/server/root";
import { withTracing } from "@/lib/tracing";

const trpcHandler = createNextApiHandler({ router: appRouter, createContext: () => ({}) });

export default withTracing(async (req: NextApiRequest, res: NextApiResponse) => {
  await trpcHandler(req, res);
});
"""

TRACING = """import type { NextApiHandler } from "next";
export function withTracing(handler: NextApiHandler): NextApiHandler {
  return async (req, res) => {
    console.time(req.url);
    await handler(req, res);
    console.timeEnd(req.url);
  };
}
"""


OPENAPI_ROUTE = """import type { NextApiRequest, NextApiResponse } from "next";
import { createOpenApiNextHandler } from "trpc-to-openapi";
import { appRouter } from "@/server/root";
import { withTracing } from "@/lib/tracing";

export default withTracing(async (req: NextApiRequest, res: NextApiResponse) => {
  const openApiHandler = createOpenApiNextHandler({ router: appRouter, createContext: () => ({}) });
  return await openApiHandler(req, res);
});
"""


@pytest.mark.parametrize(
    ("path", "route"),
    [("pages/api/trpc/[trpc].ts", TRANSPORT_ROUTE), ("pages/api/v1/[...trpc].ts", OPENAPI_ROUTE)],
)
def test_a_handler_that_runs_a_trpc_adapter_is_the_transport(
    tmp_path: Path, path: str, route: str
) -> None:
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": GATED_TRPC,
            "server/routers/pick.ts": ROUTER,
            "server/root.ts": ROOT,
            "lib/cache.ts": CACHE,
            "lib/picks.ts": PICKS,
            "lib/tracing.ts": TRACING,
            path: route,
        },
        schema=SCHEMA,
        dependencies={"@trpc/server": "11.0.0", "trpc-to-openapi": "2.1.0"},
    )
    result = run_audit(tmp_path)
    check = entry(result, f"pages_api:{path}#default").checks.authentication
    assert check.status.value == "n/a", check
    assert "the tRPC transport" in check.evidence[0].detail
    assert not [f for f in result.findings if f.file == path]


VOTES_SCHEMA = """import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: text("id").primaryKey(), email: text("email").notNull() });
export const votes = pgTable("votes", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull().references(() => users.id),
  choice: text("choice").notNull(),
  createdAt: timestamp("created_at").notNull(),
});
"""

TALLY_ROUTER = """import { z } from "zod";
import { eq, sql } from "drizzle-orm";
import { createTRPCRouter, memberProcedure, openProcedure } from "../trpc";
import { db } from "@/db";
import { votes } from "@/db/schema";

const day = sql<string>`date_trunc('day', ${votes.createdAt})`;
const total = sql<number>`count(*)`;

export const voteRouter = createTRPCRouter({
  daily: openProcedure.input(z.object({ choice: z.string() })).query(({ input }) =>
    db
      .select({ day, total })
      .from(votes)
      .where(eq(votes.choice, input.choice))
      .groupBy(day)
      .orderBy(day),
  ),
  shown: openProcedure
    .input(z.object({ id: z.string() }))
    .query(async ({ input, ctx }) => {
      const note = await prisma.note.findUnique({ where: { id: input.id } });
      if (!note || note.authorId !== ctx.session?.user.id) throw new TRPCError({ code: "NOT_FOUND" });
      return note;
    }),
  documented: openProcedure
    .meta({ openapi: { method: "GET", path: "/picks", protect: true } })
    .query(() => currentPicks()),
  // OPERATOR
  mine: memberProcedure.query(({ ctx }) =>
    db.select().from(votes).where(eq(votes.userId, ctx.session?.user.id ?? "")),
  ),
});
"""


def _tally(tmp_path: Path, router: str) -> str:
    make_repo(
        tmp_path,
        {
            "drizzle.config.ts": 'import { defineConfig } from "drizzle-kit";\n'
            'export default defineConfig({ schema: "./db/schema.ts", dialect: "postgresql" });\n',
            "db/index.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\n'
            'import * as schema from "./schema";\n'
            "export const db = drizzle(process.env.DATABASE_URL!, { schema });\n",
            "db/schema.ts": VOTES_SCHEMA,
            "server/trpc.ts": GATED_TRPC,
            "server/routers/vote.ts": router,
            "server/root.ts": 'import { createTRPCRouter } from "./trpc";\n'
            'import { voteRouter } from "./routers/vote";\n'
            "export const appRouter = createTRPCRouter({ vote: voteRouter });\n",
        },
        schema=None,
        dependencies={"drizzle-orm": "0.43.1", "@trpc/server": "11.0.0"},
    )
    point = entry(run_audit(tmp_path), "trpc_procedure:server/routers/vote.ts#vote.daily")
    return point.checks.authentication.status.value


def test_a_public_drizzle_select_that_groups_returns_figures_not_rows(tmp_path: Path) -> None:
    assert _tally(tmp_path / "grouped", TALLY_ROUTER) == "n/a"
    # the same table read row by row is the users' votes
    rows = TALLY_ROUTER.replace(".select({ day, total })", ".select()").replace(
        "      .groupBy(day)\n", ""
    )
    assert _tally(tmp_path / "rows", rows) == "fail"
    # and a count of one user's votes, chosen by the client, is about that user
    one_user = TALLY_ROUTER.replace(
        "eq(votes.choice, input.choice)", "eq(votes.userId, input.choice)"
    )
    assert _tally(tmp_path / "owner", one_user) == "fail"


LOGOUT = """import type { NextApiRequest, NextApiResponse } from "next";
import { sessions } from "@acme/sessions";

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const token = req.cookies["session"];
  res.setHeader("Set-Cookie", "session=; Path=/; Max-Age=0");
  if (token) await sessions.revoke(token);
  res.redirect(302, "/");
}
"""


def test_a_sign_out_route_is_for_whoever_holds_the_cookie(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"pages/api/auth/logout.ts": LOGOUT, "pages/api/auth/forget.ts": LOGOUT},
        dependencies={"@acme/sessions": "1.0.0"},
    )
    result = run_audit(tmp_path)
    logout = entry(result, "pages_api:pages/api/auth/logout.ts#default").checks.authentication
    assert logout.status.value == "n/a", logout
    # the same code under a name that says nothing of signing out is judged on what it does
    other = entry(result, "pages_api:pages/api/auth/forget.ts#default").checks.authentication
    assert other.status.value == "fail", other


HEALTH_ROUTER = """import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createTRPCRouter, openProcedure } from "../trpc";

const client = new S3Client({});

async function storageUp() {
  try {
    await client.send(new HeadBucketCommand({ Bucket: "files" }));
    return true;
  } catch {
    return false;
  }
}

export const healthRouter = createTRPCRouter({
  health: openProcedure.query(async () => ({ storage: (await storageUp()) ? "ok" : "error" })),
  storage: openProcedure.query(async () => ({ storage: (await storageUp()) ? "ok" : "error" })),
});
"""

HEALTH_ROOT = """import { createTRPCRouter } from "./trpc";
import { healthRouter } from "./routers/health";
export const appRouter = createTRPCRouter({ health: healthRouter });
"""


def test_a_procedure_whose_path_names_a_health_check_is_public(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": GATED_TRPC,
            "server/routers/health.ts": HEALTH_ROUTER,
            "server/root.ts": HEALTH_ROOT,
        },
        schema=SCHEMA,
        dependencies={"@trpc/server": "11.0.0", "@aws-sdk/client-s3": "3.600.0"},
    )
    result = run_audit(tmp_path)
    health = entry(result, "trpc_procedure:server/routers/health.ts#health.health")
    check = health.checks.authentication
    assert check.status.value == "n/a", check
    assert "the health.health health check" in check.evidence[0].detail
    # the same probe under another name is no health check by its path
    other = entry(result, "trpc_procedure:server/routers/health.ts#health.storage")
    assert other.checks.authentication.status.value == "fail"
