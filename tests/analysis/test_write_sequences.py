"""DATA003 (dependent writes outside a transaction): a write that takes an earlier write's result
is reported unless both run in a transaction, a batch, or the later one is a compensation."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.results import Audit
from tests.support.minirepo import PRISMA_SCHEMA, make_repo, run_audit
from tests.support.rule_cases import drizzle_cases_audit, reported_by_case

SCHEMA = PRISMA_SCHEMA.replace(
    "enum Role {",
    """model Board {
  id       String    @id @default(cuid())
  name     String
  ownerId  String
  owner    User      @relation(fields: [ownerId], references: [id])
  imageId  String?
  image    Image?    @relation(fields: [imageId], references: [id])
  sections Section[]
}

model Section {
  id      String @id @default(cuid())
  title   String
  boardId String
  board   Board  @relation(fields: [boardId], references: [id])
}

model BoardFollow {
  boardId   String
  userId    String
  createdAt DateTime @default(now())
  board     Board    @relation(fields: [boardId], references: [id])
  user      User     @relation(fields: [userId], references: [id])

  @@id([boardId, userId])
}

model Notification {
  id      String @id @default(cuid())
  message String
  boardId String
  board   Board  @relation(fields: [boardId], references: [id])
}

model Image {
  id     String  @id @default(cuid())
  bytes  Bytes
  boards Board[]
}

model Post {
  id        String @id @default(cuid())
  likeCount Int    @default(0)
  likes     Like[]
}

model Like {
  id     String @id @default(cuid())
  postId String
  userId String
  post   Post   @relation(fields: [postId], references: [id])
}

enum Role {""",
)

ACTION = """"use server";
import {{ auth }} from "@/auth";
import {{ prisma }} from "@/lib/db";

export async function {name}(title: string, postId: string) {{
  const session = await auth();
  if (!session?.user?.id) throw new Error("Not signed in");
  const actorId = session.user.id;
{body}}}
"""

BOARD = "  const board = await prisma.board.create({ data: { name: title, ownerId: actorId } });\n"

# name -> (body, whether DATA003 reports it)
PRISMA_CASES: dict[str, tuple[str, bool]] = {
    "part": (
        BOARD + "  await prisma.section.create({ data: { title, boardId: board.id } });\n",
        True,
    ),
    "derived": (
        BOARD
        + """  const boardId = board.id;
  await prisma.section.create({ data: { title: "Backlog", boardId } });
""",
        True,
    ),
    "rows-built-by-a-callback": (
        BOARD
        + """  await prisma.section.createMany({
    data: ["Backlog", "Done"].map((name) => ({ title: name, boardId: board.id })),
  });
""",
        True,
    ),
    "counter-after-create": (
        """  await prisma.like.create({ data: { postId, userId: actorId } });
  await prisma.post.update({ where: { id: postId }, data: { likeCount: { increment: 1 } } });
""",
        True,
    ),
    "counter-after-delete": (
        """  const like = await prisma.like.delete({ where: { id: title } });
  await prisma.post.update({ where: { id: like.postId }, data: { likeCount: { decrement: 1 } } });
""",
        True,
    ),
    "interactive-transaction": (
        """  await prisma.$transaction(async (tx) => {
    const board = await tx.board.create({ data: { name: title, ownerId: actorId } });
    await tx.section.create({ data: { title, boardId: board.id } });
  });
""",
        False,
    ),
    "transaction-handle-named-otherwise": (
        """  await prisma.$transaction(async (db) => {
    const board = await db.board.create({ data: { name: title, ownerId: actorId } });
    await db.section.create({ data: { title, boardId: board.id } });
  });
""",
        False,
    ),
    "counter-in-batch": (
        """  await prisma.$transaction([
    prisma.like.create({ data: { postId, userId: actorId } }),
    prisma.post.update({ where: { id: postId }, data: { likeCount: { increment: 1 } } }),
  ]);
""",
        False,
    ),
    "independent": (
        BOARD + '  await prisma.section.create({ data: { title, boardId: "inbox" } });\n',
        False,
    ),
    "side-record": (
        BOARD
        + "  await prisma.notification.create({ data: { message: title, boardId: board.id } });\n",
        False,
    ),
    "audit-entry": (
        """  const note = await prisma.note.create({ data: { title, body: "", authorId: actorId } });
  await prisma.auditLog.create({ data: { actorId, action: "create", target: note.id } });
""",
        False,
    ),
    "join-table": (
        BOARD
        + "  await prisma.boardFollow.create({ data: { boardId: board.id, userId: actorId } });\n",
        False,
    ),
    "unreferenced-first-row": (
        """  const image = await prisma.image.create({ data: { bytes: Buffer.from(title) } });
  await prisma.board.create({ data: { name: title, ownerId: actorId, imageId: image.id } });
""",
        False,
    ),
    "update-pointing-at-it": (
        """  const image = await prisma.image.create({ data: { bytes: Buffer.from(title) } });
  await prisma.board.update({ where: { id: postId }, data: { imageId: image.id } });
""",
        False,
    ),
    "best-effort": (
        BOARD
        + """  try {
    await prisma.section.create({ data: { title, boardId: board.id } });
  } catch (error) {
    console.error(error);
  }
""",
        False,
    ),
    "team-without-owner-column": (
        """  const team = await prisma.team.create({ data: { name: title } });
  await prisma.membership.create({ data: { userId: actorId, teamId: team.id, role: "ADMIN" } });
""",
        False,
    ),
    "compensation-in-catch": (
        BOARD
        + """  try {
    JSON.parse(title);
  } catch {
    await prisma.section.deleteMany({ where: { boardId: board.id } });
  }
""",
        False,
    ),
    "upsert-first": (
        """  const board = await prisma.board.upsert({ where: { id: title }, create: { name: title, ownerId: actorId }, update: {} });
  await prisma.section.create({ data: { title, boardId: board.id } });
""",
        False,
    ),
    "same-row-completed": (
        BOARD
        + "  await prisma.board.update({ where: { id: board.id }, data: { name: board.id } });\n",
        False,
    ),
    "work-between": (
        BOARD
        + """  const invoice = await fetch("https://billing.example.com/boards", { method: "POST" });
  await prisma.section.create({ data: { title: invoice.ok ? "Paid" : "Free", boardId: board.id } });
""",
        False,
    ),
    "read-then-write": (
        """  const found = await prisma.board.findFirst({ where: { ownerId: actorId } });
  if (found) await prisma.section.create({ data: { title, boardId: found.id } });
""",
        False,
    ),
    "counter-of-something-else": (
        """  await prisma.like.create({ data: { postId, userId: actorId } });
  await prisma.post.update({ where: { id: title }, data: { likeCount: { increment: 1 } } });
""",
        False,
    ),
}


@pytest.fixture(scope="module")
def prisma_audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    root = tmp_path_factory.mktemp("prisma-writes")
    files = {
        f"app/{name}/actions.ts": ACTION.format(name=name.replace("-", "_"), body=body)
        for name, (body, _) in PRISMA_CASES.items()
    }
    make_repo(root, files, schema=SCHEMA)
    return run_audit(root)


def _reported(result: Audit) -> dict[str, list[tuple[int, str]]]:
    return reported_by_case(result, "DATA003")


def test_prisma_writes_taking_an_earlier_result_outside_a_transaction(
    prisma_audit: Audit,
) -> None:
    assert [e.message for e in prisma_audit.errors] == []
    expected = {name for name, (_, positive) in PRISMA_CASES.items() if positive}
    assert set(_reported(prisma_audit)) == expected
    [(line, message)] = _reported(prisma_audit)["part"]
    assert line == 10
    assert message == (
        "prisma.section.create() (line 10) creates the Section that Board needs "
        "(Section.boardId references it) with the result of prisma.board.create() (line 9), "
        "outside a transaction: when it fails, the Board row (which stands on its own through "
        "Board.ownerId -> User) is left without it; run both in "
        "prisma.$transaction(async (tx) => ...)"
    )
    [(line, message)] = _reported(prisma_audit)["counter-after-delete"]
    assert message.startswith(
        "prisma.post.update() (line 10) moves the counter likeCount of Post for the Like that "
        "prisma.like.delete() (line 9) deleted, outside a transaction"
    )


DRIZZLE_SCHEMA = """import { integer, pgTable, text } from "drizzle-orm/pg-core";
export const users = pgTable("users", {
  id: text("id").primaryKey(),
});
export const products = pgTable("products", {
  id: text("id").primaryKey(),
  stock: integer("stock").notNull(),
});
export const orders = pgTable("orders", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull().references(() => users.id),
});
export const orderItems = pgTable("order_items", {
  id: text("id").primaryKey(),
  quantity: integer("quantity").notNull(),
  orderId: text("order_id").notNull().references(() => orders.id),
});
export const orderEvents = pgTable("order_events", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  orderId: text("order_id").notNull().references(() => orders.id),
});
"""

DRIZZLE_ROUTE = """import { sql } from "drizzle-orm";
import { eq } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { orderEvents, orderItems, orders, products } from "@/db/schema";

