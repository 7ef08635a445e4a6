"""ORMs are a registry: a new ORM is a reader in an `Orm` and one entry in ORMS."""

from __future__ import annotations

from pathlib import Path

import pytest

import archtools.analysis.orms as orms
from archtools.analysis.knowledge import guard_knowledge
from archtools.analysis.orms import DbOp, Orm, OrmContext
from archtools.analysis.program import Program
from archtools.analysis.roles import CallClassifier
from archtools.facts.code import Call
from archtools.loading import AuditOptions, load
from tests.support.minirepo import entry, make_repo, run_audit, statuses

ROUTE = """import { kv } from "@acme/kv";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const note = await kv.get("note", id);
  return Response.json(note);
}
"""
FILE = "app/api/notes/[id]/route.ts"


def _kv_get(ctx: OrmContext, file: str, call: Call) -> DbOp | None:
    """`kv.get("note", id)`: a read of the model whose accessor is the first argument."""
    if call.callee != "kv.get" or not call.args or call.args[0].value is None:
        return None
    model = ctx.accessors.get(call.args[0].value)
    if model is None:
        return None
    return DbOp(
        file=file,
        func=call.func,
        line=call.line,
        call=call.index,
        callee=call.callee,
        model=model,
        table=call.args[0].value,
        kind="read",
        operation="get",
        where=list(call.args[1:]),
        assigned_to=tuple(call.assigned_to),
        returned=call.returned,
    )


def _db_ops(root: Path) -> list[tuple[str | None, str, str]]:
    loaded = load(root, AuditOptions(use_cache=False, workers=1))
    program = Program(files=loaded.facts, resolve_import=loaded.repo.resolve_import)
    classifier = CallClassifier(program, guard_knowledge(), loaded.schema)
    return [(op.model, op.kind, op.callee) for op in classifier.db_ops(FILE)]


def test_a_new_orm_is_one_registry_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo(tmp_path, {FILE: ROUTE}, dependencies={"@acme/kv": "1.0.0"})
    route = "route_handler:app/api/notes/[id]/route.ts#GET"
    assert _db_ops(tmp_path) == []
    before = statuses(entry(run_audit(tmp_path), route))
    assert (before["authorization"], before["input_validation"]) == ("n/a", "n/a")

    monkeypatch.setattr(orms, "ORMS", (*orms.ORMS, Orm("kv", _kv_get)))
    assert _db_ops(tmp_path) == [("Note", "read", "kv.get")]
    # the engine now sees a read of Note by a client-supplied id, with no session and no check
    after = statuses(entry(run_audit(tmp_path), route))
    assert (after["authorization"], after["input_validation"]) == ("fail", "fail")
    assert after["authentication"] == "fail"


def test_the_built_in_orms_are_tried_prisma_first() -> None:
    assert [orm.name for orm in orms.ORMS] == ["prisma", "drizzle"]
