"""Routes a middleware lets through before any check, by a path list the app wrote down: public by
the app's own declaration, so neither covered by the middleware nor a missing check."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.results import Audit
from tests.support.minirepo import entry, make_repo, run_audit

MIDDLEWARE = """import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import micromatch from "micromatch";

const unAuthenticatedApiRoutes = ["/api/health", "/api/oauth/**", "/api/logout/**"];
const publicPrefixes = ["/api/health", "/api/oauth"];

export async function middleware(req: NextRequest) {
  const { pathname } = req.nextUrl;
  TEST
  const token = await getToken({ req });
  if (!token) {
    return new NextResponse("Unauthorized", { status: 401 });
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/api/:path*"],
};
"""

TESTS = {
    "glob": "if (micromatch.isMatch(pathname, unAuthenticatedApiRoutes)) {\n"
    "    return NextResponse.next();\n  }",
    "prefix": "if (publicPrefixes.some((p) => pathname.startsWith(p))) {\n"
    "    return NextResponse.next();\n  }",
}

ROUTE = """import { prisma } from "@/lib/db";

export async function GET(req: Request) {
  const url = new URL(req.url);
  const note = await prisma.note.findFirst({ where: { title: url.searchParams.get("t") ?? "" } });
  return Response.json(note);
}
"""


def _audit(tmp_path: Path, test: str) -> Audit:
    files = {
        "middleware.ts": MIDDLEWARE.replace("TEST", test),
        "app/api/oauth/authorize/route.ts": ROUTE,
        "app/api/notes/route.ts": ROUTE,
    }
    make_repo(tmp_path, files, dependencies={"micromatch": "4.0.8"})
    return run_audit(tmp_path)


@pytest.mark.parametrize("shape", sorted(TESTS))
def test_a_route_on_the_middlewares_bypass_list_is_declared_public(
    tmp_path: Path, shape: str
) -> None:
    result = _audit(tmp_path, TESTS[shape])
    check = entry(result, "route_handler:app/api/oauth/authorize/route.ts#GET").checks
    authn = check.authentication
    assert authn.status.value == "n/a"
    assert (authn.evidence[0].file, authn.evidence[0].line) == ("middleware.ts", 11)
    assert "lets /api/oauth/authorize through with no check" in authn.evidence[0].detail
    assert not [
        f
        for f in result.findings
        if f.file == "app/api/oauth/authorize/route.ts" and f.rule.startswith("ATH")
    ]


def test_a_route_off_the_list_stays_covered_by_the_middlewares_check(tmp_path: Path) -> None:
    result = _audit(tmp_path, TESTS["glob"])
    authn = entry(result, "route_handler:app/api/notes/route.ts#GET").checks.authentication
    assert authn.status.value == "pass"
    assert authn.evidence[0].file == "middleware.ts"
    assert any(f.rule == "ATH002" and f.file == "app/api/notes/route.ts" for f in result.findings)


def test_a_path_test_that_runs_a_check_is_no_bypass(tmp_path: Path) -> None:
    gated = (
        "if (micromatch.isMatch(pathname, unAuthenticatedApiRoutes)) {\n"
        "    const t = await getToken({ req });\n"
        "    if (!t) return new NextResponse(null, { status: 401 });\n"
        "    return NextResponse.next();\n"
        "  }"
    )
    result = _audit(tmp_path, gated)
    authn = entry(result, "route_handler:app/api/oauth/authorize/route.ts#GET").checks
    assert authn.authentication.status.value == "pass"


def test_a_route_let_through_that_runs_a_paid_model_still_needs_a_caller(tmp_path: Path) -> None:
    chat = """import OpenAI from "openai";

const client = new OpenAI();

export async function POST(req: Request) {
  const { prompt } = (await req.json()) as { prompt: string };
  const answer = await client.responses.create({ model: "gpt-5", input: String(prompt) });
  return Response.json(answer);
}
"""
    files = {
        "middleware.ts": MIDDLEWARE.replace("TEST", TESTS["glob"]),
        "app/api/oauth/chat/route.ts": chat,
    }
    make_repo(tmp_path, files, dependencies={"micromatch": "4.0.8", "openai": "5.0.0"})
    result = run_audit(tmp_path)
    authn = entry(result, "route_handler:app/api/oauth/chat/route.ts#POST").checks.authentication
    assert authn.status.value == "fail"
    assert any(
        f.rule == "ATH001" and f.file == "app/api/oauth/chat/route.ts" for f in result.findings
    )
