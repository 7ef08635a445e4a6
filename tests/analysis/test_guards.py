"""Authorization (IDOR), validation, rate limiting, audit logging and public-by-design: good and bad."""

from __future__ import annotations

from pathlib import Path

from archtools.results import Audit, EntryPoint
from tests.support.minirepo import entry, make_repo, rules_at, run_audit, statuses

HEAD = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { z } from "zod";

"""


def handler(body: str, params: str = "{ params }: { params: { id: string } }") -> str:
    return HEAD + f"export async function POST(req: Request, {params}) {{\n" + body + "}\n"


AUTH = """  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
"""


def audit_one(
    tmp_path: Path, body: str, route: str = "app/api/notes/[id]/route.ts", **extra: str
) -> tuple[Audit, EntryPoint]:
    make_repo(tmp_path, {route: handler(body), **extra})
    result = run_audit(tmp_path)
    return result, entry(result, f"route_handler:{route}#POST")


def test_where_bound_to_session_passes(tmp_path: Path) -> None:
    _r, point = audit_one(
        tmp_path,
        AUTH
        + "  await prisma.note.updateMany({ where: { id: params.id, authorId: session.user.id }, data: { title: 'x' } });\n",
    )
    assert statuses(point)["authorization"] == "pass"


def test_comparison_after_fetch_passes(tmp_path: Path) -> None:
    body = AUTH + (
        "  const note = await prisma.note.findUnique({ where: { id: params.id } });\n"
        "  if (!note || note.authorId !== session.user.id) return new Response(null, { status: 404 });\n"
        "  return Response.json({ id: note.id });\n"
    )
    _r, point = audit_one(tmp_path, body)
    check = point.checks.authorization
    assert check.status.value == "pass"
    assert "compares the fetched Note" in check.evidence[0].detail


def test_membership_gate_in_a_helper_passes(tmp_path: Path) -> None:
    helper = """import { prisma } from "@/lib/db";
export async function requireMembership(teamId: string, userId: string) {
  const membership = await prisma.membership.findFirst({ where: { teamId, userId } });
  if (!membership) throw new Error("forbidden");
  return membership;
}
"""
    body = AUTH + (
        "  await requireMembership(params.id, session.user.id);\n"
        "  const team = await prisma.team.findUnique({ where: { id: params.id } });\n"
        "  return Response.json({ name: team?.name });\n"
    )
    code = handler(body).replace(
        'import { z } from "zod";', 'import { requireMembership } from "@/lib/authz";'
    )
    make_repo(tmp_path, {"app/api/teams/[id]/route.ts": code, "lib/authz.ts": helper})
    point = entry(run_audit(tmp_path), "route_handler:app/api/teams/[id]/route.ts#POST")
    assert statuses(point)["authorization"] == "pass"


def test_client_id_without_binding_is_idor(tmp_path: Path) -> None:
    result, point = audit_one(
        tmp_path,
        AUTH
        + "  const note = await prisma.note.findUnique({ where: { id: params.id } });\n  return Response.json({ t: note?.title });\n",
    )
    assert statuses(point)["authorization"] == "fail"
    assert ("AZ001", "app/api/notes/[id]/route.ts", 8) in rules_at(result)


def test_identity_taken_from_the_body(tmp_path: Path) -> None:
    body = AUTH + (
        "  const input = z.object({ title: z.string(), authorId: z.string() }).parse(await req.json());\n"
        "  await prisma.note.create({ data: { title: input.title, body: '', authorId: input.authorId } });\n"
    )
    result, point = audit_one(tmp_path, body)
    assert statuses(point)["authorization"] == "fail"
    assert statuses(point)["input_validation"] == "pass"
    assert ("AZ002", "app/api/notes/[id]/route.ts", 9) in rules_at(result)


def test_mass_assignment_and_unvalidated_body(tmp_path: Path) -> None:
    body = AUTH + "  const data = await req.json();\n  await prisma.note.create({ data });\n"
    result, point = audit_one(tmp_path, body)
    assert statuses(point)["input_validation"] == "fail"
    found = rules_at(result)
    assert ("VAL002", "app/api/notes/[id]/route.ts", 9) in found
    # Mass assignment is the finding; the same expression is not reported twice.
    assert ("VAL001", "app/api/notes/[id]/route.ts", 9) not in found


def test_validated_body_passes(tmp_path: Path) -> None:
    body = AUTH + (
        "  const data = z.object({ title: z.string() }).parse(await req.json());\n"
        "  await prisma.note.create({ data: { ...data, body: '', authorId: session.user.id } });\n"
    )
    result, point = audit_one(tmp_path, body)
    assert statuses(point)["input_validation"] == "pass"
    assert not {r for r, _f, _l in rules_at(result) if r.startswith("VAL")}


def test_unscoped_delete_many(tmp_path: Path) -> None:
    body = AUTH + "  await prisma.note.deleteMany();\n"
    result, point = audit_one(tmp_path, body)
    assert statuses(point)["authorization"] == "fail"
    assert ("AZ004", "app/api/notes/[id]/route.ts", 8) in rules_at(result)


def test_admin_route_needs_a_role_check(tmp_path: Path) -> None:
    bad = (
        AUTH
        + "  const users = await prisma.user.findMany({ select: { id: true } });\n  return Response.json(users);\n"
    )
    good = (
        AUTH
        + "  if (session.user.role !== 'ADMIN') return new Response(null, { status: 403 });\n"
        + bad[len(AUTH) :]
    )
    make_repo(
        tmp_path,
        {
            "app/api/admin/users/route.ts": handler(bad, ""),
            "app/api/admin/teams/route.ts": handler(good, ""),
        },
    )
    result = run_audit(tmp_path)
    assert (
        statuses(entry(result, "route_handler:app/api/admin/users/route.ts#POST"))["authorization"]
        == "fail"
    )
    assert ("AZ003", "app/api/admin/users/route.ts", 5) in rules_at(result)
    good_point = entry(result, "route_handler:app/api/admin/teams/route.ts#POST")
    assert statuses(good_point)["authorization"] == "pass"
    assert "role check" in good_point.checks.authorization.evidence[0].detail


def test_sensitive_operation_rate_limit(tmp_path: Path) -> None:
    limiter = """import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
