"""DATA004 (check-then-act race): a uniqueness checked by a read but enforced by no constraint, and
a balance, flag or status read and written back without the condition in the update, are
reported; constraints, conditional updates, version columns, row locks and serializable
transactions make the pair atomic and are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.results import Audit
from tests.support.minirepo import PRISMA_SCHEMA, make_repo, run_audit
from tests.support.rule_cases import drizzle_cases_audit, reported_by_case

SCHEMA = PRISMA_SCHEMA.replace(
    "enum Role {",
    """model Tag {
  id       String @id @default(cuid())
  name     String
  authorId String
}

model Wallet {
  id      String @id @default(cuid())
  userId  String @unique
  balance Int    @default(0)
  version Int    @default(0)
  handle  String
}

model Grant {
  userId String
  itemId String
  kind   String @default("claimed")

  @@id([userId, itemId, kind])
}

model Invite {
  id     String    @id @default(cuid())
  code   String
  usedAt DateTime?
}

enum Role {""",
)

ACTION = """"use server";
import {{ auth }} from "@/auth";
import {{ prisma }} from "@/lib/db";
import {{ withLock }} from "@/lib/lock";

export async function {name}(title: string) {{
  const session = await auth();
  if (!session?.user?.id) throw new Error("Not signed in");
  const actorId = session.user.id;
{body}}}
"""

WALLET = "  const wallet = await prisma.wallet.findUnique({ where: { userId: actorId } });\n"
INVITE = "  const invite = await prisma.invite.findFirst({ where: { code: title } });\n"
TAG = "  const existing = await prisma.tag.findFirst({ where: { name: title, authorId: actorId } });\n"

# name -> (body, whether DATA004 reports it)
PRISMA_CASES: dict[str, tuple[str, bool]] = {
    "unique-unenforced": (
        TAG
        + """  if (existing) throw new Error("Taken");
  await prisma.tag.create({ data: { name: title, authorId: actorId } });
""",
        True,
    ),
    "balance-from-itself": (
        WALLET
        + """  if (!wallet) throw new Error("No wallet");
  await prisma.wallet.update({ where: { userId: actorId }, data: { balance: wallet.balance - 10 } });
""",
        True,
    ),
    "balance-checked-then-decremented": (
        WALLET
        + """  if (!wallet || wallet.balance < 10) throw new Error("Too poor");
  await prisma.wallet.update({ where: { id: wallet.id }, data: { balance: { decrement: 10 } } });
""",
        True,
    ),
    "invite-used": (
        INVITE
        + """  if (!invite || invite.usedAt) throw new Error("Used");
  await prisma.invite.update({ where: { id: invite.id }, data: { usedAt: new Date() } });
""",
        True,
    ),
    "default-isolation-transaction": (
        """  await prisma.$transaction(async (tx) => {
    const wallet = await tx.wallet.findUnique({ where: { userId: actorId } });
    if (!wallet) throw new Error("No wallet");
    await tx.wallet.update({ where: { id: wallet.id }, data: { balance: wallet.balance - 10 } });
  });
""",
        True,
    ),
    "unique-constraint": (
        """  const taken = await prisma.user.findUnique({ where: { email: title } });
  if (taken) throw new Error("Taken");
  await prisma.user.create({ data: { email: title, passwordHash: "" } });
""",
        False,
    ),
    "exit-when-missing": (
        TAG
        + """  if (!existing) throw new Error("Missing");
  await prisma.tag.create({ data: { name: title, authorId: actorId } });
""",
        False,
    ),
    "conditional-update": (
        INVITE
        + """  if (!invite || invite.usedAt) throw new Error("Used");
  const { count } = await prisma.invite.updateMany({ where: { id: invite.id, usedAt: null }, data: { usedAt: new Date() } });
  if (count === 0) throw new Error("Used");
""",
        False,
    ),
    "version-checked": (
        WALLET
        + """  if (!wallet) throw new Error("No wallet");
  await prisma.wallet.updateMany({
    where: { id: wallet.id, version: wallet.version },
    data: { balance: wallet.balance - 10, version: { increment: 1 } },
  });
""",
        False,
    ),
    "serializable-transaction": (
        """  await prisma.$transaction(
    async (tx) => {
      const wallet = await tx.wallet.findUnique({ where: { userId: actorId } });
      if (!wallet) throw new Error("No wallet");
      await tx.wallet.update({ where: { id: wallet.id }, data: { balance: wallet.balance - 10 } });
    },
    { isolationLevel: "Serializable" },
  );
""",
        False,
    ),
    "ownership-check": (
        """  const note = await prisma.note.findUnique({ where: { id: title } });
  if (!note || note.authorId !== actorId) throw new Error("Not yours");
  await prisma.note.update({ where: { id: note.id }, data: { title: "Renamed" } });
""",
        False,
    ),
    "limit-replaced-after-check": (
        WALLET
        + """  if (!wallet || wallet.balance > 100) throw new Error("Too rich");
  await prisma.wallet.update({ where: { id: wallet.id }, data: { balance: title.length } });
""",
        False,
    ),
    "written-back-unchanged": (
        WALLET
        + """  if (!wallet) throw new Error("No wallet");
  await prisma.wallet.update({ where: { id: wallet.id }, data: { balance: title ? 0 : wallet.balance } });
""",
        False,
    ),
    "key-completed-by-constant-default": (
        """  const granted = await prisma.grant.findFirst({ where: { userId: actorId, itemId: title } });
  if (granted) throw new Error("Already granted");
  await prisma.grant.create({ data: { userId: actorId, itemId: title } });
""",
        False,
    ),
    "update-or-create": (
        TAG
        + """  if (existing) {
    await prisma.tag.update({ where: { id: existing.id }, data: { name: title } });
    return;
  }
  await prisma.tag.create({ data: { name: title, authorId: actorId } });
""",
        False,
    ),
    "find-or-create": (
        TAG
        + """  if (existing) return existing;
  return prisma.tag.create({ data: { name: title, authorId: actorId } });
""",
        False,
    ),
    "under-a-lock": (
        """  await withLock(`wallet:${actorId}`, async () => {
    const wallet = await prisma.wallet.findUnique({ where: { userId: actorId } });
    if (!wallet) throw new Error("No wallet");
    await prisma.wallet.update({ where: { id: wallet.id }, data: { balance: wallet.balance - 10 } });
  });
""",
        False,
    ),
    "text-set-when-different": (
        WALLET
        + """  if (!wallet || wallet.handle === title) return;
  await prisma.wallet.update({ where: { id: wallet.id }, data: { handle: title } });
""",
        False,
    ),
}


def _reported(result: Audit) -> dict[str, list[tuple[int, str]]]:
    return reported_by_case(result, "DATA004")


@pytest.fixture(scope="module")
def prisma_audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    root = tmp_path_factory.mktemp("prisma-races")
    files = {
        f"app/{name}/actions.ts": ACTION.format(name=name.replace("-", "_"), body=body)
        for name, (body, _) in PRISMA_CASES.items()
    }
    files["lib/lock.ts"] = (
        "export async function withLock<T>(key: string, run: () => Promise<T>): Promise<T> {\n"
        "  return run();\n}\n"
    )
    make_repo(root, files, schema=SCHEMA)
    return run_audit(root)


def test_prisma_checks_acted_on_in_a_separate_write(prisma_audit: Audit) -> None:
    assert [e.message for e in prisma_audit.errors] == []
    expected = {name for name, (_, positive) in PRISMA_CASES.items() if positive}
    assert set(_reported(prisma_audit)) == expected
    [(line, message)] = _reported(prisma_audit)["unique-unenforced"]
    assert line == 12
    assert message == (
        "prisma.tag.create() (line 12) creates a Tag after prisma.tag.findFirst() (line 10) "
        "found none with the same authorId, name (the exit on line 11), and no unique "
        "constraint of Tag covers (authorId, name) (it has (id)): two requests at once both "
        "pass the check and both create; add @@unique([authorId, name]) on Tag and handle the "
        "violation"
    )
    [(line, message)] = _reported(prisma_audit)["invite-used"]
    assert line == 12 and message.startswith(
        "prisma.invite.update() (line 12) writes Invite.usedAt of the row "
        "prisma.invite.findFirst() (line 10) read, checked on line 11,"
    )
    [(_, message)] = _reported(prisma_audit)["balance-from-itself"]
    assert "writes Wallet.balance" in message and "computed from the value it read" in message
    assert message.endswith("let the database compute it: `{ balance: { increment: n } }`")
    [(_, message)] = _reported(prisma_audit)["balance-checked-then-decremented"]
    assert message.endswith(
        "use updateMany with the condition on balance (or a version column) in its where "
        "and check the count it returns"
    )


DRIZZLE_SCHEMA = """import { integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
export const coupons = pgTable("coupons", {
  id: text("id").primaryKey(),
  code: text("code").notNull(),
  uses: integer("uses").notNull().default(0),
  redeemedAt: timestamp("redeemed_at"),
});
export const labels = pgTable("labels", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
});
export const tags = pgTable(
  "tags",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("tags_owner_name").on(t.ownerId, t.name)],
);
"""

DRIZZLE_ROUTE = """import { and, eq, isNull, sql } from "drizzle-orm";
import { auth } from "@/auth";
import { db } from "@/db";
import { coupons, labels, tags } from "@/db/schema";

