"""Reproductions of the failure patterns met on the real-world corpus (tests/realworld/), each a few lines
of TypeScript of our own with the verdict it must get. The class in each name is the failure class of
the analysis model. Patterns the engine still gets wrong are marked xfail(strict=True): fixing one
turns its test green and the marker must go."""

from __future__ import annotations

from pathlib import Path

from archtools.pipeline import load_schema
from tests.support.minirepo import (
    AUTH_TS,
    DB_TS,
    PRISMA_SCHEMA,
    entry,
    make_repo,
    run_audit,
    statuses,
)

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

# Projects owned by a team (the caller's through a membership).
TEAM_PROJECTS_SCHEMA = (
    PRISMA_SCHEMA.replace(
        "  memberships Membership[]\n  createdAt",
        "  memberships Membership[]\n  projects    Project[]\n  createdAt",
        1,
    )
    + """
model Project {
  id     String @id
  name   String
  teamId String
  team   Team   @relation(fields: [teamId], references: [id])
}
"""
)
assert "projects    Project[]" in TEAM_PROJECTS_SCHEMA

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


def audit_files(tmp_path: Path, files: dict[str, str], **options: object):  # type: ignore[no-untyped-def]
    make_repo(tmp_path, files, **options)  # type: ignore[arg-type]
    return run_audit(tmp_path)


SESSION_HELPER = """import { cookies } from "next/headers";
import { db } from "@/lib/sqlite";

export async function getCurrentSession() {
  const token = (await cookies()).get("session")?.value ?? null;
  if (token === null) {
    return { session: null, user: null };
  }
  const row = db.queryOne("SELECT * FROM session WHERE id = ?", [token]);
  if (row === null) {
    return { session: null, user: null };
  }
  return { session: row, user: { id: row.userId } };
}
"""


def test_class1_hand_rolled_session_helper_branched_on_by_the_caller(tmp_path: Path) -> None:
    action = """"use server";
import { getCurrentSession } from "@/lib/session";
import { prisma } from "@/lib/db";

export async function renameAction(title: string) {
  const { session, user } = await getCurrentSession();
  if (session === null) {
    return { message: "Not authenticated" };
  }
  await prisma.note.updateMany({ where: { authorId: user.id }, data: { title } });
}
"""
    result = audit_files(
        tmp_path, {"lib/session.ts": SESSION_HELPER, "app/settings/actions.ts": action}
    )
    point = entry(result, "server_action:app/settings/actions.ts#renameAction")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.evidence[0].line == 7


def test_class1_a_decoded_cookie_is_no_session(tmp_path: Path) -> None:
    helper = """import { cookies } from "next/headers";
export async function getCurrentSession() {
  const raw = (await cookies()).get("session")?.value;
  if (!raw) return { user: null };
  const user = JSON.parse(atob(raw));
  return { user };
}
"""
    action = """"use server";
import { getCurrentSession } from "@/lib/session";
import { prisma } from "@/lib/db";

export async function renameAction(title: string) {
  const { user } = await getCurrentSession();
  if (user === null) return;
  await prisma.note.updateMany({ where: { authorId: user.id }, data: { title } });
}
"""
    result = audit_files(tmp_path, {"lib/session.ts": helper, "app/settings/actions.ts": action})
    point = entry(result, "server_action:app/settings/actions.ts#renameAction")
    assert statuses(point)["authentication"] == "fail"


NEXTAUTH_MIDDLEWARE = """import NextAuth from "next-auth";
import { authConfig } from "./auth.config";
export default NextAuth(authConfig).auth;
export const config = { matcher: ["/((?!api|_next/static|_next/image|favicon.ico).*)"] };
"""

AUTH_CONFIG = """import type { NextAuthConfig } from "next-auth";
export const authConfig = {
  providers: [],
  callbacks: {
    authorized({ auth, request: { nextUrl } }) {
      const signedIn = !!auth?.user;
      const onAuthPage = nextUrl.pathname.startsWith("/login");
      if (!signedIn && !onAuthPage) return false;
      return true;
    },
  },
} satisfies NextAuthConfig;
"""


def test_class1_actions_covered_by_authorized_middleware_of_every_page(tmp_path: Path) -> None:
    actions = """"use server";
import { prisma } from "@/lib/db";
export async function archiveNotes() {
  await prisma.note.deleteMany({ where: { title: "" } });
}
"""
    page = """import { archiveNotes } from "./actions";
export default function Page() {
  return <form action={archiveNotes}><button>Archive</button></form>;
}
"""
    result = audit_files(
        tmp_path,
        {
            "middleware.ts": NEXTAUTH_MIDDLEWARE,
            "auth.config.ts": AUTH_CONFIG,
            "app/notes/actions.ts": actions,
            "app/notes/page.tsx": page,
        },
    )
    point = entry(result, "server_action:app/notes/actions.ts#archiveNotes")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.evidence[0].file == "auth.config.ts"


def test_class1_a_page_covered_by_the_authorized_callback_names_its_file(
    tmp_path: Path,
) -> None:
    # The check is the callback in auth.config.ts, not a line of middleware.ts.
    page = """import { prisma } from "@/lib/db";
export default async function Note({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const note = await prisma.note.findUnique({ where: { id } });
  return <h1>{note?.title}</h1>;
}
"""
    result = audit_files(
        tmp_path,
        {
            "middleware.ts": NEXTAUTH_MIDDLEWARE,
            "auth.config.ts": AUTH_CONFIG,
            "app/notes/[id]/page.tsx": page,
        },
    )
    point = entry(result, "page:app/notes/[id]/page.tsx#default")
    assert statuses(point)["authentication"] == "pass"
    (evidence,) = point.checks.authentication.evidence
    assert (evidence.file, evidence.line) == ("auth.config.ts", 8)


CLERK_PACKAGE = {
    "package.json": '{"name": "mono", "private": true, "workspaces": ["apps/*", "packages/*"]}',
    "apps/app/package.json": '{"name": "app", "dependencies": {"next": "15.3.2", "@repo/auth": "*", "@repo/database": "*"}}',
    "apps/app/next.config.ts": "export default {};\n",
    "packages/auth/package.json": '{"name": "@repo/auth", "exports": {"./server": "./server.ts"}, "dependencies": {"@clerk/nextjs": "6.20.0"}}',
    "packages/auth/server.ts": "import 'server-only';\nexport * from '@clerk/nextjs/server';\n",
    "packages/database/package.json": '{"name": "@repo/database", "main": "index.ts"}',
    "packages/database/index.ts": 'import { PrismaClient } from "@prisma/client";\nexport const database = new PrismaClient();\n',
}


def test_class1_auth_library_re_exported_by_a_workspace_package(tmp_path: Path) -> None:
    route = """import { auth } from "@repo/auth/server";
import { database } from "@repo/database";

export async function GET() {
  const { orgId } = await auth();
  if (!orgId) {
    return new Response("Unauthorized", { status: 401 });
  }
  const pages = await database.page.findMany({ where: { orgId } });
  return Response.json(pages);
}
"""
    result = audit_files(tmp_path, {**CLERK_PACKAGE, "apps/app/app/api/pages/route.ts": route})
    point = entry(result, "route_handler:apps/app/app/api/pages/route.ts#GET")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.evidence[0].line == 6


def cron_route(check: str) -> str:
    return (
        'import { prisma } from "@/lib/db";\n\n'
        "export async function GET(request: Request) {\n"
        + check
        + "  await prisma.note.deleteMany({ where: { deletedAt: { not: null } } });\n"
        "  return Response.json({ ok: true });\n}\n"
    )


def test_class4_cron_secret_compared_with_the_bearer_header(tmp_path: Path) -> None:
    route = cron_route(
        "  const secret = process.env.CRON_SECRET;\n"
        '  if (!secret || request.headers.get("authorization") !== `Bearer ${secret}`) {\n'
        '    return new Response("Unauthorized", { status: 401 });\n'
        "  }\n"
    )
    result = audit_files(tmp_path, {"app/api/cron/purge/route.ts": route})
    point = entry(result, "route_handler:app/api/cron/purge/route.ts#GET")
    assert statuses(point)["authentication"] == "pass"
    evidence = point.checks.authentication.evidence[0]
    assert evidence.line == 5 and "CRON_SECRET" in evidence.detail


def test_class4_a_secret_that_may_be_unset_in_a_template_guards_nothing(tmp_path: Path) -> None:
    # Unset, the template reads `Bearer undefined`, and a caller who sends that passes.
    route = cron_route(
        '  if (request.headers.get("authorization") !== `Bearer ${process.env.CRON_SECRET}`) {\n'
        '    return new Response("Unauthorized", { status: 401 });\n'
        "  }\n"
    )
    result = audit_files(tmp_path, {"app/api/cron/purge/route.ts": route})
    point = entry(result, "route_handler:app/api/cron/purge/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"


def test_class4_a_header_compared_with_the_secret_itself(tmp_path: Path) -> None:
    route = cron_route(
        '  if (request.headers.get("x-internal-token") !== process.env.INTERNAL_TOKEN) {\n'
        '    return new Response("Unauthorized", { status: 401 });\n'
        "  }\n"
    )
    result = audit_files(tmp_path, {"app/api/cron/purge/route.ts": route})
    point = entry(result, "route_handler:app/api/cron/purge/route.ts#GET")
    assert statuses(point)["authentication"] == "pass"


def test_class4_a_url_containing_the_host_is_no_secret(tmp_path: Path) -> None:
    route = cron_route(
        '  if (!request.url.includes(process.env.VERCEL_URL ?? "")) {\n'
        '    return new Response("Unauthorized", { status: 401 });\n'
        "  }\n"
    )
    result = audit_files(tmp_path, {"app/api/cron/purge/route.ts": route})
    point = entry(result, "route_handler:app/api/cron/purge/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"


def test_class5_an_ownership_comparison_is_not_authentication(tmp_path: Path) -> None:
    # With the `if (!user)` guard removed, `note.authorId !== user?.id` still lets a signed-out
    # caller through whenever the note has no author; it is authorization, not authentication.
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function DELETE(req: Request, { params }: { params: { id: string } }) {
  const session = await auth();
  const user = session?.user;
  const note = await prisma.note.findUnique({ where: { id: params.id } });
  if (!note || note.authorId !== user?.id) {
    return new Response(null, { status: 404 });
  }
  await prisma.note.delete({ where: { id: note.id } });
}
"""
    result = audit_files(tmp_path, {"app/api/notes/[id]/route.ts": route})
    point = entry(result, "route_handler:app/api/notes/[id]/route.ts#DELETE")
    assert statuses(point)["authentication"] == "fail"


def test_class7_types_and_enums_from_the_orm_in_a_client_component(tmp_path: Path) -> None:
    component = """"use client";
import type { Note } from "@prisma/client";
import { Role } from "@prisma/client";
import type { InferSelectModel } from "drizzle-orm";

export function NoteCard({ note, role }: { note: Note; role: Role }) {
  return <p>{note.title} {role === Role.ADMIN ? "admin" : ""}</p>;
}
"""
    result = audit_files(tmp_path, {"components/note-card.tsx": component})
    assert [f for f in result.findings if f.rule == "SEC002"] == []


def test_class8_an_action_a_sign_up_page_offers_is_public_by_design(tmp_path: Path) -> None:
    # The sign-up form checks whether an email is taken through a Server Action: signed-out users
    # call it by design. The module's other action, which no signed-out page imports, is not.
    actions = """'use server';
import { prisma } from "@/lib/db";
export async function isEmailTaken(email: string) {
  return (await prisma.user.count({ where: { email } })) > 0;
}
export async function accountRecord(email: string) {
  return prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
}
export async function deleteNote(id: string) {
  await prisma.note.delete({ where: { id } });
}
"""
    form = """'use client';
import { isEmailTaken, accountRecord } from "@/lib/account-actions";
export function SignUpForm() {
  return <input onBlur={(e) => { isEmailTaken(e.target.value); accountRecord(e.target.value); }} />;
}
"""
    register = """import { SignUpForm } from "@/components/sign-up-form";
export default function RegisterPage() {
  return <SignUpForm />;
}
"""
    notes = """'use client';
import { deleteNote, isEmailTaken } from "@/lib/account-actions";
export default function NotesPage() {
  return <button onClick={() => { deleteNote("n1"); isEmailTaken("a@b.c"); }}>x</button>;
}
"""
    result = audit_files(
        tmp_path,
        {
            "lib/account-actions.ts": actions,
            "components/sign-up-form.tsx": form,
            "app/(auth)/register/page.tsx": register,
            "app/notes/page.tsx": notes,
        },
    )
    taken = entry(result, "server_action:lib/account-actions.ts#isEmailTaken")
    assert statuses(taken)["authentication"] == "n/a"
    (why,) = taken.checks.authentication.evidence
    assert (why.file, why.detail) == (
        "app/(auth)/register/page.tsx",
        "public by design: offered to signed-out users by the /register page",
    )
    delete = entry(result, "server_action:lib/account-actions.ts#deleteNote")
    assert statuses(delete)["authentication"] == "fail"
    # Handing a password hash to anyone who asks is not what a sign-up page offers.
    credentials = entry(result, "server_action:lib/account-actions.ts#accountRecord")
    assert statuses(credentials)["authentication"] == "fail"


def test_class2_the_lookup_that_finds_the_caller_is_not_the_entry_points_data(
    tmp_path: Path,
) -> None:
    # verifyUser() reads the caller's row to authenticate; the route then only creates a row of
    # the caller's own: no existing row is chosen, so authorization has nothing to bind (n/a).
    verify = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function verifyUser() {
  const session = await auth();
  if (!session?.user?.id) return null;
  return prisma.user.findUnique({ where: { id: session.user.id } });
}
"""
    route = """import { verifyUser } from "@/lib/verify-user";
import { prisma } from "@/lib/db";
export async function POST() {
  const user = await verifyUser();
  if (!user) return new Response(null, { status: 401 });
  const note = await prisma.note.create({ data: { title: "x", body: "", authorId: user.id } });
  return Response.json({ id: note.id });
}
"""
    settings = """'use server';
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function rename(email: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await prisma.user.update({ where: { id: session.user.id }, data: { email: email.slice(0, 200) } });
}
"""
    result = audit_files(
        tmp_path,
        {
            "lib/verify-user.ts": verify,
            "app/api/notes/route.ts": route,
            "app/settings/actions.ts": settings,
        },
    )
    create = entry(result, "route_handler:app/api/notes/route.ts#POST")
    assert statuses(create)["authentication"] == "pass"
    assert statuses(create)["authorization"] == "n/a"
    (why,) = create.checks.authorization.evidence
    assert (why.file, why.line) == ("app/api/notes/route.ts", 6)
    assert "a new row of the caller's own" in why.detail
    # A write filtered by the caller alone is the caller's own row: a pass naming the filter.
    own = entry(result, "server_action:app/settings/actions.ts#rename")
    assert statuses(own)["authorization"] == "pass"
    assert own.checks.authorization.evidence[0].line == 7


def test_class3_a_schema_outside_the_default_places_still_makes_models_owned(
    tmp_path: Path,
) -> None:
    # The schema lives in src/prisma/ (the CLI is given --schema); without it no model is known
    # to be owned and every IDOR goes unseen.
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function DELETE(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await params;
  await prisma.note.delete({ where: { id } });
  return new Response(null, { status: 204 });
}
"""
    result = audit_files(
        tmp_path,
        {"src/prisma/schema.prisma": PRISMA_SCHEMA, "app/api/notes/[id]/route.ts": route},
        schema=None,
    )
    assert {m.name for m in result.schema_.models} >= {"User", "Note"}
    point = entry(result, "route_handler:app/api/notes/[id]/route.ts#DELETE")
    assert statuses(point)["authorization"] == "fail"


WAITLIST_SCHEMA = (
    PRISMA_SCHEMA
    + """
model WaitlistSignup {
  id        String   @id @default(cuid())
  email     String   @unique
  createdAt DateTime @default(now())
}

model Session {
  id        String   @id
  userId    String
  expiresAt DateTime
}

model Country {
  code String @id
  name String
}
"""
)


def test_class5_a_table_of_peoples_emails_is_not_public_content(tmp_path: Path) -> None:
    # No user owns a waitlist row, but the emails are people's personal data: reading them with no
    # signed-in caller is the finding. A catalog of countries is public content.
    actions = """'use server';
import { prisma } from "@/lib/db";
export async function listSignups() {
  return prisma.waitlistSignup.findMany({ take: 50 });
}
export async function listCountries() {
  return prisma.country.findMany();
}
"""
    make_repo(tmp_path, {"app/admin/actions.ts": actions}, schema=WAITLIST_SCHEMA)
    result = run_audit(tmp_path)
    signups = entry(result, "server_action:app/admin/actions.ts#listSignups")
    assert statuses(signups)["authentication"] == "fail"
    countries = entry(result, "server_action:app/admin/actions.ts#listCountries")
    assert statuses(countries)["authentication"] == "n/a"


def test_class1_a_session_helper_exported_as_an_action_is_the_lookup_itself(
    tmp_path: Path,
) -> None:
    # A 'use server' auth module: its cookie reader (through the store's destructured getter) is a
    # hand-rolled session, which its callers are gated by; exported, it is also a Server Action
    # that only finds the caller, so it is not a missing-authentication finding.
    auth_module = """'use server';
import { cookies } from "next/headers";
import { prisma } from "@/lib/db";
export async function getServerSession() {
  const { get: getCookie } = await cookies();
  const sessionId = getCookie("session_id")?.value;
  if (!sessionId) return null;
  const session = await prisma.session.findUnique({ where: { id: sessionId } });
  if (!session || session.expiresAt < new Date()) return null;
  return session;
}
"""
    action = """'use server';
import { getServerSession } from "@/lib/auth";
import { prisma } from "@/lib/db";
export async function removeNote(id: string) {
  const session = await getServerSession();
  if (!session) throw new Error("unauthorized");
  await prisma.note.deleteMany({ where: { id, authorId: session.userId } });
}
"""
    make_repo(
        tmp_path,
        {
            "lib/auth.ts": auth_module,
            "app/notes/actions.ts": action,
            "app/layout.tsx": 'import { getServerSession } from "@/lib/auth";\n'
            "export default async function Layout({ children }: { children: React.ReactNode }) {\n"
            "  const session = await getServerSession();\n"
            "  return <body data-signed-in={Boolean(session)}>{children}</body>;\n}\n",
        },
        schema=WAITLIST_SCHEMA,
    )
    result = run_audit(tmp_path)
    lookup = entry(result, "server_action:lib/auth.ts#getServerSession")
    assert statuses(lookup)["authentication"] == "n/a"
    assert "finds the caller from the request's own credentials" in (
        lookup.checks.authentication.evidence[0].detail
    )
    remove = entry(result, "server_action:app/notes/actions.ts#removeNote")
    assert statuses(remove)["authentication"] == "pass"


def test_class4_a_middleware_with_two_paths_names_both_gates(tmp_path: Path) -> None:
    # An API key on one branch (a lookup that throws when no key matches), the session on the
    # other: the pass names both, since each rejects the requests of its own path.
    trpc = """import { initTRPC, TRPCError } from "@trpc/server";
import { prisma } from "@/lib/db";
type Context = { session: { userId: string } | null; authorization?: string };
const t = initTRPC.context<Context>().create();
export const router = t.router;
export const authed = t.procedure.use(async ({ ctx, next }) => {
  if (ctx.authorization) {
    const key = await prisma.apiKey.findFirstOrThrow({ where: { token: ctx.authorization } });
    return next({ ctx: { userId: key.userId } });
  }
  if (!ctx.session) {
    throw new TRPCError({ code: "UNAUTHORIZED" });
  }
  return next({ ctx: { userId: ctx.session.userId } });
});
"""
    notes = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { authed, router } from "../trpc";
export const notesRouter = router({
  mine: authed.query(({ ctx }) => prisma.note.findMany({ where: { authorId: ctx.userId } })),
});
"""
    schema = (
        PRISMA_SCHEMA
        + """
model ApiKey {
  id     String @id
  token  String @unique
  userId String
}
"""
    )
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": trpc,
            "server/routers/notes.ts": notes,
            "server/root.ts": 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n',
        },
        schema=schema,
    )
    point = entry(run_audit(tmp_path), "trpc_procedure:server/routers/notes.ts#notes.mine")
    check = point.checks.authentication
    assert check.status.value == "pass"
    assert {(e.file, e.line) for e in check.evidence} >= {
        ("server/trpc.ts", 8),
        ("server/trpc.ts", 11),
    }
    # The key checked by a helper of its own: its gate comes first, the session's still counts.
    helper = """import { TRPCError } from "@trpc/server";
import { prisma } from "@/lib/db";
export async function keyOwner(token: string) {
  const key = await prisma.apiKey.findFirst({ where: { token } });
  if (!key) throw new TRPCError({ code: "UNAUTHORIZED" });
  return key.userId;
}
"""
    by_helper = trpc.replace(
        "    const key = await prisma.apiKey.findFirstOrThrow({ where: { token: ctx.authorization } });\n"
        "    return next({ ctx: { userId: key.userId } });",
        "    const userId = await keyOwner(ctx.authorization);\n    return next({ ctx: { userId } });",
    ).replace('import { prisma } from "@/lib/db";', 'import { keyOwner } from "@/lib/keys";')
    assert by_helper != trpc
    (tmp_path / "server/trpc.ts").write_text(by_helper, encoding="utf-8")
    (tmp_path / "lib/keys.ts").write_text(helper, encoding="utf-8")
    check = entry(
        run_audit(tmp_path), "trpc_procedure:server/routers/notes.ts#notes.mine"
    ).checks.authentication
    assert check.status.value == "pass"
    assert {(e.file, e.line) for e in check.evidence} >= {
        ("server/trpc.ts", 8),
        ("lib/keys.ts", 5),
        ("server/trpc.ts", 11),
    }


