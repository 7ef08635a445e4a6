"""PRF002 (unbounded list) and PRF003 (unindexed filter or sort), Prisma and Drizzle: reported on
tables the app adds rows to from an entry point and that hold a foreign key; not on lookup tables,
tables the app never adds to, capped or unique reads, or arguments built elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit, Finding
from tests.support.minirepo import make_repo


def run_audit(root: Path) -> Audit:
    """The audit with the performance rules selected (PRF002 is opt-in)."""
    return audit(root, AuditOptions(use_cache=False, workers=1, select=("PRF",)))


SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id        String   @id @default(cuid())
  email     String   @unique
  notes     Note[]
  createdAt DateTime @default(now())
}

model Plan {
  id    String @id
  name  String
  price Int
}

model Note {
  id        String    @id @default(cuid())
  slug      String    @unique
  title     String
  status    String
  authorId  String
  author    User      @relation(fields: [authorId], references: [id], onDelete: Cascade)
  comments  Comment[]
  tags      Tag[]
  files     Attachment[]
  createdAt DateTime  @default(now())

  @@index([authorId, createdAt])
}

model Comment {
  id        String    @id @default(cuid())
  body      String
  noteId    String
  note      Note      @relation(fields: [noteId], references: [id], onDelete: Cascade)
  createdAt DateTime  @default(now())
  deletedAt DateTime?
}

model Tag {
  id     String @id @default(cuid())
  name   String
  noteId String
  note   Note   @relation(fields: [noteId], references: [id], onDelete: Cascade)
}

model Attachment {
  id     String @id @default(cuid())
  name   String
  noteId String
  note   Note   @relation(fields: [noteId], references: [id], onDelete: Cascade)
}
"""

WRITES = """import { z } from "zod";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

const Input = z.object({ title: z.string(), noteId: z.string() });

export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const input = Input.parse(await request.json());
  const note = await prisma.note.create({
    data: { title: input.title, slug: input.title, status: "draft", authorId: session.user.id },
    select: { id: true },
  });
  await prisma.comment.create({ data: { body: input.title, noteId: note.id }, select: { id: true } });
  await prisma.tag.create({ data: { name: input.title, noteId: note.id }, select: { id: true } });
  return Response.json(note);
}
"""

# the app reads notes, comments and attachments a page at a time: they grow with use
PAGES = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  const notes = await prisma.note.findMany({ where: { authorId: session.user.id }, skip: 20, take: 20 });
  const comments = await prisma.comment.findMany({ cursor: { id: cursor }, take: 20 });
  const files = await prisma.attachment.findMany({ cursor: { id: cursor }, take: 20 });
  return Response.json({ notes, comments, files });
}
"""

HELPER = """import { prisma } from "@/lib/db";

export async function notesOf(authorId: string) {
  return prisma.note.findMany({ where: { authorId }, select: { id: true, title: true } });
}
"""

ROUTE = """import {{ auth }} from "@/auth";
import {{ prisma }} from "@/lib/db";
import {{ notesOf }} from "@/lib/notes";

export async function GET(request: Request) {{
  const session = await auth();
  if (!session?.user?.id) return new Response(null, {{ status: 401 }});
  const me = session.user.id;
  const q = new URL(request.url).searchParams.get("q") ?? "";
{body}}}
"""

# name -> (body, the rules reported on its route)
PRISMA_CASES: dict[str, tuple[str, set[str]]] = {
    "returned-whole": (
        """  const rows = await prisma.note.findMany({ where: { authorId: me }, select: { id: true } });
  return Response.json(rows);
""",
        {"PRF002"},
    ),
    "returned-mapped": (
        """  const rows = await prisma.note.findMany({ where: { authorId: me }, select: { id: true } });
  const items = rows.map((row) => row.id);
  return Response.json({ items });
""",
        {"PRF002"},
    ),
    "from-a-helper": (
        """  return Response.json(await notesOf(me));
""",
        set(),  # reported at the helper's line, in lib/notes.ts
    ),
    "paged-only-as-a-whole": (
        """  const rows = await prisma.comment.findMany({ where: { noteId: q }, select: { body: true } });
  return Response.json(rows);
""",
        {"PRF003"},  # comments are paged over the whole table, never per note
    ),
    "capped": (
        """  const rows = await prisma.note.findMany({ where: { authorId: me }, take: 50, select: { id: true } });
  return Response.json(rows);
""",
        set(),
    ),
    "unique-filter": (
        """  const rows = await prisma.note.findMany({ where: { slug: q }, select: { id: true } });
  return Response.json(rows);
""",
        set(),
    ),
    "ids-asked-for": (
        """  const rows = await prisma.note.findMany({ where: { id: { in: q.split(",") }, authorId: me } });
  return Response.json(rows);
