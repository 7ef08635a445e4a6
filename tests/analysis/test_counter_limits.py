"""A rate limit written by hand on a key-value store: the handler (or a middleware around it)
increments a counter that expires, and refuses the request when the count passes a bound. That
is a limit; a counter that is only written, or one without a window, is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import AUTH_TS, entry, make_repo, run_audit, statuses

REDIS = """import { Redis } from "ioredis";
export const redis = new Redis(process.env.REDIS_URL!);
"""

INVITE = """import { auth } from "@/auth";
import { redis } from "@/lib/redis";
import { sendEmail } from "@/lib/mail";

const WINDOW_SECONDS = 3600;
const MAX_INVITES = 5;

export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const key = `invites:${session.user.id}`;
  COUNTER
  const { email } = (await request.json()) as { email: string };
  await sendEmail({ to: email, subject: "You are invited" });
  return Response.json({ ok: true });
}
"""

MAIL = """import { Resend } from "resend";
const resend = new Resend(process.env.RESEND_API_KEY);
export async function sendEmail(message: { to: string; subject: string }) {
  return resend.emails.send({ from: "team@example.com", ...message, text: "hello" });
}
"""

# read first, then increment with an expiry (the count decides the exit through a local)
READ_THEN_COUNT = """const raw = await redis.get(key);
  const count = raw ? Number(raw) : 0;
  if (count >= MAX_INVITES) return new Response("Too many invites", { status: 429 });
  const pipeline = redis.multi();
  pipeline.incr(key);
  pipeline.expire(key, WINDOW_SECONDS);
  await pipeline.exec();"""

# increment, start the window on the first request, refuse past the bound
COUNT_THEN_CHECK = """const used = await redis.incr(key);
  if (used === 1) await redis.expire(key, WINDOW_SECONDS);
  if (used > MAX_INVITES) throw new Error("Too many invites");"""

# a counter with no window: it only ever grows, nothing is limited per period
NO_WINDOW = """const used = await redis.incr(key);
  if (used > MAX_INVITES) throw new Error("Too many invites");"""

# a counter kept for statistics: nothing refuses the request
ONLY_COUNTED = """await redis.incr(key);
  await redis.expire(key, WINDOW_SECONDS);"""


@pytest.mark.parametrize(
    ("counter", "expected"),
    [
        (READ_THEN_COUNT, "pass"),
        (COUNT_THEN_CHECK, "pass"),
        (NO_WINDOW, "fail"),
        (ONLY_COUNTED, "fail"),
    ],
)
def test_a_counter_with_a_window_and_a_bound_is_a_limit(
    tmp_path: Path, counter: str, expected: str
) -> None:
    make_repo(
        tmp_path,
        {
            "auth.ts": AUTH_TS,
            "lib/redis.ts": REDIS,
            "lib/mail.ts": MAIL,
            "app/api/invite/route.ts": INVITE.replace("COUNTER", counter),
        },
        dependencies={"ioredis": "5.4.1", "resend": "4.0.0"},
    )
    point = entry(run_audit(tmp_path), "route_handler:app/api/invite/route.ts#POST")
    assert statuses(point)["rate_limiting"] == expected
