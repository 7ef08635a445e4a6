"""PRF001 (N+1 queries): a read repeated per element of a loop or a `.map`/`.forEach` callback is
reported with the loop's line and the query's; constant loops, paging loops, batched calls and
writes are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.facts.code import LoopKind
from archtools.facts.typescript import extract_code_facts
from archtools.results import Audit
from tests.support.minirepo import make_repo, run_audit
from tests.support.rule_cases import drizzle_cases_audit, reported_by_case

ROUTE = """import {{ auth }} from "@/auth";
import {{ prisma }} from "@/lib/db";
import {{ Role }} from "@prisma/client";

const KINDS = ["draft", "final"];

export async function GET() {{
  const session = await auth();
  if (!session?.user?.id) return new Response(null, {{ status: 401 }});
  const notes = await prisma.note.findMany({{
    where: {{ authorId: session.user.id }},
    select: {{ id: true, authorId: true, title: true }},
    take: 50,
  }});
{body}  return Response.json({{ ok: true }});
}}
"""

# name -> (body, whether PRF001 reports it)
PRISMA_CASES: dict[str, tuple[str, bool]] = {
    "for-of": (
        """  for (const note of notes) {
    await prisma.user.findUnique({ where: { id: note.authorId }, select: { email: true } });
  }
""",
        True,
    ),
    "two-reads-one-loop": (
        """  for (const note of notes) {
    await prisma.user.findUnique({ where: { id: note.authorId }, select: { email: true } });
    await prisma.membership.count({ where: { userId: note.authorId } });
  }
""",
        True,
    ),
    "derived-value": (
        """  for (const { authorId } of notes) {
    const owner = authorId;
    await prisma.user.findFirst({ where: { id: owner }, select: { email: true } });
  }
""",
        True,
    ),
    "promise-all-map": (
        """  await Promise.all(
    notes.map(async (note) => prisma.membership.count({ where: { userId: note.authorId } })),
  );
""",
        True,
    ),
    "for-each": (
        """  notes.forEach(async (note) => {
    await prisma.user.findUnique({ where: { id: note.authorId }, select: { email: true } });
  });
""",
        True,
    ),
    "indexed-for": (
        """  for (let i = 0; i < notes.length; i++) {
    await prisma.user.findUnique({ where: { id: notes[i].authorId }, select: { email: true } });
  }
""",
        True,
    ),
    "literal-array": (
        """  for (const title of ["a", "b"]) {
    await prisma.note.count({ where: { title } });
  }
""",
        False,
    ),
    "module-constant": (
        """  await Promise.all(KINDS.map((title) => prisma.note.count({ where: { title } })));
""",
        False,
    ),
    "imported-enum": (
        """  for (const role of Object.values(Role)) {
    await prisma.membership.count({ where: { role } });
  }
""",
        False,
    ),
    "bounded-counter": (
        """  for (let day = 0; day < 7; day++) {
    await prisma.note.count({ where: { title: String(day) } });
  }
""",
        False,
    ),
    "paging-while": (
        """  let cursor = "";
  while (cursor !== null) {
    const page = await prisma.note.findMany({ where: { id: { gt: cursor } }, take: 100, select: { id: true } });
    cursor = page.length ? page[page.length - 1].id : null;
  }
""",
        False,
    ),
    "batched-in": (
        """  await prisma.user.findMany({
    where: { id: { in: notes.map((note) => note.authorId) } },
    select: { email: true },
  });
""",
        False,
    ),
    "transaction-array": (
        """  await prisma.$transaction(
    notes.map((note) => prisma.note.update({ where: { id: note.id }, data: { title: "x" } })),
  );
""",
        False,
    ),
    "writes-in-loop": (
        """  for (const note of notes) {
    await prisma.auditLog.create({ data: { actorId: note.authorId, action: "seen", target: note.id } });
  }
""",
        False,
    ),
    "chunks-read-with-in": (
        """  const ids = notes.map((note) => note.authorId);
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    await prisma.user.findMany({ where: { id: { in: batch } }, select: { email: true } });
  }
""",
        False,
    ),
    "enum-values": (
        """  const roles = Object.values(Role) as Role[];
  await Promise.all(roles.map((role) => prisma.membership.count({ where: { role } })));
""",
        False,
    ),
    "memoized-per-key": (
        """  const owners = new Map<string, unknown>();
  for (const note of notes) {
    let owner = owners.get(note.authorId);
    if (!owner) {
      owner = await prisma.user.findUnique({ where: { id: note.authorId }, select: { email: true } });
      owners.set(note.authorId, owner);
    }
  }
""",
        False,
    ),
    "transaction-per-element": (
        """  await Promise.allSettled(
    notes.map((note) =>
      prisma.$transaction(async (tx) => {
        const author = await tx.user.findUnique({ where: { id: note.authorId }, select: { email: true } });
        await tx.auditLog.create({ data: { actorId: author?.email ?? "", action: "seen", target: note.id } });
      }),
    ),
  );