def test_class3_a_row_checked_by_the_helper_that_loaded_it_through_another(
    tmp_path: Path,
) -> None:
    # verifyUser() finds the caller through an access token (its lookup is no membership of
    # anything); the controller loads the note's owner through getPermission() and exits unless
    # it is the caller before deleting by the client's id. Without that check: an IDOR.
    verify = """import { jwtVerify } from "jose";
import { prisma } from "@/lib/db";
const secret = new TextEncoder().encode(process.env.JWT_SECRET);
export async function verifyUser(req: Request) {
  const { payload } = await jwtVerify(req.headers.get("authorization") ?? "", secret);
  const access = await prisma.accessToken.findFirst({ where: { userId: payload.sub } });
  if (!access) return null;
  return prisma.user.findUnique({ where: { id: payload.sub } });
}
"""
    permission = """import { prisma } from "@/lib/db";
export async function getPermission({ noteId }: { noteId: string }) {
  return prisma.note.findFirst({ where: { id: noteId }, select: { authorId: true } });
}
"""
    controller = """import { prisma } from "@/lib/db";
import { getPermission } from "@/lib/permission";
export async function deleteNoteById(userId: string, noteId: string) {
  const access = await getPermission({ noteId });
  if (access?.authorId !== userId) {
    return { status: 401 };
  }
  await prisma.note.delete({ where: { id: noteId } });
  return { status: 200 };
}
"""
    route = """import { verifyUser } from "@/lib/verify-user";
import { deleteNoteById } from "@/lib/delete-note";
export async function DELETE(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await verifyUser(req);
  if (!user) return new Response(null, { status: 401 });
  const { id } = await params;
  const { status } = await deleteNoteById(user.id, id);
  return new Response(null, { status });
}
"""
    schema = (
        PRISMA_SCHEMA
        + """
model AccessToken {
  id     String @id
  token  String @unique
  userId String
}
"""
    )
    files = {
        "lib/verify-user.ts": verify,
        "lib/permission.ts": permission,
        "lib/delete-note.ts": controller,
        "app/api/notes/[id]/route.ts": route,
    }
    make_repo(tmp_path / "checked", files, schema=schema)
    point = entry(
        run_audit(tmp_path / "checked"), "route_handler:app/api/notes/[id]/route.ts#DELETE"
    )
    check = point.checks.authorization
    assert check.status.value == "pass"
    assert ("lib/delete-note.ts", 5) in {(e.file, e.line) for e in check.evidence}
    unchecked = controller.replace(
        "  if (access?.authorId !== userId) {\n    return { status: 401 };\n  }\n", ""
    )
    assert unchecked != controller
    make_repo(tmp_path / "open", {**files, "lib/delete-note.ts": unchecked}, schema=schema)
    point = entry(run_audit(tmp_path / "open"), "route_handler:app/api/notes/[id]/route.ts#DELETE")
    assert statuses(point)["authorization"] == "fail"


def test_class3_an_owner_check_before_a_transaction_protects_the_writes_inside_it(
    tmp_path: Path,
) -> None:
    # The note is loaded through a helper's result (`res.data.note`), its owner compared with the
    # caller, and only then deleted inside `prisma.$transaction(async (tx) => ...)`: the callback
    # runs after the check of the function around it. Without the check: an IDOR.
    helper = """import { prisma } from "@/lib/db";
export async function getNote({ id }: { id: string }) {
  const note = await prisma.note.findUnique({ where: { id } });
  return { data: { note } };
}
"""
    action = """'use server';
import { prisma } from "@/lib/db";
import { auth } from "@/auth";
import { getNote } from "@/lib/get-note";
export async function deleteNote(noteId: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  const res = await getNote({ id: noteId });
  const note = res.data.note;
  if (note?.authorId !== session.user.id) {
    throw new Error("Forbidden");
  }
  await prisma.$transaction(async (tx) => {
    await tx.note.delete({ where: { id: noteId } });
  });
}
"""
    files = {"lib/get-note.ts": helper, "app/notes/actions.ts": action, "auth.ts": AUTH_TS}
    make_repo(tmp_path / "checked", files)
    point = entry(run_audit(tmp_path / "checked"), "server_action:app/notes/actions.ts#deleteNote")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert ("app/notes/actions.ts", 10) in {(e.file, e.line) for e in check.evidence}
    unchecked = action.replace(
        '  if (note?.authorId !== session.user.id) {\n    throw new Error("Forbidden");\n  }\n', ""
    )
    assert unchecked != action
    make_repo(tmp_path / "open", {**files, "app/notes/actions.ts": unchecked})
    point = entry(run_audit(tmp_path / "open"), "server_action:app/notes/actions.ts#deleteNote")
    assert statuses(point)["authorization"] == "fail"


def test_class1_a_route_handler_wrapped_in_authjs_auth_reads_the_session_from_the_request(
    tmp_path: Path,
) -> None:
    # Auth.js v5's `auth(handler)` hands the handler the session as `req.auth` (null when signed
    # out): the handler's own check of it is the authentication, and `req.auth.user.id` the caller.
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export const DELETE = auth(async (req) => {
  if (!req.auth?.user) {
    return new Response("Not authenticated", { status: 401 });
  }
  const me = req.auth.user;
  await prisma.user.delete({ where: { id: me.id } });
  return new Response(null, { status: 204 });
});
"""
    make_repo(tmp_path / "checked", {"auth.ts": AUTH_TS, "app/api/me/route.ts": route})
    point = entry(run_audit(tmp_path / "checked"), "route_handler:app/api/me/route.ts#DELETE")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.evidence[0].line == 4
    assert statuses(point)["authorization"] == "pass"
    open_route = route.replace(
        '  if (!req.auth?.user) {\n    return new Response("Not authenticated", { status: 401 });\n  }\n',
        "",
    )
    assert open_route != route
    make_repo(tmp_path / "open", {"auth.ts": AUTH_TS, "app/api/me/route.ts": open_route})
    point = entry(run_audit(tmp_path / "open"), "route_handler:app/api/me/route.ts#DELETE")
    assert statuses(point)["authentication"] == "fail"


def test_class3_an_exit_unless_the_client_key_is_the_callers_id_binds_the_write(
    tmp_path: Path,
) -> None:
    # A Server Action takes the user id from the client but throws unless it is the caller's own
    # (the catch returns, so nothing after the throw runs): the update by that id is the caller's.
    action = """'use server';
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function renameUser(userId: string, name: string) {
  try {
    const session = await auth();
    if (!session?.user || session.user.id !== userId) {
      throw new Error("Unauthorized");
    }
    await prisma.user.update({ where: { id: userId }, data: { email: name } });
    return { status: "success" };
  } catch {
    return { status: "error" };
  }
}
"""
    make_repo(tmp_path / "checked", {"auth.ts": AUTH_TS, "app/settings/actions.ts": action})
    point = entry(
        run_audit(tmp_path / "checked"), "server_action:app/settings/actions.ts#renameUser"
    )
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert ("app/settings/actions.ts", 7) in {(e.file, e.line) for e in check.evidence}
    # Only the presence of a session is required: any user may rename any other.
    loose = action.replace("!session?.user || session.user.id !== userId", "!session?.user")
    make_repo(tmp_path / "loose", {"auth.ts": AUTH_TS, "app/settings/actions.ts": loose})
    point = entry(run_audit(tmp_path / "loose"), "server_action:app/settings/actions.ts#renameUser")
    assert statuses(point)["authorization"] == "fail"
    # A difference that exits only together with another condition binds nothing.
    partial = action.replace(
        "!session?.user || session.user.id !== userId",
        '!session?.user || (session.user.id !== userId && name === "")',
    )
    make_repo(tmp_path / "partial", {"auth.ts": AUTH_TS, "app/settings/actions.ts": partial})
    point = entry(
        run_audit(tmp_path / "partial"), "server_action:app/settings/actions.ts#renameUser"
    )
    assert statuses(point)["authorization"] == "fail"


def test_class8_a_page_reading_by_params_is_an_entry_point(tmp_path: Path) -> None:
    page = """import { prisma } from "@/lib/db";
export default async function NotePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const note = await prisma.note.findUnique({ where: { id } });
  return <h1>{note?.title}</h1>;
}
"""
    layout = """export default async function Layout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <section data-id={id}>{children}</section>;
}
"""
    result = audit_files(
        tmp_path, {"app/notes/[id]/page.tsx": page, "app/notes/[id]/layout.tsx": layout}
    )
    point = entry(result, "page:app/notes/[id]/page.tsx#default")
    assert (point.kind.value, point.route) == ("page", "/notes/[id]")
    assert statuses(point)["authentication"] == "fail"
    assert statuses(point)["authorization"] == "fail"
    # The layout only renders its param: no entry point.
    assert not [e for e in result.entry_points if e.file.endswith("layout.tsx")]


def test_class8_a_page_reading_a_headless_cms_by_slug_is_an_entry_point(tmp_path: Path) -> None:
    # The slug reaches a CMS client's query (a third-party API) through an object of helpers.
    cms = """import { basehub as basehubClient } from "basehub";
const basehub = basehubClient({ token: process.env.BASEHUB_TOKEN });
export const blog = {
  postQuery: (slug: string) => ({ blog: { posts: { __args: { filter: { slug: { eq: slug } } } } } }),
  getPost: async (slug: string) => {
    const query = blog.postQuery(slug);
    const data = await basehub.query(query);
    return data.blog.posts.item;
  },
};
"""
    page = """import merge from "lodash.merge";
import { blog } from "@/lib/cms";
export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const post = await blog.getPost(slug);
  return merge({ title: "Blog" }, { title: post?.title });
}
export default async function Post({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const post = await blog.getPost(slug);
  return <h1>{post?.title}</h1>;
}
"""
    result = audit_files(tmp_path, {"lib/cms.ts": cms, "app/blog/[slug]/page.tsx": page})
    point = entry(result, "page:app/blog/[slug]/page.tsx#default")
    assert statuses(point)["input_validation"] == "fail"
    assert "basehub.query()" in point.checks.input_validation.evidence[0].detail
    # Published content: reading it needs no signed-in user; lodash only computes a value.
    assert statuses(point)["authentication"] == "n/a"
    metadata = entry(result, "page:app/blog/[slug]/page.tsx#generateMetadata")
    assert statuses(metadata)["authentication"] == "n/a"


def test_class8_hono_routes_mounted_in_next_are_entry_points(tmp_path: Path) -> None:
    # The catch-all route hands every request to a Hono app; its routes, through `.route()` and
    # `.basePath()`, are entry points, authenticated by the `.use()` middleware before them.
    api = """import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { prisma } from "@/lib/db";
const requireUser = createMiddleware(async (c, next) => {
  if (!c.var.user) {
    throw new HTTPException(401, { message: "Unauthorized" });
  }
  await next();
});
const notes = new Hono()
  .get("/:id/preview", async (c) => {
    const note = await prisma.note.findUnique({ where: { id: c.req.param("id") } });
    return c.json(note);
  })
  .use(requireUser)
  .delete("/:id", async (c) => {
    await prisma.note.delete({ where: { id: c.req.param("id") } });
    return c.body(null, 204);
  });
export const app = new Hono().basePath("/api");
app.route("/notes", notes);
"""
    mount = 'import { handle } from "hono/vercel";\nimport { app } from "@/server/api";\nexport const GET = handle(app);\nexport const DELETE = handle(app);\n'
    result = audit_files(
        tmp_path,
        {"server/api.ts": api, "app/api/[[...route]]/route.ts": mount},
        dependencies={"hono": "4.6.0"},
    )
    routes = {
        e.id: (e.route, e.method) for e in result.entry_points if e.kind.value == "rpc_procedure"
    }
    assert routes == {
        "rpc_procedure:server/api.ts#GET /:id/preview": ("/api/notes/:id/preview", "GET"),
        "rpc_procedure:server/api.ts#DELETE /:id": ("/api/notes/:id", "DELETE"),
    }
    open_read = entry(result, "rpc_procedure:server/api.ts#GET /:id/preview")
    assert statuses(open_read)["authentication"] == "fail"
    delete = entry(result, "rpc_procedure:server/api.ts#DELETE /:id").checks.authentication
    assert delete.status.value == "pass" and delete.evidence[0].line == 6, delete
    # the route parameter is the client's value, unchecked on its way into the query
    assert statuses(open_read)["input_validation"] == "fail"


OPENAPI_APP = """import { createHash } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import { prisma } from "@/lib/db";
async function teamFromKey(presented: string) {
  const hash = createHash("sha256").update(presented).digest("hex");
  const key = await prisma.apiKey.findUnique({ where: { hash }, include: { team: true } });
  if (!key) {
    throw new Error("Unauthorized");
  }
  return key.team;
}
export function getApp() {
  const app = new OpenAPIHono().basePath("/api");
  app.use("*", async (c, next) => {
    const team = await teamFromKey(c.req.header("x-api-key") ?? "");
    c.set("team", team);
    await next();
  });
  app.doc("/v1/doc", { openapi: "3.0.0", info: { title: "API", version: "1" } });
  app.get("/v1/ui", swaggerUI({ url: "/api/v1/doc" }));
  return app;
}
"""

OPENAPI_ROUTE = """import { createRoute, z } from "@hono/zod-openapi";
import { prisma } from "@/lib/db";
import { findTeamNote } from "@/server/notes";
const route = createRoute({
  method: "delete",
  path: "/v1/notes/{noteId}",
  request: {
    params: z.object({ noteId: z.string().min(1) }),
  },
  responses: { 204: { description: "deleted" } },
});
export default function deleteNote(app: any) {
  app.openapi(route, async (c) => {
    const team = c.var.team;
    const noteId = c.req.param("noteId");
    await findTeamNote(noteId, team.id);
    await prisma.note.delete({ where: { id: noteId } });
    return c.body(null, 204);
  });
}
"""

TEAM_NOTES = """import { prisma } from "@/lib/db";
export async function findTeamNote(noteId: string, teamId: string) {
  const note = await prisma.note.findFirst({ where: { id: noteId, teamId } });
  if (!note) {
    throw new Error("Not found");
  }
  return note;
}
"""

OPENAPI_SCHEMA = (
    PRISMA_SCHEMA.replace("model Note {", "model Note {\n  teamId    String")
    + """
model ApiKey {
  id     String @id
  hash   String @unique
  teamId String
  team   Team   @relation(fields: [teamId], references: [id])
}
"""
)


def test_class8_openapi_routes_registered_by_functions_on_a_factory_app(tmp_path: Path) -> None:
    # The public API is an @hono/zod-openapi app built by a factory, its routes registered by
    # functions the app is handed to; each `app.openapi(createRoute(...), handler)` is an entry
    # point, its declared request parts validated before the handler, the key's team (set by the
    # middleware with `c.set`) the caller. A helper that looks the note up among the team's rows
    # and throws when it is missing checks the key the delete then uses.
    index = """import { getApp } from "./hono";
import deleteNote from "./api/delete-note";
export const app = getApp();
deleteNote(app);
"""
    mount = 'import { handle } from "hono/vercel";\nimport { app } from "@/server/public-api";\nexport const DELETE = handle(app);\n'
    files = {
        "server/public-api/hono.ts": OPENAPI_APP,
        "server/public-api/index.ts": index,
        "server/public-api/api/delete-note.ts": OPENAPI_ROUTE,
        "server/notes.ts": TEAM_NOTES,
        "app/api/[[...route]]/route.ts": mount,
    }
    make_repo(tmp_path / "checked", files, schema=OPENAPI_SCHEMA, dependencies={"hono": "4.6.0"})
    result = run_audit(tmp_path / "checked")
    point = entry(
        result, "rpc_procedure:server/public-api/api/delete-note.ts#DELETE /v1/notes/{noteId}"
    )
    assert (point.route, point.method) == ("/api/v1/notes/{noteId}", "DELETE")
    # the document and the package's UI are public routes; the mount is only their transport
    for public in (
        "rpc_procedure:server/public-api/hono.ts#GET /v1/doc",
        "rpc_procedure:server/public-api/hono.ts#GET /v1/ui",
        "route_handler:app/api/[[...route]]/route.ts#DELETE",
    ):
        assert set(statuses(entry(result, public)).values()) == {"n/a"}, public
    assert statuses(point)["authentication"] == "pass"
    validation = point.checks.input_validation
    assert validation.status.value == "pass" and validation.evidence[0].line == 8, validation
    authorization = point.checks.authorization
    assert authorization.status.value == "pass", authorization
    assert ("server/public-api/api/delete-note.ts", 16) in {
        (e.file, e.line) for e in authorization.evidence
    }

    # Without the lookup, the delete by the client's id is an IDOR.
    unchecked = OPENAPI_ROUTE.replace("    await findTeamNote(noteId, team.id);\n", "")
    make_repo(
        tmp_path / "open",
        {**files, "server/public-api/api/delete-note.ts": unchecked},
        schema=OPENAPI_SCHEMA,
        dependencies={"hono": "4.6.0"},
    )
    point = entry(
        run_audit(tmp_path / "open"),
        "rpc_procedure:server/public-api/api/delete-note.ts#DELETE /v1/notes/{noteId}",
    )
    assert statuses(point)["authorization"] == "fail"

    # A body the route does not declare is read unchecked: the request schema covers only params.
    body_read = OPENAPI_ROUTE.replace(
        'const noteId = c.req.param("noteId");',
        "const noteId = (await c.req.json()).noteId;",
    )
    make_repo(
        tmp_path / "body",
        {**files, "server/public-api/api/delete-note.ts": body_read},
        schema=OPENAPI_SCHEMA,
        dependencies={"hono": "4.6.0"},
    )
    point = entry(
        run_audit(tmp_path / "body"),
        "rpc_procedure:server/public-api/api/delete-note.ts#DELETE /v1/notes/{noteId}",
    )
    assert statuses(point)["input_validation"] == "fail"


def test_class3_a_lookup_of_one_key_does_not_check_another(tmp_path: Path) -> None:
    # The note is looked up among the caller's rows, but the label id the client also chose is
    # linked to it unchecked: the create is an IDOR on the label.
    helper = """import { prisma } from "@/lib/db";
export async function assertOwnNote(noteId: string, userId: string) {
  const note = await prisma.note.findFirst({ where: { id: noteId, authorId: userId } });
  if (!note) {
    throw new Error("Not found");
  }
}
"""
    action = """'use server';
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { assertOwnNote } from "@/lib/own-note";
export async function tagNote(noteId: string, labelId: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await assertOwnNote(noteId, session.user.id);
  await prisma.noteLabel.create({ data: { noteId, labelId } });
}
export async function listLabels() {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  return prisma.label.findMany({ where: { ownerId: session.user.id } });
}
"""
    schema = (
        PRISMA_SCHEMA
        + """
model Label {
  id      String @id
  ownerId String
}

model NoteLabel {
  id      String @id @default(cuid())
  noteId  String
  labelId String
  note    Note   @relation(fields: [noteId], references: [id])
  label   Label  @relation(fields: [labelId], references: [id])
}
"""
    )
    files = {"lib/own-note.ts": helper, "app/notes/actions.ts": action}
    make_repo(tmp_path / "two", files, schema=schema)
    point = entry(run_audit(tmp_path / "two"), "server_action:app/notes/actions.ts#tagNote")
    assert statuses(point)["authorization"] == "fail"
    one_key = action.replace(
        "tagNote(noteId: string, labelId: string)", "tagNote(noteId: string)"
    ).replace("{ noteId, labelId }", '{ noteId, labelId: "inbox" }')
    make_repo(tmp_path / "one", {**files, "app/notes/actions.ts": one_key}, schema=schema)
    point = entry(run_audit(tmp_path / "one"), "server_action:app/notes/actions.ts#tagNote")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert ("app/notes/actions.ts", 8) in {(e.file, e.line) for e in check.evidence}


def test_class3_a_team_procedure_and_its_lookup_middleware_bind_the_key(tmp_path: Path) -> None:
    # teamProcedure finds the caller's team (membership by the session user, NOT_FOUND without
    # one) and hands it on from inside a logging callback; projectProcedure looks `input.id` up
    # among that team's projects and stops when none is found: the handler's update by the same
    # id is bound to the caller. Without the team filter in the lookup: an IDOR.
    trpc = """import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { prisma } from "@/lib/db";
import { withLogger } from "@/lib/log";
type Context = { session: { user: { id: string } } | null };
const t = initTRPC.context<Context>().create();
export const router = t.router;
const authed = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session?.user) {
    throw new TRPCError({ code: "UNAUTHORIZED" });
  }
  return next({ ctx: { session: ctx.session } });
});
export const teamProcedure = authed.use(async ({ ctx, next }) => {
  const membership = await prisma.membership.findFirst({
    where: { userId: ctx.session.user.id },
    include: { team: true },
  });
  if (!membership) {
    throw new TRPCError({ code: "NOT_FOUND" });
  }
  return withLogger(membership.team.id, async () => next({ ctx: { team: membership.team } }));
});
export const projectProcedure = teamProcedure
  .input(z.object({ id: z.string() }))
  .use(async ({ ctx, next, input }) => {
    const project = await prisma.project.findUnique({
      where: { id: input.id, teamId: ctx.team.id },
    });
    if (!project) {
      throw new TRPCError({ code: "NOT_FOUND" });
    }
    return next({ ctx: { ...ctx, project } });
  });
