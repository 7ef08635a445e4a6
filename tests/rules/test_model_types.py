"""TYP003 on hand-written copies of the schema's models, not on a generated typing of all of them."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, make_repo, run_audit

EXTRA_MODELS = """
model Invoice {
  id     String @id
  amount Int
  userId String
}

model Webhook {
  id     String @id
  url    String
  userId String
}
"""

ONE_COPY = """export type Note = {
  id: string;
  title: string;
  body: string;
};
"""

# The shape a generator (prisma-kysely and the like) writes for every model of the schema.
MIRROR = """import type { ColumnType } from "kysely";
export type Note = { id: string; title: string; body: string };
export type User = { id: string; email: string; passwordHash: string };
export type Team = { id: string; name: string };
export type Invoice = { id: string; amount: number; userId: string };
export type Webhook = { id: string; url: string; userId: string };
export type DB = { Note: Note; User: User; Team: Team; Invoice: Invoice; Webhook: Webhook };
"""


def _typ003(root: Path, files: dict[str, str]) -> list[tuple[str, int]]:
    make_repo(root, files, schema=PRISMA_SCHEMA + EXTRA_MODELS)
    return sorted((f.file, f.line) for f in run_audit(root).findings if f.rule == "TYP003")


def test_a_hand_written_copy_of_a_model_is_reported(tmp_path: Path) -> None:
    assert _typ003(tmp_path, {"lib/types.ts": ONE_COPY}) == [("lib/types.ts", 1)]


def test_a_generated_typing_of_every_model_is_not(tmp_path: Path) -> None:
    assert _typ003(tmp_path, {"db/kysely/types.ts": MIRROR}) == []