""",
        set(),
    ),
    "only-counted": (
        """  const rows = await prisma.note.findMany({ where: { authorId: me }, select: { id: true } });
  return Response.json({ count: rows.length });
""",
        set(),
    ),
    "lookup-table": (
        """  const plans = await prisma.plan.findMany({ where: { name: q }, orderBy: { price: "asc" } });
  return Response.json(plans);
""",
        set(),
    ),
    "never-paged": (
        """  const tags = await prisma.tag.findMany({ where: { name: q }, select: { name: true } });
  return Response.json(tags);
""",
        set(),
    ),
    "never-added-to": (
        """  const files = await prisma.attachment.findMany({ where: { name: q }, select: { name: true } });
  return Response.json(files);
""",
        set(),
    ),
    "arguments-built-elsewhere": (
        """  const page = { take: 20 };
  const rows = await prisma.comment.findMany({ ...page, where: { body: q } });
  return Response.json(rows);
""",
        set(),
    ),
    "unindexed-filter": (
        """  const rows = await prisma.comment.findMany({ where: { noteId: q }, take: 20 });
  return Response.json(rows);
""",
        {"PRF003"},
    ),
    "unindexed-sort": (
        """  const rows = await prisma.note.findMany({ where: { status: q }, orderBy: { title: "asc" }, take: 20 });
  return Response.json(rows);
""",
        {"PRF003"},
    ),
    "second-column-of-an-index": (
        """  const rows = await prisma.note.findMany({ where: { createdAt: { gte: new Date(q) } }, take: 20 });
  return Response.json(rows);
""",
        {"PRF003"},
    ),
    "leading-column-then-sort": (
        """  const rows = await prisma.note.findMany({
    where: { authorId: me, status: q },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  return Response.json(rows);
""",
        set(),
    ),
    "sql-index": (
        """  const rows = await prisma.comment.findMany({ where: { body: q }, take: 20 });
  return Response.json(rows);
""",
        set(),  # prisma/migrations/.../migration.sql creates an index on Comment(body)
    ),
    "live-rows-counted": (
        """  const live = await prisma.comment.count({ where: { deletedAt: null } });
  return Response.json({ live });
""",
        set(),  # nearly every row is live: no index on deletedAt would narrow the count
    ),
    "live-rows-of-a-note": (
        """  const rows = await prisma.comment.findMany({ where: { noteId: q, deletedAt: null }, take: 20 });
  return Response.json(rows);
""",
        {"PRF003"},
    ),
    "deleted-rows": (
        """  const rows = await prisma.comment.findMany({ where: { deletedAt: { not: null } }, take: 20 });
  return Response.json(rows);
""",
        {"PRF003"},  # the few deleted rows: an index would find them
    ),
    "or-filter": (
        """  const rows = await prisma.note.findMany({ where: { OR: [{ title: q }, { status: q }] }, take: 20 });
  return Response.json(rows);
""",
        set(),
    ),
}


def _by_case(result: Audit) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.rule in ("PRF002", "PRF003"):
            found.setdefault(Path(finding.file).parent.name, []).append(finding)
    return found


@pytest.fixture(scope="module")
def prisma_audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    root = tmp_path_factory.mktemp("prisma-scale")
    files = {
        f"app/api/{name}/route.ts": ROUTE.format(body=body)
        for name, (body, _) in PRISMA_CASES.items()
    }
    files["app/api/write/route.ts"] = WRITES
    files["app/api/pages/route.ts"] = PAGES
    files["lib/notes.ts"] = HELPER
    files["prisma/migrations/20250101000000_search/migration.sql"] = (
        "-- a search index the schema does not declare\n"
        'CREATE INDEX CONCURRENTLY "Comment_body_idx" ON "public"."Comment" USING btree ("body" DESC);\n'
    )
    make_repo(root, files, schema=SCHEMA)
    return run_audit(root)


def test_prisma_cases(prisma_audit: Audit) -> None:
    assert [e.message for e in prisma_audit.errors] == []
    reported = {name: {f.rule for f in found} for name, found in _by_case(prisma_audit).items()}
    expected = {name: rules for name, (_, rules) in PRISMA_CASES.items() if rules}
    expected["lib"] = {"PRF002"}  # the helper's read, which from-a-helper sends back
    assert reported == expected


def test_an_unbounded_list_names_the_query_and_where_the_table_grows(
    prisma_audit: Audit,
) -> None:
    [finding] = _by_case(prisma_audit)["returned-whole"]
    assert (finding.line, finding.entry_point) == (
        10,
        "route_handler:app/api/returned-whole/route.ts#GET",
    )
    assert finding.message == (
        "prisma.note.findMany() on Note (line 10) sends every matching row to the caller with "
        "no take: the response grows with the table; page it with take and a cursor or offset; "
        "Note grows: rows are added at app/api/write/route.ts:11 "
        "(route_handler:app/api/write/route.ts#POST) and read a page at a time at "
        "app/api/pages/route.ts:8"
    )
    [helper] = _by_case(prisma_audit)["lib"]
    assert (helper.file, helper.line) == ("lib/notes.ts", 4)
    assert helper.entry_point == "route_handler:app/api/from-a-helper/route.ts#GET"


def test_an_unindexed_filter_lists_the_indexes_consulted(prisma_audit: Audit) -> None:
    [sort] = _by_case(prisma_audit)["unindexed-sort"]
    assert sort.message.startswith(
        "prisma.note.findMany() on Note (line 10) filters or sorts by status, title, which no "
        "index starts with (indexes of Note: primary key (id); unique (slug); index (authorId, "
        "createdAt)): each call scans the table; declare an @@index leading with status; "
    )
    [comment] = _by_case(prisma_audit)["unindexed-filter"]
    consulted = (
        "by noteId, which no index starts with (indexes of Comment: primary key (id); index "
        "(body) in prisma/migrations/20250101000000_search/migration.sql:2)"
    )
    assert consulted in comment.message
    assert comment.message.endswith(
        "Comment grows: rows are added at app/api/write/route.ts:15 "
        "(route_handler:app/api/write/route.ts#POST) and read a page at a time at "
        "app/api/pages/route.ts:9"
    )


DRIZZLE_SCHEMA = """import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
});

