"""Generated Prisma schemas of any size, for the parser's scale and property tests."""

from __future__ import annotations

import random
from dataclasses import dataclass

_SCALARS = [
    ("String", ["@db.VarChar(255)", "@unique", '@default("")', '@map("col_{n}")']),
    ("Int", ["@default(0)", "@db.SmallInt"]),
    ("BigInt", []),
    ("Float", ["@default(1.5)"]),
    ("Decimal", ["@db.Decimal(10, 2)"]),
    ("Boolean", ["@default(false)"]),
    ("DateTime", ["@default(now())", "@updatedAt", "@db.Timestamptz(6)"]),
    ("Json", ['@default("{}")']),
    ("Bytes", []),
]

_HEADER = """// generated schema
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
"""


@dataclass(frozen=True)
class GeneratedSchema:
    """A generated schema: its top-level blocks and the counts a parse must reproduce."""

    blocks: tuple[str, ...]  # the header (generator, datasource), then enums, then models
    models: int
    fields: int
    enums: int
    relations: int  # relation fields on the owning side (those with `fields:`)
    parents: dict[int, int]  # model number -> the earlier model it points at

    @property
    def text(self) -> str:
        """The whole schema as one file."""
        return "\n".join(self.blocks)

    def files(self, count: int, folder: str = "prisma/schema") -> dict[str, str]:
        """The schema split into `count` files of consecutive blocks (header in the first)."""
        size = -(-len(self.blocks) // count)
        return {
            f"{folder}/part{i:02d}.prisma": "\n".join(self.blocks[i * size : (i + 1) * size])
            for i in range(count)
        }


def _model_block(
    m: int, parent: int | None, children: list[int], scalars: int, enums: int, rng: random.Random
) -> tuple[str, int]:
    body = [
        f"/// Model {m} documentation.",
        f"model Model{m} {{",
        "  id        String   @id @default(cuid())",
        "  createdAt DateTime @default(now())",
    ]
    if parent is not None:
        body.append(
            f"  parent{parent}   Model{parent} @relation(fields: [parent{parent}Id], "
            "references: [id], onDelete: Cascade)"
        )
        body.append(f"  parent{parent}Id String")
    for child in children:
        body.append(f"  children{child} Model{child}[]")
    for n in range(scalars):
        if n % 7 == 6:
            body.append(f"  /// Field {n} documentation.")
        if n % 11 == 10:
            body.append(f"  status{n} Status{rng.randrange(enums)} @default(ACTIVE)")
            continue
        type_name, attrs = _SCALARS[rng.randrange(len(_SCALARS))]
        attr = attrs[rng.randrange(len(attrs))].replace("{n}", str(n)) if attrs and n % 2 else ""
        optional = "?" if n % 5 == 4 else ""
        body.append(f"  field{n} {type_name}{optional} {attr}".rstrip())
    if parent is not None:
        body.append(f"  @@index([parent{parent}Id, createdAt(sort: Desc)])")
    body.append(f'  @@map("model_{m}")')
    body.append("}\n")
    fields = 2 + (2 if parent is not None else 0) + len(children) + scalars
    return "\n".join(body), fields


def generate_schema(models: int = 300, fields: int = 4000, seed: int = 7) -> GeneratedSchema:
    """A valid schema with `models` models holding `fields` fields in total.

    Every model has an id and a creation time; each model after the first points at an earlier
    one (with the back relation on the target), and the remaining fields are scalars and enums
    with a mix of attributes, documentation comments and block attributes.
    """
    rng = random.Random(seed)
    enums = max(1, models // 20)
    blocks = [_HEADER]
    for e in range(enums):
        blocks.append(f'enum Status{e} {{\n  ACTIVE\n  ARCHIVED @map("archived")\n}}\n')
    parents = {m: rng.randrange(m) for m in range(1, models)}
    children: dict[int, list[int]] = {m: [] for m in range(models)}
    for child, target in parents.items():
        children[target].append(child)
    fixed = 2 * models + 3 * len(parents)  # id, createdAt; owning relation, its key, back relation
    extra = max(0, fields - fixed)
    total = 0
    for m in range(models):
        scalars = extra // models + (1 if m < extra % models else 0)
        block, count = _model_block(m, parents.get(m), children[m], scalars, enums, rng)
        blocks.append(block)
        total += count
    return GeneratedSchema(tuple(blocks), models, total, enums, len(parents), parents)
