"""Authentication primitives of each library the guard catalog knows, in a route handler (good and
bad variants), plus monorepos resolved across workspace packages and more middleware shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit, statuses

BODY = """  const rows = await prisma.note.findMany({ select: { id: true } });
  return Response.json(rows);
}
"""

LIBRARIES = {
    "nextauth-v4": (
        'import { getServerSession } from "next-auth";\nimport { authOptions } from "@/lib/auth-options";\n',
        "  const session = await getServerSession(authOptions);\n  if (!session) return new Response(null, { status: 401 });\n",
    ),
    "clerk": (
        'import { auth } from "@clerk/nextjs/server";\n',
        "  const { userId } = await auth();\n  if (!userId) return new Response(null, { status: 401 });\n",
    ),
    "clerk-protect": (
        'import { auth } from "@clerk/nextjs/server";\n',
        "  await auth.protect();\n",
    ),
    "supabase": (
        'import { createClient } from "@/lib/supabase/server";\n',
        "  const supabase = await createClient();\n"
        "  const { data: { user } } = await supabase.auth.getUser();\n"
        "  if (!user) return new Response(null, { status: 401 });\n",
    ),
    "iron-session": (
        'import { getIronSession } from "iron-session";\nimport { cookies } from "next/headers";\n',
        "  const session = await getIronSession(await cookies(), { password: process.env.SESSION_SECRET!, cookieName: 's' });\n"
        "  if (!session.userId) return new Response(null, { status: 401 });\n",
    ),
    "jose": (
        'import { jwtVerify } from "jose";\nimport { cookies } from "next/headers";\n',
        "  const token = (await cookies()).get('token')?.value ?? '';\n"
        "  await jwtVerify(token, new TextEncoder().encode(process.env.JWT_SECRET));\n",
    ),
    "kinde": (
        'import { getKindeServerSession } from "@kinde-oss/kinde-auth-nextjs/server";\n',
        "  const { getUser } = getKindeServerSession();\n  const user = await getUser();\n"
        "  if (!user) return new Response(null, { status: 401 });\n",
    ),
    "better-auth": (
        'import { auth } from "@/lib/better-auth";\nimport { headers } from "next/headers";\n',
        "  const session = await auth.api.getSession({ headers: await headers() });\n"
        "  if (!session) return new Response(null, { status: 401 });\n",
    ),
    "lucia": (
        'import { lucia } from "@/lib/lucia";\n',
        "  const { user } = await lucia.validateSession(sessionId);\n  if (!user) return new Response(null, { status: 401 });\n",
    ),
}


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_each_library_primitive_authenticates(tmp_path: Path, library: str) -> None:
    imports, guard = LIBRARIES[library]
    good = (
        imports
        + 'import { prisma } from "@/lib/db";\n\nexport async function GET() {\n'
        + guard
        + BODY
    )
    bad = 'import { prisma } from "@/lib/db";\n\nexport async function GET() {\n' + BODY
    make_repo(tmp_path, {"app/api/good/route.ts": good, "app/api/bad/route.ts": bad})
    result = run_audit(tmp_path)
    good_point = entry(result, "route_handler:app/api/good/route.ts#GET")
    assert statuses(good_point)["authentication"] == "pass", good_point.checks.authentication
    assert (
        statuses(entry(result, "route_handler:app/api/bad/route.ts#GET"))["authentication"]
        == "fail"
    )


def test_supabase_get_session_is_not_verification(tmp_path: Path) -> None:
    route = (
        'import { createClient } from "@/lib/supabase/server";\nimport { prisma } from "@/lib/db";\n\n'
        "export async function GET() {\n  const supabase = await createClient();\n"
        "  const { data: { session } } = await supabase.auth.getSession();\n"
        "  if (!session) return new Response(null, { status: 401 });\n" + BODY
    )
    make_repo(tmp_path, {"app/api/notes/route.ts": route})
    result = run_audit(tmp_path)
    assert (
        statuses(entry(result, "route_handler:app/api/notes/route.ts#GET"))["authentication"]
        == "fail"
    )
    assert {(f.rule, f.line) for f in result.findings if f.rule == "ATH003"} == {("ATH003", 6)}


def test_monorepo_resolves_guards_across_workspace_packages(tmp_path: Path) -> None:
    helper = """import { auth } from "./auth";
