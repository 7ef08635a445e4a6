"""Precision of the exposure and Next.js rules (EXP001, EXP002, NXT001, NXT002): each false positive
class met on real apps, written as a small app of our own, with the true case beside it that must
still be reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.results import Audit
from tests.support.minirepo import AUTH_TS, PRISMA_SCHEMA, make_repo, run_audit


def audit_files(tmp_path: Path, files: dict[str, str], **options: object) -> Audit:
    make_repo(tmp_path, files, **options)  # type: ignore[arg-type]
    return run_audit(tmp_path)


def found(result: Audit, rule: str) -> list[tuple[str, int]]:
    return sorted((f.file, f.line) for f in result.findings if f.rule == rule)


# -- EXP001 ----------------------------------------------------------------------------------------

PUBLIC_NOTE = """import { prisma } from "@/lib/db";
export async function GET() {
  const note = await prisma.note.findFirst({ where: { title: "welcome" } });
  return Response.json(note);
}
"""


def _note_schema(extra: str) -> str:
    return PRISMA_SCHEMA.replace("  deletedAt DateTime?\n", f"  deletedAt DateTime?\n{extra}")


def test_exp001_a_digest_of_content_is_no_secret(tmp_path: Path) -> None:
    # A digest that names what it digests (an uploaded file, an image) is computed by anyone who
    # has the content; a digest of a token is the token's stand-in.
    content = audit_files(
        tmp_path / "content",
        {"app/api/welcome/route.ts": PUBLIC_NOTE},
        schema=_note_schema("  contentHash String\n  pHashUrl String?\n"),
    )
    assert found(content, "EXP001") == []
    token = audit_files(
        tmp_path / "token",
        {"app/api/welcome/route.ts": PUBLIC_NOTE},
        schema=_note_schema("  tokenHash String\n"),
    )
    assert found(token, "EXP001") == [("app/api/welcome/route.ts", 3)]


PUBLIC_USER = """import { prisma } from "@/lib/db";
export async function GET() {
  const user = await prisma.user.findFirst({ where: { role: "ADMIN" } });
  return Response.json(user);
}
"""


def test_exp001_a_bare_hash_is_a_secret_on_an_account_only(tmp_path: Path) -> None:
    # On an image or a note a column called `hash` digests the row's own content (a blurhash, a
    # checksum); on an account it is the password's digest.
    content = audit_files(
        tmp_path / "note",
        {"app/api/welcome/route.ts": PUBLIC_NOTE},
        schema=_note_schema("  hash String\n"),
    )
    assert found(content, "EXP001") == []
    account = audit_files(
        tmp_path / "user",
        {"app/api/welcome/route.ts": PUBLIC_USER},
        schema=PRISMA_SCHEMA.replace("  passwordHash String\n", "  hash         String\n"),
    )
    assert found(account, "EXP001") == [("app/api/welcome/route.ts", 3)]


OWN_ROWS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function myNote(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  return prisma.note.findFirst({ where: { id, authorId: session.user.id } });
}
export async function me() {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  return prisma.user.findUnique({ where: { id: session.user.id } });
}
"""


