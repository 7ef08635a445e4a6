"""INJ001: raw SQL built from values, and not SQL text the code wrote with its values bound."""

from __future__ import annotations

from archtools.facts.typescript import extract_code_facts
from archtools.rules.code.raw_sql import raw_sql

SOURCE = """import { prisma } from "@/lib/db";
const byId = "SELECT * FROM notes WHERE id = $1";
export async function bound(id: string) {
  return prisma.$queryRawUnsafe(byId, id);
}
export async function built(id: string) {
  const sql = `SELECT * FROM notes WHERE id = '${id}'`;
  return prisma.$queryRawUnsafe(sql);
}
export async function inline(id: string) {
  return prisma.$queryRawUnsafe(`SELECT * FROM notes WHERE id = '${id}'`);
}
"""


def test_only_sql_built_from_values_is_reported() -> None:
    facts = extract_code_facts("lib/notes.ts", SOURCE.encode())
    hits = list(raw_sql("lib/notes.ts", facts, None))  # type: ignore[arg-type]
    assert [(h.rule, h.line) for h in hits] == [("INJ001", 8), ("INJ001", 11)]
