"""DATA003 (dependent writes outside a transaction): a write that takes an earlier write's result
is reported unless both run in a transaction, a batch, or the later one is a compensation."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.results import Audit
from tests.support.minirepo import make_repo, run_audit

ACTION = """"use server";
import {{ auth }} from "@/auth";
import {{ prisma }} from "@/lib/db";

export async function {name}(title: string) {{
  const session = await auth();
  if (!session?.user?.id) throw new Error("Not signed in");
  const actorId = session.user.id;
{body}}}
"""

# name -> (body, whether DATA003 reports it)
PRISMA_CASES: dict[str, tuple[str, bool]] = {
    "dependent": (
        """  const note = await prisma.note.create({ data: { title, body: "", authorId: actorId } });
  await prisma.auditLog.create({ data: { actorId, action: "create", target: note.id } });
""",
        True,
    ),
    "derived": (
        """  const team = await prisma.team.create({ data: { name: title } });
  const teamId = team.id;
  await prisma.membership.create({ data: { userId: actorId, teamId, role: "ADMIN" } });
""",
        True,
    ),
    "interactive-transaction": (
        """  await prisma.$transaction(async (tx) => {
    const note = await tx.note.create({ data: { title, body: "", authorId: actorId } });
    await tx.auditLog.create({ data: { actorId, action: "create", target: note.id } });
  });
""",
        False,
    ),
    "transaction-handle-named-otherwise": (
        """  await prisma.$transaction(async (db) => {
    const note = await db.note.create({ data: { title, body: "", authorId: actorId } });
    await db.auditLog.create({ data: { actorId, action: "create", target: note.id } });
  });
""",
        False,
    ),
    "independent": (
        """  await prisma.note.create({ data: { title, body: "", authorId: actorId } });
  await prisma.auditLog.create({ data: { actorId, action: "create", target: title } });
""",
        False,
    ),
    "compensation-in-catch": (
        """  const team = await prisma.team.create({ data: { name: title } });
  try {
    JSON.parse(title);
  } catch {
    await prisma.membership.deleteMany({ where: { teamId: team.id } });
  }
""",
        False,
    ),
    "upsert-first": (
        """  const team = await prisma.team.upsert({ where: { id: title }, create: { name: title }, update: {} });
  await prisma.membership.create({ data: { userId: actorId, teamId: team.id } });
""",
        False,
    ),
    "same-row-completed": (
        """  const note = await prisma.note.create({ data: { title, body: "", authorId: actorId } });
  await prisma.note.update({ where: { id: note.id }, data: { body: note.id } });
""",
        False,
    ),
    "work-between": (
        """  const team = await prisma.team.create({ data: { name: title } });
  const invoice = await fetch("https://billing.example.com/teams", { method: "POST" });
  await prisma.membership.create({ data: { userId: actorId, teamId: team.id, role: invoice.ok ? "ADMIN" : "USER" } });
""",
        False,
    ),
    "read-then-write": (
        """  const note = await prisma.note.findFirst({ where: { authorId: actorId } });
  if (note) await prisma.auditLog.create({ data: { actorId, action: "seen", target: note.id } });
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
    make_repo(root, files)
    return run_audit(root)


def _reported(result: Audit) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for finding in result.findings:
        if finding.rule == "DATA003":
            found.setdefault(Path(finding.file).parent.name, []).append(
                (finding.line, finding.message)
            )
    return found


def test_prisma_writes_taking_an_earlier_result_outside_a_transaction(
    prisma_audit: Audit,
) -> None:
    assert [e.message for e in prisma_audit.errors] == []
    expected = {name for name, (_, positive) in PRISMA_CASES.items() if positive}
    assert set(_reported(prisma_audit)) == expected
    [(line, message)] = _reported(prisma_audit)["dependent"]
    assert line == 10
    assert message == (
        "prisma.auditLog.create() (line 10) writes AuditLog with the result of "
        "prisma.note.create() (line 9) outside a transaction: when it fails, Note stays written"
    )


DRIZZLE_SCHEMA = """import { pgTable, text } from "drizzle-orm/pg-core";
export const orders = pgTable("orders", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull(),
});
export const orderItems = pgTable("order_items", {
  id: text("id").primaryKey(),
  orderId: text("order_id").notNull(),
});
"""

DRIZZLE_ROUTE = """import { auth } from "@/auth";
import { db } from "@/db";
import { orderItems, orders } from "@/db/schema";

export async function POST() {
  const session = await auth();
  if (!session?.user?.id) return new Response(null, { status: 401 });
  const userId = session.user.id;
BODY  return new Response(null, { status: 201 });
}
"""

DRIZZLE_CASES: dict[str, tuple[str, bool]] = {
    "returning": (
        """  const [order] = await db.insert(orders).values({ id: "o", userId }).returning();
  await db.insert(orderItems).values({ id: "i", orderId: order.id });
""",
        True,
    ),
    "transaction": (
        """  await db.transaction(async (trx) => {
    const [order] = await trx.insert(orders).values({ id: "o", userId }).returning();
    await trx.insert(orderItems).values({ id: "i", orderId: order.id });
  });
""",
        False,
    ),
}


def test_drizzle_writes_taking_an_earlier_result_outside_a_transaction(tmp_path: Path) -> None:
    files = {
        "db/schema.ts": DRIZZLE_SCHEMA,
        "db/index.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\n'
        "export const db = drizzle(process.env.DATABASE_URL!);\n",
        "drizzle.config.ts": 'export default { schema: "./db/schema.ts", dialect: "postgresql" };\n',
    }
    for name, (body, _) in DRIZZLE_CASES.items():
        files[f"app/api/{name}/route.ts"] = DRIZZLE_ROUTE.replace("BODY", body)
    make_repo(tmp_path, files, schema=None, dependencies={"drizzle-orm": "0.36.0"})
    result = run_audit(tmp_path)
    assert [e.message for e in result.errors] == []
    reported = _reported(result)
    assert set(reported) == {"returning"}
    [(line, message)] = reported["returning"]
    assert line == 10 and "with the result of db.insert().values().returning() (line 9)" in message
