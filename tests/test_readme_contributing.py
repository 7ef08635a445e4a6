"""The README's contributing section is code that works: its example rule runs through the registry
and its example library entry is a valid knowledge entry."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest
import yaml

import archtools.analysis.knowledge as knowledge
import archtools.analyze as analyze
import archtools.rules.file_pass as file_pass
from archtools.analysis.knowledge import AuthPrimitive
from archtools.facts.code import Export, ExportKind, FileFacts
from archtools.facts.schema import Schema
from archtools.rules.code.base import CodeRule
from tests.support.minirepo import entry as entry_of
from tests.support.minirepo import make_repo, run_audit, statuses

README = Path(__file__).resolve().parent.parent / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Contributing")
    return text[start : text.index("\n## ", start + 1)]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", _section(), re.S)


def _get() -> Export:
    return Export(name="GET", local="GET", kind=ExportKind.FUNCTION, line=3)


def test_the_example_rule_is_one_module_the_engine_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    (source,) = _blocks("python")
    module = types.ModuleType("debug_routes")
    exec(compile(source, "README.md", "exec"), module.__dict__)
    rule = module.RULE
    assert isinstance(rule, CodeRule) and rule.id == "NXT009"
    monkeypatch.setattr(file_pass, "CODE_RULES", (rule,))
    runner = file_pass.FileRules(
        env_files=[], resolver=lambda _file, _source: None, schema=Schema(), reports=lambda _r: True
    )
    files = {
        "app/api/debug/env/route.ts": FileFacts(
            path="app/api/debug/env/route.ts",
            language="typescript",
            exports=(_get(),),
        ),
        "app/api/notes/route.ts": FileFacts(
            path="app/api/notes/route.ts", language="typescript", exports=(_get(),)
        ),
    }
    for path, facts in files.items():
        runner.visit(path, facts)
    assert [(h.rule, h.file) for h in runner.finish(files).hits] == [
        ("NXT009", "app/api/debug/env/route.ts")
    ]


ROUTE = """import { getSession } from "@acme/auth";
import { prisma } from "@/lib/db";

export async function GET() {
  const session = await getSession();
  if (!session) return new Response(null, { status: 401 });
  return Response.json(await prisma.note.findMany({ where: { authorId: session.user.id } }));
}
"""


def test_an_auth_library_is_one_knowledge_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (entry,) = _blocks("yaml")
    (parsed,) = yaml.safe_load(entry)
    make_repo(tmp_path, {"app/api/notes/route.ts": ROUTE})
    route = "route_handler:app/api/notes/route.ts#GET"
    assert statuses(entry_of(run_audit(tmp_path), route))["authentication"] == "fail"
    known = knowledge.guard_knowledge()
    extended = known.model_copy(
        update={"authentication": [*known.authentication, AuthPrimitive.model_validate(parsed)]}
    )
    monkeypatch.setattr(analyze, "guard_knowledge", lambda: extended)
    point = entry_of(run_audit(tmp_path), route)
    assert statuses(point)["authentication"] == "pass"
