"""A row the client picks is authorized when the rows it can pick are those everyone may see: the
query keeps to rows in a public state, or the loaded row is refused unless it is public."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit, statuses

SCHEMA = PRISMA_SCHEMA.replace(
    "  version   Int       @default(0)\n",
    '  version   Int       @default(0)\n  status    String    @default("draft")\n',
)

FILTERED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { id } = await params;
  const note = await prisma.note.findFirst({
    where: {
      id,
      status: "published",
    },
  });
  return Response.json(note);
}
"""

REFUSED_AFTER_LOAD = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { id } = await params;
  const note = await prisma.note.findUnique({ where: { id } });
  if (!note || note.status !== "published") return new Response(null, { status: 404 });
  return Response.json(note);
}
"""


def _authorization(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(tmp_path, {"app/api/notes/[id]/route.ts": route}, schema=SCHEMA)
    result = run_audit(tmp_path)
    return result, entry(result, "route_handler:app/api/notes/[id]/route.ts#GET")


def test_a_key_among_rows_kept_to_a_public_state_is_authorized(tmp_path: Path) -> None:
    _result, point = _authorization(tmp_path, FILTERED)
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert check.evidence[0].line == 11 and "marked public" in check.evidence[0].detail


def test_a_loaded_row_refused_unless_public_is_authorized(tmp_path: Path) -> None:
    _result, point = _authorization(tmp_path, REFUSED_AFTER_LOAD)
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert check.evidence[0].line == 9 and "refused unless it is public" in check.evidence[0].detail


def test_a_state_check_that_lets_drafts_through_authorizes_nothing(tmp_path: Path) -> None:
    drafts = REFUSED_AFTER_LOAD.replace('note.status !== "published"', 'note.status === "archived"')
    result, point = _authorization(tmp_path, drafts)
    assert statuses(point)["authorization"] == "fail"
    assert ("AZ001", "app/api/notes/[id]/route.ts", 8) in rules_at(result)


HELPER = """import { prisma } from "@/lib/db";
export async function getNote(id: string) {
  return prisma.note.findUnique({ where: { id } });
}
"""

REFUSED_BY_THE_CALLER = """import { auth } from "@/auth";
import { getNote } from "@/lib/notes";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { id } = await params;
  const note = await getNote(id);
  if (!note || note.status !== "published") return new Response(null, { status: 404 });
  return Response.json(note);
}
"""


def test_a_row_a_helper_returns_refused_unless_public_by_the_caller_is_authorized(
    tmp_path: Path,
) -> None:
    make_repo(
        tmp_path,
        {"lib/notes.ts": HELPER, "app/api/notes/[id]/route.ts": REFUSED_BY_THE_CALLER},
        schema=SCHEMA,
    )
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/[id]/route.ts#GET")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert check.evidence[0].file == "app/api/notes/[id]/route.ts" and check.evidence[0].line == 9


FLAGGED_SCHEMA = PRISMA_SCHEMA.replace(
    "  version   Int       @default(0)\n",
    "  version   Int       @default(0)\n  published Boolean   @default(false)\n",
)

BOOK = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function POST(req: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const { noteId } = await req.json();
  const note = await prisma.note.findUnique({ where: { id: noteId } });
  if (!note) return new Response(null, { status: 404 });
  if (!note.published) return new Response(null, { status: 403 });
  const copies = await prisma.note.count({ where: { id: noteId } });
  await prisma.note.updateMany({ where: { id: noteId }, data: { version: copies + 1 } });
  return new Response(null, { status: 204 });
}
"""


def test_a_key_proven_to_name_a_public_row_serves_what_follows(tmp_path: Path) -> None:
    make_repo(tmp_path / "flag", {"app/api/book/route.ts": BOOK}, schema=FLAGGED_SCHEMA)
    point = entry(run_audit(tmp_path / "flag"), "route_handler:app/api/book/route.ts#POST")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert any(e.line == 10 and "names a public Note" in e.detail for e in check.evidence), check
    unchecked = BOOK.replace(
        "  if (!note.published) return new Response(null, { status: 403 });\n", ""
    )
    make_repo(tmp_path / "none", {"app/api/book/route.ts": unchecked}, schema=FLAGGED_SCHEMA)
    point = entry(run_audit(tmp_path / "none"), "route_handler:app/api/book/route.ts#POST")
    assert point.checks.authorization.status.value == "fail", point.checks.authorization


PARALLEL = """import { auth } from "@/auth";
import { getNote } from "@/lib/notes";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [session, note] = await Promise.all([auth(), getNote(id)]);
  if (!session?.user?.id) return new Response(null, { status: 401 });
  if (!note || note.authorId !== session.user.id) return new Response(null, { status: 403 });
  return Response.json(note);
}
"""


def test_a_row_fetched_in_parallel_and_compared_with_the_caller_is_authorized(
    tmp_path: Path,
) -> None:
    make_repo(
        tmp_path, {"lib/notes.ts": HELPER, "app/api/notes/[id]/route.ts": PARALLEL}, schema=SCHEMA
    )
    point = entry(run_audit(tmp_path), "route_handler:app/api/notes/[id]/route.ts#GET")
    check = point.checks.authorization
    assert check.status.value == "pass", check
    assert any(e.file == "app/api/notes/[id]/route.ts" and e.line == 8 for e in check.evidence), (
        check
    )