""",
        False,
    ),
    "independent-of-element": (
        """  for (const note of notes) {
    const total = await prisma.note.count({ where: { authorId: session.user.id } });
    console.log(note.title, total);
  }
""",
        False,
    ),
}


@pytest.fixture(scope="module")
def prisma_audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    root = tmp_path_factory.mktemp("prisma-loops")
    files = {
        f"app/api/{name}/route.ts": ROUTE.format(body=body)
        for name, (body, _) in PRISMA_CASES.items()
    }
    make_repo(root, files)
    return run_audit(root)


def _reported(result: Audit) -> dict[str, list[tuple[int, str]]]:
    return reported_by_case(result, "PRF001")


def test_prisma_reads_per_element_are_reported_and_constant_or_batched_ones_not(
    prisma_audit: Audit,
) -> None:
    assert [e.message for e in prisma_audit.errors] == []
    expected = {name for name, (_, positive) in PRISMA_CASES.items() if positive}
    assert set(_reported(prisma_audit)) == expected


def test_the_message_names_the_query_line_and_the_loop_line(prisma_audit: Audit) -> None:
    [(line, message)] = _reported(prisma_audit)["for-of"]
    assert line == 16
    assert message == (
        "prisma.user.findUnique() on User (line 16) runs once per element of the for...of loop "
        "over `notes` at line 15: one query with include/with, in/inArray or a join would read "
        "them all"
    )
    [(_, mapped)] = _reported(prisma_audit)["promise-all-map"]
    assert "`notes.map` callback at line 16" in mapped and "prisma.membership.count()" in mapped


def test_one_loop_repeating_two_reads_is_one_finding_naming_both(prisma_audit: Audit) -> None:
    [(line, message)] = _reported(prisma_audit)["two-reads-one-loop"]
    assert line == 16
    assert message == (
        "prisma.user.findUnique() on User (line 16) runs once per element of the for...of loop "
        "over `notes` at line 15; the same loop also runs prisma.membership.count() on Membership "
        "(line 17): one query with include/with, in/inArray or a join would read them all"
    )


DRIZZLE_SCHEMA = """import { pgTable, text } from "drizzle-orm/pg-core";
export const posts = pgTable("posts", {
  id: text("id").primaryKey(),
  authorId: text("author_id").notNull(),
});
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
});
"""

DRIZZLE_ROUTE = """import { eq, inArray } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { posts, users } from "@/db/schema";

export async function GET() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const rows = await db.select().from(posts).limit(20);
BODY  return Response.json({ ok: true });
}
"""

DRIZZLE_CASES: dict[str, tuple[str, bool]] = {
    "select-in-loop": (
        """  for (const post of rows) {
    await db.select({ name: users.name }).from(users).where(eq(users.id, post.authorId));
  }
""",
        True,
    ),
    "query-api-in-map": (
        """  await Promise.all(
    rows.map((post) => db.query.users.findFirst({ where: eq(users.id, post.authorId) })),
  );
""",
        True,
    ),
    "in-array": (
        """  await db
    .select({ name: users.name })
    .from(users)
    .where(inArray(users.id, rows.map((post) => post.authorId)));
""",
        False,
    ),
    "batch": (
        """  await db.batch(rows.map((post) => db.select().from(users).where(eq(users.id, post.authorId))));
""",
        False,
    ),
}


def test_drizzle_reads_per_element_are_reported_and_batched_ones_not(tmp_path: Path) -> None:
    result = drizzle_cases_audit(
        tmp_path, DRIZZLE_SCHEMA, DRIZZLE_ROUTE, DRIZZLE_CASES, relational=True
    )
    assert [e.message for e in result.errors] == []
    expected = {name for name, (_, positive) in DRIZZLE_CASES.items() if positive}
    reported = _reported(result)
    assert set(reported) == expected
    [(line, message)] = reported["select-in-loop"]
    assert line == 11 and "for...of loop over `rows` at line 10" in message


def test_facts_place_each_call_in_its_innermost_loop_of_the_same_function() -> None:
    source = b"""async function f(xs, n) {
  for (const { id } of await load()) {
    await one(id);
    xs.map((x) => two(x));
  }
  for (let i = 0; i < n; i++) three(i);
  while (more) four();
  for (const key in obj) five(key);
}
"""
    facts = extract_code_facts("a.ts", source)
    kinds = [(loop.kind, loop.line, loop.binds) for loop in facts.loops]
    assert kinds == [
        (LoopKind.FOR_OF, 2, ("id",)),
        (LoopKind.FOR, 6, ("i",)),
        (LoopKind.WHILE, 7, ()),
        (LoopKind.FOR_IN, 8, ("key",)),
    ]
    assert facts.loops[0].over is not None and facts.loops[0].over.text == "await load()"
    loop_of = {call.callee: call.loop for call in facts.calls}
    # the loop's collection is read once; a callback's calls belong to the callback
    assert loop_of == {
        "load": None,
        "one": 0,
        "xs.map": 0,
        "two": None,
        "three": 1,
        "four": 2,
        "five": 3,
    }
    condition = facts.loops[1].condition
    assert condition is not None and condition.text == "i < n"