"""
    projects = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, projectProcedure, teamProcedure } from "../trpc";
export const projectRouter = router({
  list: teamProcedure.query(({ ctx }) =>
    prisma.project.findMany({ where: { teamId: ctx.team.id } }),
  ),
  count: teamProcedure.query(({ ctx }) => prisma.project.count({ where: { teamId: ctx.team.id } })),
  archiveAll: teamProcedure.mutation(({ ctx }) =>
    prisma.project.updateMany({ where: { teamId: ctx.team.id }, data: { name: "archived" } }),
  ),
  rename: projectProcedure
    .input(z.object({ name: z.string().min(1) }))
    .mutation(({ input }) =>
      prisma.project.update({ where: { id: input.id }, data: { name: input.name } }),
    ),
});
"""
    log = "export async function withLogger<T>(_id: string, run: () => Promise<T>) {\n  return run();\n}\n"
    root = 'import { router } from "./trpc";\nimport { projectRouter } from "./routers/projects";\nexport const appRouter = router({ project: projectRouter });\n'
    schema = TEAM_PROJECTS_SCHEMA
    files = {
        "server/trpc.ts": trpc,
        "server/routers/projects.ts": projects,
        "server/root.ts": root,
        "lib/log.ts": log,
    }
    make_repo(tmp_path / "bound", files, schema=schema, dependencies={"@trpc/server": "11.0.0"})
    result = run_audit(tmp_path / "bound")
    listing = entry(result, "trpc_procedure:server/routers/projects.ts#project.list")
    assert statuses(listing)["authorization"] == "pass"
    rename = entry(result, "trpc_procedure:server/routers/projects.ts#project.rename")
    check = rename.checks.authorization
    assert check.status.value == "pass", check
    assert ("server/trpc.ts", 27) in {(e.file, e.line) for e in check.evidence}

    unscoped = trpc.replace(
        "where: { id: input.id, teamId: ctx.team.id },", "where: { id: input.id },"
    )
    assert unscoped != trpc
    make_repo(
        tmp_path / "open",
        {**files, "server/trpc.ts": unscoped},
        schema=schema,
        dependencies={"@trpc/server": "11.0.0"},
    )
    rename = entry(
        run_audit(tmp_path / "open"), "trpc_procedure:server/routers/projects.ts#project.rename"
    )
    assert statuses(rename)["authorization"] == "fail"


def test_class5_service_and_repository_classes_are_followed(tmp_path: Path) -> None:
    # The procedure's context carries a service built per request (`notesService: new
    # NotesService(db)`) and an actor built from the caller; the service loads through its
    # repository (`this.repo.get(id)`, a field set in the constructor) and hands the row to
    # `authorize(row, () => assertOwner(actor, row.authorId))`, which throws unless they match.
    actor = """import { TRPCError } from "@trpc/server";
export type Actor = { userId: string };
export function actorFromContext(ctx: { user: { id: string } }): Actor {
  return { userId: ctx.user.id };
}
export function assertOwner(actor: Actor, ownerId: string): void {
  if (actor.userId === ownerId) {
    return;
  }
  if (ownerId === "") {
    throw new TRPCError({ code: "NOT_FOUND" });
  }
  throw new TRPCError({ code: "FORBIDDEN" });
}
export async function authorize<T>(row: T, check: () => void): Promise<T> {
  check();
  return row;
}
"""
    repo = """import { prisma } from "@/lib/db";
export class NotesRepo {
  async get(id: string) {
    return prisma.note.findUnique({ where: { id } });
  }
}
"""
    service = """import { TRPCError } from "@trpc/server";
import { NotesRepo } from "./notes.repo";
import { type Actor, assertOwner, authorize } from "../lib/actor";
export class NotesService {
  private repo: NotesRepo;
  constructor() {
    this.repo = new NotesRepo();
  }
  async get(actor: Actor, id: string) {
    const note = await this.repo.get(id);
    if (!note) throw new TRPCError({ code: "NOT_FOUND" });
    return authorize(note, () => assertOwner(actor, note.authorId));
  }
}
"""
    router = """import { z } from "zod";
import { router, authedProcedure } from "../trpc";
import { actorFromContext } from "../lib/actor";
import { NotesService } from "../models/notes.service";
const notesProcedure = authedProcedure.use((opts) =>
  opts.next({
    ctx: { ...opts.ctx, actor: actorFromContext(opts.ctx), notesService: new NotesService() },
  }),
);
export const notesRouter = router({
  get: notesProcedure
    .input(z.object({ id: z.string() }))
    .query(({ ctx, input }) => ctx.notesService.get(ctx.actor, input.id)),
});
"""
    root = 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n'
    files = {
        "server/trpc.ts": TRPC_BASE,
        "server/lib/actor.ts": actor,
        "server/models/notes.repo.ts": repo,
        "server/models/notes.service.ts": service,
        "server/routers/notes.ts": router,
        "server/root.ts": root,
    }
    make_repo(tmp_path / "checked", files, dependencies={"@trpc/server": "11.0.0"})
    point = entry(
        run_audit(tmp_path / "checked"), "trpc_procedure:server/routers/notes.ts#notes.get"
    )
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert ("server/models/notes.service.ts", 12) in {(e.file, e.line) for e in check.evidence}

    unchecked = service.replace(
        "return authorize(note, () => assertOwner(actor, note.authorId));", "return note;"
    )
    assert unchecked != service
    make_repo(
        tmp_path / "open",
        {**files, "server/models/notes.service.ts": unchecked},
        dependencies={"@trpc/server": "11.0.0"},
    )
    point = entry(run_audit(tmp_path / "open"), "trpc_procedure:server/routers/notes.ts#notes.get")
    check = point.checks.authorization
    assert check.status.value == "fail", check
    assert ("server/models/notes.repo.ts", 4) in {(e.file, e.line) for e in check.evidence}


def test_class6_a_wrapper_that_parses_with_the_schema_it_is_given(tmp_path: Path) -> None:
    # `createSafeAction(schema, handler)`: the app's wrapper parses the action's input with the
    # schema, stops on failure and hands the parsed data to the handler, whose parameter is
    # validated. A wrapper that forwards the raw input validates nothing.
    wrapper = """import { z } from "zod";
export const createSafeAction = <I, O>(schema: z.Schema<I>, handler: (data: I) => Promise<O>) => {
  return async (data: I) => {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      return { error: "invalid" };
    }
    return handler(parsed.data);
  };
};
"""
    action = """'use server';
import { z } from "zod";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { createSafeAction } from "@/lib/create-safe-action";
const RenameNote = z.object({ title: z.string().min(1).max(100) });
const handler = async (data: { title: string }) => {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  return prisma.note.updateMany({ where: { authorId: session.user.id }, data: { title: data.title } });
};
export const renameNotes = createSafeAction(RenameNote, handler);
"""
    files = {"lib/create-safe-action.ts": wrapper, "app/notes/actions.ts": action}
    make_repo(tmp_path / "parsed", files)
    point = entry(run_audit(tmp_path / "parsed"), "server_action:app/notes/actions.ts#renameNotes")
    check = point.checks.input_validation
    assert check.status.value == "pass", check
    assert check.evidence[0].line == 12 and "createSafeAction" in check.evidence[0].detail
    forwarding = wrapper.replace("return handler(parsed.data);", "return handler(data);")
    make_repo(tmp_path / "raw", {**files, "lib/create-safe-action.ts": forwarding})
    point = entry(run_audit(tmp_path / "raw"), "server_action:app/notes/actions.ts#renameNotes")
    assert statuses(point)["input_validation"] == "fail"


def test_class6_a_path_segment_used_as_an_exact_key_is_no_val001_finding(tmp_path: Path) -> None:
    # `params.id` is a string and, as the value of a filter key, only picks the row with that
    # key: the check records it unvalidated, but no VAL001 is raised. A body value in the same
    # place may be an object (`{ "not": "" }`, a Prisma operator) and is reported.
    helper = """import { prisma } from "@/lib/db";
export async function noteById(id: string, authorId: string) {
  return prisma.note.findFirst({ where: { id, authorId } });
}
"""
    by_path = """import { auth } from "@/auth";
import { noteById } from "@/lib/notes";
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await params;
  return Response.json(await noteById(id, session.user.id));
}
"""
    by_body = """import { auth } from "@/auth";
import { noteById } from "@/lib/notes";
export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await req.json();
  return Response.json(await noteById(id, session.user.id));
}
"""
    make_repo(
        tmp_path,
        {
            "lib/notes.ts": helper,
            "app/api/notes/[id]/route.ts": by_path,
            "app/api/lookup/route.ts": by_body,
        },
    )
    result = run_audit(tmp_path)
    point = entry(result, "route_handler:app/api/notes/[id]/route.ts#GET")
    check = point.checks.input_validation
    assert check.status.value == "fail" and "exact key of a filter" in check.evidence[0].detail
    val001 = {f.entry_point for f in result.findings if f.rule == "VAL001"}
    assert "route_handler:app/api/notes/[id]/route.ts#GET" not in val001
    assert "route_handler:app/api/lookup/route.ts#POST" in val001


def test_class8_a_procedure_resolved_by_a_controller_passed_by_name(tmp_path: Path) -> None:
    # `.query(getNoteHandler)`: the resolver lives in a controller module; its body is the
    # procedure's, judged like an inline one (here: the owner filter binds the client's id).
    controller = """import { prisma } from "@/lib/db";
export async function getNoteHandler({ ctx, input }: { ctx: { user: { id: string } }; input: { id: string } }) {
  return prisma.note.findFirst({ where: { id: input.id, authorId: ctx.user.id } });
}
"""
    router = """import { z } from "zod";
import { router, authedProcedure } from "../trpc";
import { getNoteHandler } from "../controllers/notes";
export const notesRouter = router({
  get: authedProcedure.input(z.object({ id: z.string() })).query(getNoteHandler),
});
"""
    root = 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n'
    make_repo(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/controllers/notes.ts": controller,
            "server/routers/notes.ts": router,
            "server/root.ts": root,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    point = entry(run_audit(tmp_path), "trpc_procedure:server/routers/notes.ts#notes.get")
    assert statuses(point)["authentication"] == "pass"
    check = point.checks.authorization
    assert check.status.value == "pass" and check.evidence[0].file == "server/controllers/notes.ts"
    assert statuses(point)["input_validation"] == "pass"


def test_class3_a_route_that_reaches_data_through_a_trpc_caller(tmp_path: Path) -> None:
    # A REST route signs the caller in and calls the tRPC procedure in process: the procedure's
    # authorization is the route's (pass when the procedure binds the note to the caller).
    notes = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, authedProcedure } from "../trpc";
export const notesRouter = router({
  get: authedProcedure
    .input(z.object({ id: z.string() }))
    .query(({ ctx, input }) => prisma.note.findFirst({ where: { id: input.id, authorId: ctx.user.id } })),
});
"""
    root = 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n'
    route = """import { auth } from "@/auth";
import { appRouter } from "@/server/root";
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await params;
  const caller = appRouter.createCaller({ user: session.user });
  return Response.json(await caller.notes.get({ id }));
}
"""
    files = {
        "server/trpc.ts": TRPC_BASE,
        "server/routers/notes.ts": notes,
        "server/root.ts": root,
        "app/api/notes/[id]/route.ts": route,
    }
    make_repo(tmp_path / "bound", files, dependencies={"@trpc/server": "11.0.0"})
    point = entry(run_audit(tmp_path / "bound"), "route_handler:app/api/notes/[id]/route.ts#GET")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert "notes.get" in check.evidence[0].detail and check.evidence[0].line == 8
    unbound = notes.replace("{ id: input.id, authorId: ctx.user.id }", "{ id: input.id }")
    make_repo(
        tmp_path / "open",
        {**files, "server/routers/notes.ts": unbound},
        dependencies={"@trpc/server": "11.0.0"},
    )
    point = entry(run_audit(tmp_path / "open"), "route_handler:app/api/notes/[id]/route.ts#GET")
    assert statuses(point)["authorization"] == "fail"


def test_class3_a_filter_on_a_key_taken_from_the_callers_row_binds_the_query(
    tmp_path: Path,
) -> None:
    # The team is found for the caller; the project the client names is read with the team's
    # id in the same filter, so only the caller's team's projects can match. Without that key
    # in the filter: an IDOR.
    helper = """import { prisma } from "@/lib/db";
export async function teamOfMember(teamId: string, userId: string) {
  const team = await prisma.team.findFirst({
    where: { id: teamId, memberships: { some: { userId } } },
  });
  if (!team) throw new Error("Not found");
  return team;
}
"""
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { teamOfMember } from "@/lib/teams";
export async function GET(req: Request, { params }: { params: Promise<{ team: string; id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { team: teamId, id } = await params;
  const team = await teamOfMember(teamId, session.user.id);
  const project = await prisma.project.findFirst({
    where: { id, teamId: team.id },
  });
  return Response.json(project);
}
"""
    schema = TEAM_PROJECTS_SCHEMA
    path = "app/api/teams/[team]/projects/[id]/route.ts"
    make_repo(tmp_path / "bound", {"lib/teams.ts": helper, path: route}, schema=schema)
    point = entry(run_audit(tmp_path / "bound"), f"route_handler:{path}#GET")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert any("team.id" in e.detail and e.line == 10 for e in check.evidence), check
    open_route = route.replace("where: { id, teamId: team.id },", "where: { id },")
    make_repo(tmp_path / "open", {"lib/teams.ts": helper, path: open_route}, schema=schema)
    point = entry(run_audit(tmp_path / "open"), f"route_handler:{path}#GET")
    assert statuses(point)["authorization"] == "fail"


def test_class6_an_id_that_must_equal_the_callers_is_checked(tmp_path: Path) -> None:
    # The action exits unless the id the client sends is the caller's own: past that exit the
    # value can only be that id, so it reaches the query checked.
    action = """'use server';
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function deleteAccount(userId: string) {
  const session = await auth();
  if (!session?.user || session.user.id !== userId) {
    throw new Error("Unauthorized");
  }
  await prisma.user.delete({ where: { id: userId } });
}
"""
    make_repo(tmp_path / "equal", {"app/account/actions.ts": action})
    point = entry(
        run_audit(tmp_path / "equal"), "server_action:app/account/actions.ts#deleteAccount"
    )
    check = point.checks.input_validation
    assert check.status.value == "pass" and check.evidence[0].line == 6, check
    loose = action.replace("!session?.user || session.user.id !== userId", "!session?.user")
    make_repo(tmp_path / "loose", {"app/account/actions.ts": loose})
    point = entry(
        run_audit(tmp_path / "loose"), "server_action:app/account/actions.ts#deleteAccount"
    )
    assert statuses(point)["input_validation"] == "fail"


def test_class1_a_link_signed_with_a_keyed_digest_authenticates(tmp_path: Path) -> None:
    # The unsubscribe link carries the contact id and a digest of it keyed by a server secret; the
    # route recomputes the digest and stops on a mismatch before it changes the row: a signed
    # link, the `signature` kind of caller. A digest without the secret proves nothing.
    route = """import { createHash } from "node:crypto";
import { prisma } from "@/lib/db";
export async function POST(req: Request) {
  const url = new URL(req.url);
  const id = url.searchParams.get("id") ?? "";
  const hash = url.searchParams.get("hash") ?? "";
  const expected = createHash("sha256").update(`${id}-${process.env.LINK_SECRET}`).digest("hex");
  if (hash !== expected) {
    throw new Error("Invalid link");
  }
  await prisma.user.update({ where: { id }, data: { email: "" } });
  return new Response(null, { status: 204 });
}
"""
    make_repo(tmp_path / "signed", {"app/api/unsubscribe/route.ts": route})
    point = entry(run_audit(tmp_path / "signed"), "route_handler:app/api/unsubscribe/route.ts#POST")
    check = point.checks.authentication
    assert check.status.value == "pass" and check.kind == "signature", check
    assert check.evidence[0].line == 8
    unkeyed = route.replace("`${id}-${process.env.LINK_SECRET}`", "id")
    make_repo(tmp_path / "unkeyed", {"app/api/unsubscribe/route.ts": unkeyed})
    point = entry(
        run_audit(tmp_path / "unkeyed"), "route_handler:app/api/unsubscribe/route.ts#POST"
    )
    assert statuses(point)["authentication"] == "fail"


def test_class8_use_server_module_reached_only_from_server_code(tmp_path: Path) -> None:
    helper = """"use server";
import { prisma } from "@/lib/db";
export async function renameNote(id: string, userId: string, title: string) {
  await prisma.note.updateMany({ where: { id, authorId: userId }, data: { title } });
}
"""
    route = """import { auth } from "@/auth";
import { renameNote } from "@/lib/server-only/rename-note";
export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  await renameNote("n1", session.user.id, "t");
}
"""
    pages_api = """import { renameNote } from "@/lib/server-only/rename-note";
export default async function handler(req: any, res: any) {
  res.json(await renameNote("n1", "u1", "t"));
}
"""
    files = {
        "lib/server-only/rename-note.ts": helper,
        "app/api/rename/route.ts": route,
        # A .tsx in the Pages Router is still server code: no Server Action lives there.
        "pages/api/v1/[...rest].tsx": pages_api,
    }
    result = audit_files(tmp_path, files)
    assert not [e for e in result.entry_points if e.kind.value == "server_action"]

    form = """"use client";
import { renameNote } from "@/lib/server-only/rename-note";
export function RenameForm() {
  return <form action={() => renameNote("n1", "u1", "t")} />;
}
"""
    result = audit_files(tmp_path / "client", {**files, "components/rename-form.tsx": form})
    actions = [e.id for e in result.entry_points if e.kind.value == "server_action"]
    assert actions == ["server_action:lib/server-only/rename-note.ts#renameNote"]


def test_class6_input_handed_to_a_trpc_procedure_is_validated_by_its_schema(
    tmp_path: Path,
) -> None:
    # A REST route calls the tRPC router through a server-side caller: the procedure's `.input()`
    # schema checks what the route hands it before its resolver runs.
    route = """import { auth } from "@/auth";
import { appRouter } from "@/server/root";
export async function PATCH(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await params;
  const { title } = await req.json();
  const caller = appRouter.createCaller({ user: session.user });
  return Response.json(await caller.labels.rename({ id, title }));
}
"""
    result = audit_files(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/routers/labels.ts": LABELS_ROUTER,
            "server/root.ts": 'import { router } from "./trpc";\nimport { labelsRouter } from "./routers/labels";\nexport const appRouter = router({ labels: labelsRouter });\n',
            "app/api/labels/[id]/route.ts": route,
        },
    )
    point = entry(result, "route_handler:app/api/labels/[id]/route.ts#PATCH")
    assert statuses(point)["input_validation"] == "pass"
    schema, handoff = point.checks.input_validation.evidence  # the guard first, then the call
    assert (schema.file, schema.line) == ("server/routers/labels.ts", 9)
    assert (handoff.file, handoff.line) == ("app/api/labels/[id]/route.ts", 9)
    assert "tRPC procedure" in handoff.detail and "server/routers/labels.ts:9" in handoff.detail
    # A service client's call whose path spells a procedure's (`stripe.labels.rename`) is still
    # a sink: no procedure's schema checks what it is handed.
    direct = route.replace(
        "  const caller = appRouter.createCaller({ user: session.user });\n"
        "  return Response.json(await caller.labels.rename({ id, title }));",
        "  return Response.json(await stripe.labels.rename({ id, title }));",
    ).replace(
        'import { appRouter } from "@/server/root";',
        'import Stripe from "stripe";\nconst stripe = new Stripe(process.env.STRIPE_KEY ?? "");',
    )
    assert direct != route
    (tmp_path / "app/api/labels/[id]/route.ts").write_text(direct, encoding="utf-8")
    point = entry(run_audit(tmp_path), "route_handler:app/api/labels/[id]/route.ts#PATCH")
    assert statuses(point)["input_validation"] == "fail"


def test_class6_number_coercion_with_a_check_validates_an_id(tmp_path: Path) -> None:
    route = """import { prisma } from "@/lib/db";
import { auth } from "@/auth";

export async function GET(req: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const take = Number(new URL(req.url).searchParams.get("take"));
  if (!Number.isInteger(take) || take < 1) {
    return new Response("bad take", { status: 400 });
  }
  return Response.json(await prisma.note.findMany({ where: { authorId: session.user.id }, take }));
}
"""
    result = audit_files(tmp_path, {"app/api/notes/route.ts": route})
    point = entry(result, "route_handler:app/api/notes/route.ts#GET")
    assert statuses(point)["input_validation"] == "pass"


def test_principal_filtered_read_is_authorized(tmp_path: Path) -> None:
    route = """import { prisma } from "@/lib/db";
import { auth } from "@/auth";

export async function GET() {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const notes = await prisma.note.findMany({
    where: { authorId: session.user.id },
  });
  return Response.json(notes.map((n) => n.title));
}
"""
    result = audit_files(tmp_path, {"app/api/notes/route.ts": route})
    point = entry(result, "route_handler:app/api/notes/route.ts#GET")
    assert statuses(point)["authorization"] == "pass"
    assert point.checks.authorization.evidence[0].line == 8


def test_class1_app_defined_token_bucket_rate_limit(tmp_path: Path) -> None:
    limiter = """export class TokenBucket {
  constructor(public max: number, public refill: number) {}
  consume(key: string, cost: number): boolean {
    return key.length > 0 && cost <= this.max;
  }
}
export const loginBucket = new TokenBucket(5, 60);
"""
    action = """"use server";
import { headers } from "next/headers";
import { loginBucket } from "@/lib/rate-limit";
import { prisma } from "@/lib/db";

export async function loginAction(email: string) {
  const ip = (await headers()).get("x-forwarded-for") ?? "";
  if (!loginBucket.consume(ip, 1)) {
    return { message: "Too many requests" };
  }
  return prisma.user.findUnique({ where: { email }, select: { id: true } });
}
"""
    result = audit_files(tmp_path, {"lib/rate-limit.ts": limiter, "app/login/actions.ts": action})
    point = entry(result, "server_action:app/login/actions.ts#loginAction")
    assert statuses(point)["rate_limiting"] == "pass"


