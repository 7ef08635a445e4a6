"""A helper handed the caller's identity, and a client value it only compares in memory, acts on
the caller's own records: the client's value selects nothing."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, run_audit

SQLITE = """import sqlite3 from "better-sqlite3";
import { SyncDatabase } from "@pilcrowjs/db-query";
import type { SyncAdapter } from "@pilcrowjs/db-query";

const sqlite = sqlite3("app.db");
const adapter: SyncAdapter<sqlite3.RunResult> = {
  query: (statement: string, params: unknown[]): unknown[][] => {
    return sqlite.prepare(statement).raw().all(...params) as unknown[][];
  },
  execute: (statement: string, params: unknown[]): sqlite3.RunResult => {
    return sqlite.prepare(statement).run(...params);
  },
};

class Database extends SyncDatabase<sqlite3.RunResult> {
  public inTransaction(): boolean {
    return sqlite.inTransaction;
  }
}

export const db = new Database(adapter);
"""

TWO_FACTOR = """import { db } from "./sqlite";
export function resetTwoFactor(userId: string, code: string): boolean {
  if (code.length !== 8) return false;
  db.queryOne("SELECT recovery_code FROM user WHERE id = ?", [userId]);
  return true;
}
"""

ACTION = """'use server';
import { auth } from "@/auth";
import { resetTwoFactor } from "@/lib/two-factor";

export async function resetAction(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  return resetTwoFactor(session.user.id, String(formData.get("code")));
}
"""


def _authorization(tmp_path: Path, helper: str):  # type: ignore[no-untyped-def]
    make_repo(
        tmp_path,
        {"lib/sqlite.ts": SQLITE, "lib/two-factor.ts": helper, "app/reset/actions.ts": ACTION},
        schema=None,
        dependencies={"better-sqlite3": "11.0.0", "@pilcrowjs/db-query": "0.0.2"},
    )
    return entry(
        run_audit(tmp_path), "server_action:app/reset/actions.ts#resetAction"
    ).checks.authorization


def test_a_client_value_only_compared_in_memory_selects_nothing(tmp_path: Path) -> None:
    check = _authorization(tmp_path / "memory", TWO_FACTOR)
    assert check.status.value == "pass", check
    assert check.evidence[0].line == 8 and "only the caller's identity" in check.evidence[0].detail


def test_a_client_value_reaching_the_query_is_no_callers_key(tmp_path: Path) -> None:
    keyed = TWO_FACTOR.replace(
        'WHERE id = ?", [userId]', 'WHERE id = ? AND code = ?", [userId, code]'
    )
    check = _authorization(tmp_path / "query", keyed)
    assert check.status.value != "pass", check
