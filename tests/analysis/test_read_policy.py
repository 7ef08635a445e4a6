"""Ownership learned from the app's own queries: a model the app lists and looks up everywhere and
never filters by an owner is public to read (whatever its author column says), while a model some
query scopes to its owner stays owned, and a reply's parent key or a check that guards a write
scopes nothing."""

from __future__ import annotations

from pathlib import Path

from archtools.results import Audit
from tests.support.minirepo import entry, make_repo, rules_at, run_audit, statuses

SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id         String      @id @default(cuid())
  email      String      @unique
  challenges Challenge[]
  comments   Comment[]
  notes      Note[]
  submissions Submission[]
}

model Challenge {
  id       String    @id @default(cuid())
  slug     String    @unique
  status   String
  title    String
  authorId String
  author   User      @relation(fields: [authorId], references: [id])
  comments Comment[]
  submissions Submission[]
}

model Submission {
  id          String    @id @default(cuid())
  code        String
  challengeId String
  challenge   Challenge @relation(fields: [challengeId], references: [id])
  authorId    String
  author      User      @relation(fields: [authorId], references: [id])
}

model Comment {
  id          String    @id @default(cuid())
  text        String
  challengeId String
  challenge   Challenge @relation(fields: [challengeId], references: [id])
  authorId    String
  author      User      @relation(fields: [authorId], references: [id])
  parentId    String?
  parent      Comment?  @relation("Replies", fields: [parentId], references: [id])
  replies     Comment[] @relation("Replies")
}

model Note {
  id       String @id @default(cuid())
  title    String
  authorId String
  author   User   @relation(fields: [authorId], references: [id])
}
"""

LISTINGS = """import { prisma } from "@/lib/db";

export async function activeChallenges() {
  return prisma.challenge.findMany({ where: { status: "ACTIVE" } });
}

export async function challengeBySlug(slug: string) {
  return prisma.challenge.findFirst({ where: { slug, status: "ACTIVE" } });
}

export async function commentsOf(challengeId: string) {
  return prisma.comment.findMany({ where: { challengeId } });
}

export async function repliesTo(parentId: string) {
  return prisma.comment.findMany({ where: { parentId } });
}

export async function mySubmissions(userId: string) {
  return prisma.submission.findMany({ where: { authorId: userId } });
}

export async function myNotes(userId: string) {
  return prisma.note.findMany({ where: { authorId: userId } });
}
"""

GET_BY_ID = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response("Unauthorized", { status: 401 });
  const { id } = await params;
  const row = await prisma.MODEL.findUnique({ where: { id } });
  return Response.json(row);
}
"""

EDIT_CHALLENGE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function PATCH(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response("Unauthorized", { status: 401 });
  const { id } = await params;
  const challenge = await prisma.challenge.findUnique({ where: { id } });
  if (!challenge || challenge.authorId !== session.user.id) {
    return new Response("Forbidden", { status: 403 });
  }
  const body = (await req.json()) as { title: string };
  await prisma.challenge.update({ where: { id }, data: { title: String(body.title) } });
  return new Response(null, { status: 204 });
}
"""

PUBLIC_COMMENTS = """import { prisma } from "@/lib/db";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const comments = await prisma.comment.findMany({ where: { challengeId: id } });
  return Response.json(comments);
}
"""


def _route(model: str) -> str:
    return GET_BY_ID.replace("MODEL", model)


def _audit(tmp_path: Path, extra: dict[str, str] | None = None) -> Audit:
    files = {
        "lib/listings.ts": LISTINGS,
        "app/api/challenges/[id]/route.ts": _route("challenge"),
        "app/api/challenges/[id]/edit/route.ts": EDIT_CHALLENGE,
        "app/api/comments/[id]/route.ts": _route("comment"),
        "app/api/notes/[id]/route.ts": _route("note"),
        "app/api/challenges/[id]/comments/route.ts": PUBLIC_COMMENTS,
        **(extra or {}),
    }
    make_repo(tmp_path, files, schema=SCHEMA)
    return run_audit(tmp_path)


def test_a_model_no_query_scopes_is_public_to_read(tmp_path: Path) -> None:
    result = _audit(tmp_path)
    point = entry(result, "route_handler:app/api/challenges/[id]/route.ts#GET")
    check = point.checks.authorization
    assert check.status.value == "n/a"
    assert "treats as public to read" in check.evidence[0].detail
    assert "Challenge" in check.evidence[0].detail
    assert not {r for r in rules_at(result, "app/api/challenges/[id]/route.ts") if r[0] == "AZ001"}


def test_a_key_to_a_public_parent_scopes_nothing_and_a_reply_key_neither(tmp_path: Path) -> None:
    # comments are read by their challenge (public) and their parent comment (itself): public too
    result = _audit(tmp_path)
    point = entry(result, "route_handler:app/api/comments/[id]/route.ts#GET")
    assert statuses(point)["authorization"] == "n/a"
    # and reading them needs no signed-in caller
    public = entry(result, "route_handler:app/api/challenges/[id]/comments/route.ts#GET")
    check = public.checks.authentication
    assert check.status.value == "n/a" and "public by design" in check.evidence[0].detail


def test_a_model_some_query_scopes_to_its_owner_stays_owned(tmp_path: Path) -> None:
    result = _audit(tmp_path)
    point = entry(result, "route_handler:app/api/notes/[id]/route.ts#GET")
    assert statuses(point)["authorization"] == "fail"
    assert ("AZ001", "app/api/notes/[id]/route.ts", 8) in rules_at(result)


def test_an_owner_check_that_guards_a_write_does_not_scope_reads(tmp_path: Path) -> None:
    # the edit route compares the challenge's author before updating it: that guards the write and
    # still passes it, but says nothing of who may read challenges
    result = _audit(tmp_path)
    edit = entry(result, "route_handler:app/api/challenges/[id]/edit/route.ts#PATCH")
    assert statuses(edit)["authorization"] == "pass"
    assert (
        statuses(entry(result, "route_handler:app/api/challenges/[id]/route.ts#GET"))[
            "authorization"
        ]
        == "n/a"
    )


def test_a_read_compared_with_its_owner_keeps_the_model_owned(tmp_path: Path) -> None:
    viewer = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function challengeForAuthor(id: string) {
  const session = await auth();
  const challenge = await prisma.challenge.findUnique({ where: { id } });
  if (!challenge || challenge.authorId !== session?.user?.id) return null;
  return challenge;
}
"""
    result = _audit(tmp_path, {"lib/viewer.ts": viewer})
    point = entry(result, "route_handler:app/api/challenges/[id]/route.ts#GET")
    assert statuses(point)["authorization"] == "fail"