def test_local_placeholder_credentials_are_not_hardcoded_secrets(tmp_path: Path) -> None:
    config = 'export const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres:postgres@localhost:5432/app";\n'
    remote = config.replace("localhost", "db.internal.acme-prod.net")
    fixture = 'export const key = "sk_live_51HqLyjWDarjtT1zdp7dc9a0ZkZb1";\n'
    result = audit_files(
        tmp_path,
        {"lib/config.ts": config, "lib/remote.ts": remote, "lib/keys.test.ts": fixture},
    )
    assert [f.file for f in result.findings if f.rule == "SEC003"] == ["lib/remote.ts"]


def test_an_action_that_only_sets_a_preference_cookie_protects_nothing(tmp_path: Path) -> None:
    action = """"use server";
import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";

export async function setLayout(layout: "grid" | "list") {
  const store = await cookies();
  store.set("layout", layout);
  revalidatePath("/");
}
"""
    result = audit_files(tmp_path, {"app/settings/prefs.ts": action})
    point = entry(result, "server_action:app/settings/prefs.ts#setLayout")
    assert statuses(point)["authentication"] == "n/a"


def test_an_action_whose_helper_sends_mail_is_sensitive(tmp_path: Path) -> None:
    mailer = """import { Resend } from "resend";
const resend = new Resend(process.env.RESEND_API_KEY);
export async function notify(to: string) {
  await resend.emails.send({ from: "a@b.test", to, subject: "hi", html: "" });
}
"""
    action = """"use server";
import { notify } from "@/lib/mailer";
export async function ping(to: string) {
  await notify(to);
}
"""
    result = audit_files(
        tmp_path,
        {"lib/mailer.ts": mailer, "app/ping/actions.ts": action},
        dependencies={"resend": "4.0.0"},
    )
    point = entry(result, "server_action:app/ping/actions.ts#ping")
    assert statuses(point)["authentication"] == "fail"


def test_sign_in_variants_are_public_by_design(tmp_path: Path) -> None:
    action = """"use server";
import { signIn } from "@/auth";
export async function signInWithCredentials(email: string, password: string) {
  await signIn("credentials", { email, password });
}
"""
    result = audit_files(tmp_path, {"app/login/actions.ts": action})
    point = entry(result, "server_action:app/login/actions.ts#signInWithCredentials")
    assert statuses(point)["authentication"] == "n/a"


def test_flows_for_signed_out_visitors_named_by_their_words_are_public_by_design(
    tmp_path: Path,
) -> None:
    # The flow's words anywhere in a name (generatePasswordResetPrompt, verify-email-token) or a
    # route segment `public` say it is meant for signed-out visitors; a look-alike word does not.
    actions = """"use server";
import { prisma } from "@/lib/db";
export async function generatePasswordResetPrompt(email: string) {
  await prisma.user.update({ where: { email }, data: { resetCode: "x" } });
}
export async function updateContact(id: string, phone: string) {
  await prisma.user.update({ where: { id }, data: { phone } });
}
"""
    route = """import { prisma } from "@/lib/db";
export async function GET(req: Request) {
  const token = new URL(req.url).searchParams.get("token") ?? "";
  return Response.json(await prisma.user.findFirst({ where: { resetCode: token } }));
}
"""
    form = """"use client";
import { generatePasswordResetPrompt, updateContact } from "./actions";
export function Forms() {
  return <form action={() => { generatePasswordResetPrompt("a"); updateContact("b", "c"); }} />;
}
"""
    result = audit_files(
        tmp_path,
        {
            "app/account/actions.ts": actions,
            "app/account/forms.tsx": form,
            "app/api/verify-email-token/route.ts": route,
            "app/api/v1/public/users/route.ts": route,
        },
    )
    for point_id in (
        "server_action:app/account/actions.ts#generatePasswordResetPrompt",
        "route_handler:app/api/verify-email-token/route.ts#GET",
        "route_handler:app/api/v1/public/users/route.ts#GET",
    ):
        assert statuses(entry(result, point_id))["authentication"] == "n/a", point_id
    contact = entry(result, "server_action:app/account/actions.ts#updateContact")
    assert statuses(contact)["authentication"] == "fail"


def test_class2_fields_of_a_row_the_database_returned_are_not_client_input(tmp_path: Path) -> None:
    # The client's key picks the row; the row's authorId is stored data, not the client's value.
    route = """import { prisma } from "@/lib/db";
export async function POST(req: Request) {
  const { token } = await req.json();
  const pending = await prisma.note.findFirst({ where: { id: token } });
  if (!pending) return new Response(null, { status: 404 });
  await prisma.user.update({ where: { id: pending.authorId }, data: { name: "verified" } });
  return new Response(null, { status: 204 });
}
"""
    result = audit_files(tmp_path, {"app/api/verify-email/route.ts": route})
    flagged = [(f.rule, f.line) for f in result.findings if f.rule.startswith("VAL")]
    assert flagged == [("VAL001", 4)]  # the raw key in the lookup, not the row's own authorId


DRIZZLE_DB = """import { drizzle } from "drizzle-orm/node-postgres";
import * as schema from "./schema";
export const db = drizzle(process.env.DATABASE_URL!, { schema });
"""
DRIZZLE_CONFIG = """import { defineConfig } from "drizzle-kit";
export default defineConfig({ schema: "./db/schema.ts", dialect: "postgresql" });
"""
DRIZZLE_SCHEMA = """import { pgTable, text } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: text("id").primaryKey(), email: text("email").notNull() });
"""


def test_class6_a_drizzle_filter_written_as_a_callback_is_read(tmp_path: Path) -> None:
    # Unvalidated, an action argument inside `where: (t, { eq }) => ...` reaches the query.
    action = """"use server";
import { db } from "@/db";

export async function emailTaken(email: string) {
  const found = await db.query.users.findFirst({
    where: (users, { eq }) => eq(users.email, email.toLowerCase()),
    columns: { id: true },
  });
  return Boolean(found);
}
"""
    result = audit_files(
        tmp_path,
        {
            "drizzle.config.ts": DRIZZLE_CONFIG,
            "db/index.ts": DRIZZLE_DB,
            "db/schema.ts": DRIZZLE_SCHEMA,
            "app/signup/check.ts": action,
        },
        schema=None,
        dependencies={"drizzle-orm": "0.43.1"},
    )
    point = entry(result, "server_action:app/signup/check.ts#emailTaken")
    assert statuses(point)["input_validation"] == "fail"
    assert point.checks.input_validation.evidence[0].line == 6


def test_class6_unvalidated_argument_reaching_a_query_in_a_helper(tmp_path: Path) -> None:
    helper = """import { prisma } from "@/lib/db";
export async function reviewsOf(noteId: string) {
  return prisma.note.findMany({ where: { id: noteId }, select: { title: true } });
}
"""
    action = """"use server";
import { reviewsOf } from "@/lib/reviews";
export async function listReviews(noteId: string) {
  return reviewsOf(noteId);
}
"""
    result = audit_files(tmp_path, {"lib/reviews.ts": helper, "app/notes/reviews.ts": action})
    check = entry(result, "server_action:app/notes/reviews.ts#listReviews").checks.input_validation
    assert check.status.value == "fail"
    assert (check.evidence[0].file, check.evidence[0].line) == ("lib/reviews.ts", 3)


def test_client_value_written_into_a_cookie_is_a_sink(tmp_path: Path) -> None:
    action = """"use server";
import { cookies } from "next/headers";
export async function setLanguage(lang: string) {
  const store = await cookies();
  store.set("lang", lang);
}
"""
    result = audit_files(tmp_path, {"app/settings/lang.ts": action})
    check = entry(result, "server_action:app/settings/lang.ts#setLanguage").checks.input_validation
    assert check.status.value == "fail" and "cookie" in check.evidence[0].detail


def test_a_request_handed_to_a_session_helper_is_no_unvalidated_input(tmp_path: Path) -> None:
    # The helper reads the Authorization header and looks the token up: authentication, not input.
    helper = """import type { NextApiRequest } from "next";
import { prisma } from "@/lib/db";
export async function verifyToken({ req }: { req: NextApiRequest }) {
  const token = req.headers.authorization?.split(" ")[1];
  const found = await prisma.user.findUnique({ where: { email: token ?? "" } });
  return found;
}
"""
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { verifyToken } from "@/lib/verify";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const user = await verifyToken({ req });
  if (!user) return res.status(401).json({});
  return res.json({ id: user.id });
}
"""
    result = audit_files(tmp_path, {"lib/verify.ts": helper, "pages/api/me.ts": route})
    check = entry(result, "pages_api:pages/api/me.ts#default").checks.input_validation
    assert check.status.value != "fail", check


def test_a_hashed_value_is_no_longer_the_clients_text(tmp_path: Path) -> None:
    helper = """import { sha1 } from "@oslojs/crypto/sha1";
export async function pwned(password: string) {
  const digest = sha1(new TextEncoder().encode(password));
  const response = await fetch(`https://passwords.test/range/${digest}`);
  return response.ok;
}
"""
    action = """"use server";
import { pwned } from "@/lib/pwned";
export async function checkPassword(password: string) {
  return pwned(password);
}
"""
    result = audit_files(tmp_path, {"lib/pwned.ts": helper, "app/signup/check.ts": action})
    check = entry(result, "server_action:app/signup/check.ts#checkPassword").checks.input_validation
    assert check.status.value != "fail", check


def test_a_check_after_the_query_does_not_authenticate_it(tmp_path: Path) -> None:
    page = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export default async function Search({ searchParams }: { searchParams: Promise<{ q: string }> }) {
  const { q } = await searchParams;
  const notes = await prisma.note.findMany({ where: { title: { contains: q } } });
  const session = await auth();
  if (!session?.user) {
    return null;
  }
  return <ul>{notes.map((n) => <li key={n.id}>{n.title}</li>)}</ul>;
}
"""
    result = audit_files(tmp_path, {"app/search/page.tsx": page})
    check = entry(result, "page:app/search/page.tsx#default").checks.authentication
    assert check.status.value == "fail"
    assert check.evidence[0].line == 5 and "before the check at line 7" in check.evidence[0].detail


CONTEXT_HELPER = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function getWorkspaceContext() {
  const session = await auth();
  if (!session?.user?.id) return null;
  const membership = await prisma.membership.findFirst({ where: { userId: session.user.id } });
  if (!membership) return null;
  return { workspaceId: membership.workspaceId, userId: session.user.id };
}
"""

AUTH_SETUP = 'import NextAuth from "next-auth";\nexport const { auth, handlers } = NextAuth({ providers: [] });\n'


def test_class5_helper_returning_null_guards_only_where_the_caller_branches(
    tmp_path: Path,
) -> None:
    # The helper's early `return null` stops the helper, not the request: the route that ignores
    # its result is unauthenticated, the one that answers 401 on null is authenticated at its branch.
    branching = """import { getWorkspaceContext } from "@/lib/context";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const ctx = await getWorkspaceContext();
  if (!ctx) {
    return new Response("Unauthorized", { status: 401 });
  }
  const rows = await prisma.monitor.findMany({ where: { workspaceId: ctx.workspaceId } });
  return Response.json(rows);
}
"""
    ignoring = """import { getWorkspaceContext } from "@/lib/context";
import { prisma } from "@/lib/db";

export async function GET() {
  await getWorkspaceContext();
  const rows = await prisma.monitor.findMany();
  return Response.json(rows);
}
"""
    result = audit_files(
        tmp_path,
        {
            "auth.ts": AUTH_SETUP,
            "lib/context.ts": CONTEXT_HELPER,
            "app/api/branching/route.ts": branching,
            "app/api/ignoring/route.ts": ignoring,
        },
        dependencies={"next-auth": "5.0.0-beta.25"},
    )
    point = entry(result, "route_handler:app/api/branching/route.ts#POST")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.kind == "session"
    assert point.checks.authentication.evidence[0].line == 6  # the caller's branch on the result
    point = entry(result, "route_handler:app/api/ignoring/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"


def test_class4_signed_webhook_is_authenticated_by_its_signature(tmp_path: Path) -> None:
    verify = """import Stripe from "stripe";
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
export function verifyBillingEvent(body: string, signature: string) {
  return stripe.webhooks.constructEvent(body, signature, process.env.STRIPE_WEBHOOK_SECRET!);
}
"""
    route = """import { verifyBillingEvent } from "@/lib/billing";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const body = await req.text();
  const event = verifyBillingEvent(body, req.headers.get("stripe-signature") ?? "");
  await prisma.invoice.create({ data: { externalId: event.id } });
  return new Response(null, { status: 204 });
}
"""
    result = audit_files(
        tmp_path,
        {"lib/billing.ts": verify, "app/api/billing/events/route.ts": route},
        dependencies={"stripe": "17.0.0"},
    )
    point = entry(result, "route_handler:app/api/billing/events/route.ts#POST")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.kind == "signature"
    assert point.public  # no user session: its rows bind to no one


def test_class4_api_key_looked_up_by_its_hash(tmp_path: Path) -> None:
    lookup = """import { createHash } from "node:crypto";
import { prisma } from "@/lib/db";

export async function requireApiToken(authorization: string | undefined) {
  const presented = (authorization ?? "").replace("Bearer ", "");
  const row = await prisma.apiToken.findFirst({
    where: { hashedToken: createHash("sha256").update(presented).digest("hex") },
  });
  if (!row) {
    throw new Error("invalid token");
  }
  return row;
}
"""
    handler = """import type { NextApiRequest, NextApiResponse } from "next";