OPERATOR = """
model Operator {
  id       String @id
  email    String @unique
  password String
}
"""
OPERATOR_ACTION = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function operator() {
  const session = await auth();
  if (!session?.user?.email) throw new Error("unauthorized");
  return prisma.operator.findUnique({ where: { email: session.user.email } });
}
"""


def test_exp001_an_access_password_goes_back_to_the_rows_owner(tmp_path: Path) -> None:
    # The password protecting a note is its owner's to read; an account's password (hash) is no
    # one's, its owner included, whether the account model is the user model or another model
    # holding the login (an email) beside the password.
    result = audit_files(
        tmp_path,
        {"app/notes/actions.ts": OWN_ROWS, "app/ops/actions.ts": OPERATOR_ACTION},
        schema=_note_schema("  password String?\n") + OPERATOR,
    )
    leaks = [(f.file, f.line, f.model) for f in result.findings if f.rule == "EXP001"]
    assert leaks == [
        ("app/notes/actions.ts", 12, "User"),
        ("app/ops/actions.ts", 7, "Operator"),
    ], leaks


TRPC = """import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { prisma } from "@/lib/db";
type Context = { user: { id: string } | null };
const t = initTRPC.context<Context>().create();
const authed = t.procedure.use((opts) => {
  if (!opts.ctx.user?.id) throw new TRPCError({ code: "UNAUTHORIZED" });
  return opts.next({ ctx: { user: opts.ctx.user } });
});
const UserRow = z.object({ id: z.string(), email: z.string(), passwordHash: z.string() });
const PublicUser = UserRow.omit({ passwordHash: true });
export const appRouter = t.router({
  team: authed
    .output(z.object({ users: z.array(PublicUser) }))
    .query(async () => {
      const users = await prisma.user.findMany({ where: { role: "USER" } });
      return { users };
    }),
  teamRaw: authed
    .output(z.object({ users: z.array(UserRow) }))
    .query(async () => {
      const users = await prisma.user.findMany({ where: { role: "ADMIN" } });
      return { users };
    }),
});
"""


def test_exp001_an_output_schema_strips_the_secret_fields(tmp_path: Path) -> None:
    # tRPC parses what a procedure returns with its output schema, and a zod object drops the keys
    # it does not list: the first procedure never sends passwordHash, the second lists it.
    result = audit_files(
        tmp_path, {"server/router.ts": TRPC}, dependencies={"@trpc/server": "11.0.0"}
    )
    assert found(result, "EXP001") == [("server/router.ts", 22)]


PARSED = """import { z } from "zod";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
const UserRow = z.object({ id: z.string(), email: z.string(), passwordHash: z.string() });
const PublicUser = UserRow.omit({ passwordHash: true });
export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const user = await prisma.user.findUnique({ where: { id: session.user.id } });
  return Response.json(PublicUser.parse({ ...user, plan: "free" }));
}
"""


def test_exp001_a_row_parsed_by_a_schema_that_omits_the_secret_is_not_sent(
    tmp_path: Path,
) -> None:
    omitted = audit_files(tmp_path / "omit", {"app/api/me/route.ts": PARSED})
    assert found(omitted, "EXP001") == []
    listed = audit_files(
        tmp_path / "listed",
        {"app/api/me/route.ts": PARSED.replace("PublicUser.parse(", "UserRow.parse(")},
    )
    assert found(listed, "EXP001") == [("app/api/me/route.ts", 9)]


MAPPED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
import { toPublicUser } from "@/lib/users";
export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const user = await prisma.user.findUnique({ where: { id: session.user.id } });
  return Response.json(toPublicUser({ user, plan: "free" }));
}
"""


def test_exp001_a_function_of_the_app_hands_back_only_what_it_returns(tmp_path: Path) -> None:
    # A mapping function that builds a new object of some fields keeps the row on the server; one
    # that spreads the row into its result hands all of it on.
    picked = (
        "export function toPublicUser({ user, plan }: { user: any; plan: string }) {\n"
        "  return { id: user.id, email: user.email, plan };\n}\n"
    )
    spread = picked.replace("{ id: user.id, email: user.email, plan }", "{ ...user, plan }")
    fields = audit_files(
        tmp_path / "fields", {"app/api/me/route.ts": MAPPED, "lib/users.ts": picked}
    )
    assert found(fields, "EXP001") == []
    whole = audit_files(tmp_path / "whole", {"app/api/me/route.ts": MAPPED, "lib/users.ts": spread})
    assert found(whole, "EXP001") == [("app/api/me/route.ts", 7)]


# -- NXT002 ----------------------------------------------------------------------------------------

LOGIN_REDIRECT = """import type { NextApiRequest, NextApiResponse } from "next";
import { auth } from "@/auth";
import { loginLink } from "@/lib/links";
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const session = await auth();
  if (!session) return res.redirect(loginLink({ returnUrl: req.url }));
  return res.json({ ok: true });
}
"""