export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const userId = session.user.id;
  const name = new URL(request.url).searchParams.get("name") ?? "";
BODY  return new Response(null, { status: 201 });
}
"""

COUPON = "  const [coupon] = await db.select().from(coupons).where(eq(coupons.code, name));\n"
COUPON_CHECK = '  if (!coupon || coupon.redeemedAt) return new Response("Used", { status: 409 });\n'

DRIZZLE_CASES: dict[str, tuple[str, bool]] = {
    "coupon-redeemed": (
        COUPON
        + COUPON_CHECK
        + "  await db.update(coupons).set({ redeemedAt: new Date() }).where(eq(coupons.id, coupon.id));\n",
        True,
    ),
    "label-unique-unenforced": (
        """  const [found] = await db.select().from(labels).where(eq(labels.name, name));
  if (found) return new Response("Taken", { status: 409 });
  await db.insert(labels).values({ id: name, name });
""",
        True,
    ),
    "uses-from-itself": (
        COUPON
        + '  if (!coupon) return new Response("Unknown", { status: 404 });\n'
        + "  await db.update(coupons).set({ uses: coupon.uses + 1 }).where(eq(coupons.id, coupon.id));\n",
        True,
    ),
    "uses-incremented-by-the-database": (
        COUPON
        + '  if (!coupon) return new Response("Unknown", { status: 404 });\n'
        + "  await db.update(coupons).set({ uses: sql`${coupons.uses} + 1` }).where(eq(coupons.id, coupon.id));\n",
        False,
    ),
    "label-checked-by-a-callback": (
        """  const found = await db.query.labels.findFirst({ where: (label, { eq }) => eq(label.name, name) });
  if (found) return new Response("Taken", { status: 409 });
  await db.insert(labels).values({ id: name, name });