export const plans = pgTable("plans", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
});

export const notes = pgTable(
  "notes",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    authorId: text("author_id").notNull().references(() => users.id),
    createdAt: timestamp("created_at").defaultNow().notNull(),
  },
  (t) => [index("notes_author_idx").on(t.authorId, t.createdAt), uniqueIndex("notes_slug").on(t.slug)],
);

export const comments = pgTable("comments", {
  id: text("id").primaryKey(),
  body: text("body").notNull(),
  noteId: text("note_id").notNull().references(() => notes.id),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  deletedAt: timestamp("deleted_at"),
});
"""

DRIZZLE_WRITES = """import { eq } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { comments, notes } from "@/db/schema";

export async function POST() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const id = crypto.randomUUID();
  await db.insert(notes).values({ id, slug: id, title: "new", authorId: session.user.id });
  await db.insert(comments).values({ id, body: "first", noteId: id });
  return Response.json({ id });
}

export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const offset = Number(new URL(request.url).searchParams.get("offset") ?? 0);
  const mine = await db.select().from(notes).where(eq(notes.authorId, session.user.id)).limit(20).offset(offset);
  const recent = await db.query.comments.findMany({ limit: 20, offset });
  return Response.json({ mine, recent });
}
"""

DRIZZLE_ROUTE = """import { and, asc, desc, eq, gte, isNull } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { comments, notes, plans } from "@/db/schema";

export async function GET(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const me = session.user.id;
  const q = new URL(request.url).searchParams.get("q") ?? "";
BODY}
"""

DRIZZLE_CASES: dict[str, tuple[str, set[str]]] = {
    "select-returned": (
        """  const rows = await db.select({ id: notes.id }).from(notes).where(eq(notes.authorId, me));
  return Response.json(rows);
""",
        {"PRF002"},
    ),
    "relational-returned": (
        """  return Response.json(await db.query.notes.findMany({ where: eq(notes.authorId, me) }));
""",
        {"PRF002"},
    ),
    "limited": (
        """  const rows = await db.select().from(notes).where(eq(notes.authorId, me)).limit(20);
  return Response.json(rows);
""",
        set(),
    ),
    "unique-index-filter": (
        """  const rows = await db.select().from(notes).where(eq(notes.slug, q));
  return Response.json(rows);
""",
        set(),
    ),
    "lookup-table": (
        """  const rows = await db.select().from(plans).orderBy(asc(plans.name));
  return Response.json(rows);
""",
        set(),
    ),
    "counted": (
        """  const [row] = await db.select({ n: count() }).from(comments).where(eq(comments.noteId, q));
  return Response.json(row);
""",
        {"PRF003"},
    ),
    "live-rows-counted": (
        """  const [row] = await db.select({ n: count() }).from(comments).where(isNull(comments.deletedAt));
  return Response.json(row);
""",
        set(),
    ),
    "live-rows-of-a-note": (
        """  const rows = await db
    .select()
    .from(comments)
    .where(and(eq(comments.noteId, q), isNull(comments.deletedAt)))
    .limit(20);
  return Response.json(rows);
