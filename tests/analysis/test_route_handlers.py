"""Route handlers: discovery of every export shape, route paths, and authentication through helpers,
wrappers and middleware (good and bad variants)."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit, statuses

GUARDED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const notes = await prisma.note.findMany({ where: { authorId: session.user.id } });
  return Response.json(notes);
}
"""

UNGUARDED = """import { prisma } from "@/lib/db";

export async function GET() {
  const notes = await prisma.note.findMany({ select: { id: true, title: true } });
  return Response.json(notes);
}
"""

READ_NOT_GATED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  const notes = await prisma.note.findMany({ where: { authorId: session?.user?.id } });
  return Response.json(notes);
}
"""


def test_route_path_drops_groups_and_keeps_dynamic_segments(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/(dashboard)/api/notes/[id]/route.ts": GUARDED})
    point = entry(run_audit(tmp_path), "route_handler:app/(dashboard)/api/notes/[id]/route.ts#GET")
    assert point.route == "/api/notes/[id]"
    assert point.method == "GET" and point.app == "." and point.feature == "notes"


def test_src_layout_is_found(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "src/app/api/notes/route.ts": GUARDED.replace("@/auth", "../../../../auth").replace(
                "@/lib/db", "../../../../lib/db"
            )
        },
    )
    point = entry(run_audit(tmp_path), "route_handler:src/app/api/notes/route.ts#GET")
    assert point.route == "/api/notes"
    assert statuses(point)["authentication"] == "pass"


def test_direct_guard_passes_with_evidence(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/notes/route.ts": GUARDED})
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/route.ts#GET")
    check = point.checks.authentication
    assert check.status.value == "pass"
    assert (check.evidence[0].file, check.evidence[0].line) == ("app/api/notes/route.ts", 6)
    assert "!session?.user" in check.evidence[0].detail
    # The query reads the caller's own rows: authorized, by that filter.
    assert statuses(point)["authorization"] == "pass"
    assert "signed-in user" in point.checks.authorization.evidence[0].detail


def test_no_guard_fails_and_is_a_finding(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/notes/route.ts": UNGUARDED})
    result = run_audit(tmp_path)
    point = entry(result, "route_handler:app/api/notes/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"
    assert ("ATH001", "app/api/notes/route.ts", 3) in rules_at(result)


def test_session_read_without_a_gate_fails(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/notes/route.ts": READ_NOT_GATED})
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/route.ts#GET")
    check = point.checks.authentication
    assert check.status.value == "fail"
    assert "nothing stops a signed-out request" in check.evidence[0].detail


def test_helper_in_another_file_that_redirects(tmp_path: Path) -> None:
    helper = """import { auth } from "@/auth";
import { redirect } from "next/navigation";

export async function requireUser() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  return session.user;
}
"""
    route = """import { requireUser } from "@/lib/session";
import { prisma } from "@/lib/db";

export async function GET() {
  const user = await requireUser();
  return Response.json(await prisma.note.findMany({ where: { authorId: user.id } }));
}
"""
    make_repo(tmp_path, {"lib/session.ts": helper, "app/api/notes/route.ts": route})
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/route.ts#GET")
    assert statuses(point)["authentication"] == "pass"
    assert statuses(point)["authorization"] == "pass"  # the caller's own notes
    assert "requireUser() (lib/session.ts:4)" in point.checks.authentication.evidence[0].detail
    # The evidence names the call and the helper's own check, the line that rejects the request.
    lines = [(e.file, e.line) for e in point.checks.authentication.evidence]
    assert lines == [("app/api/notes/route.ts", 5), ("lib/session.ts", 6)]


def test_helper_that_only_reads_the_session_does_not_authenticate(tmp_path: Path) -> None:
    helper = """import { auth } from "@/auth";
export async function currentUserId() {
  const session = await auth();
  return session?.user?.id;
}
"""
    route = """import { currentUserId } from "@/lib/session";
export async function GET() {
  const id = await currentUserId();
  return Response.json({ id });
}
"""
    make_repo(tmp_path, {"lib/session.ts": helper, "app/api/me/route.ts": route})
    point = entry(run_audit(tmp_path), "route_handler:app/api/me/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"


def test_wrapper_function_gates_its_handler(tmp_path: Path) -> None:
    wrapper = """import { auth } from "@/auth";
type Handler = (req: Request, userId: string) => Promise<Response>;
export function withAuth(handler: Handler) {
  return async (req: Request) => {
    const session = await auth();
    if (!session?.user) return new Response(null, { status: 401 });
    return handler(req, session.user.id);
  };
}
"""
    route = """import { withAuth } from "@/lib/with-auth";
export const GET = withAuth(async (req, userId) => Response.json({ userId }));
"""
    noop = """export function withLogging(handler: (req: Request) => Promise<Response>) {
  return async (req: Request) => handler(req);
}
"""
    route2 = """import { withLogging } from "@/lib/with-logging";