export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const userId = session.user.id;
  const productId = new URL(request.url).searchParams.get("product") ?? "";
BODY  return new Response(null, { status: 201 });
}
"""

DRIZZLE_CASES: dict[str, tuple[str, bool]] = {
    "returning": (
        """  const [order] = await db.insert(orders).values({ id: "o", userId }).returning();
  await db.insert(orderItems).values({ id: "i", quantity: 1, orderId: order.id });
""",
        True,
    ),
    "stock-counter": (
        """  await db.insert(orderItems).values({ id: "i", quantity: 1, orderId: productId });
  await db.update(products).set({ stock: sql`${products.stock} - 1` }).where(eq(products.id, productId));
""",
        True,
    ),
    "transaction": (
        """  await db.transaction(async (trx) => {
    const [order] = await trx.insert(orders).values({ id: "o", userId }).returning();
    await trx.insert(orderItems).values({ id: "i", quantity: 1, orderId: order.id });
  });
""",
        False,
    ),
    "event-row": (
        """  const [order] = await db.insert(orders).values({ id: "o", userId }).returning();
  await db.insert(orderEvents).values({ id: "e", kind: "created", orderId: order.id });
""",
        False,
    ),
}


def test_drizzle_writes_taking_an_earlier_result_outside_a_transaction(tmp_path: Path) -> None:
    result = drizzle_cases_audit(tmp_path, DRIZZLE_SCHEMA, DRIZZLE_ROUTE, DRIZZLE_CASES)
    assert [e.message for e in result.errors] == []
    reported = _reported(result)
    assert set(reported) == {name for name, (_, positive) in DRIZZLE_CASES.items() if positive}
    [(line, message)] = reported["returning"]
    assert line == 13 and "with the result of db.insert().values().returning() (line 12)" in message
    assert message.endswith("run both in db.transaction(async (tx) => ...)")
    [(line, message)] = reported["stock-counter"]
    assert line == 13 and "moves the counter stock of products" in message