export const ratelimit = new Ratelimit({ redis: Redis.fromEnv(), limiter: Ratelimit.slidingWindow(5, "1 m") });
"""
    limited = (
        '  const { success } = await ratelimit.limit(req.headers.get("x-forwarded-for") ?? "anon");\n'
        "  if (!success) return new Response(null, { status: 429 });\n"
    )
    bad = handler("  return Response.json({ ok: true });\n", "")
    good = handler(limited + "  return Response.json({ ok: true });\n", "").replace(
        'import { z } from "zod";', 'import { ratelimit } from "@/lib/ratelimit";'
    )
    make_repo(
        tmp_path,
        {
            "lib/ratelimit.ts": limiter,
            "app/api/signup/route.ts": bad,
            "app/api/password-reset/route.ts": good,
        },
    )
    result = run_audit(tmp_path)
    assert (
        statuses(entry(result, "route_handler:app/api/signup/route.ts#POST"))["rate_limiting"]
        == "fail"
    )
    assert ("RL001", "app/api/signup/route.ts", 5) in rules_at(result)
    good_point = entry(result, "route_handler:app/api/password-reset/route.ts#POST")
    assert statuses(good_point)["rate_limiting"] == "pass"


def test_audit_log_through_a_helper(tmp_path: Path) -> None:
    audit_helper = """import { prisma } from "@/lib/db";