import { requireApiToken } from "@/lib/api-token";
import { prisma } from "@/lib/db";

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const token = await requireApiToken(req.headers.authorization);
  const docs = await prisma.document.findMany({ where: { teamId: token.teamId } });
  res.status(200).json(docs);
}
"""
    schema = (
        PRISMA_SCHEMA
        + "\nmodel ApiToken {\n  id String @id\n  hashedToken String @unique\n  teamId String\n}\n"
        + "\nmodel Document {\n  id String @id\n  teamId String\n}\n"
    )
    result = audit_files(
        tmp_path,
        {"lib/api-token.ts": lookup, "pages/api/v1/documents.ts": handler},
        schema=schema,
    )
    point = entry(result, "pages_api:pages/api/v1/documents.ts#default")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.kind == "api_key"
    evidence = point.checks.authentication.evidence[0]
    assert evidence.line == 6 and "ApiToken" in evidence.detail


def test_class5_a_procedure_gate_is_not_undone_by_a_later_row_check(tmp_path: Path) -> None:
    # The authed procedure's middleware runs first; the handler's later `if (!row)` about a looked-up
    # row is no authentication check that comes too late.
    router = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, authedProcedure } from "../trpc";

export const notesRouter = router({
  archive: authedProcedure.input(z.object({ id: z.string() })).mutation(async ({ ctx, input }) => {
    const note = await prisma.note.findFirst({ where: { id: input.id, authorId: ctx.user.id } });
    const owner = ctx.user;
    if (!owner) throw new Error("gone");
    return note;
  }),
});
"""
    result = audit_files(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/routers/notes.ts": router,
            "server/root.ts": 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n',
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    point = entry(result, "trpc_procedure:server/routers/notes.ts#notes.archive")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.evidence[0].file == "server/trpc.ts"


def test_reads_limited_to_public_rows_need_no_sign_in(tmp_path: Path) -> None:
    # Public content: the only read is filtered to rows marked public. The same read without the
    # flag serves anyone's notes and stays an authentication failure.
    public = """import { prisma } from "@/lib/db";
export async function GET(req: Request, { params }: { params: { id: string } }) {
  const note = await prisma.note.findFirst({ where: { id: params.id, isPublic: true } });
  return Response.json(note);
}
"""
    private = public.replace(", isPublic: true", "")
    result = audit_files(
        tmp_path,
        {"app/api/shared/[id]/route.ts": public, "app/api/any/[id]/route.ts": private},
    )
    point = entry(result, "route_handler:app/api/shared/[id]/route.ts#GET")
    assert statuses(point)["authentication"] == "n/a"
    evidence = point.checks.authentication.evidence[0]
    assert evidence.line == 3 and "isPublic: true" in evidence.detail
    point = entry(result, "route_handler:app/api/any/[id]/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"


def test_reads_limited_to_a_published_state_need_no_sign_in(tmp_path: Path) -> None:
    # A state column set to a public value (`status: NoteStatus.Published`, `privacy: "Public"`)
    # marks public content as a boolean flag does; a draft state does not.
    published = """import { prisma } from "@/lib/db";
import { NoteStatus } from "@prisma/client";
export async function GET(req: Request, { params }: { params: { id: string } }) {
  const note = await prisma.note.findFirst({ where: { id: params.id, status: NoteStatus.Published } });
  return Response.json(note);
}
"""
    drafts = published.replace("NoteStatus.Published", "NoteStatus.Draft")
    result = audit_files(
        tmp_path,
        {"app/api/published/[id]/route.ts": published, "app/api/drafts/[id]/route.ts": drafts},
    )
    point = entry(result, "route_handler:app/api/published/[id]/route.ts#GET")
    assert statuses(point)["authentication"] == "n/a"
    assert "status: NoteStatus.Published" in point.checks.authentication.evidence[0].detail
    point = entry(result, "route_handler:app/api/drafts/[id]/route.ts#GET")
    assert statuses(point)["authentication"] == "fail"


def test_class1_a_key_looked_up_by_its_digest_in_any_table_authenticates(tmp_path: Path) -> None:
    # A wrapper hashes the presented token and looks the partner up by it, stopping without one:
    # an API-key caller, though the table is not named like a key. A plain (unhashed) token is a
    # share-link secret, no proof of who calls.
    wrapper = """import { createHash } from "node:crypto";
import type { NextApiRequest, NextApiResponse } from "next";
import { prisma } from "@/lib/db";
export function hashSecret(value: string) {
  return createHash("sha256").update(value).digest("hex");
}
export function PartnerEndpoint(
  handler: (req: NextApiRequest, res: NextApiResponse, partner: { id: string }) => Promise<void>,
) {
  return async (req: NextApiRequest, res: NextApiResponse) => {
    const token = String(req.query.token ?? "");
    const partner = await prisma.partner.findUnique({ where: { token: hashSecret(token) } });
    if (!partner) return res.status(401).json({ error: "Unauthorized" });
    await handler(req, res, partner);
  };
}
"""
    route = """import { prisma } from "@/lib/db";
import { PartnerEndpoint } from "@/lib/endpoints";
export default PartnerEndpoint(async function handler(req, res, partner) {
  await prisma.partnerModel.deleteMany({ where: { partnerId: partner.id } });
  res.status(204).end();
});
"""
    schema = (
        PRISMA_SCHEMA
        + """
model Partner {
  id    String @id
  token String @unique
}

model PartnerModel {
  id        String @id
  partnerId String
}
"""
    )
    files = {"lib/endpoints.ts": wrapper, "pages/api/partners/models.ts": route}
    make_repo(tmp_path / "hashed", files, schema=schema)
    point = entry(run_audit(tmp_path / "hashed"), "pages_api:pages/api/partners/models.ts#default")
    check = point.checks.authentication
    assert check.status.value == "pass", check
    assert ("lib/endpoints.ts", 13) in {(e.file, e.line) for e in check.evidence}
    plain = wrapper.replace("{ token: hashSecret(token) }", "{ token }")
    make_repo(tmp_path / "plain", {**files, "lib/endpoints.ts": plain}, schema=schema)
    point = entry(run_audit(tmp_path / "plain"), "pages_api:pages/api/partners/models.ts#default")
    assert statuses(point)["authentication"] != "pass"


def test_class1_identity_destructured_from_the_procedure_context(tmp_path: Path) -> None:
    # `({ ctx: { user, ...ctx }, next })`: the middleware tests the user it took out of the
    # context; the procedures built on it are authenticated by that test.
    trpc = """import { initTRPC, TRPCError } from "@trpc/server";
type Context = { user: { id: string; bannedAt: Date | null } | null };
const t = initTRPC.context<Context>().create();
export const router = t.router;
const isAuthed = t.middleware(({ ctx: { user, ...ctx }, next }) => {
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { ...ctx, user } });
});
export const protectedProcedure = t.procedure.use(isAuthed);
"""
    notes = """import { prisma } from "@/lib/db";
import { router, protectedProcedure } from "../trpc";
export const notesRouter = router({
  mine: protectedProcedure.query(({ ctx }) =>
    prisma.note.findMany({ where: { authorId: ctx.user.id } }),
  ),
});
"""
    root = 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n'
    files = {"server/trpc.ts": trpc, "server/routers/notes.ts": notes, "server/root.ts": root}
    make_repo(tmp_path / "guarded", files, dependencies={"@trpc/server": "11.0.0"})
    point = entry(
        run_audit(tmp_path / "guarded"), "trpc_procedure:server/routers/notes.ts#notes.mine"
    )
    check = point.checks.authentication
    assert check.status.value == "pass" and check.evidence[0].line == 6, check
    open_trpc = trpc.replace('  if (!user) throw new TRPCError({ code: "UNAUTHORIZED" });\n', "")
    make_repo(
        tmp_path / "open",
        {**files, "server/trpc.ts": open_trpc},
        dependencies={"@trpc/server": "11.0.0"},
    )
    point = entry(run_audit(tmp_path / "open"), "trpc_procedure:server/routers/notes.ts#notes.mine")
    assert statuses(point)["authentication"] == "fail"


def test_class1_memoized_renamed_auth_js_session(tmp_path: Path) -> None:
    # `const { auth: nextAuth } = NextAuth(...)` then `export const auth = cache(nextAuth)`: still the
    # Auth.js session call.
    setup = """import NextAuth from "next-auth";
import { cache } from "react";
const { handlers, auth: nextAuth } = NextAuth({ providers: [] });
export const auth = cache(nextAuth);
export { handlers };
"""
    route = """import { auth } from "@/lib/auth";
import { prisma } from "@/lib/db";
export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  return Response.json(await prisma.note.findMany({ where: { authorId: session.user.id } }));
}
"""
    result = audit_files(tmp_path, {"lib/auth.ts": setup, "app/api/mine/route.ts": route})
    point = entry(result, "route_handler:app/api/mine/route.ts#GET")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.evidence[0].line == 5


def test_class6_client_value_handed_to_a_service_object_the_repository_built(
    tmp_path: Path,
) -> None:
    # `services()` is the repository's own; what its objects do with the value cannot be followed,
    # but they act on it: the unvalidated value reaches them.
    services = """export function services() {
  return { tags: makeTags() };
}
declare function makeTags(): { create(input: unknown): Promise<void> };
"""
    action = """"use server";
import { services } from "@/lib/services";
export async function createTag(input: { name: string }) {
  const { tags } = services();
  console.log(input);
  await tags.create(input);
}
"""
    result = audit_files(tmp_path, {"lib/services.ts": services, "app/tags/actions.ts": action})
    check = entry(result, "server_action:app/tags/actions.ts#createTag").checks.input_validation
    assert check.status.value == "fail"
    assert check.evidence[0].line == 6 and "cannot follow" in check.evidence[0].detail


def test_class6_a_logged_value_reaches_no_sink(tmp_path: Path) -> None:
    action = """"use server";
export async function track(event: string) {
  console.log(event);
  logger.info(event);
}
declare const logger: { info(message: string): void };
"""
    result = audit_files(tmp_path, {"app/track/actions.ts": action})
    check = entry(result, "server_action:app/track/actions.ts#track").checks.input_validation
    assert check.status.value != "fail", check


HELPER_WITH_SCHEMA = """import { z } from "zod";
import { prisma } from "@/lib/db";
const NoteSchema = z.object({ title: z.string().max(80) });
export async function postNote(body: unknown) {
  const parsed = NoteSchema.safeParse(body);
  if (!parsed.success) throw new Error("invalid");
  return prisma.note.create({ data: { title: parsed.data.title, authorId: "x" } });
}
"""


def test_class6_a_helper_that_checks_its_parameter_against_a_schema_validates_it(
    tmp_path: Path,
) -> None:
    route = """import { postNote } from "@/lib/notes";
export async function POST(req: Request) {
  const body = await req.json();
  return Response.json(await postNote(body));
}
"""
    result = audit_files(
        tmp_path, {"lib/notes.ts": HELPER_WITH_SCHEMA, "app/api/notes/route.ts": route}
    )
    check = entry(result, "route_handler:app/api/notes/route.ts#POST").checks.input_validation
    assert check.status.value == "pass"
    assert (check.evidence[0].file, check.evidence[0].line) == ("lib/notes.ts", 5)


def test_class6_a_coercion_or_csv_parser_in_a_helper_is_no_schema_check(tmp_path: Path) -> None:
    helper = """import Papa from "papaparse";
import { prisma } from "@/lib/db";
export async function importNotes(text: string) {
  const rows = Papa.parse(text).data as string[][];
  return prisma.note.createMany({ data: rows.map((r) => ({ title: r[0], authorId: "x" })) });
}
"""
    route = """import { importNotes } from "@/lib/import";
export async function POST(req: Request) {
  const text = await req.text();
  return Response.json(await importNotes(text));
}
"""
    result = audit_files(
        tmp_path,
        {"lib/import.ts": helper, "app/api/import/route.ts": route},
        dependencies={"papaparse": "5.4.1"},
    )
    check = entry(result, "route_handler:app/api/import/route.ts#POST").checks.input_validation
    assert check.status.value != "pass", check


def test_class6_a_procedure_input_schema_validates_even_if_the_handler_ignores_input(
    tmp_path: Path,
) -> None:
    router = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, authedProcedure } from "../trpc";
export const notesRouter = router({
  count: authedProcedure
    .input(z.object({ since: z.date() }))
    .query(({ ctx }) => prisma.note.count({ where: { authorId: ctx.user.id } })),
  all: authedProcedure
    .input(z.void())
    .query(({ ctx }) => prisma.note.findMany({ where: { authorId: ctx.user.id } })),
});
"""
    result = audit_files(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/routers/notes.ts": router,
            "server/root.ts": 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n',
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    count = entry(result, "trpc_procedure:server/routers/notes.ts#notes.count")
    assert statuses(count)["input_validation"] == "pass"
    assert count.checks.input_validation.evidence[0].line == 6
    everything = entry(result, "trpc_procedure:server/routers/notes.ts#notes.all")
    assert statuses(everything)["input_validation"] == "n/a"


USERS_DB = """import sqlite3 from "better-sqlite3";
class Database {
  constructor(private file: string) {}
  queryOne(sql: string, params: unknown[]) {
    return sqlite3(this.file).prepare(sql).get(...params);
  }
}
export const db = new Database("app.db");
export function userByEmail(email: string) {
  return db.queryOne("SELECT id FROM user WHERE email = ?", [email]);
}
export function verifyEmailInput(email: string): boolean {
  return /^.+@.+\\..+$/.test(email) && email.length < 256;
}
"""


def _login_action(checks: str) -> str:
    return f""""use server";
import {{ userByEmail, verifyEmailInput }} from "@/lib/db";
export async function login(_prev: unknown, formData: FormData) {{
  const email = formData.get("email");
{checks}
  const user = userByEmail(email as string);
  return {{ found: user !== null }};
}}
"""


def test_class6_a_value_handed_to_a_method_of_a_class_of_the_repository_is_used(
    tmp_path: Path,
) -> None:
    result = audit_files(
        tmp_path, {"lib/db.ts": USERS_DB, "app/login/actions.ts": _login_action("")}
    )
    check = entry(result, "server_action:app/login/actions.ts#login").checks.input_validation
    assert check.status.value == "fail"
    assert "db.queryOne()" in check.evidence[0].detail


def test_class6_an_exit_on_a_failed_hand_written_check_validates_the_value(tmp_path: Path) -> None:
    checks = """  if (typeof email !== "string") return { message: "missing" };
  if (!verifyEmailInput(email)) return { message: "invalid" };"""
    result = audit_files(
        tmp_path, {"lib/db.ts": USERS_DB, "app/login/actions.ts": _login_action(checks)}
    )
    check = entry(result, "server_action:app/login/actions.ts#login").checks.input_validation
    assert check.status.value == "pass"
    assert check.evidence[0].line == 5 and "checked by hand" in check.evidence[0].detail


def test_class6_a_check_that_does_not_exit_or_only_tests_presence_validates_nothing(
    tmp_path: Path,
) -> None:
    checks = """  if (!email) return { message: "missing" };
  if (verifyEmailInput(String(email))) console.log("looks fine");"""
    result = audit_files(
        tmp_path, {"lib/db.ts": USERS_DB, "app/login/actions.ts": _login_action(checks)}
    )
    check = entry(result, "server_action:app/login/actions.ts#login").checks.input_validation
    assert check.status.value == "fail"


def test_class6_a_hand_checked_value_that_is_only_compared_needs_no_validation(
    tmp_path: Path,
) -> None:
    action = """"use server";
export async function confirm(_prev: unknown, formData: FormData) {
  const code = formData.get("code");
  if (typeof code !== "string") return { message: "missing" };
  return { ok: code === "123456" };
}
"""
    result = audit_files(tmp_path, {"app/confirm/actions.ts": action})
    check = entry(result, "server_action:app/confirm/actions.ts#confirm").checks.input_validation
    assert check.status.value == "n/a"


def test_class6_a_coercion_inside_the_query_validates_the_id(tmp_path: Path) -> None:
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { prisma } from "@/lib/db";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const note = await prisma.note.findUnique({
    where: { id: Number(req.query.id) },
  });
  return res.json({ title: note?.title });
}
"""
    result = audit_files(tmp_path, {"pages/api/notes/[id].ts": route})
    check = entry(result, "pages_api:pages/api/notes/[id].ts#default").checks.input_validation
    assert check.status.value == "pass"
    assert check.evidence[0].line == 5 and "Number()" in check.evidence[0].detail


def test_class6_the_parsed_body_of_a_request_is_the_clients_data(tmp_path: Path) -> None:
    # `await req.json()` is what the client sent; the request object itself (its headers and cookies,
    # handed to session helpers) is not.
    route = """import { Resend } from "resend";
const resend = new Resend(process.env.RESEND_KEY);
export async function POST(req: Request) {
  const body = await req.json();
  await resend.emails.send({ to: body.email, from: "a@example.com", subject: "Hi", html: body.html });
  return Response.json({ sent: true });
}
"""
    result = audit_files(
        tmp_path, {"app/api/invite/route.ts": route}, dependencies={"resend": "4.0.0"}
    )
    check = entry(result, "route_handler:app/api/invite/route.ts#POST").checks.input_validation
    assert check.status.value == "fail"
    assert check.evidence[0].line == 5 and "(resend)" in check.evidence[0].detail


def test_class8_a_method_table_dispatch_makes_one_entry_per_method(tmp_path: Path) -> None:
    dispatch = """import type { NextApiRequest, NextApiResponse } from "next";
type Handler = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;
export async function byMethod(req: NextApiRequest, res: NextApiResponse, table: Record<string, Handler>) {
  const run = table[req.method ?? ""];
  if (!run) return res.status(405).end();
  await run(req, res);
}
"""
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { prisma } from "@/lib/db";
import { byMethod } from "@/lib/api";

const handler = async (req: NextApiRequest, res: NextApiResponse) => {
  await byMethod(req, res, { GET: handleGET, POST: handlePOST });
};

const handleGET = async (req: NextApiRequest, res: NextApiResponse) => {
  res.json(await prisma.note.findMany({ select: { title: true } }));
};

const handlePOST = async (req: NextApiRequest, res: NextApiResponse) => {
  const { title } = req.body;
  res.json(await prisma.note.create({ data: { title, authorId: "x" } }));
};

export default handler;
"""
    result = audit_files(tmp_path, {"lib/api.ts": dispatch, "pages/api/notes.ts": route})
    ids = {e.id for e in result.entry_points}
    assert {
        "pages_api:pages/api/notes.ts#default.GET",
        "pages_api:pages/api/notes.ts#default.POST",
    } <= ids
    post = entry(result, "pages_api:pages/api/notes.ts#default.POST").checks.input_validation
    assert post.status.value == "fail" and post.evidence[0].line == 15
    get = entry(result, "pages_api:pages/api/notes.ts#default.GET").checks.input_validation
    assert get.status.value == "n/a"


def test_class6_a_redirect_on_an_origin_the_server_chose_is_no_open_redirect(
    tmp_path: Path,
) -> None:
    route = """import { redirect } from "next/navigation";
export async function GET(request: Request) {
  const { searchParams } = new URL(request.url);
  const fixed = `${process.env.APP_URL}/settings?${searchParams}`;
  const next = searchParams.get("next");
  if (searchParams.has("open")) redirect(next ?? "/");
  redirect(fixed);
}
"""
    safe = route.replace('  if (searchParams.has("open")) redirect(next ?? "/");\n', "")
    result = audit_files(tmp_path / "safe", {"app/api/back/route.ts": safe})
    check = entry(result, "route_handler:app/api/back/route.ts#GET").checks.input_validation
    assert check.status.value == "pass" and check.evidence[0].line == 6
    result = audit_files(tmp_path / "open", {"app/api/back/route.ts": route})
    check = entry(result, "route_handler:app/api/back/route.ts#GET").checks.input_validation
    assert check.status.value == "fail" and check.evidence[0].line == 6


def test_class6_a_signature_check_is_no_sink_for_the_payload_it_verifies(tmp_path: Path) -> None:
    route = """import Stripe from "stripe";
const stripe = new Stripe(process.env.STRIPE_KEY ?? "");
export async function POST(req: Request) {
  const body = await req.text();
  const signature = req.headers.get("stripe-signature") ?? "";
  const event = stripe.webhooks.constructEvent(body, signature, process.env.STRIPE_WEBHOOK_SECRET ?? "");
  return Response.json({ type: event.type });
}
"""
    result = audit_files(
        tmp_path, {"app/api/webhooks/stripe/route.ts": route}, dependencies={"stripe": "17.0.0"}
    )
    point = entry(result, "route_handler:app/api/webhooks/stripe/route.ts#POST")
    assert statuses(point)["input_validation"] != "fail", point.checks.input_validation


def test_class6_a_callback_returning_the_clients_value_carries_it(tmp_path: Path) -> None:
    action = """"use server";
import { cookies } from "next/headers";
async function readModifyWrite(modifier: (old: Record<string, unknown>) => Record<string, unknown>) {
  const store = await cookies();
  const updated = { ...modifier({}) };
  store.set({ name: "settings", value: JSON.stringify(updated) });
}
export async function updateLang(lang: string) {
  await readModifyWrite(() => ({ lang }));
}
"""
    result = audit_files(tmp_path, {"app/settings/actions.ts": action})
    check = entry(
        result, "server_action:app/settings/actions.ts#updateLang"
    ).checks.input_validation
    assert check.status.value == "fail" and "cookie" in check.evidence[0].detail


def test_class6_an_id_coerced_as_it_is_handed_to_a_helper_is_validated(tmp_path: Path) -> None:
    helper = """import { prisma } from "@/lib/db";
export async function noteById(id: number) {
  return prisma.note.findUnique({ where: { id: String(id) }, select: { title: true } });
}
"""
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { noteById } from "@/lib/notes";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  return res.json(await noteById(Number(req.query.id)));
}
"""
    result = audit_files(tmp_path, {"lib/notes.ts": helper, "pages/api/notes/[id].ts": route})
    check = entry(result, "pages_api:pages/api/notes/[id].ts#default").checks.input_validation
    assert check.status.value == "pass"
    assert check.evidence[0].line == 4 and "Number()" in check.evidence[0].detail


def test_class6_a_key_written_through_a_pipeline_of_a_redis_client_reaches_it(
    tmp_path: Path,
) -> None:
    helper = """import { Redis } from "@upstash/redis";
export async function resultById(id: string) {
  const redis = Redis.fromEnv();
  const pipe = redis.pipeline();
  pipe.hgetall(`result:${id}`);
  return pipe.exec();
}
"""
    route = """import { resultById } from "@/lib/results";
export async function GET(req: Request) {
  const { searchParams } = new URL(req.url);
  const id = searchParams.get("id") ?? "";
  return Response.json(await resultById(id));
}
"""
    result = audit_files(
        tmp_path,
        {"lib/results.ts": helper, "app/api/results/route.ts": route},
        dependencies={"@upstash/redis": "1.34.0"},
    )
    check = entry(result, "route_handler:app/api/results/route.ts#GET").checks.input_validation
    assert check.status.value == "fail" and "(@upstash/redis)" in check.evidence[0].detail


def test_a_drizzle_schema_barrel_is_followed_to_the_modules_it_re_exports(tmp_path: Path) -> None:
    # drizzle.config names one index.ts that only re-exports: the tables are in the modules behind it.
    make_repo(
        tmp_path,
        {
            "drizzle.config.ts": DRIZZLE_CONFIG,
            "db/index.ts": DRIZZLE_DB,
            "db/schema.ts": 'export * from "./tables/users";\nexport { posts } from "./tables/posts";\n',
            "db/tables/users.ts": DRIZZLE_SCHEMA,
            "db/tables/posts.ts": 'import { pgTable, text } from "drizzle-orm/pg-core";\n'
            'export const posts = pgTable("posts", { id: text("id").primaryKey() });\n',
        },
        schema=None,
        dependencies={"drizzle-orm": "0.43.1"},
    )
    assert sorted(model.name for model in load_schema(tmp_path).models) == ["posts", "users"]


def test_class6_a_failed_test_of_the_values_own_text_is_a_check(tmp_path: Path) -> None:
    action = """"use server";
import { prisma } from "@/lib/db";
export async function findByEmail(_prev: unknown, formData: FormData) {
  const email = String(formData.get("email") ?? "");
  if (!email.includes("@")) return { error: "invalid" };
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  return { found: user !== null };
}
"""
    result = audit_files(tmp_path, {"app/login/actions.ts": action})
    check = entry(result, "server_action:app/login/actions.ts#findByEmail").checks.input_validation
    assert check.status.value == "pass" and check.evidence[0].line == 5


def test_class1_a_handler_that_hands_the_request_to_next_auth_is_its_sign_in_endpoint(
    tmp_path: Path,
) -> None:
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth from "next-auth";
import { prisma } from "@/lib/db";
import { options } from "@/lib/auth-options";
export default async function auth(req: NextApiRequest, res: NextApiResponse) {
  return await NextAuth(req, res, {
    ...options,
    events: {
      signIn: async ({ user }) => {
        await prisma.user.update({ where: { id: user.id }, data: { email: user.email ?? "" } });
      },
    },
  });
}
"""
    files = {"lib/auth-options.ts": "export const options = { providers: [] };\n"}
    result = audit_files(tmp_path, {**files, "pages/api/auth/[...auth].ts": route})
    point = entry(result, "pages_api:pages/api/auth/[...auth].ts#default")
    check = point.checks.authentication
    assert check.status.value == "n/a" and check.evidence[0].line == 6
    assert "sign-in handler of next-auth" in check.evidence[0].detail


def test_class1_a_credential_exchange_is_a_sign_in(tmp_path: Path) -> None:
    # No session to check: the password is the credential, checked in a helper before a key is made.
    helper = """import bcrypt from "bcryptjs";
import { prisma } from "@/lib/db";
export async function passwordMatches(email: string, password: string) {
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, hash: true } });
  return user !== null && (await bcrypt.compare(password, user.hash));
}
"""
    route = """import { prisma } from "@/lib/db";
import { passwordMatches } from "@/lib/password";
export async function POST(req: Request) {
  const { email, password } = await req.json();
  if (!(await passwordMatches(email, password))) return new Response(null, { status: 401 });
  const token = await prisma.session.create({ data: { email } });
  return Response.json({ token: token.id });
}
"""
    result = audit_files(
        tmp_path,
        {"lib/password.ts": helper, "app/api/session/route.ts": route},
        dependencies={"bcryptjs": "2.4.3"},
    )
    check = entry(result, "route_handler:app/api/session/route.ts#POST").checks.authentication
    assert check.status.value == "n/a"
    assert (check.evidence[0].file, check.evidence[0].line) == ("lib/password.ts", 5)


def test_class1_a_list_written_in_the_code_protects_nothing(tmp_path: Path) -> None:
    providers = """export const providers = [
  { id: "github", enabled: process.env.GITHUB_ID !== undefined },
  { id: "google", enabled: process.env.GOOGLE_ID !== undefined },
];
"""
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { providers } from "@/lib/providers";
export default function handler(_req: NextApiRequest, res: NextApiResponse) {
  res.json(providers.filter((p) => p.enabled).map((p) => p.id));
}
"""
    result = audit_files(tmp_path, {"lib/providers.ts": providers, "pages/api/logins.ts": route})
    point = entry(result, "pages_api:pages/api/logins.ts#default")
    assert statuses(point)["authentication"] == "n/a", point.checks.authentication


def test_class1_a_helper_that_throws_without_the_user_it_is_passed_authenticates(
    tmp_path: Path,
) -> None:
    helper = """import { prisma } from "@/lib/db";
export async function limitsOf({ email, teamId }: { email?: string | null; teamId: number | null }) {
  if (!email) {
    throw new Error("UNAUTHORIZED");
  }
  return prisma.user.findFirst({ where: { email }, select: { id: true } });
}
"""
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { getToken } from "next-auth/jwt";
import { prisma } from "@/lib/db";
import { limitsOf } from "@/lib/limits";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const token = await getToken({ req });
  const limits = await limitsOf({ email: token?.email, teamId: null });
  return res.json(limits);
}
"""
    unguarded = route.replace(
        "  const limits",
        '  await prisma.note.findMany({ where: { authorId: "x" } });\n  const limits',
    )
    result = audit_files(tmp_path / "a", {"lib/limits.ts": helper, "pages/api/limits.ts": route})
    check = entry(result, "pages_api:pages/api/limits.ts#default").checks.authentication
    assert check.status.value == "pass"
    assert (check.evidence[0].file, check.evidence[0].line) == ("lib/limits.ts", 3)
    result = audit_files(
        tmp_path / "b", {"lib/limits.ts": helper, "pages/api/limits.ts": unguarded}
    )
    check = entry(result, "pages_api:pages/api/limits.ts#default").checks.authentication
    assert check.status.value == "fail" and check.evidence[0].line == 7  # the query runs first


SCOPED_TRPC = """import { initTRPC, TRPCError } from "@trpc/server";
import { prisma } from "@/lib/db";
type Context = { user: { id: string } | null };
const t = initTRPC.context<Context>().create();
export const router = t.router;
const withMember = t.middleware(async (opts) => {
  const { ctx } = opts;
  if (!ctx.user?.id) throw new TRPCError({ code: "UNAUTHORIZED" });
  const member = await prisma.membership.findFirst({ where: { userId: ctx.user.id } });
  if (!member) throw new TRPCError({ code: "FORBIDDEN" });
  return opts.next({ ctx: { ...ctx, member } });
});
export const memberProcedure = t.procedure.use(withMember);
"""

NOTE_SERVICE = """import { prisma } from "@/lib/db";
async function noteOf(args: { id: string; authorId: string }) {
  const { id, authorId } = args;
  const row = await prisma.note.findFirst({
    where: {
      id,
      authorId,
    },
  });
  if (!row) throw new Error("not found");
  return row;
}
export async function archiveNote(args: { ctx: { member: { userId: string } }; input: { id: string } }) {
  const { ctx } = args;
  const existing = await noteOf({ id: args.input.id, authorId: ctx.member.userId });
  await prisma.note.update({ where: { id: existing.id }, data: { deletedAt: new Date() } });
}
"""

NOTE_ROUTER = """import { z } from "zod";
import { router, memberProcedure } from "../trpc";
import { archiveNote } from "@/lib/notes";
export const notesRouter = router({
  archive: memberProcedure
    .input(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => archiveNote({ ctx, input: { id: input.id } })),
});
"""


def _scoped_service(tmp_path: Path, service: str):  # type: ignore[no-untyped-def]
    return audit_files(
        tmp_path,
        {
            "server/trpc.ts": SCOPED_TRPC,
            "server/routers/notes.ts": NOTE_ROUTER,
            "server/root.ts": 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n',
            "lib/notes.ts": service,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )


def test_class5_a_row_found_in_the_scope_a_middleware_set_authorizes_what_follows(
    tmp_path: Path,
) -> None:
    # The middleware resolves the caller's membership into ctx.member; the service, two helpers
    # deep, binds the client's id to it and then changes the row it found.
    result = _scoped_service(tmp_path / "bound", NOTE_SERVICE)
    check = entry(
        result, "trpc_procedure:server/routers/notes.ts#notes.archive"
    ).checks.authorization
    assert check.status.value == "pass", check
    lines = {(e.file, e.line) for e in check.evidence}
    assert ("lib/notes.ts", 7) in lines  # authorId, the filter that binds the client's id
    unbound = NOTE_SERVICE.replace("      authorId,\n", "")
    result = _scoped_service(tmp_path / "unbound", unbound)
    check = entry(
        result, "trpc_procedure:server/routers/notes.ts#notes.archive"
    ).checks.authorization
    assert check.status.value == "fail", check
    failing = {(e.file, e.line) for e in check.evidence if "without binding" in e.detail}
    # the lookup by the client's id alone; the change of the row it found follows from it
    assert failing == {("lib/notes.ts", 4)}


def test_class5_a_value_built_from_the_caller_and_a_client_key_is_not_the_callers(
    tmp_path: Path,
) -> None:
    helper = """export function whereFor(args: { id: string; userId: string }) {
  return args.userId === "" ? { id: args.id } : { id: args.id };
}
"""
    action = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { whereFor } from "@/lib/where";
export async function readNote(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const where = whereFor({ id, userId: session.user.id });
  return prisma.note.findFirst({ where });
}
"""
    result = audit_files(tmp_path, {"lib/where.ts": helper, "app/notes/actions.ts": action})
    check = entry(result, "server_action:app/notes/actions.ts#readNote").checks.authorization
    assert check.status.value == "fail", check


