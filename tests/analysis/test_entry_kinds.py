"""Entry-point kinds are a registry: a new kind is a finder and one entry in FILE_KINDS."""

from __future__ import annotations

from pathlib import Path

import pytest

import archtools.analysis.entrypoints as entrypoints
from archtools.analysis.entry import AppLayout, Entry
from archtools.facts.code import FileFacts
from archtools.results import EntryKind
from tests.support.minirepo import entry, make_repo, run_audit, statuses

JOB = """import { db } from "@/lib/db";

export async function run(input: { id: string }) {
  await db.note.delete({ where: { id: input.id } });
}
"""


def _jobs(finder: entrypoints.EntryFinder, app: AppLayout, facts: FileFacts) -> list[Entry]:
    found = []
    for export in facts.exports:
        job = Entry(
            kind=EntryKind.ROUTE_HANDLER,
            file=facts.path,
            line=export.line,
            name=export.name,
            method="POST",
            route="/" + facts.path.removesuffix(".job.ts"),
            app=app.path,
            handler=None,
        )
        finder._resolve_export_handler(job, facts.path, export)
        found.append(job)
    return found


def test_a_new_kind_is_one_registry_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo(tmp_path, {"jobs/cleanup.job.ts": JOB})
    assert not [e for e in run_audit(tmp_path).entry_points if e.file == "jobs/cleanup.job.ts"]
    kind = entrypoints.FileKind("job", lambda _app, file: file.endswith(".job.ts"), _jobs)
    monkeypatch.setattr(entrypoints, "FILE_KINDS", (*entrypoints.FILE_KINDS, kind))
    point = entry(run_audit(tmp_path), "route_handler:jobs/cleanup.job.ts#run")
    assert point.route == "/jobs/cleanup"
    assert statuses(point)["authentication"] == "fail"
