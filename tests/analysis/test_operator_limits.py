"""An operation only the app's operator can reach needs no rate limit: an exit unless the signed-in
caller's email is the address the server is configured with. An email the client sends proves
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import AUTH_TS, entry, make_repo, run_audit, statuses

MAIL = """import { Resend } from "resend";
const resend = new Resend(process.env.RESEND_API_KEY);
export async function sendEmail(message: { to: string; subject: string }) {
  return resend.emails.send({ from: "team@example.com", ...message, text: "hello" });
}
"""

BROADCAST = """import { auth } from "@/auth";
import { sendEmail } from "@/lib/mail";

export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { to, operator } = (await request.json()) as { to: string; operator: string };
  if (session.user.email !== OPERATOR) throw new Error("Only the operator may broadcast");
  await sendEmail({ to, subject: "News" });
  return Response.json({ ok: true });
}
"""


@pytest.mark.parametrize(
    ("operator", "expected"), [("process.env.ADMIN_EMAIL", "n/a"), ("operator", "fail")]
)
def test_only_the_configured_operator_gets_past(
    tmp_path: Path, operator: str, expected: str
) -> None:
    make_repo(
        tmp_path,
        {
            "auth.ts": AUTH_TS,
            "lib/mail.ts": MAIL,
            "app/api/broadcast/route.ts": BROADCAST.replace("OPERATOR", operator),
        },
        dependencies={"resend": "4.0.0"},
    )
    point = entry(run_audit(tmp_path), "route_handler:app/api/broadcast/route.ts#POST")
    assert statuses(point)["rate_limiting"] == expected
