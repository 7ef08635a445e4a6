"""What an operation's filter hands on, part by part. A conditional that only tests a client value
hands on one of its branches; a filter assembled by pushing conditions into a local array holds
what was pushed; an object the caller declares field by field and hands to a helper carries each
field's own provenance (a coerced field is checked, a cast one is not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import entry, make_repo, run_audit, statuses

LIST_HELPER = """import { prisma } from "@/lib/db";
type NoteQuery = { page?: number; version?: number; onlyRecent?: boolean; term?: string };
export async function listNotes(userId: string, query: NoteQuery) {
  const filters = [];
  if (query.term) {
    filters.push({ title: { contains: query.term } });
    filters.push({ body: { contains: query.term } });
  }
  return prisma.note.findMany({
    where: {
      authorId: userId,
      version: query.version,
      createdAt: query.onlyRecent ? { gte: new Date(Date.now() - 86400000) } : undefined,
      OR: [...filters],
    },
    skip: query.page ? 20 : undefined,
  });
}

export async function notesByTitle(userId: string, title: unknown) {
  const filters = [];
  filters.push({ title });
  return prisma.note.findMany({ where: { authorId: userId, OR: [...filters] } });
}
"""

LIST_ROUTE = """import { auth } from "@/auth";
import { listNotes, notesByTitle } from "@/lib/notes";
export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const url = new URL(request.url);
  const query = {
    page: url.searchParams.get("page") ? Number(url.searchParams.get("page")) : undefined,
    version: url.searchParams.get("v") ? Number(url.searchParams.get("v")) : undefined,
    onlyRecent: url.searchParams.get("recent") === "1",
    term: url.searchParams.get("term") as string,
  };
  return Response.json(await listNotes(session.user.id, query));
}
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  return Response.json(await notesByTitle(session.user.id, body.title));
}
"""

TOGGLE_ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  const notes = await prisma.note.findMany({
    where: { authorId: session.user.id, deletedAt: body.archived ? { not: null } : null },
  });
  return Response.json(notes);
}
"""


def test_pushed_conditions_and_declared_fields_keep_their_provenance(tmp_path: Path) -> None:
    make_repo(tmp_path, {"lib/notes.ts": LIST_HELPER, "app/api/notes/route.ts": LIST_ROUTE})
    result = run_audit(tmp_path)
    val001 = {(f.file, f.line) for f in result.findings if f.rule == "VAL001"}
    listing = entry(result, "route_handler:app/api/notes/route.ts#GET")
    # the term is only cast: unchecked, yet it reaches `contains` alone, which takes a scalar
    assert statuses(listing)["input_validation"] == "fail"
    assert ("lib/notes.ts", 10) not in val001
    # a value pushed whole into the filter can carry an operator
    assert ("lib/notes.ts", 23) in val001


ARCHIVE_HELPER = """import { prisma } from "@/lib/db";
export async function archivedNotes(userId: string, options: { archived?: boolean }) {
  return prisma.note.findMany({
    where: { authorId: userId, deletedAt: options.archived ? { not: null } : null },
  });
}
"""

ARCHIVE_ROUTE = """import { auth } from "@/auth";
import { archivedNotes } from "@/lib/archive";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  return Response.json(await archivedNotes(session.user.id, body));
}
"""


def test_a_value_only_tested_by_a_conditional_is_not_handed_on(tmp_path: Path) -> None:
    make_repo(tmp_path / "inline", {"app/api/notes/route.ts": TOGGLE_ROUTE})
    inline = run_audit(tmp_path / "inline")
    assert not [f for f in inline.findings if f.rule == "VAL001"]
    make_repo(
        tmp_path / "helper",
        {"lib/archive.ts": ARCHIVE_HELPER, "app/api/archive/route.ts": ARCHIVE_ROUTE},
    )
    helper = run_audit(tmp_path / "helper")
    assert not [f for f in helper.findings if f.rule == "VAL001"]


SINCE_ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  const notes = await prisma.note.findMany({
    where: { authorId: session.user.id, createdAt: new Date(body.since) },
  });
  return Response.json(notes);
}
"""

RECENT_ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function GET() {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const since = new Date();
  since.setDate(since.getDate() - 7);
  const notes = await prisma.note.findMany({ where: { authorId: session.user.id, createdAt: since } });
  return Response.json(notes);
}
"""


def test_a_date_made_from_a_client_value_is_a_date(tmp_path: Path) -> None:
    """`new Date(body.since)` can only be a date (an invalid one is refused by the query): converted
    like `Number(...)`. `new Date()` converts nothing: no client input is checked by it."""
    make_repo(
        tmp_path,
        {"app/api/since/route.ts": SINCE_ROUTE, "app/api/recent/route.ts": RECENT_ROUTE},
    )
    result = run_audit(tmp_path)
    assert not [f for f in result.findings if f.rule == "VAL001"]
    assert (
        statuses(entry(result, "route_handler:app/api/since/route.ts#POST"))["input_validation"]
        == "pass"
    )
    assert (
        statuses(entry(result, "route_handler:app/api/recent/route.ts#GET"))["input_validation"]
        == "n/a"
    )


