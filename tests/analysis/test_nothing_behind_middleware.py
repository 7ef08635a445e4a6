"""An entry point behind the middleware's check that has nothing needing a caller (a catalog no user
owns, counted with the ORM's own operators) is n/a, with no finding that it relies on middleware
alone; its twin that reads the users' own rows keeps the middleware's check and the finding."""

from __future__ import annotations

from pathlib import Path

from archtools.results import Audit
from tests.support.minirepo import entry, make_repo, run_audit

SCHEMA = """import { pgTable, text, uuid } from "drizzle-orm/pg-core";

export const users = pgTable("users", { id: uuid("id").primaryKey(), email: text("email") });
export const cuisines = pgTable("cuisines", { id: uuid("id").primaryKey(), name: text("name") });
export const recipes = pgTable("recipes", {
  id: uuid("id").primaryKey(),
  title: text("title"),
  createdBy: uuid("created_by").references(() => users.id),
});
"""

DB = (
    'import { drizzle } from "drizzle-orm/node-postgres";\n'
    'import * as schema from "./schema";\n'
    "export const db = drizzle(process.env.DATABASE_URL!, { schema });\n"
)

MIDDLEWARE = """import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";

export async function middleware(req: NextRequest) {
  const token = await getToken({ req });
  if (!token) return new NextResponse("Unauthorized", { status: 401 });
  return NextResponse.next();
}

export const config = { matcher: ["/api/:path*"] };
"""

CATALOG = """import { count, ilike } from "drizzle-orm";
import { db } from "@/db";
import { cuisines } from "@/db/schema";

export async function GET(req: Request) {
  const query = new URL(req.url).searchParams.get("q") ?? "";
  const [row] = await db.select({ total: count() }).from(TABLE).where(ilike(COLUMN, `%${query}%`));
  return Response.json(row);
}
"""

OWN_RECIPES = """import { eq } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { recipes } from "@/db/schema";

export async function GET() {
  const session = await auth();
  const mine = await db.select().from(recipes).where(eq(recipes.createdBy, session?.user?.id ?? ""));
  return Response.json(mine);
}
"""


def _audit(tmp_path: Path) -> Audit:
    files = {
        "db/schema.ts": SCHEMA,
        "db/index.ts": DB,
        "drizzle.config.ts": 'export default { schema: "./db/schema.ts", dialect: "postgresql" };\n',
        "middleware.ts": MIDDLEWARE,
        "app/api/cuisines/route.ts": CATALOG.replace("TABLE", "cuisines").replace(
            "COLUMN", "cuisines.name"
        ),
        "app/api/recipes/mine/route.ts": OWN_RECIPES,
    }
    make_repo(tmp_path, files, schema=None, dependencies={"drizzle-orm": "0.36.0"})
    return run_audit(tmp_path)


def test_a_catalog_count_behind_the_middleware_needs_no_caller_and_is_no_finding(
    tmp_path: Path,
) -> None:
    result = _audit(tmp_path)
    check = entry(result, "route_handler:app/api/cuisines/route.ts#GET").checks.authentication
    assert check.status.value == "n/a", check
    assert "reads only cuisines, which no user owns" in check.evidence[0].detail
    assert not [f for f in result.findings if f.rule.startswith("ATH") and "cuisines" in f.file]
    mine = entry(result, "route_handler:app/api/recipes/mine/route.ts#GET").checks.authentication
    assert mine.status.value == "pass" and mine.evidence[0].file == "middleware.ts", mine
    assert any(
        f.rule == "ATH002" and f.file == "app/api/recipes/mine/route.ts" for f in result.findings
    )


PARSED_CATALOG = """import { createSearchParamsCache, parseAsString } from "nuqs/server";
import { createSelectSchema } from "drizzle-zod";
import { Effect } from "effect";
import { ilike } from "drizzle-orm";
import { db } from "@/db";
import { cuisines } from "@/db/schema";

const params = createSearchParamsCache({ q: parseAsString.withDefault("") });
const Row = createSelectSchema(cuisines);

export async function GET(req: Request) {
  const { q } = params.parse(Object.fromEntries(new URL(req.url).searchParams));
  const rows = await Effect.runPromise(
    Effect.tryPromise(() => db.select().from(cuisines).where(ilike(cuisines.name, `%${q}%`))),
  );
  return Response.json(rows.map((row) => Row.parse(row)));
}
"""


def test_search_param_parsers_schema_builders_and_effect_runtimes_act_for_no_one(
    tmp_path: Path,
) -> None:
    files = {
        "db/schema.ts": SCHEMA,
        "db/index.ts": DB,
        "drizzle.config.ts": 'export default { schema: "./db/schema.ts", dialect: "postgresql" };\n',
        "app/api/cuisines/route.ts": PARSED_CATALOG,
    }
    make_repo(
        tmp_path,
        files,
        schema=None,
        dependencies={
            "drizzle-orm": "0.36.0",
            "drizzle-zod": "0.5.1",
            "nuqs": "2.2.0",
            "effect": "3.10.0",
        },
    )
    check = entry(run_audit(tmp_path), "route_handler:app/api/cuisines/route.ts#GET").checks
    assert check.authentication.status.value == "n/a", check.authentication


OWN_RECIPE = """import { eq } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { recipes } from "@/db/schema";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await auth();
  const [recipe] = await db.select().from(recipes).where(eq(recipes.id, id));
  if (!recipe) return new Response("Not found", { status: 404 });
  COMPARE
  return Response.json(recipe);
}
"""


def test_a_handler_that_refuses_rows_not_the_callers_does_not_rely_on_middleware_alone(
    tmp_path: Path,
) -> None:
    compare = 'if (recipe.createdBy !== session?.user?.id) return new Response("Forbidden", { status: 403 });'
    for name, code, reported in (("compared", compare, False), ("trusting", "", True)):
        files = {
            "db/schema.ts": SCHEMA,
            "db/index.ts": DB,
            "drizzle.config.ts": 'export default { schema: "./db/schema.ts", dialect: "postgresql" };\n',
            "middleware.ts": MIDDLEWARE,
            "app/api/recipes/[id]/route.ts": OWN_RECIPE.replace("COMPARE", code),
            "app/api/recipes/mine/route.ts": OWN_RECIPES,
        }
        make_repo(tmp_path / name, files, schema=None, dependencies={"drizzle-orm": "0.36.0"})
        result = run_audit(tmp_path / name)
        check = entry(result, "route_handler:app/api/recipes/[id]/route.ts#GET").checks
        assert check.authentication.status.value == "pass", (name, check.authentication)
        flagged = any(
            f.rule == "ATH002" and f.file == "app/api/recipes/[id]/route.ts"
            for f in result.findings
        )
        assert flagged == reported, name