TAG_MODEL = """import { TRPCError } from "@trpc/server";
import { prisma } from "@/lib/db";
type Ctx = { user: { id: string } };
export class Note {
  constructor(private ctx: Ctx, public row: { id: string; authorId: string }) {}
  static async fromId(ctx: Ctx, id: string) {
    const row = await prisma.note.findFirst({ where: { id } });
    if (!row) throw new TRPCError({ code: "NOT_FOUND" });
    if (row.authorId !== ctx.user.id) {
      throw new TRPCError({ code: "FORBIDDEN" });
    }
    return new Note(ctx, row);
  }
  async archive() {
    await prisma.note.update({ where: { id: this.row.id }, data: { deletedAt: new Date() } });
  }
}
"""

OWNED_ROUTER = """import { z } from "zod";
import { experimental_trpcMiddleware } from "@trpc/server";
import { router, authedProcedure } from "../trpc";
import { Note } from "@/lib/note-model";
const ensureNoteOwnership = experimental_trpcMiddleware<{
  ctx: { user: { id: string } };
  input: { noteId: string };
}>().create(async (opts) => {
  const note = await Note.fromId(opts.ctx, opts.input.noteId);
  return opts.next({ ctx: { ...opts.ctx, note } });
});
export const notesRouter = router({
  archive: authedProcedure
    .input(z.object({ noteId: z.string() }))
    .use(ensureNoteOwnership)
    .mutation(async ({ ctx }) => ctx.note.archive()),
});
"""


def test_class5_an_ownership_middleware_of_the_procedure_authorizes_its_key(
    tmp_path: Path,
) -> None:
    files = {
        "server/trpc.ts": TRPC_BASE,
        "server/root.ts": 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n',
        "server/routers/notes.ts": OWNED_ROUTER,
    }
    result = audit_files(
        tmp_path / "owned",
        {**files, "lib/note-model.ts": TAG_MODEL},
        dependencies={"@trpc/server": "11.0.0"},
    )
    check = entry(
        result, "trpc_procedure:server/routers/notes.ts#notes.archive"
    ).checks.authorization
    assert check.status.value == "pass", check
    assert (check.evidence[0].file, check.evidence[0].line) == ("lib/note-model.ts", 9)
    # Without the owner comparison the middleware only checks that the note exists.
    unchecked = TAG_MODEL.replace("row.authorId !== ctx.user.id", "row.id === ''")
    result = audit_files(
        tmp_path / "unchecked",
        {**files, "lib/note-model.ts": unchecked},
        dependencies={"@trpc/server": "11.0.0"},
    )
    check = entry(
        result, "trpc_procedure:server/routers/notes.ts#notes.archive"
    ).checks.authorization
    assert check.status.value == "fail", check
    assert (check.evidence[0].file, check.evidence[0].line) == ("lib/note-model.ts", 7)


def test_class5_helpers_handed_only_the_callers_id_act_on_the_callers_records(
    tmp_path: Path,
) -> None:
    # Raw SQL through the repository's own database class: no model to judge, but the only key the
    # helper is given is the caller's id.
    helpers = (
        USERS_DB
        + """export function totpKeyOf(userId: string) {
  return db.queryOne("SELECT key FROM totp WHERE user_id = ?", [userId]);
}
"""
    )
    action = """"use server";
import { auth } from "@/auth";
import { totpKeyOf } from "@/lib/db";
export async function readKey() {
  const session = await auth();
  if (!session?.user?.id) return null;
  return totpKeyOf(session.user.id);
}
"""
    result = audit_files(tmp_path / "own", {"lib/db.ts": helpers, "app/2fa/actions.ts": action})
    check = entry(result, "server_action:app/2fa/actions.ts#readKey").checks.authorization
    assert check.status.value == "pass" and check.evidence[0].line == 7, check
    chosen = action.replace("readKey()", "readKey(userId: string)").replace(
        "totpKeyOf(session.user.id)", "totpKeyOf(userId)"
    )
    result = audit_files(tmp_path / "chosen", {"lib/db.ts": helpers, "app/2fa/actions.ts": chosen})
    check = entry(result, "server_action:app/2fa/actions.ts#readKey").checks.authorization
    # a client id into SQL that maps to no model: undecidable, and said so
    assert check.status.value == "unknown", check
    assert "cannot tell" in check.evidence[0].detail and check.evidence[0].line == 7


def test_class5_an_admin_middleware_testing_a_role_list_through_a_local_value(
    tmp_path: Path,
) -> None:
    trpc = (
        TRPC_BASE
        + """const isAdmin = (user: { roles: string[] }) => user.roles.includes("ADMIN");
export const adminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const admin = isAdmin(ctx.user as { id: string; roles: string[] });
  if (!admin) {
    throw new TRPCError({ code: "FORBIDDEN" });
  }
  return next();
});
"""
    )
    admin_router = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, adminProcedure } from "../trpc";
export const adminRouter = router({
  findNotes: adminProcedure
    .input(z.object({ title: z.string() }))
    .query(({ input }) => prisma.note.findMany({ where: { title: input.title } })),
});
"""
    result = audit_files(
        tmp_path,
        {
            "server/trpc.ts": trpc,
            "server/routers/admin.ts": admin_router,
            "server/root.ts": 'import { router } from "./trpc";\nimport { adminRouter } from "./routers/admin";\nexport const appRouter = router({ admin: adminRouter });\n',
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    check = entry(
        result, "trpc_procedure:server/routers/admin.ts#admin.findNotes"
    ).checks.authorization
    assert check.status.value == "pass", check
    assert (check.evidence[0].file, check.evidence[0].line) == ("server/trpc.ts", 21)


def test_az003_needs_an_app_that_tells_users_apart_by_role(tmp_path: Path) -> None:
    # A single-operator service: whoever signs in runs the admin area. An app with a role column
    # must check it there.
    route = """import { auth } from "@/auth";
import { settings } from "@/lib/settings";
export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { name } = await req.json();
  await settings.update({ name: String(name) });
  return Response.json({ ok: true });
}
"""
    store = "export const settings = { async update(_: { name: string }) {} };\n"
    files = {"app/api/admin/branding/route.ts": route, "lib/settings.ts": store}
    single = audit_files(tmp_path / "single", files, schema=None)
    point = entry(single, "route_handler:app/api/admin/branding/route.ts#POST")
    assert statuses(point)["authorization"] == "n/a"
    assert not [f for f in single.findings if f.rule == "AZ003"]
    roles = audit_files(tmp_path / "roles", files)  # the default schema has User.role
    point = entry(roles, "route_handler:app/api/admin/branding/route.ts#POST")
    assert statuses(point)["authorization"] == "fail"
    assert [f for f in roles.findings if f.rule == "AZ003"]


def test_nxt001_needs_a_cache_that_a_write_would_leave_stale(tmp_path: Path) -> None:
    action = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function rename(id: string, title: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await prisma.note.updateMany({ where: { id, authorId: session.user.id }, data: { title } });
}
"""
    per_request = (
        'import { prisma } from "@/lib/db";\nexport const revalidate = 0;\n'
        "export default async function Notes() {\n"
        "  return (await prisma.note.findMany()).length;\n}\n"
    )
    timed = per_request.replace("revalidate = 0", "revalidate = 60")
    fresh = audit_files(
        tmp_path / "fresh", {"app/notes/actions.ts": action, "app/notes/page.tsx": per_request}
    )
    assert not [f for f in fresh.findings if f.rule == "NXT001"]
    cached = audit_files(
        tmp_path / "cached", {"app/notes/actions.ts": action, "app/notes/page.tsx": timed}
    )
    assert [(f.file, f.line) for f in cached.findings if f.rule == "NXT001"] == [
        ("app/notes/actions.ts", 7)
    ]