def test_nxt002_a_local_path_built_by_a_function_of_the_app_is_no_open_redirect(
    tmp_path: Path,
) -> None:
    local = (
        "export function loginLink({ returnUrl }: { returnUrl?: string }) {\n"
        "  const query = new URLSearchParams({ returnUrl: returnUrl ?? '/' });\n"
        "  return query.size ? `/login?${query}` : '/login';\n}\n"
    )
    echoed = (
        "export function loginLink({ returnUrl }: { returnUrl?: string }) {\n"
        "  return returnUrl ?? '/login';\n}\n"
    )
    fixed = audit_files(
        tmp_path / "local", {"pages/api/download.ts": LOGIN_REDIRECT, "lib/links.ts": local}
    )
    assert found(fixed, "NXT002") == []
    opened = audit_files(
        tmp_path / "echo", {"pages/api/download.ts": LOGIN_REDIRECT, "lib/links.ts": echoed}
    )
    assert found(opened, "NXT002") == [("pages/api/download.ts", 6)]


SSO = """import { auth } from "@/auth";
export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const state = new URL(request.url).searchParams.get("state") ?? "";
  return Response.redirect(`${process.env.SSO_URL}?` + new URLSearchParams({ state }));
}
"""


def test_nxt002_a_configured_origin_before_the_query_fixes_the_destination(
    tmp_path: Path,
) -> None:
    fixed = audit_files(tmp_path / "configured", {"app/api/sso/route.ts": SSO})
    assert found(fixed, "NXT002") == []
    chosen = SSO.replace("`${process.env.SSO_URL}?`", "`${state}?`")
    opened = audit_files(tmp_path / "chosen", {"app/api/sso/route.ts": chosen})
    assert found(opened, "NXT002") == [("app/api/sso/route.ts", 6)]


CALLBACK = """import { NextResponse } from "next/server";
export async function GET(request: Request) {
  const { searchParams, origin } = new URL(request.url);
  const next = searchParams.get("next") ?? "";
  const failed = searchParams.get("error");
  if (failed) return NextResponse.redirect(`${origin}/auth/error?reason=${failed}`);
  return NextResponse.redirect(`${origin}${ROUTES.home}`);
}
const ROUTES = { home: "/projects" };
"""


def test_nxt002_the_requests_own_origin_keeps_the_user_on_the_site(tmp_path: Path) -> None:
    own = audit_files(tmp_path / "own", {"app/auth/callback/route.ts": CALLBACK})
    assert found(own, "NXT002") == []
    # the client's `next` right after the origin moves the host (`.evil.example`)
    steered = CALLBACK.replace("${origin}${ROUTES.home}", "${origin}${next}")
    opened = audit_files(tmp_path / "steered", {"app/auth/callback/route.ts": steered})
    assert found(opened, "NXT002") == [("app/auth/callback/route.ts", 7)]


STORED = """import { prisma } from "@/lib/db";
import { redirect } from "next/navigation";
export default async function Go({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [note] = await Promise.all([prisma.note.findFirst({ where: { id } }).catch(() => null)]);
  if (note) redirect(note.title);
  return null;
}
"""
FETCHED = """import { redirect } from "next/navigation";
export default async function Download({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const response = await fetch(`${process.env.RESOLVER_URL}/resolve`, {
    method: "POST",
    body: JSON.stringify({ key }),
  });
  const { url } = await response.json();
  redirect(url);
}
"""
CHOSEN = """import { redirect } from "next/navigation";
export default async function Go({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  redirect(next ?? "/");
}
"""


def test_nxt002_a_stored_value_or_a_services_answer_is_not_the_clients_choice(
    tmp_path: Path,
) -> None:
    # The row the client selects was written earlier, and the resolver's answer is the resolver's;
    # a search parameter is the client's own choice.
    result = audit_files(
        tmp_path,
        {
            "app/go/[id]/page.tsx": STORED,
            "app/download/[key]/page.tsx": FETCHED,
            "app/go/page.tsx": CHOSEN,
        },
    )
    assert found(result, "NXT002") == [("app/go/page.tsx", 4)]


