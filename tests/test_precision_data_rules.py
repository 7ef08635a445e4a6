"""RL001 (rate limiting), AUD001 (audit trail), DATA001 (hard delete of a soft-deleted model) and
DATA002 (update without its optimistic lock): the false positives met on the real-world corpus,
each reproduced in a few lines of our own, next to the true case the rule must still report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from archtools.analysis import audit_trail, rate_limits
from archtools.results import Audit
from tests.support.minirepo import PRISMA_SCHEMA, make_repo, run_audit, statuses

PACKAGE = Path(audit_trail.__file__).resolve().parents[1]


def audit(
    tmp_path: Path,
    files: dict[str, str],
    *,
    schema: str = PRISMA_SCHEMA,
    dependencies: dict[str, str] | None = None,
) -> Audit:
    make_repo(tmp_path, files, schema=schema, dependencies=dependencies)
    return run_audit(tmp_path)


def reported(result: Audit, rule: str) -> set[tuple[str, int]]:
    return {(f.file, f.line) for f in result.findings if f.rule == rule}


def files_reported(result: Audit, rule: str) -> set[str]:
    return {file for file, _line in reported(result, rule)}


# -- RL001: limits the app writes itself -------------------------------------------------------------

BUCKET = """export class RefillingTokenBucket<K> {
  private storage = new Map<K, number>();
  constructor(public max: number, public seconds: number) {}
  public consume(key: K, cost: number): boolean {
    const left = (this.storage.get(key) ?? this.max) - cost;
    if (left < 0) return false;
    this.storage.set(key, left);
    return true;
  }
}
"""

SIGNUP_WITH_BUCKET = """"use server";
import { headers } from "next/headers";
import { prisma } from "@/lib/db";
import { RefillingTokenBucket } from "@/lib/rate-limit";

const ipBucket = new RefillingTokenBucket<string>(3, 10);

export async function signupAction(formData: FormData) {
  const ip = (await headers()).get("x-forwarded-for") ?? "unknown";
  if (!ipBucket.consume(ip, 1)) {
    return { message: "Too many requests" };
  }
  const email = String(formData.get("email"));
  await prisma.user.create({ data: { email, passwordHash: "x" } });
  return { message: "ok" };
}
"""


def test_rl_a_limiter_object_of_the_app_whose_failure_exits_limits(tmp_path: Path) -> None:
    unlimited = SIGNUP_WITH_BUCKET.replace(
        '  if (!ipBucket.consume(ip, 1)) {\n    return { message: "Too many requests" };\n  }\n', ""
    )
    result = audit(
        tmp_path,
        {
            "lib/rate-limit.ts": BUCKET,
            "app/signup/actions.ts": SIGNUP_WITH_BUCKET,
            "app/register/actions.ts": unlimited.replace("signupAction", "registerAction"),
        },
    )
    assert files_reported(result, "RL001") == {"app/register/actions.ts"}


CHAT_LIMIT = """import { redis } from "@/lib/redis";
export async function chatRateLimit(userId: string) {
  const count = await redis.incr(`chat:${userId}`);
  return { success: count <= 20 };
}
"""

CHAT_ROUTE = """import { streamText } from "ai";
import { auth } from "@/auth";
import { chatRateLimit } from "@/lib/chat-limit";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const limit = await chatRateLimit(session.user.id);
  if (!limit.success) return new Response("slow down", { status: 429 });
  const { prompt } = await req.json();
  return streamText({ model: "gpt", prompt }).toTextStreamResponse();
}
"""


def test_rl_a_limiter_helper_whose_result_is_branched_on_limits(tmp_path: Path) -> None:
    ignored = CHAT_ROUTE.replace(
        '  if (!limit.success) return new Response("slow down", { status: 429 });\n', ""
    )
    result = audit(
        tmp_path,
        {
            "lib/redis.ts": "export const redis = { incr: async (k: string) => k.length };\n",
            "lib/chat-limit.ts": CHAT_LIMIT,
            "app/api/chat/route.ts": CHAT_ROUTE,
            "app/api/ai/route.ts": ignored,
        },
        dependencies={"ai": "4.0.0"},
    )
    assert files_reported(result, "RL001") == {"app/api/ai/route.ts"}


TRPC_BASE = """import { initTRPC, TRPCError } from "@trpc/server";
type Context = { user: { id: string; role: string } | null; ip: string };
const t = initTRPC.context<Context>().create();
export const router = t.router;
export const procedure = t.procedure;
"""

TRPC_LIMIT = """import { TRPCError } from "@trpc/server";
import { client } from "@/lib/limits";
export function createRateLimitMiddleware(config: { max: number }) {
  return async function rateLimitMiddleware(opts: { ctx: { ip: string }; next: () => Promise<unknown> }) {
    const result = await client.checkRateLimit(config, opts.ctx.ip);
    if (!result.allowed) {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS" });
    }
    return opts.next();
  };
}
"""

USERS_ROUTER = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, procedure } from "../trpc";
import { createRateLimitMiddleware } from "../limit";

export const usersRouter = router({
  signup: procedure
    .use(createRateLimitMiddleware({ max: 3 }))
    .input(z.object({ email: z.string().email() }))
    .mutation(({ input }) => prisma.user.create({ data: { email: input.email, passwordHash: "x" } })),
  register: procedure
    .input(z.object({ email: z.string().email() }))
    .mutation(({ input }) => prisma.user.create({ data: { email: input.email, passwordHash: "x" } })),
});
"""

