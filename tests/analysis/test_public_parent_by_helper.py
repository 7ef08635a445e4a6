"""A key first handed to a helper that returns the row it names, refused unless that row is
public: what hangs off the key afterwards (the row's children) belongs to a public row."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit

SCHEMA = (
    PRISMA_SCHEMA.replace(
        "  version   Int       @default(0)",
        '  version   Int       @default(0)\n  visibility String @default("private")\n  pins      Pin[]',
    )
    + """
model Pin {
  id     String @id @default(cuid())
  noteId String
  label  String
  note   Note   @relation(fields: [noteId], references: [id])
}
"""
)

NOTES = """import { prisma } from "@/lib/db";

export async function findNote(id: string) {
  const note = await prisma.note.findUnique({ where: { id } });
  return note;
}
"""

MINE = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function myPins() {
  const session = await auth();
  if (!session?.user?.id) return [];
  const notes = await prisma.note.findMany({ where: { authorId: session.user.id } });
  const pins = await prisma.pin.findMany({ where: { note: { authorId: session.user.id } } });
  return [notes, pins];
}
"""

PAGE = """import { notFound } from "next/navigation";
import { prisma } from "@/lib/db";
import { findNote } from "@/lib/notes";

export default async function SharedNote(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  const note = await findNote(id);
  if (!note || note.visibility !== "public") {
    notFound();
  }
  const pins = await prisma.pin.findMany({ where: { noteId: id } });
  return <ul>{pins.map((p) => <li key={p.id}>{p.label}</li>)}</ul>;
}
"""


def _page(root: Path, page: str):  # type: ignore[no-untyped-def]
    make_repo(
        root,
        {
            "lib/notes.ts": NOTES,
            "app/mine.ts": MINE,
            "app/shared/[id]/page.tsx": page,
        },
        schema=SCHEMA,
    )
    result = run_audit(root)
    point = entry(result, "page:app/shared/[id]/page.tsx#default")
    return rules_at(result, "app/shared/[id]/page.tsx"), point.checks.authorization


def test_children_of_a_row_refused_unless_public_are_public(tmp_path: Path) -> None:
    found, check = _page(tmp_path / "public", PAGE)
    assert check.status.value == "pass", check
    assert any(e.line == 8 and "public" in e.detail for e in check.evidence), check
    assert not {r for r in found if r[0].startswith("AZ")}, found


def test_without_the_refusal_the_children_are_anyones(tmp_path: Path) -> None:
    open_page = PAGE.replace('note.visibility !== "public"', 'note.title === ""')
    found, check = _page(tmp_path / "open", open_page)
    assert check.status.value == "fail", check
    assert ("AZ001", "app/shared/[id]/page.tsx", 11) in found, found


def test_a_refusal_after_the_read_guards_nothing(tmp_path: Path) -> None:
    late = PAGE.replace(
        "  const pins = await prisma.pin.findMany({ where: { noteId: id } });\n", ""
    ).replace(
        "  const note = await findNote(id);\n",
        "  const pins = await prisma.pin.findMany({ where: { noteId: id } });\n"
        "  const note = await findNote(id);\n",
    )
    _found, check = _page(tmp_path / "late", late)
    assert check.status.value == "fail", check