PORTAL = """"use server";
import { redirect } from "next/navigation";
import { stripe } from "@/lib/stripe";
import { oauthClient } from "@/lib/oauth";
export async function openPortal(customer: string) {
  let target = "";
  const portal = await stripe.billingPortal.sessions.create({ customer });
  target = portal.url as string;
  redirect(target);
}
export async function connect(scope: string) {
  redirect(oauthClient().generateAuthUrl({ scope }));
}
export async function back(scope: string) {
  redirect(new URLSearchParams({ scope }).get("scope") ?? scope);
}
"""


def test_nxt002_a_url_a_providers_sdk_builds_is_the_providers_page(tmp_path: Path) -> None:
    stripe = (
        'import Stripe from "stripe";\nexport const stripe = new Stripe(process.env.STRIPE_KEY!);\n'
    )
    oauth = (
        'import { OAuth2Client } from "google-auth-library";\n'
        "export function oauthClient() {\n  return new OAuth2Client(process.env.GOOGLE_ID);\n}\n"
    )
    result = audit_files(
        tmp_path,
        {"app/billing/actions.ts": PORTAL, "lib/stripe.ts": stripe, "lib/oauth.ts": oauth},
        dependencies={"stripe": "17.0.0", "google-auth-library": "9.0.0"},
    )
    assert found(result, "NXT002") == [("app/billing/actions.ts", 15)]


# -- NXT001 ----------------------------------------------------------------------------------------

RENAME = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function rename(id: string, title: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  await prisma.note.updateMany({ where: { id, authorId: session.user.id }, data: { title } });
}
"""
PREVIEW = """import { useEffect, useState } from "react";
export function Preview({ url }: { url: string }) {
  const [meta, setMeta] = useState("");
  useEffect(() => {
    fetch(`https://meta.example.com/?url=${url}`, { cache: "force-cache" })
      .then((r) => r.text())
      .then(setMeta);
  }, [url]);
  return <p>{meta}</p>;
}
"""
SERVER_PAGE = """export default async function Page() {
  const res = await fetch(`${process.env.API_URL}/notes`, { cache: "force-cache" });
  return <p>{await res.text()}</p>;
}
"""


def test_nxt001_a_fetch_cached_by_the_browser_leaves_nothing_stale_on_the_server(
    tmp_path: Path,
) -> None:
    browser = audit_files(
        tmp_path / "browser",
        {"app/notes/actions.ts": RENAME, "components/preview.tsx": PREVIEW},
    )
    assert found(browser, "NXT001") == []
    server = audit_files(
        tmp_path / "server",
        {"app/notes/actions.ts": RENAME, "app/notes/page.tsx": SERVER_PAGE},
    )
    assert found(server, "NXT001") == [("app/notes/actions.ts", 7)]


# -- EXP002 ----------------------------------------------------------------------------------------

WEBHOOK = """import Stripe from "stripe";
import { prisma } from "@/lib/db";
const stripe = new Stripe(process.env.STRIPE_KEY!);
export async function POST(req: Request) {
  const body = await req.text();
  try {
    const event = stripe.webhooks.constructEvent(body, req.headers.get("stripe-signature")!, process.env.STRIPE_WEBHOOK_SECRET!);
    await prisma.note.deleteMany({ where: { title: event.id } });
  } catch (error: any) {
    return new Response(`Webhook Error: ${error.message}`, { status: 400 });
  }
  return Response.json({ received: true });
}
"""
INTERNAL = """import { prisma } from "@/lib/db";
export async function POST(req: Request) {
  try {
    const secret = req.headers.get("x-job-secret");
    if (secret !== process.env.JOB_SECRET) {
      return new Response("Not allowed", { status: 403 });
    }
    await prisma.note.deleteMany({ where: { title: "" } });
    return Response.json({ ok: true });
  } catch (error: any) {
    return Response.json({ error: error.message }, { status: 500 });
  }
}
"""
OPEN = """import { prisma } from "@/lib/db";
export async function POST() {
  try {
    await prisma.note.deleteMany({ where: { title: "" } });
    return Response.json({ ok: true });
  } catch (error: any) {
    return Response.json({ error: error.message }, { status: 500 });
  }
}
"""


def test_exp002_a_verified_sender_or_a_secret_holder_is_no_user(tmp_path: Path) -> None:
    result = audit_files(
        tmp_path,
        {
            "app/api/webhooks/stripe/route.ts": WEBHOOK,
            "app/api/jobs/cleanup/route.ts": INTERNAL,
            "app/api/cleanup/route.ts": OPEN,
        },
        dependencies={"stripe": "17.0.0"},
    )
    assert found(result, "EXP002") == [("app/api/cleanup/route.ts", 7)]


TABLE = """import { prisma } from "@/lib/db";
const ERRORS: Record<string, string> = { LIMIT: "Too many notes", UNKNOWN: "Something went wrong" };
export async function POST() {
  try {
    await prisma.note.deleteMany({ where: { title: "" } });
    return Response.json({ ok: true });
  } catch (err: any) {
    return Response.json({ error: ERRORS[err.message] ?? ERRORS.UNKNOWN }, { status: 500 });
  }
}
"""
LOGGED = """import { prisma } from "@/lib/db";
import { logger } from "@/lib/logger";
export async function POST() {
  try {
    await prisma.note.deleteMany({ where: { title: "" } });
  } catch (error: any) {
    logger.error({ error: error.message }, "cleanup failed");
  }
  return Response.json({ ok: true });
}
"""


def test_exp002_a_table_key_or_a_log_line_sends_no_raw_message(tmp_path: Path) -> None:
    result = audit_files(
        tmp_path,
        {
            "app/api/table/route.ts": TABLE,
            "app/api/logged/route.ts": LOGGED,
            "lib/logger.ts": "export const logger = { error(..._a: unknown[]) {} };\n",
            "app/api/raw/route.ts": TABLE.replace(
                "ERRORS[err.message] ?? ERRORS.UNKNOWN", "err.message"
            ),
        },
    )
    assert found(result, "EXP002") == [("app/api/raw/route.ts", 8)]


SIGNED_HOOK = """import { createHmac, timingSafeEqual } from "node:crypto";
import { prisma } from "@/lib/db";