def test_class4_a_helper_returning_a_constant_time_comparison_guards_the_caller(
    tmp_path: Path,
) -> None:
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { timingSafeEqual } from "crypto";
import { prisma } from "@/lib/db";
const isAuthorized = (req: NextApiRequest) => {
  const secret = process.env.PUBSUB_TOKEN;
  const token = req.query.token;
  if (!secret || typeof token !== "string") return false;
  const a = new TextEncoder().encode(token);
  const b = new TextEncoder().encode(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};
export default async function hook(req: NextApiRequest, res: NextApiResponse) {
  if (!isAuthorized(req)) {
    return res.status(401).json({});
  }
  await prisma.note.deleteMany({ where: { title: "" } });
  return res.json({ ok: true });
}
"""
    result = audit_files(tmp_path, {"pages/api/hooks/pubsub.ts": route})
    point = entry(result, "pages_api:pages/api/hooks/pubsub.ts#default")
    check = point.checks.authentication
    assert (check.status.value, check.kind) == ("pass", "internal"), check
    assert check.evidence[0].line == 13


def test_a_cors_preflight_is_public_by_design(tmp_path: Path) -> None:
    route = """import { prisma } from "@/lib/db";
import { cors } from "@/lib/cors";
export async function GET() {
  return Response.json(await prisma.note.count());
}
export function OPTIONS(request: Request) {
  return cors(request, new Response(null, { status: 204 }));
}
"""
    helper = "export function cors(_req: Request, res: Response) {\n  return res;\n}\n"
    result = audit_files(tmp_path, {"app/api/stats/route.ts": route, "lib/cors.ts": helper})
    point = entry(result, "route_handler:app/api/stats/route.ts#OPTIONS")
    assert statuses(point)["authentication"] == "n/a"
    assert "preflight" in point.checks.authentication.evidence[0].detail


def test_sec001_spares_switches_and_keys_issued_for_browsers(tmp_path: Path) -> None:
    env = (
        "NEXT_PUBLIC_CREDENTIALS_ENABLED=true\n"
        "NEXT_PUBLIC_GOOGLE_MAPS_API_KEY=AIzaSyA-placeholder\n"
        "NEXT_PUBLIC_STRIPE_SECRET_KEY=\n"
    )
    result = audit_files(tmp_path, {".env.example": env})
    flagged = [f.message.split(" ", 1)[0] for f in result.findings if f.rule == "SEC001"]
    assert flagged == ["NEXT_PUBLIC_STRIPE_SECRET_KEY"]


def test_exp001_only_when_the_row_goes_back_whole(tmp_path: Path) -> None:
    # The user row carries passwordHash: returning one field of it exposes nothing more.
    action = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function myEmail() {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const user = await prisma.user.findUnique({ where: { id: session.user.id } });
  return { email: user?.email };
}
"""
    whole = action.replace("return { email: user?.email };", "return { ...user };")
    fields = audit_files(tmp_path / "fields", {"app/me/actions.ts": action})
    assert not [f for f in fields.findings if f.rule == "EXP001"]
    spread = audit_files(tmp_path / "whole", {"app/me/actions.ts": whole})
    assert [(f.file, f.line) for f in spread.findings if f.rule == "EXP001"] == [
        ("app/me/actions.ts", 7)
    ]


def test_class5_a_drizzle_subquery_is_bounded_by_the_query_around_it(tmp_path: Path) -> None:
    action = """"use server";
import { eq } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { users } from "@/db/schema";
export async function me() {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const everyone = db.select({ id: users.id, email: users.email }).from(users);
  return db.select().from(everyone.as("everyone")).where(eq(users.id, session.user.id));
}
"""
    files = {
        "drizzle.config.ts": DRIZZLE_CONFIG,
        "db/index.ts": DRIZZLE_DB,
        "db/schema.ts": DRIZZLE_SCHEMA,
        "app/me/actions.ts": action,
    }
    result = audit_files(tmp_path, files, schema=None, dependencies={"drizzle-orm": "0.43.1"})
    point = entry(result, "server_action:app/me/actions.ts#me")
    assert statuses(point)["authorization"] != "fail", point.checks.authorization
    assert not [f for f in result.findings if f.rule == "AZ001"]


def test_class5_a_client_key_among_rows_marked_public_is_no_idor(tmp_path: Path) -> None:
    page_route = """import { prisma } from "@/lib/db";
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const notes = await prisma.note.findMany({ where: { authorId: id, isPublic: true }, select: { title: true } });
  return Response.json(notes);
}
"""
    schema = PRISMA_SCHEMA.replace(
        "  deletedAt DateTime?\n", "  deletedAt DateTime?\n  isPublic  Boolean   @default(false)\n"
    )
    result = audit_files(
        tmp_path / "public", {"app/api/users/[id]/notes/route.ts": page_route}, schema=schema
    )
    check = entry(
        result, "route_handler:app/api/users/[id]/notes/route.ts#GET"
    ).checks.authorization
    # the client's key picks only among rows everyone may see: the public filter binds it
    assert check.status.value == "pass" and "marked public" in check.evidence[0].detail, check
    assert check.evidence[0].line == 4
    private = page_route.replace(", isPublic: true", "")
    result = audit_files(
        tmp_path / "private", {"app/api/users/[id]/notes/route.ts": private}, schema=schema
    )
    check = entry(
        result, "route_handler:app/api/users/[id]/notes/route.ts#GET"
    ).checks.authorization
    assert check.status.value == "fail", check


def test_public_asset_routes_are_public_by_design_for_reading_only(tmp_path: Path) -> None:
    image = """import { prisma } from "@/lib/db";
export async function GET(req: Request) {
  const id = new URL(req.url).searchParams.get("id") ?? "";
  const note = await prisma.note.findUnique({ where: { id }, select: { title: true } });
  return new Response(note?.title ?? "");
}
"""
    upload = """import { prisma } from "@/lib/db";
export async function POST(req: Request) {
  const { id, title } = await req.json();
  await prisma.note.update({ where: { id: String(id) }, data: { title: String(title) } });
  return new Response(null, { status: 204 });
}
"""
    result = audit_files(
        tmp_path, {"app/api/og/note/route.ts": image, "app/api/og/upload/route.ts": upload}
    )
    preview = entry(result, "route_handler:app/api/og/note/route.ts#GET")
    assert statuses(preview)["authentication"] == "n/a"
    assert statuses(preview)["authorization"] == "fail"  # what it reads is still judged
    writer = entry(result, "route_handler:app/api/og/upload/route.ts#POST")
    assert statuses(writer)["authentication"] == "fail"


def test_class6_a_value_used_only_once_its_type_held_is_checked_in_place(tmp_path: Path) -> None:
    route = """import type { NextApiRequest, NextApiResponse } from "next";
import { prisma } from "@/lib/db";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const filters = {
    title: typeof req.query.title === "string" ? req.query.title : undefined,
    take: req.query.take ? Number(req.query.take) : undefined,
  };
  return res.json(await prisma.note.findMany({ where: { title: filters.title }, take: filters.take }));
}
"""
    unchecked = route.replace(
        'typeof req.query.title === "string" ? req.query.title : undefined', "req.query.title"
    )
    checked = audit_files(tmp_path / "checked", {"pages/api/notes.ts": route})
    check = entry(checked, "pages_api:pages/api/notes.ts#default").checks.input_validation
    assert check.status.value != "fail", check
    raw = audit_files(tmp_path / "raw", {"pages/api/notes.ts": unchecked})
    check = entry(raw, "pages_api:pages/api/notes.ts#default").checks.input_validation
    assert check.status.value == "fail", check


def test_class3_a_row_found_by_a_secret_the_client_holds_is_scoped(tmp_path: Path) -> None:
    # A signing link: the note is found by its id and the share token the visitor holds; keys
    # read from that row (and from rows found by them) are the visitor's to use.
    helper = """import { prisma } from "@/lib/db";
const findShared = async ({ token, noteId }: { token: string; noteId: string }) => {
  return await prisma.note.findFirstOrThrow({ where: { id: noteId, shareToken: token } });
};
export async function signSharedNote(token: string, noteId: string) {
  const note = await findShared({ token, noteId });
  const [first] = [note];
  const author = await prisma.user.findFirst({ where: { id: first.authorId } });
  await prisma.note.update({ where: { id: first.id }, data: { title: "signed by " + author?.id } });
}
"""
    action = """"use server";
import { z } from "zod";
import { signSharedNote } from "@/lib/sign";
export async function sign(raw: unknown) {
  const { token, noteId } = z.object({ token: z.string(), noteId: z.string() }).parse(raw);
  await signSharedNote(token, noteId);
}
"""
    form = """"use client";
import { sign } from "./actions";
export function SignForm() {
  return <form action={() => sign({})} />;
}
"""
    schema = PRISMA_SCHEMA.replace(
        "  deletedAt DateTime?\n", "  deletedAt DateTime?\n  shareToken String?\n"
    )
    files = {"lib/sign.ts": helper, "app/s/actions.ts": action, "app/s/form.tsx": form}
    result = audit_files(tmp_path / "token", files, schema=schema)
    check = entry(result, "server_action:app/s/actions.ts#sign").checks.authorization
    assert check.status.value == "pass", check
    assert any("secret `shareToken`" in e.detail for e in check.evidence), check
    assert not [f for f in result.findings if f.rule == "AZ001"]

    unscoped = {**files, "lib/sign.ts": helper.replace(", shareToken: token", "")}
    result = audit_files(tmp_path / "id-only", unscoped, schema=schema)
    flagged = sorted(f.line for f in result.findings if f.rule == "AZ001")
    assert flagged == [3], flagged  # the lookup by id alone; what follows uses its row


def test_class3_a_row_a_helper_loads_then_compared_with_the_caller_is_authorized(
    tmp_path: Path,
) -> None:
    # The helper loads by id alone; the page compares what it got with the signed-in user
    # before showing it. A helper handed the caller's id is not known to filter by it.
    page = """import { auth } from "@/auth";
import { notFound, unauthorized } from "next/navigation";
import { prisma } from "@/lib/db";
const loadNote = async (id: string, viewer?: string) => {
  return await prisma.note.findFirst({ where: { id } });
};
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  const userId = session?.user?.id;
  const { id } = await params;
  const note = await loadNote(id, userId);
  if (!note) notFound();
  const isAuthor = note.authorId === userId;
  if (!isAuthor) unauthorized();
  return <h1>{note.title}</h1>;
}
"""
    result = audit_files(tmp_path / "compared", {"app/notes/[id]/page.tsx": page})
    check = entry(result, "page:app/notes/[id]/page.tsx#default").checks.authorization
    assert check.status.value == "pass", check
    assert check.evidence[0].line == 13, check

    unchecked = page.replace(
        "  const isAuthor = note.authorId === userId;\n  if (!isAuthor) unauthorized();\n", ""
    )
    result = audit_files(tmp_path / "unchecked", {"app/notes/[id]/page.tsx": unchecked})
    check = entry(result, "page:app/notes/[id]/page.tsx#default").checks.authorization
    assert check.status.value == "fail", check


CACHED_PAGE = """import { unstable_cache } from "next/cache";
import { prisma } from "@/lib/db";
const notes = unstable_cache(async () => prisma.note.count(), ["notes"]);
export default async function Page() {
  return <p>{await notes()}</p>;
}
"""


def test_a_method_of_an_object_literal_binds_no_module_name(tmp_path: Path) -> None:
    # `signIn` is what NextAuth returns; the `events.signIn` method beside it runs later, in the
    # OAuth callback, and is not what the Server Action calls.
    auth = """import NextAuth from "next-auth";
import { prisma } from "@/lib/db";
const { handlers, signIn, auth } = NextAuth({
  providers: [],
  events: {
    async signIn(params) {
      await prisma.note.deleteMany({ where: { authorId: String(params.user.id) } });
    },
  },
});
export { handlers, signIn, auth };
"""
    page = """import { signIn } from "@/auth";
export default function Page() {
  return (
    <form
      action={async () => {
        "use server";
        await signIn("github");
      }}
    />
  );
}
"""
    result = audit_files(
        tmp_path, {"auth.ts": auth, "app/login/page.tsx": page, "app/cached/page.tsx": CACHED_PAGE}
    )
    assert not [f for f in result.findings if f.file == "auth.ts" or f.rule == "NXT001"]


def test_nxt002_only_for_targets_the_client_chose(tmp_path: Path) -> None:
    # The client's values go into a checkout session, a fixed-origin URL's query or a same-origin
    # path; only the `next` the client passes is where the user is sent.
    actions = """"use server";
import { redirect } from "next/navigation";
import { stripe } from "@/lib/stripe";
export async function checkout(price: string) {
  const session = await stripe.checkout.sessions.create({ line_items: [{ price, quantity: 1 }] });
  redirect(session.url!);
}
export async function connect(query: string) {
  const target = `${process.env.NODE_ENV === "development" ? "http://localhost:3000" : "https://app.example.com"}/connect?${query}`;
  redirect(target);
}
export async function back(next: string) {
  redirect(next);
}
"""
    route = """export function GET(request: Request) {
  return Response.redirect(new URL("/docs/tools", request.url), 302);
}
"""
    stripe = (
        'import Stripe from "stripe";\nexport const stripe = new Stripe(process.env.STRIPE_KEY!);\n'
    )
    form = """"use client";
import { checkout, connect, back } from "./actions";
export function Buttons() {
  return <form action={() => { checkout("p"); connect("q"); back("/"); }} />;
}
"""
    result = audit_files(
        tmp_path,
        {
            "app/pay/actions.ts": actions,
            "app/pay/buttons.tsx": form,
            "app/tools/route.ts": route,
            "lib/stripe.ts": stripe,
        },
        dependencies={"stripe": "17.0.0"},
    )
    flagged = [(f.file, f.line) for f in result.findings if f.rule == "NXT002"]
    assert flagged == [("app/pay/actions.ts", 13)], flagged


def test_class8_an_unimported_use_server_module_of_a_shared_package_holds_no_actions(
    tmp_path: Path,
) -> None:
    helper = """"use server";
import { prisma } from "@/lib/db";
export async function renameNote(id: string, title: string) {
  await prisma.note.update({ where: { id }, data: { title } });
}
"""
    files = {
        "apps/web/package.json": '{"dependencies": {"next": "15.3.0"}}',
        "apps/web/app/page.tsx": "export default function Page() {\n  return null;\n}\n",
        "packages/lib/rename-note.ts": helper,
    }
    result = audit_files(tmp_path / "unused", files)
    assert not [e for e in result.entry_points if e.kind.value == "server_action"]
    # inside the app, a module nothing imports yet is still reported (work in progress)
    result = audit_files(tmp_path / "in-app", {**files, "apps/web/app/rename.ts": helper})
    actions = [e.id for e in result.entry_points if e.kind.value == "server_action"]
    assert actions == ["server_action:apps/web/app/rename.ts#renameNote"], actions


def test_class8_an_error_echoed_outside_the_apps_server_code_is_no_leak(tmp_path: Path) -> None:
    # The same catch block answers a request in a route handler, and prints to a terminal in a
    # CLI that no entry point imports.
    leaky = """export async function GET() {
  try {
    return Response.json({ ok: true });
  } catch (error: any) {
    return Response.json({ error: error.message }, { status: 500 });
  }
}
"""
    cli = """import { Command } from "commander";
const program = new Command();
program.action(async () => {
  try {
    await fetch("https://example.com");
  } catch (error: any) {
    return Response.json({ error: error.message });
  }
});
"""
    result = audit_files(tmp_path, {"app/api/items/route.ts": leaky, "cli/src/index.ts": cli})
    assert [f.file for f in result.findings if f.rule == "EXP002"] == ["app/api/items/route.ts"]


def test_exp001_a_bearer_token_goes_back_to_its_owner_by_design(tmp_path: Path) -> None:
    # A note's share token is the link its signed-in owner copies; anyone else reading it, or
    # anyone reading a password hash, is the leak. A flag named for a secret holds none.
    schema = PRISMA_SCHEMA.replace(
        "  deletedAt DateTime?\n",
        "  deletedAt DateTime?\n  shareToken String?\n  tokenRequired Boolean @default(false)\n",
    )
    owner = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function myNote(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  return prisma.note.findFirst({ where: { id, authorId: session.user.id } });
}
"""
    anyone = """import { prisma } from "@/lib/db";
export async function GET() {
  const note = await prisma.note.findFirst({ where: { title: "welcome" } });
  return Response.json(note);
}
"""
    result = audit_files(
        tmp_path, {"app/notes/actions.ts": owner, "app/api/welcome/route.ts": anyone}, schema=schema
    )
    leaks = [(f.file, f.message) for f in result.findings if f.rule == "EXP001"]
    assert leaks == [
        (
            "app/api/welcome/route.ts",
            "prisma.note.findFirst() returns whole Note rows, including shareToken",
        )
    ], leaks


def test_an_entry_point_that_reads_nothing_of_a_user_is_public_by_design(tmp_path: Path) -> None:
    # A blog page reading files through helpers, and a count of notes, need no signed-in caller;
    # reading notes themselves does.
    content = """import fs from "node:fs";
import path from "node:path";
const KINDS = ["blog", "changelog"] as const;
const WANTED = KINDS.filter((k) => k !== "changelog");
function read(dir: string) {
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
}
export function getPosts() {
  return WANTED.flatMap((kind) => read(path.join(process.cwd(), "content", kind)));
}
export function getPost(slug: string) {
  return fs.readFileSync(path.join(process.cwd(), "content", "blog", slug + ".mdx"), "utf8");
}
"""
    page = """import { getPost, getPosts } from "@/lib/content";
export default async function Post({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const others = getPosts().sort();
  return <article data-more={others.length}>{getPost(slug)}</article>;
}
"""
    stats = """import { prisma } from "@/lib/db";
export async function GET() {
  return Response.json({ notes: await prisma.note.count() });
}
"""
    notes = stats.replace("{ notes: await prisma.note.count() }", "await prisma.note.findMany()")
    result = audit_files(
        tmp_path,
        {
            "lib/content.ts": content,
            "app/blog/[slug]/page.tsx": page,
            "app/api/stats/route.ts": stats,
            "app/api/notes/route.ts": notes,
        },
    )
    for point_id in (
        "page:app/blog/[slug]/page.tsx#default",
        "route_handler:app/api/stats/route.ts#GET",
    ):
        check = entry(result, point_id).checks.authentication
        assert check.status.value == "n/a" and "public by design" in check.evidence[0].detail, (
            point_id,
            check,
        )
    assert (
        statuses(entry(result, "route_handler:app/api/notes/route.ts#GET"))["authentication"]
        == "fail"
    )


def test_class3_rows_built_from_a_list_the_client_sent_are_judged_per_key(
    tmp_path: Path,
) -> None:
    # The new meal is the caller's; the notes it links come from the client's list and are not
    # checked. Links built from ids the caller's own query found are.
    schema = (
        PRISMA_SCHEMA
        + """
model Pin {
  noteId String
  note   Note   @relation(fields: [noteId], references: [id])
  userId String
  user   User   @relation(fields: [userId], references: [id])
  @@id([noteId, userId])
}
"""
    )
    schema = schema.replace("model User {\n", "model User {\n  pins Pin[]\n").replace(
        "model Note {\n", "model Note {\n  pins Pin[]\n"
    )
    action = """"use server";
import { z } from "zod";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function pin(raw: unknown) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const input = z.object({ notes: z.array(z.object({ id: z.string() })) }).parse(raw);
  await prisma.pin.createMany({
    data: input.notes.map((n) => ({ noteId: n.id, userId: session.user.id })),
  });
}
"""
    form = '"use client";\nimport { pin } from "./actions";\nexport function F() {\n  return <form action={() => pin({})} />;\n}\n'
    files = {"app/pins/actions.ts": action, "app/pins/form.tsx": form}
    result = audit_files(tmp_path / "client-list", files, schema=schema)
    check = entry(result, "server_action:app/pins/actions.ts#pin").checks.authorization
    assert check.status.value == "fail" and "`n.id`" in check.evidence[0].detail, check

    owned = action.replace(
        "  await prisma.pin.createMany({\n    data: input.notes.map(",
        "  const mine = await prisma.note.findMany({\n"
        "    where: { id: { in: input.notes.map((n) => n.id) }, authorId: session.user.id },\n"
        "  });\n  await prisma.pin.createMany({\n    data: mine.map(",
    )
    result = audit_files(tmp_path / "owned", {**files, "app/pins/actions.ts": owned}, schema=schema)
    check = entry(result, "server_action:app/pins/actions.ts#pin").checks.authorization
    assert check.status.value == "pass", check


def test_object_storage_keys_the_client_chooses_are_judged_like_rows(tmp_path: Path) -> None:
    actions = """"use server";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { auth } from "@/auth";
import { s3 } from "@/lib/s3";
export async function deleteImage(key: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const command = new DeleteObjectCommand({ Bucket: "images", Key: key });
  return getSignedUrl(s3, command, { expiresIn: 60 });
}
export async function deleteMyImage(name: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const command = new DeleteObjectCommand({ Bucket: "images", Key: `${session.user.id}/${name}` });
  return getSignedUrl(s3, command, { expiresIn: 60 });
}
export async function deleteCheckedImage(key: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  if (!key.startsWith(`${session.user.id}/`)) throw new Error("forbidden");
  const command = new DeleteObjectCommand({ Bucket: "images", Key: key });
  return getSignedUrl(s3, command, { expiresIn: 60 });
}
"""
    s3 = 'import { S3Client } from "@aws-sdk/client-s3";\nexport const s3 = new S3Client({});\n'
    form = """"use client";
import { deleteImage, deleteMyImage, deleteCheckedImage } from "./actions";
export function F() {
  return <form action={() => { deleteImage("a"); deleteMyImage("b"); deleteCheckedImage("c"); }} />;
}
"""
    result = audit_files(
        tmp_path,
        {"app/images/actions.ts": actions, "app/images/form.tsx": form, "lib/s3.ts": s3},
        dependencies={"@aws-sdk/client-s3": "3.0.0"},
    )
    verdicts = {
        name: statuses(entry(result, f"server_action:app/images/actions.ts#{name}"))[
            "authorization"
        ]
        for name in ("deleteImage", "deleteMyImage", "deleteCheckedImage")
    }
    assert verdicts == {
        "deleteImage": "fail",
        "deleteMyImage": "pass",
        "deleteCheckedImage": "pass",
    }
    checked = entry(result, "server_action:app/images/actions.ts#deleteCheckedImage")
    assert checked.checks.authorization.evidence[0].line == 21
    assert [f.line for f in result.findings if f.rule == "AZ001"] == [9]


def test_class4_a_link_whose_secret_token_opens_the_row_is_public_by_design(
    tmp_path: Path,
) -> None:
    # A signing link: no account, the token in the link is the access. The same route keyed by a
    # plain id needs a signed-in caller.
    schema = PRISMA_SCHEMA.replace(
        "  deletedAt DateTime?\n", "  deletedAt DateTime?\n  shareToken String?\n"
    )
    route = """import { z } from "zod";
import { prisma } from "@/lib/db";
export async function POST(req: Request) {
  const { token } = z.object({ token: z.string().min(32) }).parse(await req.json());
  const note = await prisma.note.findFirst({ where: { shareToken: token } });
  if (!note) return new Response(null, { status: 404 });
  await prisma.note.update({ where: { id: note.id }, data: { title: "signed" } });
  return new Response(null, { status: 204 });
}
"""
    by_id = route.replace("{ shareToken: token }", "{ id: token }")
    result = audit_files(
        tmp_path, {"app/api/sign/route.ts": route, "app/api/open/route.ts": by_id}, schema=schema
    )
    signed = entry(result, "route_handler:app/api/sign/route.ts#POST").checks.authentication
    assert signed.status.value == "n/a" and "secret `shareToken`" in signed.evidence[0].detail
    assert (
        statuses(entry(result, "route_handler:app/api/open/route.ts#POST"))["authentication"]
        == "fail"
    )


def test_class6_a_schema_field_that_accepts_anything_checks_nothing(tmp_path: Path) -> None:
    # `cursor: z.any()` lets whatever the client sends into the query; `title` is checked.
    loose = LABELS_ROUTER.replace(
        "z.object({ id: z.string(), title: z.string() })",
        "z.object({ id: z.string(), title: z.string(), cursor: z.any().nullish() })",
    ).replace(
        "where: { id: input.id, authorId: ctx.user.id },",
        "where: { id: input.id, authorId: ctx.user.id, createdAt: input.cursor },",
    )
    root = 'import { router } from "./trpc";\nimport { labelsRouter } from "./routers/labels";\nexport const appRouter = router({ labels: labelsRouter });\n'
    verdicts = {}
    for name, router in (("strict", LABELS_ROUTER), ("loose", loose)):
        make_repo(
            tmp_path / name,
            {
                "server/trpc.ts": TRPC_BASE,
                "server/routers/labels.ts": router,
                "server/root.ts": root,
            },
            dependencies={"@trpc/server": "11.0.0"},
        )
        point = entry(
            run_audit(tmp_path / name), "trpc_procedure:server/routers/labels.ts#labels.rename"
        )
        verdicts[name] = point.checks.input_validation
    assert verdicts["strict"].status.value == "pass"
    assert verdicts["loose"].status.value == "fail", verdicts["loose"]
    assert "input.cursor" in verdicts["loose"].evidence[0].detail


def test_class7_a_prisma_shaped_call_in_a_drizzle_app_is_no_database_operation(
    tmp_path: Path,
) -> None:
    # `api.users.delete()` calls a procedure of the app's own API client, not a Prisma delegate.
    action = """"use server";
import { auth } from "@/auth";
import { api } from "@/lib/api";
export async function removeUser(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await api.users.delete({ id });
}
"""
    files = {
        "drizzle.config.ts": DRIZZLE_CONFIG,
        "db/index.ts": DRIZZLE_DB,
        "db/schema.ts": DRIZZLE_SCHEMA,
        "lib/api.ts": "export const api = createCaller({});\n",
        "app/users/actions.ts": action,
    }
    result = audit_files(tmp_path, files, schema=None, dependencies={"drizzle-orm": "0.43.1"})
    assert not [f for f in result.findings if f.rule.startswith("AZ")], result.findings


def test_class5_a_check_whose_throw_a_catch_swallows_guards_nothing(tmp_path: Path) -> None:
    # The key is checked only when one is sent, and a failed check falls through to the next
    # lines: no gate. A catch that answers with an error and returns does stop the request.
    helper = """import { prisma } from "@/lib/db";
export async function requireKey(token: string) {
  const key = await prisma.apiKey.findFirstOrThrow({ where: { key: token } });
  return key.userId;
}
"""
    swallowed = """import { requireKey } from "@/lib/keys";
import { prisma } from "@/lib/db";
export async function GET(req: Request) {
  try {
    await requireKey(req.headers.get("x-api-key") ?? "");
  } catch {
    // fall through to the anonymous view
  }
  return Response.json(await prisma.note.findMany());
}
"""
    answered = swallowed.replace(
        "    // fall through to the anonymous view\n",
        '    return new Response("unauthorized", { status: 401 });\n',
    )
    schema = (
        PRISMA_SCHEMA
        + "\nmodel ApiKey {\n  id     String @id\n  key    String @unique\n  userId String\n}\n"
    )
    result = audit_files(
        tmp_path,
        {"lib/keys.ts": helper, "app/api/a/route.ts": swallowed, "app/api/b/route.ts": answered},
        schema=schema,
    )
    assert (
        statuses(entry(result, "route_handler:app/api/a/route.ts#GET"))["authentication"] == "fail"
    )
    assert (
        statuses(entry(result, "route_handler:app/api/b/route.ts#GET"))["authentication"] == "pass"
    )


def test_one_finding_per_location_lists_every_entry_point_that_reaches_it(tmp_path: Path) -> None:
    from archtools.rules.base import Hit
    from archtools.rules.catalog import rule_catalog
    from archtools.rules.findings import build_findings, entry_fingerprint

    helper = """import { prisma } from "@/lib/db";
export async function rename(id: string, title: string) {
  await prisma.note.update({ where: { id }, data: { title } });
}
"""
    route = """import { rename } from "@/lib/notes";
export async function POST(req: Request) {
  const { id, title } = await req.json();
  await rename(id, title);
  return new Response(null, { status: 204 });
}
"""
    result = audit_files(
        tmp_path,
        {"lib/notes.ts": helper, "app/api/a/route.ts": route, "app/api/b/route.ts": route},
    )
    at_helper = [f for f in result.findings if f.file == "lib/notes.ts" and f.rule == "VAL001"]
    assert len(at_helper) == 1, at_helper
    assert at_helper[0].entry_points == [
        "route_handler:app/api/a/route.ts#POST",
        "route_handler:app/api/b/route.ts#POST",
    ]
    # a baseline written when each entry point had its own copy still accepts the finding
    hit = Hit(
        rule="VAL001",
        file="lib/notes.ts",
        line=3,
        message="m",
        entry_point="route_handler:app/api/b/route.ts#POST",
        key="k",
    )
    (accepted,) = build_findings(
        [hit],
        rule_catalog(),
        source_line=lambda _f, _l: [],
        ignored={},
        baseline={entry_fingerprint(hit)},
    )
    assert accepted.suppressed == "accepted in the baseline"


def test_a_call_into_a_package_that_may_act_keeps_an_entry_point_sensitive(tmp_path: Path) -> None:
    # No query of its own, but the SSO service it calls changes connections: not public content.
    route = """import jackson from "@boxyhq/saml-jackson";
export async function DELETE(req: Request) {
  const { connectionAPIController } = await jackson({ externalUrl: "https://sso.example.com" });
  await connectionAPIController.deleteConnections(await req.json());
  return new Response(null, { status: 204 });
}
"""
    result = audit_files(
        tmp_path,
        {"app/api/sso/route.ts": route},
        dependencies={"@boxyhq/saml-jackson": "1.0.0"},
    )
    point = entry(result, "route_handler:app/api/sso/route.ts#DELETE")
    assert statuses(point)["authentication"] == "fail"


def test_class5_a_session_check_inside_a_swallowing_try_guards_nothing(tmp_path: Path) -> None:
    # redirect() throws in Next.js: a catch that goes on swallows it with any other throw.
    action = """"use server";
import { redirect } from "next/navigation";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function clearNotes() {
  try {
    const session = await auth();
    if (!session?.user) redirect("/login");
  } catch (error) {
    console.error(error);
  }
  await prisma.note.deleteMany({});
}
"""
    form = '"use client";\nimport { clearNotes } from "./actions";\nexport function F() {\n  return <form action={clearNotes} />;\n}\n'
    kept = action.replace(
        "  } catch (error) {\n    console.error(error);\n  }\n", "  } finally {\n  }\n"
    )
    result = audit_files(
        tmp_path / "swallowed", {"app/n/actions.ts": action, "app/n/form.tsx": form}
    )
    assert (
        statuses(entry(result, "server_action:app/n/actions.ts#clearNotes"))["authentication"]
        == "fail"
    )
    result = audit_files(tmp_path / "kept", {"app/n/actions.ts": kept, "app/n/form.tsx": form})
    assert (
        statuses(entry(result, "server_action:app/n/actions.ts#clearNotes"))["authentication"]
        == "pass"
    )


def test_class5_an_admin_check_over_a_list_of_roles_is_a_role_check(tmp_path: Path) -> None:
    # `user.roles.some(r => r.role === "ADMIN")`: the role is found in the user's list of roles.
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const user = await prisma.user.findUnique({
    where: { id: session.user.id },
    include: { roles: true },
  });
  if (!user?.roles.some((entry) => entry.role === "ADMIN")) {
    return new Response(null, { status: 403 });
  }
  const { id } = await req.json();
  await prisma.note.delete({ where: { id: String(id) } });
  return Response.json({ ok: true });
}
"""
    result = audit_files(tmp_path, {"app/api/admin/notes/route.ts": route})
    point = entry(result, "route_handler:app/api/admin/notes/route.ts#POST")
    assert statuses(point)["authorization"] == "pass"
    assert 10 in {e.line for e in point.checks.authorization.evidence}
    assert not [f for f in result.findings if f.rule == "AZ003"]


V9_PROTECTED = """import * as trpc from "@trpc/server";
type Context = { session: { user: { id: string; role: string } } | null };
export function createProtectedRouter() {
  return trpc.router<Context>().middleware(({ ctx, next }) => {
    if (!ctx.session) {
      throw new trpc.TRPCError({ code: "UNAUTHORIZED" });
    }
    const isUserAdmin = ctx.session.user.role === "ADMIN";
    return next({ ctx: { ...ctx, session: ctx.session, isUserAdmin } });
  });
}
"""

V9_NOTES = """import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { prisma } from "@/lib/db";
import { createProtectedRouter } from "../protected-router";

export const noteRouter = createProtectedRouter()
  .query("detail", {
    input: z.object({ id: z.string() }),
    async resolve({ ctx, input }) {
      return prisma.note.findFirst({ where: { id: input.id, authorId: ctx.session.user.id } });
    },
  })
  .mutation("hide", {
    input: z.string(),
    async resolve({ ctx, input }) {
      if (!ctx.isUserAdmin) {
        throw new TRPCError({ code: "FORBIDDEN" });
      }
      return prisma.note.update({ where: { id: input }, data: { title: "hidden" } });
    },
  })
  .query("author", {
    input: z.object({ id: z.string() }),
    async resolve({ input }) {
      return prisma.user.findUnique({ where: { id: input.id }, select: { id: true, role: false } });
    },
  });
"""


def test_class8_trpc_v9_routers_merged_under_a_prefix(tmp_path: Path) -> None:
    # tRPC v9: procedures chained by name on a router made by a factory whose middleware requires
    # the session, merged into the app router under "note.". An admin flag the middleware derives
    # from the role is a role check; a read of a user's public fields is no one's private data.
    root = """import * as trpc from "@trpc/server";
import { noteRouter } from "./routers/note";
export const appRouter = trpc.router().merge("note.", noteRouter);
"""
    result = audit_files(
        tmp_path,
        {
            "server/protected-router.ts": V9_PROTECTED,
            "server/routers/note.ts": V9_NOTES,
            "server/root.ts": root,
        },
        dependencies={"@trpc/server": "9.27.0"},
    )
    detail = entry(result, "trpc_procedure:server/routers/note.ts#note.detail")
    assert statuses(detail)["authentication"] == "pass"
    assert detail.checks.authentication.evidence[0].line == 5
    assert statuses(detail)["authorization"] == "pass"
    assert statuses(detail)["input_validation"] == "pass"
    assert detail.checks.input_validation.evidence[0].line == 8
    hide = entry(result, "trpc_procedure:server/routers/note.ts#note.hide")
    assert statuses(hide)["authorization"] == "pass"
    assert hide.checks.authorization.evidence[0].line == 16
    author = entry(result, "trpc_procedure:server/routers/note.ts#note.author")
    assert statuses(author)["authorization"] == "n/a"


def test_class8_a_drizzle_table_imported_under_another_name_is_still_queried(
    tmp_path: Path,
) -> None:
    # `import { users as userTable }`: the update is an operation on users, filtered by the caller.
    action = """"use server";
import { auth } from "@/auth";
import { db } from "@/db";
import { users as userTable } from "@/db/schema";
import { eq } from "drizzle-orm";

export async function setEmail(email: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await db.update(userTable).set({ email }).where(eq(userTable.id, session.user.id));
}
"""
    result = audit_files(
        tmp_path,
        {
            "drizzle.config.ts": DRIZZLE_CONFIG,
            "db/index.ts": DRIZZLE_DB,
            "db/schema.ts": DRIZZLE_SCHEMA,
            "app/settings/actions.ts": action,
        },
        schema=None,
        dependencies={"drizzle-orm": "0.43.1"},
    )
    point = entry(result, "server_action:app/settings/actions.ts#setEmail")
    assert statuses(point)["authorization"] == "pass"
    assert point.checks.authorization.evidence[0].line == 10
    assert statuses(point)["input_validation"] == "fail"  # the email reaches the write unchecked


def test_class3_a_row_loaded_by_the_clients_key_then_checked_before_use(tmp_path: Path) -> None:
    # The note is loaded by the client's id only to find its team; the membership found for the
    # caller in that team decides before the note is touched. Without the check: an IDOR.
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function DELETE(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await params;
  const note = await prisma.note.findUnique({ where: { id }, select: { title: true } });
  const membership = await prisma.membership.findFirst({
    where: { teamId: note?.title ?? "", userId: session.user.id },
  });
  const allowed = membership?.userId === session.user.id;
  if (!allowed) return new Response(null, { status: 403 });
  await prisma.note.delete({ where: { id } });
  return new Response(null, { status: 204 });
}
"""
    result = audit_files(tmp_path / "checked", {"app/api/notes/[id]/route.ts": route})
    check = entry(result, "route_handler:app/api/notes/[id]/route.ts#DELETE").checks.authorization
    assert check.status.value == "pass"
    assert 12 in {e.line for e in check.evidence}
    unchecked = route.replace("  if (!allowed) return new Response(null, { status: 403 });\n", "")
    result = audit_files(tmp_path / "open", {"app/api/notes/[id]/route.ts": unchecked})
    point = entry(result, "route_handler:app/api/notes/[id]/route.ts#DELETE")
    assert statuses(point)["authorization"] == "fail"


def test_class2_the_row_an_api_key_found_is_the_caller(tmp_path: Path) -> None:
    # getKey() stops requests whose key matches no row and returns that row: the delete bound to
    # the key's user is the caller's own webhook, named at the line of that filter.
    keys = """import { prisma } from "@/lib/db";
export async function getKey(token: string) {
  const key = await prisma.apiKey.findFirst({ where: { token } });
  if (!key) {
    throw new Error("invalid key");
  }
  const { userId } = key;
  return { ...key, userId };
}
"""
    route = """import { prisma } from "@/lib/db";
import { getKey } from "@/lib/keys";
export async function DELETE(req: Request) {
  const key = await getKey(req.headers.get("authorization") ?? "");
  const { id } = await req.json();
  const removed = await prisma.note.deleteMany({
    where: {
      id: String(id),
      authorId: key.userId ?? "",
    },
  });
  return Response.json({ removed: removed.count });
}
"""
    schema = (
        PRISMA_SCHEMA
        + """
model ApiKey {
  id     String @id
  token  String @unique
  userId String
}
"""
    )
    make_repo(tmp_path, {"lib/keys.ts": keys, "app/api/notes/route.ts": route}, schema=schema)
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/route.ts#DELETE")
    assert statuses(point)["authentication"] == "pass"
    assert point.checks.authentication.kind == "api_key"
    check = point.checks.authorization
    assert check.status.value == "pass"
    assert ("app/api/notes/route.ts", 9) in {(e.file, e.line) for e in check.evidence}


def test_class6_a_type_check_in_a_conditional_validates_the_value_it_keeps(
    tmp_path: Path,
) -> None:
    # `typeof x === "string" ? x.toLowerCase().trim() : ""`: only a string reaches the query.
    checked = """import type { NextApiRequest, NextApiResponse } from "next";
import { prisma } from "@/lib/db";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const email =
    typeof req.body.email === "string"
      ? req.body.email.toLowerCase().trim()
      : "";
  const user = await prisma.user.findUnique({ where: { email } });
  return res.status(200).json({ found: Boolean(user) });
}
"""
    unchecked = checked.replace(
        '    typeof req.body.email === "string"\n      ? req.body.email.toLowerCase().trim()\n      : "";',
        "    String(req.body.email ?? '').toLowerCase();",
    )
    assert unchecked != checked
    result = audit_files(tmp_path / "a", {"pages/api/verify.ts": checked})
    check = entry(result, "pages_api:pages/api/verify.ts#default").checks.input_validation
    assert check.status.value == "pass" and check.evidence[0].line == 4
    result = audit_files(tmp_path / "b", {"pages/api/verify.ts": unchecked})
    point = entry(result, "pages_api:pages/api/verify.ts#default")
    assert statuses(point)["input_validation"] == "fail"


def test_the_same_problem_at_two_lines_of_a_file_is_two_findings_with_occurrences() -> None:
    from archtools.rules.base import Hit
    from archtools.rules.catalog import rule_catalog
    from archtools.rules.findings import build_findings, fingerprint

    def hit(line: int, entry: str) -> Hit:
        return Hit(
            rule="AZ001", file="lib/notes.ts", line=line, message="m", entry_point=entry, key="k"
        )

    hits = [hit(30, "a"), hit(12, "b"), hit(12, "c"), hit(30, "d")]
    first, second = build_findings(
        hits, rule_catalog(), source_line=lambda _f, _l: [], ignored={}, baseline=set()
    )
    assert (first.line, first.occurrence, first.entry_points) == (12, 0, ["b", "c"])
    assert (second.line, second.occurrence, second.entry_points) == (30, 1, ["a", "d"])
    # the first keeps the fingerprint audits wrote before occurrences; the second has its own
    assert first.fingerprint == fingerprint(hits[0])
    assert second.fingerprint not in (first.fingerprint, "")
    # moved lines keep both fingerprints
    moved = build_findings(
        [hit(40, "a"), hit(22, "b")],
        rule_catalog(),
        source_line=lambda _f, _l: [],
        ignored={},
        baseline=set(),
    )
    assert [f.fingerprint for f in moved] == [first.fingerprint, second.fingerprint]


def _two_apps(web_page: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A monorepo of two Next.js apps sharing one database package: `admin` changes notes with a
    Server Action that revalidates nothing, `web` renders `web_page`."""
    action = """"use server";
import { auth } from "../../auth";
import { prisma } from "@repo/db";
export async function rename(id: string, title: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await prisma.note.updateMany({ where: { id, authorId: session.user.id }, data: { title } });
}
"""
    app = '{"name": "%s", "dependencies": {"next": "15", "next-auth": "5.0.0-beta.25", "@repo/db": "*"}}'
    files = {
        "package.json": '{"name": "mono", "private": true, "workspaces": ["apps/*", "packages/*"]}',
        "packages/db/package.json": '{"name": "@repo/db", "dependencies": {"@prisma/client": "5"}}',
        "packages/db/index.ts": DB_TS,
        "packages/db/prisma/schema.prisma": PRISMA_SCHEMA,
        "apps/admin/auth.ts": AUTH_TS,
        "apps/admin/package.json": app % "admin",
        "apps/web/package.json": app % "web",
        "apps/admin/app/notes/actions.ts": action,
        "apps/web/app/notes/page.tsx": web_page,
    }
    files.update(extra or {})
    return files


