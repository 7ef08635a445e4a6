"""Entry points written for callers nobody signs in: they tell callers apart by network address (a
proxy's header, read in a helper) and limit each address before they act. The twins read the
address only to log it, or limit something else, and still fail."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, run_audit

CLIENT_ADDRESS = """export function clientAddress(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded) return forwarded.split(",")[0].trim();
  return headers.get("x-real-ip");
}

export async function digest(value: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return Buffer.from(bytes).toString("hex");
}
"""

LIMITER = """import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";

export const feedbackLimiter = new Ratelimit({
  redis: Redis.fromEnv(),
  limiter: Ratelimit.slidingWindow(5, "1 m"),
});
"""

FEEDBACK = """import { prisma } from "@/lib/db";
import { clientAddress, digest } from "@/lib/address";
import { feedbackLimiter } from "@/lib/limiter";

export async function POST(request: Request) {
  const body = await request.json();
  const address = clientAddress(request.headers);
  if (!address) return Response.json({ error: "no address" }, { status: 400 });
  const voter = await digest(address);
  const verdict = await feedbackLimiter.limit(`feedback:${voter}`);
  if (!verdict.success) return Response.json({ error: "slow down" }, { status: 429 });
  await prisma.note.create({ data: { title: String(body.page), body: "", authorId: "feedback" } });
  return Response.json({ ok: true });
}
"""

DEPENDENCIES = {"@upstash/ratelimit": "2.0.0", "@upstash/redis": "1.34.0"}


def _authentication(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(
        tmp_path,
        {
            "app/api/feedback/route.ts": route,
            "lib/address.ts": CLIENT_ADDRESS,
            "lib/limiter.ts": LIMITER,
        },
        dependencies=DEPENDENCIES,
    )
    return entry(
        run_audit(tmp_path), "route_handler:app/api/feedback/route.ts#POST"
    ).checks.authentication


def test_a_route_that_limits_each_network_address_is_built_for_anonymous_callers(
    tmp_path: Path,
) -> None:
    check = _authentication(tmp_path, FEEDBACK)
    assert check.status.value == "n/a", check
    evidence = check.evidence[0]
    assert evidence.line == 10 and "network address" in evidence.detail
    assert "`x-forwarded-for` at lib/address.ts:2" in evidence.detail


def test_an_address_read_only_for_the_log_beside_a_limit_on_something_else_is_no_design(
    tmp_path: Path,
) -> None:
    logged = FEEDBACK.replace(
        "feedbackLimiter.limit(`feedback:${voter}`)", "feedbackLimiter.limit(String(body.page))"
    ).replace(
        "  const voter = await digest(address);\n", "  console.info(await digest(address));\n"
    )
    check = _authentication(tmp_path / "logged", logged)
    assert check.status.value == "fail", check


def test_an_address_with_no_limit_is_no_design_either(tmp_path: Path) -> None:
    unlimited = FEEDBACK.replace(
        "  const verdict = await feedbackLimiter.limit(`feedback:${voter}`);\n"
        '  if (!verdict.success) return Response.json({ error: "slow down" }, { status: 429 });\n',
        "  console.info(voter);\n",
    )
    check = _authentication(tmp_path / "unlimited", unlimited)
    assert check.status.value == "fail", check


SIGN_UP = """import bcrypt from "bcryptjs";
import { prisma } from "@/lib/db";

async function hashed(password: string): Promise<string> {
  return bcrypt.hash(password, 12);
}

export async function POST(request: Request) {
  const { email, password } = await request.json();
  const passwordHash = await hashed(String(password));
  const user = await prisma.user.create({ data: { email: String(email), passwordHash } });
  return Response.json({ id: user.id });
}
"""


def _sign_up(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(tmp_path, {"app/api/accounts/route.ts": route}, dependencies={"bcryptjs": "2.4.3"})
    return entry(
        run_audit(tmp_path), "route_handler:app/api/accounts/route.ts#POST"
    ).checks.authentication


def test_creating_a_user_with_a_password_it_hashes_is_a_sign_up(tmp_path: Path) -> None:
    check = _sign_up(tmp_path, SIGN_UP)
    assert check.status.value == "n/a", check
    evidence = check.evidence[0]
    assert evidence.line == 11 and "a sign-up, it creates a row of User" in evidence.detail
    assert "bcrypt.hash() (app/api/accounts/route.ts:5)" in evidence.detail


def test_a_password_changed_or_a_user_created_without_one_is_no_sign_up(tmp_path: Path) -> None:
    changed = SIGN_UP.replace(
        "prisma.user.create({ data: { email: String(email), passwordHash } })",
        "prisma.user.update({ where: { email: String(email) }, data: { passwordHash } })",
    )
    assert _sign_up(tmp_path / "changed", changed).status.value == "fail"
    unhashed = SIGN_UP.replace("await hashed(String(password))", 'String(password ?? "") + "!"')
    assert _sign_up(tmp_path / "unhashed", unhashed).status.value == "fail"


MY_NOTES = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  return Response.json(await prisma.note.findMany({ where: { authorId: session.user.id } }));
}
"""


