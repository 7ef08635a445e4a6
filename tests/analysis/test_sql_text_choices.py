"""INJ001 judges what can reach raw SQL text, not where it came from: text the code chose itself
(a choice between literals, an entry of a constant table, built from those alone) and values whose
declared type admits no text (`z.infer<typeof schema>` fields of numbers and enums, a list's
members, a helper that throws unless its values are integers) are no injection, whatever client
value steered them; a client string is, through callbacks, helpers and every call of a helper."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import AUTH_TS, make_repo, run_audit


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def _inj(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, int]]:
    make_repo(tmp_path, {"auth.ts": AUTH_TS, **files})
    return {(f.file, f.line) for f in run_audit(tmp_path).findings if f.rule == "INJ001"}


FEED = """import { Prisma } from "@prisma/client";
import { prisma } from "@/lib/db";

function cursorClause(sortText: string, cursor: number) {
  const fields = sortText.split(",").map((part) => part.trim());
  const first = fields[0];
  return Prisma.sql`${Prisma.raw(first)} < ${cursor}`; // cursor-raw
}

export async function feed(input: { sort: string; desc: boolean; cursor: number }) {
  const dir = input.desc ? "DESC" : "ASC";
  let orderBy = `"createdAt" ${dir}`;
  if (input.sort === "title") orderBy = `"title" ${dir}`;
  EXTRA
  const where = cursorClause(orderBy, input.cursor);
  return prisma.$queryRaw`SELECT * FROM "Note" WHERE ${where} ORDER BY ${Prisma.raw(orderBy)}`; // order-raw
}
"""

FEED_ROUTE = """import { z } from "zod";
import { auth } from "@/auth";
import { feed } from "@/lib/feed";

const schema = z.object({ sort: z.string(), desc: z.boolean(), cursor: z.number() });

export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const input = schema.parse(await request.json());
  return Response.json(await feed(input));
}
"""


@pytest.mark.parametrize(
    ("extra", "flagged"),
    [
        ("", False),
        ('else if (input.sort === "views") orderBy = `"views" ${dir}`;', False),
        ("else if (input.sort) orderBy = input.sort;", True),
    ],
)
def test_an_order_chosen_from_literals_is_no_injection(
    tmp_path: Path, extra: str, flagged: bool
) -> None:
    """The ORDER BY text is one of the code's own literals, whichever the client's sort picked,
    also in the helper it is handed to; one assignment of the client's string makes both raw
    uses injections."""
    feed = FEED.replace("EXTRA", extra)
    found = _inj(tmp_path, {"lib/feed.ts": feed, "app/api/feed/route.ts": FEED_ROUTE})
    raw_uses = {
        ("lib/feed.ts", _line(feed, "order-raw")),
        ("lib/feed.ts", _line(feed, "cursor-raw")),
    }
    assert found == (raw_uses if flagged else set())


SCHEMA = """import { z } from "zod";

export const kinds = ["post", "image"] as const;
export type Kind = (typeof kinds)[number];

const base = z.object({ note: z.string().optional() });

export const moderateSchema = base.extend({
  ids: z.number().array(),
  kind: z.enum(kinds),
  state: z.union([z.literal("open"), z.literal("closed")]),
  labels: z.array(z.string()),
  rows: z.array(z.object({ id: z.number() })),
});

export type ModerateInput = z.infer<typeof moderateSchema>;
"""

MODERATE = """import { Prisma } from "@prisma/client";
import { prisma } from "@/lib/db";
import type { Kind, ModerateInput } from "@/lib/schema";

const COLUMN = { post: "postId", image: "imageId" };

export function intList(values: number[]) {
  for (const value of values) if (!Number.isInteger(value)) throw new Error("not an integer");
  return values.join(",");
}

export async function moderate({ ids, kind, state, labels, note }: ModerateInput) {
  await prisma.$executeRawUnsafe(`UPDATE "Item" SET state = '${state}' WHERE id IN (${ids.join(",")})`); // typed
  await prisma.$queryRaw`SELECT * FROM "Item" WHERE ${Prisma.raw(COLUMN[kind])} IS NOT NULL`; // table
  const rows = labels.map((label) => `('${label}')`).join(",");
  await prisma.$executeRawUnsafe(`INSERT INTO "Label" VALUES ${rows}`); // labels
  await prisma.$executeRawUnsafe(`UPDATE "Item" SET note = '${note}'`); // note
}

export async function tally(kind: Kind, entries: { id: number }[]) {
  const values = entries.map((e) => `(VALUE)`).join(",");
  return prisma.$queryRawUnsafe(`SELECT * FROM (VALUES ${values}) AS v(id) WHERE '${kind}' <> ''`); // tally
}
"""

MODERATE_ROUTE = """import { auth } from "@/auth";
import { moderate, tally } from "@/lib/moderate";
import { moderateSchema } from "@/lib/schema";