def test_too_few_reads_tell_nothing(tmp_path: Path) -> None:
    # one unscoped read of notes and none scoped: the model keeps the schema's ownership
    make_repo(tmp_path, {"app/api/notes/[id]/route.ts": _route("note")}, schema=SCHEMA)
    result = run_audit(tmp_path)
    point = entry(result, "route_handler:app/api/notes/[id]/route.ts#GET")
    assert statuses(point)["authorization"] == "fail"


def test_a_public_read_that_selects_the_callers_own_related_rows_passes(tmp_path: Path) -> None:
    mine = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response("Unauthorized", { status: 401 });
  const { id } = await params;
  const challenge = await prisma.challenge.findUnique({
    where: { id },
    include: { comments: { where: { authorId: session.user.id } } },
  });
  return Response.json(challenge);
}
"""
    result = _audit(tmp_path, {"app/api/challenges/[id]/mine/route.ts": mine})
    check = entry(result, "route_handler:app/api/challenges/[id]/mine/route.ts#GET").checks
    authz = check.authorization
    assert authz.status.value == "pass"
    assert authz.evidence[0].line == 10 and "only the caller's" in authz.evidence[0].detail


def test_public_rows_personalised_for_an_optional_caller_need_no_sign_in(tmp_path: Path) -> None:
    explore = """'use server';
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

const Kinds = { ACTIVE: "ACTIVE", ARCHIVED: "ARCHIVED" } as const;
const allKinds: string[] = Object.values(Kinds);

export async function exploreChallenges(kind: string) {
  const session = await auth();
  const status = allKinds.includes(kind) ? kind : "ACTIVE";
  return prisma.challenge.findMany({
    where: { status },
    include: { comments: { where: { authorId: session?.user?.id || "" } } },
  });
}
"""
    result = _audit(tmp_path, {"app/explore/actions.ts": explore})
    point = entry(result, "server_action:app/explore/actions.ts#exploreChallenges")
    authn = point.checks.authentication
    assert authn.status.value == "n/a"
    assert "the app reads unscoped everywhere (Challenge)" in authn.evidence[0].detail
    assert statuses(point)["authorization"] == "pass"
    assert not [
        f for f in result.findings if f.file == "app/explore/actions.ts" and f.rule == "ATH001"
    ]


def test_a_public_read_that_also_returns_an_owned_relation_is_judged_as_before(
    tmp_path: Path,
) -> None:
    with_code = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response("Unauthorized", { status: 401 });
  const { id } = await params;
  const challenge = await prisma.challenge.findUnique({
    where: { id },
    include: { submissions: true },
  });
  return Response.json(challenge);
}
"""
    result = _audit(tmp_path, {"app/api/challenges/[id]/code/route.ts": with_code})
    point = entry(result, "route_handler:app/api/challenges/[id]/code/route.ts#GET")
    assert statuses(point)["authorization"] == "fail"
    assert ("AZ001", "app/api/challenges/[id]/code/route.ts", 8) in rules_at(result)


def test_a_model_holding_personal_data_is_never_public_to_read(tmp_path: Path) -> None:
    # the same unscoped reads of a challenge that keeps its author's email: still owned
    schema = SCHEMA.replace("  title    String\n", "  title    String\n  contactEmail String\n", 1)
    make_repo(
        tmp_path,
        {"lib/listings.ts": LISTINGS, "app/api/challenges/[id]/route.ts": _route("challenge")},
        schema=schema,
    )
    result = run_audit(tmp_path)
    point = entry(result, "route_handler:app/api/challenges/[id]/route.ts#GET")
    assert statuses(point)["authorization"] == "fail"