function verifyPaymentSignature(body: string, signature: string | null) {
  const expected = createHmac("sha256", process.env.PAYMENT_HOOK_SECRET!).update(body).digest("hex");
  return !!signature && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

export async function POST(req: Request) {
  const body = await req.text();
  const valid = verifyPaymentSignature(body, req.headers.get("x-signature"));
  CHECK
  try {
    const event = JSON.parse(body);
    await prisma.note.deleteMany({ where: { title: event.id } });
    return Response.json({ received: true });
  } catch (error: any) {
    return Response.json({ error: error.message }, { status: 400 });
  }
}
"""


@pytest.mark.parametrize(
    ("check", "flagged"),
    [
        ('if (!valid) return new Response("Bad signature", { status: 401 });', False),
        ('console.log("signature valid:", valid);', True),
    ],
)
def test_exp002_past_a_signature_check_the_answer_goes_to_the_sender(
    tmp_path: Path, check: str, flagged: bool
) -> None:
    """Once an exit refused every request whose signature does not verify, the error text goes
    back to the webhook's sender; a check whose result stops nothing protects nobody."""
    hook = SIGNED_HOOK.replace("CHECK", check)
    result = audit_files(tmp_path, {"app/api/hooks/payment/route.ts": hook})
    line = next(n for n, text in enumerate(hook.splitlines(), 1) if "error.message" in text)
    assert found(result, "EXP002") == (
        [("app/api/hooks/payment/route.ts", line)] if flagged else []
    )


ADMIN_TOOL = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function POST() {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  GATE
  try {
    await prisma.note.deleteMany({ where: { title: "" } });
    return Response.json({ ok: true });
  } catch (error: any) {
    return Response.json({ error: error.message }, { status: 500 });
  }
}
"""


@pytest.mark.parametrize(
    ("gate", "flagged"),
    [
        ('if (session.user.role !== "ADMIN") return new Response(null, { status: 403 });', False),
        ("", True),
    ],
)
def test_exp002_an_operators_tool_answers_only_operators(
    tmp_path: Path, gate: str, flagged: bool
) -> None:
    """Behind a role check only the app's operators pass, the error text reaches no user; a tool
    every signed-in user may call still leaks it."""
    tool = ADMIN_TOOL.replace("GATE", gate)
    result = audit_files(tmp_path, {"auth.ts": AUTH_TS, "app/api/admin/purge/route.ts": tool})
    line = next(n for n, text in enumerate(tool.splitlines(), 1) if "error.message" in text)
    assert found(result, "EXP002") == ([("app/api/admin/purge/route.ts", line)] if flagged else [])


QUOTA_ERROR = """export class QuotaError extends Error {
  constructor() {
    super("You have used this month's quota, try again next month");
  }
}
"""
QUOTA = """import { ZodError } from "zod";
import { prisma } from "@/lib/db";
import { QuotaError } from "@/lib/errors";
export async function POST() {
  try {
    await prisma.note.deleteMany({ where: { title: "" } });
    return Response.json({ ok: true });
  } catch (err: any) {
    if (err instanceof CLASS) {
      return Response.json({ error: err.message }, { status: 429 });
    }
    return Response.json({ error: "Something went wrong" }, { status: 500 });
  }
}
"""


@pytest.mark.parametrize(
    ("tested", "flagged"), [("QuotaError", False), ("TypeError", True), ("ZodError", True)]
)
def test_exp002_the_message_of_an_error_class_of_the_app_is_its_own_text(
    tmp_path: Path, tested: str, flagged: bool
) -> None:
    """Answering with the message only for an error class the app declares sends the app's own
    text; a class of the platform or a package (TypeError, ZodError) carries what a library
    wrote."""
    result = audit_files(
        tmp_path,
        {"lib/errors.ts": QUOTA_ERROR, "app/api/quota/route.ts": QUOTA.replace("CLASS", tested)},
    )
    assert found(result, "EXP002") == ([("app/api/quota/route.ts", 10)] if flagged else [])


DELETE_NOTE = """"use server";
import { prisma } from "@/lib/db";
export async function deleteNote(id: string) {
  await prisma.note.deleteMany({ where: { id } });
}
"""
CACHE_WRAPPER = """import { unstable_cache } from "next/cache";
export async function withCache<T extends (...a: string[]) => Promise<unknown>>(opts: {
  fn: T;
  args: string[];
  key: string;
}) {
  return unstable_cache(async (...a: string[]) => opts.fn(...a), [opts.key])(...opts.args);
}
"""
TEAMS = """import { prisma } from "@/lib/db";
export async function listModels(kind: string) {
  return KIND.findMany({ where: { name: kind } });
}
"""
CACHED_PAGE = """import { withCache } from "@/lib/with-cache";
import { listModels } from "@/lib/lists";
export default async function Page() {
  const rows = await withCache({ fn: listModels, args: ["a"], key: "lists" });
  return <p>{JSON.stringify(rows)}</p>;
}
"""


@pytest.mark.parametrize(("cached", "flagged"), [("prisma.team", False), ("prisma.note", True)])
def test_nxt001_only_when_a_server_cache_serves_what_the_action_changes(
    tmp_path: Path, cached: str, flagged: bool
) -> None:
    result = audit_files(
        tmp_path,
        {
            "app/notes/actions.ts": DELETE_NOTE,
            "lib/with-cache.ts": CACHE_WRAPPER,
            "lib/lists.ts": TEAMS.replace("KIND", cached),
            "app/lists/page.tsx": CACHED_PAGE,
        },
    )
    assert (found(result, "NXT001") == [("app/notes/actions.ts", 4)]) is flagged
