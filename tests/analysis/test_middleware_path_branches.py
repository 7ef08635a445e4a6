"""A middleware that branches on the request's path guards each branch's routes with that
branch's own gate: an admin session on `/api/admin/**`, a configured API key on `/api/v1/**`."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

MIDDLEWARE = """import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import micromatch from "micromatch";
import { getToken } from "next-auth/jwt";
import { validateApiKey } from "@/lib/keys";

export async function middleware(req: NextRequest) {
  const { pathname } = req.nextUrl;
  if (micromatch.isMatch(pathname, "/api/admin/**")) {
    const adminToken = await getToken({ req });
    if (!adminToken) {
      return new NextResponse(null, { status: 401 });
    }
    return NextResponse.next();
  }
  if (micromatch.isMatch(pathname, ["/api/v1/**"])) {
    if (!validateApiKey(req.headers.get("authorization"))) {
      return new NextResponse(null, { status: 401 });
    }
    return NextResponse.next();
  }
  return new NextResponse(null, { status: 401 });
}

export const config = { matcher: ["/api/:path*"] };
"""

KEYS = """const apiKeys = (process.env.APP_API_KEYS || "").split(",");
export const validateApiKey = (token: string | null) => {
  if (!token) return false;
  return apiKeys.includes(token);
};
"""

ROUTE = """import { prisma } from "@/lib/db";
export async function POST(req: Request) {
  const { title } = await req.json();
  await prisma.note.create({ data: { title: String(title), body: "", authorId: "service" } });
  return new Response(null, { status: 201 });
}
"""


def _audit(tmp_path: Path, middleware: str):  # type: ignore[no-untyped-def]
    make_repo(
        tmp_path,
        {
            "middleware.ts": middleware,
            "lib/keys.ts": KEYS,
            "app/api/v1/notes/route.ts": ROUTE,
            "app/api/admin/notes/route.ts": ROUTE,
        },
        dependencies={"micromatch": "4.0.5"},
    )
    return run_audit(tmp_path)


def test_each_branch_guards_its_own_routes(tmp_path: Path) -> None:
    result = _audit(tmp_path, MIDDLEWARE)
    v1 = entry(result, "route_handler:app/api/v1/notes/route.ts#POST").checks.authentication
    admin = entry(result, "route_handler:app/api/admin/notes/route.ts#POST").checks.authentication
    assert v1.status.value == "pass" and v1.kind == "api_key", v1
    assert v1.evidence[0].file == "middleware.ts" and v1.evidence[0].line == 17, v1
    assert "APP_API_KEYS" in v1.evidence[0].detail
    assert admin.status.value == "pass" and admin.evidence[0].line == 11, admin


def test_a_branch_without_its_check_is_not_covered_by_another_branchs(tmp_path: Path) -> None:
    unchecked = MIDDLEWARE.replace(
        '    if (!validateApiKey(req.headers.get("authorization"))) {\n'
        "      return new NextResponse(null, { status: 401 });\n"
        "    }\n",
        "",
    )
    assert unchecked != MIDDLEWARE
    result = _audit(tmp_path, unchecked)
    v1 = entry(result, "route_handler:app/api/v1/notes/route.ts#POST").checks.authentication
    assert v1.status.value != "pass", v1


def test_a_branch_without_its_check_borrows_no_other_branchs_gate(tmp_path: Path) -> None:
    unchecked = MIDDLEWARE.replace(
        "    if (!adminToken) {\n      return new NextResponse(null, { status: 401 });\n    }\n", ""
    )
    assert unchecked != MIDDLEWARE
    result = _audit(tmp_path, unchecked)
    admin = entry(result, "route_handler:app/api/admin/notes/route.ts#POST").checks.authentication
    assert admin.status.value != "pass", admin