import { redirect } from "next/navigation";
export async function requireUser() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  return session.user;
}
"""
    files = {
        "package.json": json.dumps(
            {"name": "mono", "private": True, "workspaces": ["apps/*", "packages/*"]}
        ),
        "apps/web/package.json": json.dumps(
            {"name": "web", "dependencies": {"next": "15.2.4", "@acme/auth": "*"}}
        ),
        "apps/web/next.config.mjs": "export default {};\n",
        "apps/web/app/api/notes/route.ts": 'import { requireUser } from "@acme/auth";\nimport { prisma } from "@acme/db";\n\n'
        "export async function GET() {\n  await requireUser();\n" + BODY,
        "apps/admin/package.json": json.dumps(
            {"name": "admin", "dependencies": {"next": "15.2.4"}}
        ),
        "apps/admin/next.config.mjs": "export default {};\n",
        "apps/admin/app/api/stats/route.ts": 'import { prisma } from "@acme/db";\n\nexport async function GET() {\n'
        + BODY,
        "packages/auth/package.json": json.dumps({"name": "@acme/auth", "main": "src/index.ts"}),
        "packages/auth/src/index.ts": 'export { requireUser } from "./session";\n',
        "packages/auth/src/session.ts": helper,
        "packages/auth/src/auth.ts": 'import NextAuth from "next-auth";\nexport const { auth, handlers } = NextAuth({ providers: [] });\n',
        "packages/db/package.json": json.dumps({"name": "@acme/db", "main": "src/index.ts"}),
        "packages/db/src/index.ts": 'import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();\n',
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = run_audit(tmp_path)
    assert sorted(a.path for a in result.repo.apps) == ["apps/admin", "apps/web"]
    web = entry(result, "route_handler:apps/web/app/api/notes/route.ts#GET")
    assert (web.app, web.route) == ("apps/web", "/api/notes")
    assert statuses(web)["authentication"] == "pass"
    assert "packages/auth/src/session.ts" in web.checks.authentication.evidence[0].detail
    admin = entry(result, "route_handler:apps/admin/app/api/stats/route.ts#GET")
    assert admin.app == "apps/admin" and statuses(admin)["authentication"] == "fail"


@pytest.mark.parametrize(
    "middleware",
    [
        'export { default } from "next-auth/middleware";\nexport const config = { matcher: ["/api/:path*"] };\n',
        'import { withAuth } from "next-auth/middleware";\nexport default withAuth({ pages: { signIn: "/login" } });\n'
        'export const config = { matcher: ["/api/:path*"] };\n',
        'import { NextResponse, type NextRequest } from "next/server";\n'
        "export function middleware(request: NextRequest) {\n"
        '  const token = request.cookies.get("session")?.value;\n'
        '  if (!token) return NextResponse.redirect(new URL("/login", request.url));\n'
        "  return NextResponse.next();\n}\n"
        'export const config = { matcher: "/api/:path*" };\n',
    ],
    ids=["nextauth-v4-default", "nextauth-v4-withAuth", "custom-cookie"],
)
def test_middleware_shapes_that_enforce_sign_in(tmp_path: Path, middleware: str) -> None:
    route = 'import { prisma } from "@/lib/db";\n\nexport async function GET() {\n' + BODY
    make_repo(tmp_path, {"middleware.ts": middleware, "app/api/notes/route.ts": route})
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/route.ts#GET")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.evidence[0].file == "middleware.ts"


def test_middleware_that_only_adds_headers_does_not_authenticate(tmp_path: Path) -> None:
    middleware = (
        'import { NextResponse } from "next/server";\n'
        "export function middleware() {\n  const response = NextResponse.next();\n"
        '  response.headers.set("x-frame-options", "DENY");\n  return response;\n}\n'
    )
    route = 'import { prisma } from "@/lib/db";\n\nexport async function GET() {\n' + BODY
    make_repo(tmp_path, {"middleware.ts": middleware, "app/api/notes/route.ts": route})
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"


def test_an_unverified_session_read_in_a_helper_is_named_in_the_failure(tmp_path: Path) -> None:
    helper = (
        'import { createClient } from "@/lib/supabase/server";\n\n'
        "export async function getSession() {\n  const supabase = await createClient();\n"
        "  const { data } = await supabase.auth.getSession();\n  return data.session;\n}\n"
    )
    route = (
        'import { getSession } from "@/lib/session";\nimport { prisma } from "@/lib/db";\n\n'
        "export async function GET() {\n  const session = await getSession();\n"
        "  if (!session) return new Response(null, { status: 401 });\n" + BODY
    )
    make_repo(tmp_path, {"lib/session.ts": helper, "app/api/notes/route.ts": route})
    result = run_audit(tmp_path)
    check = entry(result, "route_handler:app/api/notes/route.ts#GET").checks.authentication
    assert check.status.value == "fail", check
    assert (check.evidence[0].file, check.evidence[0].line) == ("app/api/notes/route.ts", 5)
    assert "only an unverified session" in check.evidence[0].detail
    assert "lib/session.ts:5" in check.evidence[0].detail
    assert any(
        f.rule == "ATH001" and "trusts an unverified session" in f.message for f in result.findings
    )