SCOPE_HELPERS = """import { prisma } from "@/lib/db";
function ownNote(userId: string, noteId: string) {
  return { id: noteId, authorId: userId };
}
function noteMatching(userId: string, title: string) {
  return { authorId: userId, title: { contains: "x" }, OR: [{ body: title }, { ...JSON.parse(title) }] };
}
export async function renameOwnNote(userId: string, noteId: string, title: string) {
  return prisma.note.updateMany({ where: ownNote(userId, noteId), data: { title: "renamed" } });
}
export async function archiveMatching(userId: string, title: string) {
  return prisma.note.updateMany({ where: noteMatching(userId, title), data: { deletedAt: new Date() } });
}
"""

SCOPE_ROUTE = """import { auth } from "@/auth";
import { renameOwnNote, archiveMatching } from "@/lib/scoped";
export async function PATCH(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { id } = await params;
  await renameOwnNote(session.user.id, id, "x");
  return Response.json({ ok: true });
}
export async function DELETE(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { id } = await params;
  await archiveMatching(session.user.id, id);
  return Response.json({ ok: true });
}
"""


def test_a_filter_a_helper_builds_with_a_path_segment_as_a_key(tmp_path: Path) -> None:
    """`where: ownNote(user.id, params.id)` returning `{ id: noteId, authorId: userId }`: the path
    segment is only the exact value of a key (unchecked, no VAL001); a helper that spreads what it
    parsed from it builds a filter the client shapes."""
    make_repo(
        tmp_path, {"lib/scoped.ts": SCOPE_HELPERS, "app/api/notes/[id]/route.ts": SCOPE_ROUTE}
    )
    result = run_audit(tmp_path)
    val001 = {(f.file, f.line) for f in result.findings if f.rule == "VAL001"}
    rename = entry(result, "route_handler:app/api/notes/[id]/route.ts#PATCH")
    assert statuses(rename)["input_validation"] == "fail"
    assert ("lib/scoped.ts", 9) not in val001
    assert ("lib/scoped.ts", 12) in val001


LIST_OPERAND_ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  const notes = await prisma.note.findMany({
    where: { authorId: session.user.id, FILTER },
  });
  return Response.json(notes);
}
"""


@pytest.mark.parametrize(
    ("part", "reported"),
    [
        ("title: { in: body.titles }", False),
        ("title: { in: [String(body.title).trim()] }", False),
        ("id: { notIn: [body.skip] }", False),
        ("OR: body.filters", True),
        ("title: body.title", True),
    ],
)
def test_a_list_operand_takes_scalars_only(tmp_path: Path, part: str, reported: bool) -> None:
    make_repo(tmp_path, {"app/api/notes/route.ts": LIST_OPERAND_ROUTE.replace("FILTER", part)})
    result = run_audit(tmp_path)
    val001 = [f for f in result.findings if f.rule == "VAL001"]
    assert bool(val001) == reported, val001
    check = entry(result, "route_handler:app/api/notes/route.ts#POST").checks.input_validation
    assert check.status.value == "fail"  # unchecked all the same: the check names it
    if not reported:
        assert "only where the query takes a scalar" in check.evidence[0].detail


HELPER_ROUTE = """import { auth } from "@/auth";
import { notesTitled } from "@/lib/titled";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  return Response.json(await notesTitled(session.user.id, body.titles));
}
"""

TITLED = """import { prisma } from "@/lib/db";
export async function notesTitled(authorId: string, titles: string[]) {
  return prisma.note.findMany({ where: { authorId, FILTER } });
}
"""


@pytest.mark.parametrize(
    ("part", "reported"), [("title: { in: titles }", False), ("title: titles", True)]
)
def test_a_helpers_list_operand_takes_scalars_only(
    tmp_path: Path, part: str, reported: bool
) -> None:
    files = {
        "app/api/titled/route.ts": HELPER_ROUTE,
        "lib/titled.ts": TITLED.replace("FILTER", part),
    }
    make_repo(tmp_path, files)
    result = run_audit(tmp_path)
    val001 = [f for f in result.findings if f.rule == "VAL001"]
    assert bool(val001) == reported, val001
    check = entry(result, "route_handler:app/api/titled/route.ts#POST").checks.input_validation
    assert check.status.value == "fail", check
    assert ("only where the query takes a scalar" in check.evidence[0].detail) != reported


PAGED_ROUTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  const notes = await prisma.note.findMany({
    where: { authorId: session.user.id },
    take: TAKE,
  });
  return Response.json(notes);
}
"""


@pytest.mark.parametrize(
    ("take", "reported"),
    [("body.limit", True), ("Math.min(Number(body.limit) || 20, 50)", False), ("20", False)],
)
def test_a_page_size_the_client_picks_unchecked_is_reported(
    tmp_path: Path, take: str, reported: bool
) -> None:
    make_repo(tmp_path, {"app/api/paged/route.ts": PAGED_ROUTE.replace("TAKE", take)})
    result = run_audit(tmp_path)
    val001 = [(f.file, f.line) for f in result.findings if f.rule == "VAL001"]
    assert val001 == ([("app/api/paged/route.ts", 9)] if reported else []), val001
    if reported:
        check = entry(result, "route_handler:app/api/paged/route.ts#POST").checks.input_validation
        assert "number of rows to read or skip" in check.evidence[0].detail
