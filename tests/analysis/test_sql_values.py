"""Raw SQL built from client values that can only be numbers, booleans or members of a fixed set,
known from the schema that validated them or from the type a validated value reached: no injection.
A validated string, or a typed parameter fed by an unchecked value, still is."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.minirepo import make_repo, rules_at, run_audit

ROUTE = """import { z } from "zod";
import { prisma } from "@/lib/db";

const schema = z
  .object({
    action: z.enum(["count", "list"]),
    noteId: z.coerce.number().int().positive().optional(),
    title: z.string().optional(),
  })
  .superRefine(() => undefined);

export async function GET(req: Request) {
  const url = new URL(req.url);
  const payload = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!payload.success) return new Response("Bad request", { status: 400 });
  const input = payload.data;
  switch (input.action) {
    case "count": {
      const filter = input.noteId ? `AND id = ${input.noteId}` : "";
      return Response.json(await prisma.$queryRawUnsafe(`SELECT count(*) FROM "Note" WHERE true ${filter}`));
    }
    default: {
      const filter = FILTER;
      return Response.json(await prisma.$queryRawUnsafe(`SELECT * FROM "Note" WHERE true ${filter}`));
    }
  }
}
"""


@pytest.mark.parametrize(
    ("filter_", "flagged"),
    [
        ("input.noteId ? `AND id = ${input.noteId}` : ''", False),
        ("`AND id = ${Number(url.searchParams.get('id'))}`", False),
        ("input.title ? `AND title = '${input.title}'` : ''", True),
        ("`AND title = '${url.searchParams.get('title')}'`", True),
    ],
)
def test_validated_numbers_and_casts_are_no_injection(
    tmp_path: Path, filter_: str, flagged: bool
) -> None:
    make_repo(tmp_path, {"app/api/notes/route.ts": ROUTE.replace("FILTER", filter_)})
    found = {r for r in rules_at(run_audit(tmp_path)) if r[0] == "INJ001"}
    # the first query only ever takes a validated number: never reported
    assert ("INJ001", "app/api/notes/route.ts", 20) not in found
    assert (("INJ001", "app/api/notes/route.ts", 24) in found) is flagged


SERVICE = """import { prisma } from "@/lib/db";

export async function setPinned({ id, pinned }: { id: number; pinned: boolean }) {
  await prisma.$executeRawUnsafe(`UPDATE "Note" SET pinned = ${pinned} WHERE id = ${id}`);
}
"""

CALLER = """import { z } from "zod";
import { setPinned } from "@/lib/notes";

const body = z.object({ id: z.number().int(), pinned: z.boolean() });

export async function POST(req: Request) {
  const VALUE;
  await setPinned(input);
  return new Response(null, { status: 204 });
}
"""


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("input = body.parse(await req.json())", False),
        ("input = (await req.json()) as { id: number; pinned: boolean }", True),
    ],
)
def test_a_validated_value_typed_as_a_number_is_no_injection(
    tmp_path: Path, value: str, flagged: bool
) -> None:
    files = {"lib/notes.ts": SERVICE, "app/api/notes/route.ts": CALLER.replace("VALUE", value)}
    make_repo(tmp_path, files)
    found = {r for r in rules_at(run_audit(tmp_path)) if r[0] == "INJ001"}
    assert (("INJ001", "lib/notes.ts", 4) in found) is flagged


def test_a_cast_beside_a_hole_it_cannot_read_proves_nothing(tmp_path: Path) -> None:
    filter_ = "`AND id = ${Number(url.searchParams.get('id'))} ${JSON.stringify({ t: url.searchParams.get('t') })}`"
    make_repo(tmp_path, {"app/api/notes/route.ts": ROUTE.replace("FILTER", filter_)})
    found = {r for r in rules_at(run_audit(tmp_path)) if r[0] == "INJ001"}
    assert ("INJ001", "app/api/notes/route.ts", 24) in found


REASSIGNED = """import { prisma } from "@/lib/db";

export async function refreshLevels(ids: number | number[]) {
  if (!Array.isArray(ids)) ids = [ids];
  ids = [...new Set(ids)];
  await prisma.$executeRawUnsafe(`SELECT refresh_levels(ARRAY[${ids.join(",")}])`);
}
"""

REASSIGNING_CALLER = """import { z } from "zod";
import { refreshLevels } from "@/lib/levels";

const body = z.object({ ids: z.array(z.number().int()) });

export async function POST(req: Request) {
  const input = VALUE;
  await refreshLevels(input.ids);
  return new Response(null, { status: 204 });
}
"""


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("body.parse(await req.json())", False),
        ("(await req.json()) as { ids: number[] }", True),
    ],
)
def test_a_parameter_reassigned_from_itself_keeps_its_declared_type(
    tmp_path: Path, value: str, flagged: bool
) -> None:
    # `ids = [...new Set(ids)]` reads the value before it: the parameter's, a validated number
    files = {
        "lib/levels.ts": REASSIGNED,
        "app/api/levels/route.ts": REASSIGNING_CALLER.replace("VALUE", value),
    }
    make_repo(tmp_path, files)
    found = {r for r in rules_at(run_audit(tmp_path)) if r[0] == "INJ001"}
    assert (("INJ001", "lib/levels.ts", 6) in found) is flagged, found