""",
        True,
    ),
    "tag-checked-by-a-callback": (
        """  const found = await db.query.tags.findFirst({
    where: (tag, { and, eq }) => and(eq(tag.ownerId, userId), eq(tag.name, name)),
  });
  if (found) return new Response("Taken", { status: 409 });
  await db.insert(tags).values({ id: name, ownerId: userId, name });
""",
        False,
    ),
    "tag-unique-index": (
        """  const [found] = await db.select().from(tags).where(and(eq(tags.ownerId, userId), eq(tags.name, name)));
  if (found) return new Response("Taken", { status: 409 });
  await db.insert(tags).values({ id: name, ownerId: userId, name });
""",
        False,
    ),
    "coupon-conditional": (
        COUPON
        + COUPON_CHECK
        + "  await db.update(coupons).set({ redeemedAt: new Date() }).where(and(eq(coupons.id, coupon.id), isNull(coupons.redeemedAt)));\n",
        False,
    ),
    "coupon-row-lock": (
        """  await db.transaction(async (tx) => {
    const [coupon] = await tx.select().from(coupons).where(eq(coupons.code, name)).for("update");
    if (!coupon || coupon.redeemedAt) throw new Error("Used");
    await tx.update(coupons).set({ redeemedAt: new Date() }).where(eq(coupons.id, coupon.id));
  });
""",
        False,
    ),
}


def test_drizzle_checks_acted_on_in_a_separate_write(tmp_path: Path) -> None:
    result = drizzle_cases_audit(tmp_path, DRIZZLE_SCHEMA, DRIZZLE_ROUTE, DRIZZLE_CASES)
    assert [e.message for e in result.errors] == []
    reported = _reported(result)
    assert set(reported) == {name for name, (_, positive) in DRIZZLE_CASES.items() if positive}
    [(line, message)] = reported["label-unique-unenforced"]
    assert line == 13
    assert "no unique constraint of labels covers (name) (it has (id))" in message
    assert message.endswith("add a uniqueIndex on (name) and handle the violation")
    [(line, message)] = reported["coupon-redeemed"]
    assert line == 13 and "writes coupons.redeemedAt of the row" in message
    [(line, message)] = reported["uses-from-itself"]
    assert line == 13 and message.endswith(
        "let the database compute it: `.set()` uses with a `sql` template on the column itself"
    )