def test_nxt001_a_cache_of_another_app_is_not_left_stale(tmp_path: Path) -> None:
    timed = (
        'import { prisma } from "@repo/db";\nexport const revalidate = 60;\n'
        "export default async function Notes() {\n"
        "  return (await prisma.note.findMany()).length;\n}\n"
    )
    other_app = audit_files(tmp_path / "other", _two_apps(timed), schema=None)
    assert not [f for f in other_app.findings if f.rule == "NXT001"]
    # the same cached page inside the app whose action writes: stale after the action
    moved = _two_apps(timed)
    moved["apps/admin/app/notes/page.tsx"] = moved.pop("apps/web/app/notes/page.tsx")
    same_app = audit_files(tmp_path / "same", moved, schema=None)
    assert [(f.file, f.line) for f in same_app.findings if f.rule == "NXT001"] == [
        ("apps/admin/app/notes/actions.ts", 7)
    ]


def test_nxt001_a_cached_fetch_stands_for_what_the_fetched_route_reads(tmp_path: Path) -> None:
    def fetching(url: str) -> str:
        return (
            "export default async function Flags() {\n"
            f"  const url = new URL({url});\n"
            "  const res = await fetch(url, { next: { revalidate: 60 } });\n"
            "  return (await res.json()).length;\n}\n"
        )

    reads = {
        "flags": "export async function GET() {\n  return Response.json({ on: true });\n}\n",
        "notes": (
            'import { prisma } from "@repo/db";\nexport async function GET() {\n'
            "  return Response.json(await prisma.note.count());\n}\n"
        ),
    }

    def nxt001(url: str, route: str) -> list[str]:
        page = fetching(url).replace("Flags", "Page")
        extra = {f"apps/admin/app/api/{route}/route.ts": reads[route]}
        files = _two_apps("export default function Home() {\n  return null;\n}\n", extra)
        files["apps/admin/app/flags/page.tsx"] = page
        found = audit_files(tmp_path / f"{route}-{len(url)}", files, schema=None).findings
        return [f.file for f in found if f.rule == "NXT001"]

    own_flags = "`${process.env.APP_URL}/api/flags`"
    assert nxt001(own_flags, "flags") == []  # the route it caches reads no notes
    assert nxt001("`${process.env.APP_URL}/api/notes`", "notes") == [
        "apps/admin/app/notes/actions.ts"
    ]
    assert nxt001('"https://flags.example.com/v1/all"', "flags") == []  # another host
    assert nxt001("process.env.FLAGS_URL!", "flags") == [  # unknown: may be the app's own API
        "apps/admin/app/notes/actions.ts"
    ]


def test_nxt001_a_shared_action_runs_in_the_apps_that_import_it(tmp_path: Path) -> None:
    action = """"use server";
import { prisma } from "./index";
export async function archive(id: string) {
  await prisma.note.updateMany({ where: { id }, data: { title: "" } });
}
"""
    timed = (
        'import { prisma } from "@repo/db";\nexport const revalidate = 60;\n'
        "export default async function Notes() {\n"
        "  return (await prisma.note.findMany()).length;\n}\n"
    )
    button = (
        '"use client";\nimport { archive } from "@repo/db/actions";\n'
        'export function Archive() {\n  return <form action={archive.bind(null, "n")} />;\n}\n'
    )

    def nxt001(cached_in: str) -> list[str]:
        files = _two_apps("export default function Home() {\n  return null;\n}\n")
        files["packages/db/actions.ts"] = action
        files["apps/web/app/notes/archive.tsx"] = button
        files[f"apps/{cached_in}/app/list/page.tsx"] = timed
        found = audit_files(tmp_path / cached_in, files, schema=None).findings
        return [f.file for f in found if f.rule == "NXT001" and "packages" in f.file]

    assert nxt001("admin") == []  # the app importing the action (web) caches no notes
    assert nxt001("web") == ["packages/db/actions.ts"]


def test_az001_a_client_range_or_search_bound_picks_no_row(tmp_path: Path) -> None:
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const url = new URL(request.url);
  const from = new Date(url.searchParams.get("from") ?? 0);
  const q = url.searchParams.get("q") ?? "";
  const notes = await prisma.note.findMany({
    where: { createdAt: { gte: from }, title: { contains: q, mode: "insensitive" } },
    select: { id: true },
  });
  return Response.json(notes.length);
}
"""
    ranged = audit_files(tmp_path / "ranged", {"app/api/notes/count/route.ts": route})
    assert not [f for f in ranged.findings if f.rule == "AZ001"]
    # the same bounds beside a key the client names: that key picks rows
    keyed = route.replace(
        "where: { createdAt", 'where: { authorId: url.searchParams.get("author") ?? "", createdAt'
    )
    chosen = audit_files(tmp_path / "keyed", {"app/api/notes/count/route.ts": keyed})
    assert [(f.rule, f.line) for f in chosen.findings if f.rule == "AZ001"] == [("AZ001", 9)]


def test_az001_a_drizzle_range_bound_picks_no_row(tmp_path: Path) -> None:
    schema = """import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: text("id").primaryKey() });
export const posts = pgTable("posts", {
  id: text("id").primaryKey(),
  authorId: text("author_id").notNull().references(() => users.id),
  createdAt: timestamp("created_at").notNull(),
});
"""
    route = """import { and, eq, gte } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { posts } from "@/db/schema";
export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const from = new Date(new URL(request.url).searchParams.get("from") ?? 0);
  const rows = await db.select({ id: posts.id }).from(posts).where(gte(posts.createdAt, from));
  return Response.json(rows.length);
}
"""

    def az001(text: str, name: str) -> list[int]:
        files = {
            "drizzle.config.ts": DRIZZLE_CONFIG,
            "db/index.ts": DRIZZLE_DB,
            "db/schema.ts": schema,
            "app/api/posts/route.ts": text,
        }
        result = audit_files(
            tmp_path / name, files, schema=None, dependencies={"drizzle-orm": "0.43.1"}
        )
        return [f.line for f in result.findings if f.rule == "AZ001"]

    assert az001(route, "ranged") == []
    keyed = route.replace(
        "where(gte(posts.createdAt, from))",
        'where(and(eq(posts.id, new URL(request.url).searchParams.get("id") ?? ""), '
        "gte(posts.createdAt, from)))",
    )
    assert az001(keyed, "keyed") == [9]


def test_class6_a_path_segment_inside_a_relation_filter_is_no_val001_finding(
    tmp_path: Path,
) -> None:
    # `{ memberships: { some: { teamId } } }`: the segment is still the exact value of a key
    helper = """import { prisma } from "@/lib/db";
export async function usersOfTeam(teamId: string) {
  return prisma.user.findMany({
    where: { memberships: { some: { teamId } } },
    select: { id: true },
  });
}
"""
    page = """import { usersOfTeam } from "@/lib/team";
export default async function Team({ params }: { params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  return <p>{(await usersOfTeam(teamId)).length}</p>;
}
"""
    spread = helper.replace("where: { memberships: { some: { teamId } } }", "where: { ...teamId }")
    files = {"lib/team.ts": helper, "app/teams/[teamId]/page.tsx": page}
    nested = audit_files(tmp_path / "nested", files)
    assert not [f for f in nested.findings if f.rule == "VAL001"]
    spread_in = audit_files(tmp_path / "spread", {**files, "lib/team.ts": spread})
    assert [f.file for f in spread_in.findings if f.rule == "VAL001"] == ["lib/team.ts"]


def test_class6_a_comparison_operand_is_no_val001_finding(tmp_path: Path) -> None:
    # Prisma takes only a scalar as the operand of `gte` or `contains`: an object the client sends
    # there is refused, never read as an operator. As the value of the field itself it would be.
    action = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function countSince(from: Date, q: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  return prisma.note.count({
    where: { authorId: session.user.id, createdAt: { gte: from }, title: { contains: q } },
  });
}
"""
    operands = audit_files(tmp_path / "operands", {"app/notes/count.ts": action})
    point = entry(operands, "server_action:app/notes/count.ts#countSince")
    assert statuses(point)["input_validation"] == "fail"  # still unchecked
    assert not [f for f in operands.findings if f.rule == "VAL001"]
    whole = action.replace("createdAt: { gte: from }", "createdAt: from")
    field = audit_files(tmp_path / "field", {"app/notes/count.ts": whole})
    assert [f.line for f in field.findings if f.rule == "VAL001"] == [8]


def test_class6_the_unique_field_of_a_unique_operation_is_no_val001_finding(
    tmp_path: Path,
) -> None:
    # `delete({ where: { id } })`: Prisma's unique filter takes the `@id` field's value alone, so
    # an object sent in its place is refused; `deleteMany` reads one as an operator (`{ not: "" }`).
    action = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function remove(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await prisma.note.delete({ where: { id, authorId: session.user.id } });
}
"""
    unique = audit_files(tmp_path / "unique", {"app/notes/remove.ts": action})
    assert (
        statuses(entry(unique, "server_action:app/notes/remove.ts#remove"))["input_validation"]
        == "fail"
    )
    assert not [f for f in unique.findings if f.rule == "VAL001"]
    many = action.replace("prisma.note.delete(", "prisma.note.deleteMany(")
    filtered = audit_files(tmp_path / "many", {"app/notes/remove.ts": many})
    assert [f.line for f in filtered.findings if f.rule == "VAL001"] == [7]


def test_class1_a_link_secret_stays_the_access_when_the_page_also_reads_the_session(
    tmp_path: Path,
) -> None:
    # The invitation page greets a signed-in user, but only the token finds the invitation.
    schema = PRISMA_SCHEMA + (
        "\nmodel Invite {\n  id     String @id @default(cuid())\n  token  String @unique\n"
        '  email  String\n  status String @default("PENDING")\n}\n'
    )
    page = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export default async function Accept({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const session = await auth();
  const invite = await prisma.invite.findUnique({ where: { token } });
  if (!invite) return <p>Invalid link</p>;
  await prisma.invite.update({ where: { id: invite.id }, data: { status: "ACCEPTED" } });
  return <p>{session?.user?.name ?? invite.email}</p>;
}
"""
    link = audit_files(tmp_path / "link", {"app/invite/[token]/page.tsx": page}, schema=schema)
    check = entry(link, "page:app/invite/[token]/page.tsx#default").checks.authentication
    assert check.status.value == "n/a" and "secret" in check.evidence[0].detail, check
    # keyed by the session user too: the signed-out visitor is not stopped before that write
    keyed = page.replace(
        'data: { status: "ACCEPTED" }', 'data: { status: "ACCEPTED", email: session?.user?.email }'
    )
    user = audit_files(tmp_path / "user", {"app/invite/[token]/page.tsx": keyed}, schema=schema)
    check = entry(user, "page:app/invite/[token]/page.tsx#default").checks.authentication
    assert check.status.value == "fail", check


def test_class6_a_harmless_key_does_not_hide_unchecked_data_in_the_same_write(
    tmp_path: Path,
) -> None:
    route = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function PATCH(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { id } = await params;
  const body = await req.json();
  await prisma.note.updateMany({
    where: { id, authorId: session.user.id },
    data: { title: body.title },
  });
  return Response.json({ ok: true });
}
"""
    result = audit_files(tmp_path, {"app/api/notes/[id]/route.ts": route})
    assert [(f.rule, f.line) for f in result.findings if f.rule == "VAL001"] == [("VAL001", 10)]


def test_class1_the_session_helpers_own_lookup_keys_no_query_of_the_page(tmp_path: Path) -> None:
    # The helper finds the signed-in user by the session's email: that lookup is how the page
    # reads the session, not a query of the page keyed by it.
    schema = PRISMA_SCHEMA + (
        "\nmodel Invite {\n  id     String @id @default(cuid())\n  token  String @unique\n"
        '  email  String\n  status String @default("PENDING")\n}\n'
    )
    helper = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function currentUser() {
  const session = await auth();
  if (!session?.user?.email) return null;
  return prisma.user.findFirstOrThrow({ where: { email: session.user.email } });
}
"""
    page = """import { currentUser } from "@/lib/session";
import { prisma } from "@/lib/db";
export default async function Accept({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await currentUser();
  const invite = await prisma.invite.findUnique({ where: { token } });
  if (!invite) return <p>Invalid link</p>;
  return <p>{user?.email === invite.email ? "Welcome back" : invite.email}</p>;
}
"""
    files = {"lib/session.ts": helper, "app/invite/[token]/page.tsx": page}
    result = audit_files(tmp_path, files, schema=schema)
    check = entry(result, "page:app/invite/[token]/page.tsx#default").checks.authentication
    assert check.status.value == "n/a" and "secret" in check.evidence[0].detail, check