export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const input = moderateSchema.parse(await request.json());
  await moderate(input);
  return Response.json(await tally(input.kind, input.rows));
}
"""


@pytest.mark.parametrize(
    ("value", "tally_flagged"), [("${intList([e.id])}", False), ("${e.id}", True)]
)
def test_declared_types_and_checks_tell_text_from_numbers(
    tmp_path: Path, value: str, tally_flagged: bool
) -> None:
    """Fields of a `z.infer` type that are numbers, enums or literals, a constant table's entry
    and an integer-checking helper's result are no injection; free strings are, also mapped
    through a callback. A row's field of an unchecked object is only safe through the helper."""
    moderate = MODERATE.replace("VALUE", value)
    found = _inj(
        tmp_path,
        {
            "lib/schema.ts": SCHEMA,
            "lib/moderate.ts": moderate,
            "app/api/moderate/route.ts": MODERATE_ROUTE,
        },
    )
    expected = {("lib/moderate.ts", _line(moderate, m)) for m in ("// labels", "// note")}
    if tally_flagged:
        expected.add(("lib/moderate.ts", _line(moderate, "// tally")))
    assert found == expected


SCAN = """import { z } from "zod";
import { prisma } from "@/lib/db";

const bodySchema = z.object({ id: z.number(), label: z.string() });

async function mark({ id, label }: { id: number; label?: string }) {
  return prisma.$executeRawUnsafe( // mark
    `UPDATE "Item" SET ${label ? `label = '${label}',` : ""} seen = true WHERE id = ${id}`,
  );
}

async function relabel(body: { id: number; label: string }) {
  return mark({ id: body.id, label: body.label });
}

export async function POST(request: Request) {
  const body = bodySchema.parse(await request.json());
  await mark({ id: body.id });
  await relabel(body);
  return new Response(null, { status: 204 });
}
"""


def test_a_parameter_any_call_hands_client_text_is_client(tmp_path: Path) -> None:
    """The first call of the helper passes no label; the second hands it the client's string:
    the label spliced into the statement is an injection."""
    found = _inj(tmp_path, {"app/api/scan/route.ts": SCAN})
    assert found == {("app/api/scan/route.ts", _line(SCAN, "// mark"))}


SEARCH = """import { z } from "zod";
import { prisma } from "@/lib/db";

const schema = z.object({ id: z.number(), name: z.string() });

export async function POST(request: Request) {
  const input = schema.parse(await request.json());
  const where = [`id = ${input.id}`];
  EXTRA
  return Response.json(await prisma.$queryRawUnsafe(`SELECT * FROM "Item" WHERE ${where.join(" AND ")}`)); // search
}
"""


@pytest.mark.parametrize(
    ("extra", "flagged"),
    [
        ("", False),
        ("where.push(`kind = 'item'`);", False),
        ("where.push(`name = '${input.name}'`);", True),
    ],
)
def test_what_is_pushed_onto_a_list_counts(tmp_path: Path, extra: str, flagged: bool) -> None:
    """A list of conditions built from validated numbers is no injection until a client string is
    pushed onto it."""
    search = SEARCH.replace("EXTRA", extra)
    found = _inj(tmp_path, {"app/api/search/route.ts": search})
    assert found == (
        {("app/api/search/route.ts", _line(search, "// search"))} if flagged else set()
    )


TRPC = """import { initTRPC, TRPCError } from "@trpc/server";
export const t = initTRPC.context<{ session: { user: { id: number } } | null }>().create();
export const createTRPCRouter = t.router;
const enforceUser = t.middleware(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { session: ctx.session } });
});
export const protectedProcedure = t.procedure.use(enforceUser);
"""

RATINGS = """import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { prisma } from "@/lib/db";

const rateSchema = z.object({
  ratings: z.record(z.string(), VALUE),
  order: z.enum(["asc", "desc"]),
});

export const ratingRouter = createTRPCRouter({
  rate: protectedProcedure.input(rateSchema).mutation(async ({ ctx, input }) => {
    const values = Object.entries(input.ratings).map(
      ([imageId, level]) => `(${ctx.session.user.id}, ${Number(imageId)}, ${level})`,
    );
    await prisma.$executeRawUnsafe(`INSERT INTO "Rating" VALUES ${values.join(", ")}`); // rate
    return prisma.$queryRawUnsafe(`SELECT * FROM "Rating" ORDER BY level ${input.order}`); // order
  }),
});
"""

ROOT = """import { createTRPCRouter } from "./trpc";
import { ratingRouter } from "./routers/rating";
export const appRouter = createTRPCRouter({ rating: ratingRouter });
"""


@pytest.mark.parametrize(("value", "flagged"), [("z.number()", False), ("z.string()", True)])
def test_a_procedures_schema_types_its_input(tmp_path: Path, value: str, flagged: bool) -> None:
    """The fields of a procedure's input are typed by its `.input()` schema: an enum field and the
    values of a record of numbers are no text; a record of strings is."""
    ratings = RATINGS.replace("VALUE", value)
    make_repo(
        tmp_path,
        {
            "server/api/trpc.ts": TRPC,
            "server/api/routers/rating.ts": ratings,
            "server/api/root.ts": ROOT,
        },
        dependencies={"@trpc/server": "11.0.0"},
    )
    found = {(f.file, f.line) for f in run_audit(tmp_path).findings if f.rule == "INJ001"}
    rate = ("server/api/routers/rating.ts", _line(ratings, "// rate"))
    assert found == ({rate} if flagged else set())