""",
        {"PRF003"},
    ),
    "unindexed-filter": (
        """  const rows = await db.select().from(comments).where(eq(comments.noteId, q)).limit(20);
  return Response.json(rows);
""",
        {"PRF003"},
    ),
    "unindexed-relational-sort": (
        """  const rows = await db.query.notes.findMany({
    where: (t, { gte }) => gte(t.createdAt, new Date(q)),
    orderBy: (t, { desc }) => [desc(t.title)],
    limit: 20,
  });
  return Response.json(rows);
""",
        {"PRF003"},
    ),
    "leading-column": (
        """  const rows = await db
    .select()
    .from(notes)
    .where(and(eq(notes.authorId, me), gte(notes.createdAt, new Date(q))))
    .orderBy(desc(notes.createdAt))
    .limit(20);
  return Response.json(rows);
""",
        set(),
    ),
}


def test_drizzle_cases(tmp_path: Path) -> None:
    files = {
        "db/schema.ts": DRIZZLE_SCHEMA,
        "db/index.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\n'
        'import * as schema from "./schema";\n'
        "export const db = drizzle(process.env.DATABASE_URL!, { schema });\n",
        "drizzle.config.ts": 'export default { schema: "./db/schema.ts", dialect: "postgresql" };\n',
        "app/api/write/route.ts": DRIZZLE_WRITES,
    }
    for name, (body, _) in DRIZZLE_CASES.items():
        route = DRIZZLE_ROUTE.replace("BODY", body)
        if "count()" in body:
            route = route.replace("import { and,", "import { count, and,")
        files[f"app/api/{name}/route.ts"] = route
    make_repo(tmp_path, files, schema=None, dependencies={"drizzle-orm": "0.36.0"})
    result = run_audit(tmp_path)
    assert [e.message for e in result.errors] == []
    found = _by_case(result)
    reported = {name: {f.rule for f in findings} for name, findings in found.items()}
    assert reported == {name: rules for name, (_, rules) in DRIZZLE_CASES.items() if rules}
    [unbounded] = found["select-returned"]
    assert unbounded.line == 11 and "with no limit" in unbounded.message
    assert unbounded.message.endswith(
        "notes grows: rows are added at app/api/write/route.ts:10 (route_handler:app/api/write/"
        "route.ts#POST) and read a page at a time at app/api/write/route.ts:19"
    )
    [sort] = found["unindexed-relational-sort"]
    assert "by createdAt, title, which no index starts with (indexes of comments" not in (
        sort.message
    )
    assert (
        "filters or sorts by createdAt, title, which no index starts with (indexes of notes: "
        "primary key (id); unique (slug); index (authorId, createdAt))" in sort.message
    )
    assert "declare an index().on() leading with createdAt" in sort.message


def test_the_unbounded_list_rule_is_reported_only_when_selected(tmp_path: Path) -> None:
    files = {
        f"app/api/{name}/route.ts": ROUTE.format(body=PRISMA_CASES[name][0])
        for name in ("returned-whole", "unindexed-filter")
    }
    files.update(
        {"app/api/write/route.ts": WRITES, "app/api/pages/route.ts": PAGES, "lib/notes.ts": HELPER}
    )
    make_repo(tmp_path, files, schema=SCHEMA)
    default = audit(tmp_path, AuditOptions(use_cache=False, workers=1))
    assert {f.rule for f in default.findings if f.rule.startswith("PRF")} == {"PRF003"}
    chosen = audit(tmp_path, AuditOptions(use_cache=False, workers=1, select=("PRF002",)))
    assert {f.rule for f in chosen.findings} == {"PRF002"}


def test_mysql_indexes_each_enforced_foreign_key(tmp_path: Path) -> None:
    """InnoDB builds an index for every foreign key it enforces: a filter on one is served; with
    relationMode = "prisma" there is no foreign key, and so no index."""
    files = {
        "app/api/write/route.ts": WRITES,
        "app/api/pages/route.ts": PAGES,
        "lib/notes.ts": HELPER,
        "app/api/by-note/route.ts": ROUTE.format(body=PRISMA_CASES["unindexed-filter"][0]),
    }
    mysql = SCHEMA.replace('provider = "postgresql"', 'provider = "mysql"')
    emulated = mysql.replace(
        'url      = env("DATABASE_URL")',
        'url      = env("DATABASE_URL")\n  relationMode = "prisma"',
    )
    reported = {}
    for name, schema in (("enforced", mysql), ("emulated", emulated)):
        root = tmp_path / name
        make_repo(root, files, schema=schema)
        found = _by_case(run_audit(root)).get("by-note", [])
        reported[name] = [(f.rule, f.line) for f in found]
    assert reported == {"enforced": [], "emulated": [("PRF003", 10)]}
