"""Webhooks verified by the app's own helpers: one that returns whether the presented signature
equals an HMAC of the body keyed by a server secret, and one called in a condition written over
several lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit, statuses

RETURNED_MATCH = """import { createHmac } from "crypto";
import { prisma } from "@/lib/db";

function matchesSender(body: string, signature: string | null): boolean {
  if (!signature || !process.env.MAIL_WEBHOOK_SECRET) return false;
  const expected = createHmac("sha256", process.env.MAIL_WEBHOOK_SECRET).update(body).digest("hex");
  return signature === `sha256=${expected}`;
}

export async function POST(req: Request) {
  const body = await req.text();
  if (!matchesSender(body, req.headers.get("x-signature"))) {
    return Response.json({ error: "Invalid signature" }, { status: 401 });
  }
  const event = JSON.parse(body);
  await prisma.note.updateMany({ where: { id: event.id }, data: { title: "delivered" } });
  return Response.json({ ok: true });
}
"""

MULTI_LINE = """import { createHmac, timingSafeEqual } from "crypto";
import { prisma } from "@/lib/db";

function matches(body: string, header: string | null, key: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", key).update(body).digest("hex");
  const a = Buffer.from(header);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function POST(req: Request) {
  const body = await req.text();
  const key = process.env.CALENDAR_SIGNING_KEY ?? "";
  if (
    !key ||
    !matches(
      body,
      req.headers.get("x-signature"),
      key
    )
  ) {
    return Response.json({ error: "Invalid signature" }, { status: 401 });
  }
  await prisma.note.deleteMany({ where: { title: JSON.parse(body).title } });
  return Response.json({ ok: true });
}
"""


def test_a_helper_returning_a_keyed_digest_match_verifies_the_sender(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/mail-events/route.ts": RETURNED_MATCH})
    point = entry(run_audit(tmp_path), "route_handler:app/api/mail-events/route.ts#POST")
    check = point.checks.authentication
    assert check.status.value == "pass" and check.kind == "signature"
    assert check.evidence[0].line == 12 and "MAIL_WEBHOOK_SECRET" in check.evidence[0].detail


def test_a_plain_digest_with_no_secret_verifies_nothing(tmp_path: Path) -> None:
    unkeyed = RETURNED_MATCH.replace(
        'createHmac("sha256", process.env.MAIL_WEBHOOK_SECRET)', 'createHmac("sha256", "public")'
    )
    make_repo(tmp_path, {"app/api/mail-events/route.ts": unkeyed})
    point = entry(run_audit(tmp_path), "route_handler:app/api/mail-events/route.ts#POST")
    assert statuses(point)["authentication"] == "fail"


def test_a_verifier_called_in_a_condition_over_several_lines(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/calendar-events/route.ts": MULTI_LINE})
    point = entry(run_audit(tmp_path), "route_handler:app/api/calendar-events/route.ts#POST")
    check = point.checks.authentication
    assert check.status.value == "pass" and check.kind == "signature"
    assert check.evidence[0].line == 15


SIGNED_LINK = """'use server';
import { createHash, timingSafeEqual } from "crypto";
import { prisma } from "@/lib/db";

function linkHash(noteId: string, expiresAt: number) {
  return createHash("sha256").update(`${noteId}-${expiresAt}-${process.env.LINK_SECRET}`).digest("hex");
}

export async function confirmLink(noteId: string, expiresAt: string, hash: string) {
  const expected = linkHash(noteId, Number(expiresAt));
  const given = Buffer.from(hash);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new Error("Invalid link");
  }
  await prisma.note.update({ where: { id: noteId }, data: { title: "confirmed" } });
}
"""


def test_a_link_signed_by_a_helpers_keyed_digest_is_verified(tmp_path: Path) -> None:
    make_repo(tmp_path / "signed", {"app/confirm/actions.ts": SIGNED_LINK})
    point = entry(
        run_audit(tmp_path / "signed"), "server_action:app/confirm/actions.ts#confirmLink"
    )
    check = point.checks.authentication
    assert check.status.value == "pass" and check.kind == "signature", check
    assert check.evidence[0].line == 13 and "LINK_SECRET" in check.evidence[0].detail
    unkeyed = SIGNED_LINK.replace("-${process.env.LINK_SECRET}", "")
    make_repo(tmp_path / "unkeyed", {"app/confirm/actions.ts": unkeyed})
    point = entry(
        run_audit(tmp_path / "unkeyed"), "server_action:app/confirm/actions.ts#confirmLink"
    )
    assert statuses(point)["authentication"] == "fail"


NOTES_OF_THE_CALLER = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response("Unauthorized", { status: 401 });
  return Response.json(await prisma.note.findMany({ where: { authorId: session.user.id } }));
}
"""


def test_the_rows_a_signed_link_names_are_authorized_by_its_signature(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"app/confirm/actions.ts": SIGNED_LINK, "app/api/notes/route.ts": NOTES_OF_THE_CALLER},
    )
    point = entry(run_audit(tmp_path), "server_action:app/confirm/actions.ts#confirmLink")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert check.evidence[0].line == 13 and "the link was signed for" in check.evidence[0].detail


PAY_CALLER = """import { createHmac } from "crypto";

export class PayCaller {
  static verifyWebhookSignature(signature: string, payload: string, secret: string): boolean {
    const computed = createHmac("sha256", secret).update(payload).digest("hex");
    return signature === computed;
  }
}
"""

PAY_ROUTE = """import { PayCaller } from "@/lib/pay";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const sig = req.headers.get("x-signature");
  const secret = SECRET;
  const body = await req.text();
  if (!sig || !secret) return Response.json({ error: "missing" }, { status: 400 });
  const isValid = PayCaller.verifyWebhookSignature(sig, body, secret);
  if (!isValid) return Response.json({ error: "Invalid signature" }, { status: 400 });
  await prisma.note.updateMany({ where: { id: JSON.parse(body).id }, data: { title: "paid" } });
  return Response.json({ ok: true });
}
"""


@pytest.mark.parametrize(
    ("secret", "verdict"),
    [("process.env.PAY_WEBHOOK_SECRET", "pass"), ('req.headers.get("x-key")', "fail")],
)
def test_a_verifier_keyed_by_its_parameter_checks_with_the_secret_it_is_given(
    tmp_path: Path, secret: str, verdict: str
) -> None:
    route = PAY_ROUTE.replace("SECRET", secret)
    make_repo(tmp_path, {"app/api/pay/route.ts": route, "lib/pay.ts": PAY_CALLER})
    check = entry(run_audit(tmp_path), "route_handler:app/api/pay/route.ts#POST").checks
    assert check.authentication.status.value == verdict, check.authentication
    if verdict == "pass":
        assert check.authentication.kind == "signature"
        evidence = check.authentication.evidence[0]
        assert evidence.line == 10 and "PAY_WEBHOOK_SECRET" in evidence.detail