def test_an_address_limit_does_not_excuse_reading_someones_rows_by_the_clients_key(
    tmp_path: Path,
) -> None:
    reading = FEEDBACK.replace(
        "  await prisma.note.create(",
        "  const note = await prisma.note.findUnique({ where: { id: String(body.noteId) } });\n"
        "  console.info(note?.title);\n  await prisma.note.create(",
    )
    make_repo(
        tmp_path,
        {
            "app/api/feedback/route.ts": reading,
            "app/api/notes/route.ts": MY_NOTES,
            "lib/address.ts": CLIENT_ADDRESS,
            "lib/limiter.ts": LIMITER,
        },
        dependencies=DEPENDENCIES,
    )
    check = entry(run_audit(tmp_path), "route_handler:app/api/feedback/route.ts#POST").checks
    assert check.authentication.status.value == "fail", check.authentication


SUBSCRIBER_SCHEMA = (
    PRISMA_SCHEMA
    + """
model Subscriber {
  id        String   @id @default(cuid())
  email     String
  token     String   @unique
  authorId  String
  muted     Boolean  @default(false)
}
"""
)

LOOKUP = """import { prisma } from "@/lib/db";

export async function subscriberByToken(args: { token: string }) {
  const found = await prisma.subscriber.findFirst({ where: { token: args.token } });
  if (!found) return null;
  const { email, ...row } = found;
  return { row, contact: email.toLowerCase() };
}
"""

MUTE_SERVICE = """import { z } from "zod";
import { prisma } from "@/lib/db";
import { subscriberByToken } from "@/lib/subscribers";

const Input = z.object({ token: z.string().uuid(), id: z.string().optional() });

export async function muteSubscriber(args: { input: unknown }) {
  const input = Input.parse(args.input);
  const resolved = await subscriberByToken({ token: input.token });
  if (!resolved) throw new Error("not found");
  const { row } = resolved;
  await prisma.subscriber.update({ where: { id: KEY }, data: { muted: true } });
}
"""

MUTE = """import { muteSubscriber } from "@/lib/mute";

export async function POST(request: Request) {
  await muteSubscriber({ input: await request.json() });
  return Response.json({ ok: true });
}
"""

MINE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  return Response.json(await prisma.subscriber.findMany({ where: { authorId: session.user.id } }));
}
"""


def _mute(tmp_path: Path, key: str):  # type: ignore[no-untyped-def]
    make_repo(
        tmp_path,
        {
            "app/api/subscribers/mute/route.ts": MUTE,
            "lib/mute.ts": MUTE_SERVICE.replace("KEY", key),
            "app/api/subscribers/route.ts": MINE,
            "lib/subscribers.ts": LOOKUP,
        },
        schema=SUBSCRIBER_SCHEMA,
    )
    result = run_audit(tmp_path)
    return entry(result, "route_handler:app/api/subscribers/mute/route.ts#POST").checks


def test_acting_on_the_row_a_secret_link_found_is_the_links_own_access(tmp_path: Path) -> None:
    checks = _mute(tmp_path, "row.id")
    assert checks.authentication.status.value == "n/a", checks.authentication
    evidence = checks.authentication.evidence[0]
    assert (evidence.file, evidence.line) == ("lib/subscribers.ts", 4)
    assert "the caller holds a link's secret" in evidence.detail


def test_acting_on_a_row_the_client_names_beside_the_link_is_not(tmp_path: Path) -> None:
    checks = _mute(tmp_path, 'input.id ?? ""')
    assert checks.authentication.status.value == "fail", checks.authentication