export async function writeAuditLog(actorId: string, action: string, target: string) {
  await prisma.auditLog.create({ data: { actorId, action, target } });
}
"""
    body = AUTH + (
        "  await prisma.note.updateMany({ where: { id: params.id, authorId: session.user.id }, data: { deletedAt: new Date() } });\n"
        "  await prisma.team.deleteMany({ where: { id: params.id, memberships: { some: { userId: session.user.id } } } });\n"
        "  await writeAuditLog(session.user.id, 'team.delete', params.id);\n"
    )
    code = handler(body).replace(
        'import { z } from "zod";', 'import { writeAuditLog } from "@/lib/audit";'
    )
    make_repo(tmp_path, {"app/api/teams/[id]/route.ts": code, "lib/audit.ts": audit_helper})
    point = entry(run_audit(tmp_path), "route_handler:app/api/teams/[id]/route.ts#POST")
    assert statuses(point)["audit_logging"] == "pass"
    assert "writeAuditLog()" in point.checks.audit_logging.evidence[0].detail


def test_webhook_with_and_without_signature(tmp_path: Path) -> None:
    signed = """import Stripe from "stripe";
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
export async function POST(req: Request) {
  const event = stripe.webhooks.constructEvent(await req.text(), req.headers.get("stripe-signature")!, process.env.STRIPE_WEBHOOK_SECRET!);
  return Response.json({ received: event.id });
}
"""
    unsigned = """export async function POST(req: Request) {
  const event = await req.json();
  return Response.json({ received: event.id });
}
"""
    make_repo(
        tmp_path,
        {"app/api/webhooks/stripe/route.ts": signed, "app/api/webhooks/github/route.ts": unsigned},
    )
    result = run_audit(tmp_path)
    stripe = entry(result, "route_handler:app/api/webhooks/stripe/route.ts#POST")
    assert stripe.public and "constructEvent" in stripe.checks.authentication.evidence[0].detail
    github = entry(result, "route_handler:app/api/webhooks/github/route.ts#POST")
    assert not github.public and statuses(github)["authentication"] == "fail"


def test_open_redirect_only_when_the_client_chooses_the_destination(tmp_path: Path) -> None:
    route = """import { redirect } from "next/navigation";
import { prisma } from "@/lib/db";

export async function GET(request: Request) {
  const next = new URL(request.url).searchParams.get("next") ?? "/";
  const id = new URL(request.url).searchParams.get("id") ?? "";
  if (id) redirect(`/notes/${id}`);
  if (next.length > 40) redirect(`/${next}`);
  redirect(next);
}
"""
    make_repo(tmp_path, {"app/auth/continue/route.ts": route})
    found = [f for f in run_audit(tmp_path).findings if f.rule == "NXT002"]
    # `/${next}` with next = "/evil.example" is `//evil.example`: another site
    assert [(f.line, f.message) for f in found] == [
        (8, "redirect() sends the user to «`/${next}`», chosen by the client"),
        (9, "redirect() sends the user to `next`, chosen by the client"),
    ]


DRIZZLE_SCHEMA = """import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
export const teams = pgTable("teams", {
  id: text("id").primaryKey(),
  ownerId: text("owner_id").notNull(),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  updatedAt: timestamp("updated_at").defaultNow().notNull(),
});
export const auditLogs = pgTable("audit_logs", {
  id: text("id").primaryKey(),
  actorId: text("actor_id").notNull(),
  action: text("action").notNull(),
  createdAt: timestamp("created_at").defaultNow().notNull(),
});
"""

DRIZZLE_DELETE = """import { and, eq } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { auditLogs, teams } from "@/db/schema";

export async function DELETE(req: Request, { params }: { params: { id: string } }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  await db.delete(teams).where(and(eq(teams.id, params.id), eq(teams.ownerId, session.user.id)));
  LOG
  return new Response(null, { status: 204 });
}
"""


def test_a_drizzle_insert_into_an_audit_table_is_an_audit_log(tmp_path: Path) -> None:
    log = "await db.insert(auditLogs).values({ id: crypto.randomUUID(), actorId: session.user.id, action: 'team.delete' });"
    files = {
        "db/schema.ts": DRIZZLE_SCHEMA,
        "db/index.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\nexport const db = drizzle(process.env.DATABASE_URL!);\n',
        "drizzle.config.ts": 'export default { schema: "./db/schema.ts", dialect: "postgresql" };\n',
    }
    deps = {"drizzle-orm": "0.36.0"}
    logged = make_repo(
        tmp_path / "logged",
        {**files, "app/api/teams/[id]/route.ts": DRIZZLE_DELETE.replace("LOG", log)},
        schema=None,
        dependencies=deps,
    )
    silent = make_repo(
        tmp_path / "silent",
        {**files, "app/api/teams/[id]/route.ts": DRIZZLE_DELETE.replace("LOG", "")},
        schema=None,
        dependencies=deps,
    )
    point = entry(run_audit(logged), "route_handler:app/api/teams/[id]/route.ts#DELETE")
    check = point.checks.audit_logging
    assert check.status == "pass"
    assert check.evidence[0].line == 10 and "db.insert()" in check.evidence[0].detail
    point = entry(run_audit(silent), "route_handler:app/api/teams/[id]/route.ts#DELETE")
    assert point.checks.audit_logging.status == "fail"