ROOT = (
    'import { router } from "./trpc";\nimport { usersRouter } from "./routers/users";\n'
    "export const appRouter = router({ users: usersRouter });\n"
)


def test_rl_procedure_middleware_built_by_a_limiting_factory_limits(tmp_path: Path) -> None:
    result = audit(
        tmp_path,
        {
            "lib/limits.ts": "export const client = { checkRateLimit: async (c: unknown, k: string) => ({ allowed: !!c && !!k }) };\n",
            "server/trpc.ts": TRPC_BASE,
            "server/limit.ts": TRPC_LIMIT,
            "server/routers/users.ts": USERS_ROUTER,
            "server/root.ts": ROOT,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    lines = reported(result, "RL001")
    assert {file for file, _ in lines} == {"server/routers/users.ts"}
    assert len(lines) == 1  # register, not signup
    ((_, line),) = lines
    assert "register" in USERS_ROUTER.splitlines()[line - 1]


WITH_RATE_LIMIT = """import type { NextApiRequest, NextApiResponse } from "next";
import { RateLimiterMemory } from "rate-limiter-flexible";
type Handler = (req: NextApiRequest, res: NextApiResponse) => Promise<unknown>;
export function withRateLimit(handler: Handler) {
  const rateLimiter = new RateLimiterMemory({ points: 100, duration: 60 });
  return async (req: NextApiRequest, res: NextApiResponse) => {
    try {
      await rateLimiter.consume(String(req.headers["x-forwarded-for"]));
    } catch {
      return res.status(429).json({ message: "Too many requests" });
    }
    return handler(req, res);
  };
}
"""

TRANSPORT = """import { createNextApiHandler } from "@trpc/server/adapters/next";
import { appRouter } from "@/server/root";
import { withRateLimit } from "@/lib/with-rate-limit";

const nextApiHandler = createNextApiHandler({ router: appRouter, createContext: () => ({ user: null, ip: "" }) });

export default withRateLimit(async (req, res) => nextApiHandler(req, res));
"""


@pytest.mark.parametrize("limited", [True, False])
def test_rl_procedures_served_only_by_limiting_transports_are_limited(
    tmp_path: Path, limited: bool
) -> None:
    router = USERS_ROUTER.replace("    .use(createRateLimitMiddleware({ max: 3 }))\n", "")
    transport = TRANSPORT if limited else TRANSPORT.replace("withRateLimit(", "(")
    result = audit(
        tmp_path,
        {
            "lib/with-rate-limit.ts": WITH_RATE_LIMIT,
            "server/trpc.ts": TRPC_BASE,
            "server/limit.ts": TRPC_LIMIT,
            "lib/limits.ts": "export const client = { checkRateLimit: async () => ({ allowed: true }) };\n",
            "server/routers/users.ts": router,
            "server/root.ts": ROOT,
            "pages/api/trpc/[trpc].ts": transport,
        },
        dependencies={"@trpc/server": "11.0.0", "rate-limiter-flexible": "5.0.0"},
    )
    assert bool(files_reported(result, "RL001")) is not limited


DB_THROTTLE = """import { prisma } from "@/lib/db";
import { sendResetMail } from "@/lib/mail";
const HOUR = 60 * 60 * 1000;
export async function forgotPassword(email: string) {
  const user = await prisma.user.findFirst({ where: { email } });
  if (!user) return;
  const recent = await prisma.note.findFirst({
    where: { authorId: user.id, createdAt: { gt: new Date(Date.now() - HOUR) } },
  });
  if (recent) return;
  await prisma.note.create({ data: { authorId: user.id, title: "reset", body: "" } });
  await sendResetMail(user.email);
}
"""

FORGOT_ACTION = """"use server";
import { forgotPassword } from "@/lib/forgot";
export async function forgotPasswordAction(formData: FormData) {
  await forgotPassword(String(formData.get("email")));
}
"""


def test_rl_a_throttle_kept_in_the_database_limits(tmp_path: Path) -> None:
    unthrottled = DB_THROTTLE.replace("  if (recent) return;\n", "")
    result = audit(
        tmp_path,
        {
            "lib/mail.ts": "export async function sendResetMail(to: string) { return to; }\n",
            "lib/forgot.ts": DB_THROTTLE,
            "lib/forgot-loose.ts": unthrottled,
            "app/forgot-password/actions.ts": FORGOT_ACTION,
            "app/reset-request/actions.ts": FORGOT_ACTION.replace(
                "@/lib/forgot", "@/lib/forgot-loose"
            ),
        },
    )
    assert files_reported(result, "RL001") == {"app/reset-request/actions.ts"}


# -- RL001: operations worth limiting, and callers that are the public ----------------------------------


def test_rl_an_oauth_redirect_sign_in_checks_nothing_here(tmp_path: Path) -> None:
    actions = """"use server";
import { signIn } from "@/auth";
export async function signInWithGithub() {
  await signIn("github", { redirectTo: "/" });
}
export async function signInWithPassword(formData: FormData) {
  await signIn("credentials", formData);
}
"""
    result = audit(tmp_path, {"app/login/actions.ts": actions})
    lines = reported(result, "RL001")
    assert [actions.splitlines()[line - 1] for _file, line in lines] == [
        "export async function signInWithPassword(formData: FormData) {"
    ]


CRON = """import { Resend } from "resend";
import { prisma } from "@/lib/db";
const resend = new Resend(process.env.RESEND_API_KEY);
export async function GET(request: Request) {
  const authHeader = request.headers.get("authorization");
  if (authHeader !== `Bearer ${process.env.CRON_SECRET}`) {
    return new Response("Unauthorized", { status: 401 });
  }
  const users = await prisma.user.findMany();
  for (const user of users) {
    await resend.emails.send({ from: "a@b.c", to: user.email, subject: "Weekly", html: "" });
  }
  return new Response("ok");
}
"""


def test_rl_a_caller_holding_a_server_secret_is_not_the_public(tmp_path: Path) -> None:
    open_cron = CRON.replace(
        '  if (authHeader !== `Bearer ${process.env.CRON_SECRET}`) {\n    return new Response("Unauthorized", { status: 401 });\n  }\n',
        "",
    )
    result = audit(
        tmp_path,
        {
            "app/api/internal/email/route.ts": CRON,
            "app/api/digest/email/route.ts": open_cron,
        },
        dependencies={"resend": "4.0.0"},
    )
    assert files_reported(result, "RL001") == {"app/api/digest/email/route.ts"}


BROADCAST = """"use server";
import { Resend } from "resend";
import { auth } from "@/auth";
const resend = new Resend(process.env.RESEND_API_KEY);
export async function broadcast(to: string, text: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  if (session.user.role !== "ADMIN") throw new Error("Forbidden");
  await resend.emails.send({ from: "a@b.c", to, subject: "News", text });
}
"""


def test_rl_an_admin_only_action_has_no_public_caller(tmp_path: Path) -> None:
    anyone = BROADCAST.replace(
        '  if (session.user.role !== "ADMIN") throw new Error("Forbidden");\n', ""
    ).replace("broadcast", "shareByMail")
    result = audit(
        tmp_path,
        {"app/admin/actions.ts": BROADCAST, "app/share/actions.ts": anyone},
        dependencies={"resend": "4.0.0"},
    )
    assert files_reported(result, "RL001") == {"app/share/actions.ts"}


def test_rl_a_notification_to_recipients_the_server_picks_is_no_relay(tmp_path: Path) -> None:
    notify = """"use server";
import { Resend } from "resend";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
const resend = new Resend(process.env.RESEND_API_KEY);
export async function assignNote(noteId: string, assigneeId: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  const assignee = await prisma.user.findUniqueOrThrow({ where: { id: assigneeId } });
  await resend.emails.send({ from: "a@b.c", to: assignee.email, subject: "Assigned", text: noteId });
}
"""
    relay = notify.replace("to: assignee.email", "to: assigneeId").replace(
        "assignNote", "forwardNote"
    )
    result = audit(
        tmp_path,
        {"app/notes/assign.ts": notify, "app/notes/forward.ts": relay},
        dependencies={"resend": "4.0.0"},
    )
    assert files_reported(result, "RL001") == {"app/notes/forward.ts"}


INVITES_ROUTER = """import { z } from "zod";
import { Resend } from "resend";
import { prisma } from "@/lib/db";
import { router, procedure } from "../trpc";
const resend = new Resend(process.env.RESEND_API_KEY);

export const invitationRouter = router({
  list: procedure.query(() => prisma.note.findMany({ where: { title: "invite" } })),
  send: procedure
    .input(z.object({ email: z.string().email() }))
    .mutation(({ input }) =>
      resend.emails.send({ from: "a@b.c", to: input.email, subject: "Join us", text: "" }),
    ),
});
"""


def test_rl_a_word_naming_a_message_needs_a_message_sent(tmp_path: Path) -> None:
    result = audit(
        tmp_path,
        {
            "server/trpc.ts": TRPC_BASE,
            "server/routers/invitation.ts": INVITES_ROUTER,
            "server/root.ts": 'import { router } from "./trpc";\nimport { invitationRouter } from "./routers/invitation";\nexport const appRouter = router({ invitation: invitationRouter });\n',
        },
        dependencies={"@trpc/server": "11.0.0", "resend": "4.0.0"},
    )
    lines = reported(result, "RL001")
    assert [INVITES_ROUTER.splitlines()[line - 1].strip() for _f, line in lines] == [
        "send: procedure"
    ]


def test_rl_a_page_is_not_named_for_an_operation(tmp_path: Path) -> None:
    page = """import { prisma } from "@/lib/db";
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const note = await prisma.note.findFirst({ where: { id, deletedAt: null } });
  return { title: note?.title };
}
export default async function Page() {
  return null;
}
"""
    pure = """"use server";
export async function generateCode(length: number = 6) {
  return String(Math.floor(Math.random() * 10 ** length)).padStart(length, "0");
}
"""
    paid = """"use server";
import { auth } from "@/auth";
export async function generateSummary(text: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  const response = await fetch("https://api.openai.com/v1/chat/completions", {
    method: "POST",
    body: JSON.stringify({ messages: [{ role: "user", content: text }] }),
  });
  return response.json();
}
"""
    result = audit(
        tmp_path,
        {
            "app/notes/[id]/page.tsx": page,
            "lib/code.ts": pure,
            "app/notes/summary.ts": paid,
        },
    )
    assert files_reported(result, "RL001") == {"app/notes/summary.ts"}


# -- AUD001 ---------------------------------------------------------------------------------------------

AUDIT_SCHEMA = (
    PRISMA_SCHEMA.replace(
        "  notes        Note[]\n",
        "  notes        Note[]\n  apiTokens    ApiToken[]\n  resetTokens  ResetToken[]\n",
        1,
    ).replace(
        "  author    User      @relation(fields: [authorId], references: [id], onDelete: Cascade)\n",
        "  author    User      @relation(fields: [authorId], references: [id], onDelete: Cascade)\n"
        "  history   NoteHistory[]\n  labels    LabelsOnNotes[]\n  items     NoteItem[]\n"
        "  recipients NoteRecipient[]\n",
        1,
    )
    + """
model NoteHistory {
  id        String   @id @default(cuid())
  noteId    String?
  note      Note?    @relation(fields: [noteId], references: [id], onDelete: SetNull)
  action    String
  createdAt DateTime @default(now())
}

model NoteAuditLog {
  id        String   @id @default(cuid())
  noteId    String
  note      Note     @relation(fields: [noteId], references: [id], onDelete: Cascade)
  action    String
  createdAt DateTime @default(now())
}

model Label {
  id    String          @id @default(cuid())
  name  String
  notes LabelsOnNotes[]
}

model LabelsOnNotes {
  noteId     String
  labelId    String
  assignedAt DateTime @default(now())
  note       Note     @relation(fields: [noteId], references: [id], onDelete: Cascade)
  label      Label    @relation(fields: [labelId], references: [id], onDelete: Cascade)

  @@id([noteId, labelId])
}

model NoteItem {
  id     String @id @default(cuid())
  noteId String
  text   String
  note   Note   @relation(fields: [noteId], references: [id], onDelete: Cascade)
}

model NoteRecipient {
  id     String        @id @default(cuid())
  noteId String
  email  String
  role   RecipientRole @default(VIEWER)
  note   Note          @relation(fields: [noteId], references: [id], onDelete: Cascade)
}

model ApiToken {
  id        String    @id @default(cuid())
  name      String
  token     String    @unique
  expires   DateTime?
  userId    String
  user      User      @relation(fields: [userId], references: [id], onDelete: Cascade)
}

model ResetToken {
  id      String   @id @default(cuid())
  token   String   @unique
  expires DateTime
  userId  String
  user    User     @relation(fields: [userId], references: [id], onDelete: Cascade)
}

enum RecipientRole {
  SIGNER
  VIEWER
}
"""
)
assert "history   NoteHistory[]" in AUDIT_SCHEMA and "apiTokens    ApiToken[]" in AUDIT_SCHEMA

GUARD = """  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
"""


def action(name: str, body: str) -> str:
    return (
        '"use server";\nimport { auth } from "@/auth";\nimport { prisma } from "@/lib/db";\n'
        f"export async function {name}(id: string) {{\n{GUARD}{body}}}\n"
    )


def audit_actions(tmp_path: Path, actions: dict[str, str], **extra: str) -> set[str]:
    files = {f"app/{name}/actions.ts": action(name, body) for name, body in actions.items()}
    files.update(extra)
    result = audit(tmp_path, files, schema=AUDIT_SCHEMA)
    return {Path(file).parent.name for file in files_reported(result, "AUD001")}


def test_aud_an_append_only_log_model_of_the_app_is_its_audit_trail(tmp_path: Path) -> None:
    logged = (
        "  await prisma.note.delete({ where: { id, authorId: session.user.id } });\n"
        '  await prisma.noteHistory.create({ data: { noteId: id, action: "deleted" } });\n'
    )
    flagged = audit_actions(
        tmp_path,
        {
            "logged": logged,
            "unlogged": "  await prisma.note.delete({ where: { id, authorId: session.user.id } });\n",
        },
    )
    assert flagged == {"unlogged"}


def test_aud_a_log_model_the_app_also_edits_is_no_audit_trail(tmp_path: Path) -> None:
    logged = (
        "  await prisma.note.delete({ where: { id, authorId: session.user.id } });\n"
        '  await prisma.noteHistory.create({ data: { noteId: id, action: "deleted" } });\n'
    )
    rewrite = (
        '  await prisma.noteHistory.updateMany({ where: { noteId: id }, data: { action: "x" } });\n'
    )
    flagged = audit_actions(tmp_path, {"logged": logged, "rewrite": rewrite})
    assert flagged == {"logged"}


def test_aud_an_audit_row_deleted_with_the_row_it_records_is_no_trail(tmp_path: Path) -> None:
    cascaded = (
        '  await prisma.noteAuditLog.create({ data: { noteId: id, action: "deleted" } });\n'
        "  await prisma.note.delete({ where: { id, authorId: session.user.id } });\n"
    )
    kept = cascaded.replace("noteAuditLog", "noteHistory")
    flagged = audit_actions(tmp_path, {"cascaded": cascaded, "kept": kept})
    assert flagged == {"cascaded"}


def test_aud_a_helper_or_middleware_that_writes_the_trail_counts(tmp_path: Path) -> None:
    helper = """import { prisma } from "@/lib/db";
export async function writeAuditLog(action: string, noteId: string) {
  await prisma.noteHistory.create({ data: { noteId, action } });
}
export function readAuditState(error: unknown) {
  return error ? "failed" : "ok";
}
"""
    written = (
        "  await prisma.note.delete({ where: { id, authorId: session.user.id } });\n"
        '  await log.writeAuditLog("note.delete", id);\n'
    )
    named_only = (
        "  await prisma.note.delete({ where: { id, authorId: session.user.id } });\n"
        "  log.readAuditState(null);\n"
    )
    files = {
        "lib/audit.ts": helper,
        "app/written/actions.ts": action("written", written).replace(
            'import { prisma } from "@/lib/db";\n',
            'import { prisma } from "@/lib/db";\nimport * as log from "@/lib/audit";\n',
        ),
        "app/named/actions.ts": action("named", named_only).replace(
            'import { prisma } from "@/lib/db";\n',
            'import { prisma } from "@/lib/db";\nimport * as log from "@/lib/audit";\n',
        ),
    }
    result = audit(tmp_path, files, schema=AUDIT_SCHEMA)
    assert files_reported(result, "AUD001") == {"app/named/actions.ts"}


def test_aud_an_event_log_middleware_in_the_procedure_chain_counts(tmp_path: Path) -> None:
    event_log = """import { logger } from "@/lib/logger";
export function createEventLogMiddleware(name: string) {
  return async function eventLogMiddleware(opts: { next: () => Promise<unknown> }) {
    const result = await opts.next();
    logger.info({ event: name });
    return result;
  };
}
"""
    router = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { router, procedure } from "../trpc";
import { createEventLogMiddleware } from "../event-log";
export const notesRouter = router({
  remove: procedure
    .use(createEventLogMiddleware("note.remove"))
    .input(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => prisma.note.deleteMany({ where: { id: input.id, authorId: ctx.user?.id } })),
  purge: procedure
    .input(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => prisma.note.deleteMany({ where: { id: input.id, authorId: ctx.user?.id } })),
});
"""
    result = audit(
        tmp_path,
        {
            "lib/logger.ts": "export const logger = { info: (x: unknown) => x };\n",
            "server/trpc.ts": TRPC_BASE,
            "server/event-log.ts": event_log,
            "server/routers/notes.ts": router,
            "server/root.ts": 'import { router } from "./trpc";\nimport { notesRouter } from "./routers/notes";\nexport const appRouter = router({ notes: notesRouter });\n',
        },
        schema=AUDIT_SCHEMA,
        dependencies={"@trpc/server": "11.0.0"},
    )
    audit_of = {
        point.route: statuses(point)["audit_logging"]
        for point in result.entry_points
        if point.route in ("notes.remove", "notes.purge")
    }
    assert audit_of == {"notes.remove": "pass", "notes.purge": "fail"}


def test_aud_removing_link_rows_removes_no_record(tmp_path: Path) -> None:
    flagged = audit_actions(
        tmp_path,
        {
            "unlabel": "  await prisma.labelsOnNotes.deleteMany({ where: { noteId: id } });\n",
            "leave": "  await prisma.membership.deleteMany({ where: { teamId: id, userId: session.user.id } });\n",
        },
    )
    assert flagged == {"leave"}


def test_aud_a_replace_all_edit_removes_no_record(tmp_path: Path) -> None:
    replace = (
        "  await prisma.noteItem.deleteMany({ where: { noteId: id } });\n"
        '  await prisma.noteItem.createMany({ data: [{ noteId: id, text: "a" }] });\n'
    )
    flagged = audit_actions(
        tmp_path,
        {
            "replace": replace,
            "clear": "  await prisma.noteItem.deleteMany({ where: { noteId: id } });\n",
        },
    )
    assert flagged == {"clear"}


def test_aud_spent_one_time_secrets_are_housekeeping(tmp_path: Path) -> None:
    flagged = audit_actions(
        tmp_path,
        {
            "spent": "  await prisma.resetToken.deleteMany({ where: { userId: session.user.id } });\n",
            "revoke": "  await prisma.apiToken.deleteMany({ where: { id, userId: session.user.id } });\n",
        },
    )
    assert flagged == {"revoke"}


def test_aud_a_role_grants_access_only_on_the_tables_that_grant_it(tmp_path: Path) -> None:
    flagged = audit_actions(
        tmp_path,
        {
            "recipient": '  await prisma.noteRecipient.create({ data: { noteId: id, email: "a@b.c", role: "SIGNER" } });\n',
            "promote": '  await prisma.membership.updateMany({ where: { teamId: id }, data: { role: "ADMIN" } });\n',
            "join": '  await prisma.membership.create({ data: { teamId: id, userId: session.user.id, role: "USER" } });\n',
        },
    )
    assert flagged == {"promote"}


def test_aud_a_trail_nested_in_the_write_counts(tmp_path: Path) -> None:
    nested = (
        "  await prisma.noteItem.deleteMany({ where: { noteId: id } });\n"
        '  await prisma.note.update({ where: { id }, data: { title: "t", history: { create: { action: "cleared" } } } });\n'
    )
    flagged = audit_actions(
        tmp_path,
        {
            "nested": nested,
            "plain": nested.replace(', history: { create: { action: "cleared" } }', ""),
        },
    )
    assert flagged == {"plain"}


# -- DATA001 / DATA002 ----------------------------------------------------------------------------------

DATA_SCHEMA = (
    AUDIT_SCHEMA.replace(
        "  assignedAt DateTime @default(now())\n",
        "  assignedAt DateTime @default(now())\n  deletedAt  DateTime?\n",
        1,
    )
    + """
model Release {
  id      String @id @default(cuid())
  name    String
  version String
}

model Page {
  id       String @id @default(cuid())
  body     String
  version  Int    @default(1)
  parentId String?
}
"""
)


def data_actions(tmp_path: Path, bodies: dict[str, str]) -> Audit:
    files = {f"app/{name}/actions.ts": action(name, body) for name, body in bodies.items()}
    return audit(tmp_path, files, schema=DATA_SCHEMA)


def names(result: Audit, rule: str) -> set[str]:
    return {Path(file).parent.name for file in files_reported(result, rule)}


def test_data001_a_soft_delete_column_the_app_never_writes_is_unused(tmp_path: Path) -> None:
    result = data_actions(
        tmp_path,
        {
            "archive": "  await prisma.note.update({ where: { id }, data: { deletedAt: new Date() } });\n",
            "unlabel": "  await prisma.labelsOnNotes.deleteMany({ where: { noteId: id } });\n",
            "purge": "  await prisma.note.delete({ where: { id } });\n",
        },
    )
    assert names(result, "DATA001") == {"purge"}


def test_data001_with_no_soft_delete_anywhere_the_schema_declaration_stands(
    tmp_path: Path,
) -> None:
    result = data_actions(tmp_path, {"purge": "  await prisma.note.delete({ where: { id } });\n"})
    assert names(result, "DATA001") == {"purge"}


def test_data001_a_hard_delete_beside_a_soft_delete_is_the_apps_policy(tmp_path: Path) -> None:
    chooses = """  const note = await prisma.note.findUniqueOrThrow({ where: { id } });
  if (note.title === "done") {
    await prisma.note.update({ where: { id }, data: { deletedAt: new Date() } });
    return;
  }
  await prisma.note.delete({ where: { id } });
"""
    result = data_actions(
        tmp_path,
        {"chooses": chooses, "purge": "  await prisma.note.delete({ where: { id } });\n"},
    )
    assert names(result, "DATA001") == {"purge"}


def test_data001_an_admins_hard_delete_beside_the_soft_delete_is_a_deliberate_purge(
    tmp_path: Path,
) -> None:
    admin_only = """  const me = await prisma.user.findUniqueOrThrow({ where: { id: session.user.id } });
  if (me.role !== "ADMIN") throw new Error("Forbidden");
  await prisma.note.delete({ where: { id } });
"""
    result = data_actions(
        tmp_path,
        {
            "archive": "  await prisma.note.update({ where: { id }, data: { deletedAt: new Date() } });\n",
            "moderate": admin_only,
            "purge": "  await prisma.note.delete({ where: { id } });\n",
        },
    )
    assert names(result, "DATA001") == {"purge"}
    # where the app never soft-deletes the model, the admin's delete bypasses the schema's contract
    alone = data_actions(tmp_path / "alone", {"moderate": admin_only})
    assert names(alone, "DATA001") == {"moderate"}
    # a helper that lets admins or the note's author through is no admin-only gate
    helper = """import { prisma } from "@/lib/db";
export async function assertCanDelete(userId: string, noteId: string) {
  const me = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (me.role === "ADMIN") return;
  const note = await prisma.note.findUniqueOrThrow({ where: { id: noteId } });
  if (note.authorId !== userId) throw new Error("Forbidden");
}
"""
    either = """  await assertCanDelete(session.user.id, id);
  await prisma.note.delete({ where: { id } });
"""
    files = {
        "lib/can.ts": helper,
        "app/archive/actions.ts": action(
            "archive",
            "  await prisma.note.update({ where: { id }, data: { deletedAt: new Date() } });\n",
        ),
        "app/either/actions.ts": action("either", either).replace(
            'import { prisma } from "@/lib/db";\n',
            'import { prisma } from "@/lib/db";\nimport { assertCanDelete } from "@/lib/can";\n',
        ),
    }
    mixed = audit(tmp_path / "mixed", files, schema=DATA_SCHEMA)
    assert names(mixed, "DATA001") == {"either"}


def test_data002_a_version_is_a_lock_only_as_a_number_the_app_checks(tmp_path: Path) -> None:
    result = data_actions(
        tmp_path,
        {
            "release": '  await prisma.release.update({ where: { id }, data: { name: "n" } });\n',
            "save": "  await prisma.note.updateMany({ where: { id, version: 1 }, data: { version: { increment: 1 } } });\n",
            "retitle": '  await prisma.note.update({ where: { id }, data: { title: "t" } });\n',
        },
    )
    assert names(result, "DATA002") == {"retitle"}


def test_data002_a_numbered_revision_history_is_no_lock(tmp_path: Path) -> None:
    revise = """  const page = await prisma.page.findUniqueOrThrow({ where: { id } });
  await prisma.page.create({ data: { body: page.body, version: page.version + 1, parentId: id } });
  await prisma.page.update({ where: { id }, data: { version: page.version + 1 } });
"""
    result = data_actions(
        tmp_path,
        {
            "revise": revise,
            "edit": '  await prisma.page.update({ where: { id }, data: { body: "b" } });\n',
        },
    )
    assert names(result, "DATA002") == set()
    locked = data_actions(
        tmp_path / "locked",
        {"edit": '  await prisma.page.update({ where: { id }, data: { body: "b" } });\n'},
    )
    assert names(locked, "DATA002") == {"edit"}


# -- the vocabularies ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [rate_limits.RateLimitVocabulary, audit_trail.AuditVocabulary],
    ids=lambda m: m.__name__,
)
def test_every_key_of_the_rule_vocabularies_is_read(model: type[BaseModel]) -> None:
    sources = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (PACKAGE / "analysis").glob("*.py")
        if p.name not in ("knowledge.py",)
    )
    unread = [name for name in model.model_fields if not re.search(rf"\.{name}\b", sources)]
    assert unread == []
    assert rate_limits.rate_limit_vocabulary().limiter_words
    assert audit_trail.audit_vocabulary().name_phrases