import { prisma } from "@/lib/db";
export const GET = withLogging(async (req) => Response.json(await prisma.note.findMany()));
"""
    make_repo(
        tmp_path,
        {
            "lib/with-auth.ts": wrapper,
            "lib/with-logging.ts": noop,
            "app/api/me/route.ts": route,
            "app/api/open/route.ts": route2,
        },
    )
    result = run_audit(tmp_path)
    assert (
        statuses(entry(result, "route_handler:app/api/me/route.ts#GET"))["authentication"] == "pass"
    )
    assert (
        statuses(entry(result, "route_handler:app/api/open/route.ts#GET"))["authentication"]
        == "fail"
    )


def test_export_shapes_local_alias_and_auth_handlers(tmp_path: Path) -> None:
    route = """async function handler(req: Request) {
  return Response.json({ ok: true });
}
export { handler as GET, handler as POST };
"""
    make_repo(
        tmp_path,
        {
            "app/api/ping/route.ts": route,
            "app/api/auth/[...nextauth]/route.ts": 'import { handlers } from "@/auth";\nexport const { GET, POST } = handlers;\n',
        },
    )
    result = run_audit(tmp_path)
    ids = {e.id for e in result.entry_points}
    assert {
        "route_handler:app/api/ping/route.ts#GET",
        "route_handler:app/api/ping/route.ts#POST",
        "route_handler:app/api/auth/[...nextauth]/route.ts#GET",
        "route_handler:app/api/auth/[...nextauth]/route.ts#POST",
    } <= ids
    auth_handler = entry(result, "route_handler:app/api/auth/[...nextauth]/route.ts#POST")
    assert auth_handler.public and statuses(auth_handler)["authentication"] == "n/a"
    assert "Auth.js" in auth_handler.checks.authentication.evidence[0].detail
    ping = entry(result, "route_handler:app/api/ping/route.ts#GET")
    assert ping.public and "ping" in ping.checks.authentication.evidence[0].detail


def test_a_handler_that_touches_nothing_has_nothing_to_protect(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "app/api/hello/route.ts": 'export async function GET() {\n  return Response.json({ hello: "world" });\n}\n'
        },
    )
    point = entry(run_audit(tmp_path), "route_handler:app/api/hello/route.ts#GET")
    assert statuses(point)["authentication"] == "n/a"
    assert "no sensitive operation" in point.checks.authentication.evidence[0].detail


def test_unresolvable_handler_is_unknown_with_a_reason(tmp_path: Path) -> None:
    route = 'import { makeHandler } from "some-package";\nexport const GET = makeHandler;\n'
    make_repo(tmp_path, {"app/api/thing/route.ts": route})
    point = entry(run_audit(tmp_path), "route_handler:app/api/thing/route.ts#GET")
    assert set(statuses(point).values()) == {"unknown"}
    assert "some-package" in point.checks.authentication.evidence[0].detail


def test_middleware_coverage_passes_and_flags_middleware_only(tmp_path: Path) -> None:
    middleware = """import { auth } from "@/auth";
export default auth((req) => {
  if (!req.auth) return Response.redirect(new URL("/login", req.url));
});
export const config = { matcher: ["/api/private/:path*"] };
"""
    open_route = UNGUARDED
    make_repo(
        tmp_path,
        {
            "middleware.ts": middleware,
            "app/api/private/notes/route.ts": open_route,
            "app/api/open/notes/route.ts": open_route,
        },
        next_version="14.2.3",
    )
    result = run_audit(tmp_path)
    covered = entry(result, "route_handler:app/api/private/notes/route.ts#GET")
    assert statuses(covered)["authentication"] == "pass"
    assert covered.checks.authentication.evidence[0].file == "middleware.ts"
    middleware_only = [f for f in result.findings if f.rule == "ATH002"]
    assert [(f.file, f.line) for f in middleware_only] == [("app/api/private/notes/route.ts", 3)]
    assert "CVE-2025-29927" in middleware_only[0].message
    assert (
        statuses(entry(result, "route_handler:app/api/open/notes/route.ts#GET"))["authentication"]
        == "fail"
    )


def test_a_matcher_in_a_constant_is_read_and_one_built_at_runtime_covers_nothing(
    tmp_path: Path,
) -> None:
    # `matcher: PRIVATE` is the constant's list; a matcher archtools cannot read is no proof
    # that a route is covered (an empty list of matchers would mean every route).
    middleware = """import { auth } from "@/auth";
const PRIVATE = ["/api/private/:path*"];
export default auth((req) => {
  if (!req.auth) return Response.redirect(new URL("/login", req.url));
});
export const config = { matcher: MATCHER_HERE };
"""
    files = {"app/api/private/notes/route.ts": UNGUARDED, "app/api/open/notes/route.ts": UNGUARDED}
    make_repo(
        tmp_path / "constant",
        {"middleware.ts": middleware.replace("MATCHER_HERE", "PRIVATE"), **files},
    )
    result = run_audit(tmp_path / "constant")
    private = entry(result, "route_handler:app/api/private/notes/route.ts#GET")
    assert statuses(private)["authentication"] == "pass"
    opened = entry(result, "route_handler:app/api/open/notes/route.ts#GET")
    assert statuses(opened)["authentication"] == "fail"
    runtime = middleware.replace("MATCHER_HERE", 'process.env.MATCHER?.split(",") ?? []')
    make_repo(tmp_path / "runtime", {"middleware.ts": runtime, **files})
    result = run_audit(tmp_path / "runtime")
    private = entry(result, "route_handler:app/api/private/notes/route.ts#GET")
    assert statuses(private)["authentication"] == "fail"


def test_clerk_middleware_protects_matched_routes_only(tmp_path: Path) -> None:
    middleware = """import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
const isProtectedRoute = createRouteMatcher(["/api/orders(.*)"]);
export default clerkMiddleware(async (auth, req) => {
  if (isProtectedRoute(req)) await auth.protect();
});
export const config = { matcher: ["/((?!_next|.*\\\\..*).*)", "/(api|trpc)(.*)"] };
"""
    make_repo(
        tmp_path,
        {
            "middleware.ts": middleware,
            "app/api/orders/route.ts": UNGUARDED,
            "app/api/products/route.ts": UNGUARDED,
        },
        dependencies={"@clerk/nextjs": "6.0.0"},
    )
    result = run_audit(tmp_path)
    assert (
        statuses(entry(result, "route_handler:app/api/orders/route.ts#GET"))["authentication"]
        == "pass"
    )
    assert (
        statuses(entry(result, "route_handler:app/api/products/route.ts#GET"))["authentication"]
        == "fail"
    )
