"""The mutation score: every labelled pass is re-audited on a copy with its guard lines blanked, and
must turn to `fail` there.

A mutant is *killed* when the original audit said `pass` and the mutant's audit says `fail`: the tool
saw the guard and depends on it. Guards that lie inside their own entry point's lines are mutated
together with other entry points' local guards in one copy (at most one mutation per entry point, and
entry points whose lines do not overlap); guards elsewhere (a wrapper, middleware) are mutated alone,
shared by every entry point that names the same lines. A mutant whose blanked file no longer parses is
reported as invalid and left out of the score."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.realworld_labels import AppLabels, LabelEntry, Line
from benchmarks.realworld_score import match_entries


@dataclass(frozen=True)
class Mutation:
    entry: LabelEntry
    entry_id: str  # the audit's id of the entry point
    check: str
    lines: frozenset[Line]

    @property
    def local(self) -> bool:
        span = self.entry.lines
        return span is not None and all(
            line.file == self.entry.file and span[0] <= line.line <= span[1] for line in self.lines
        )


@dataclass
class MutationScore:
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    skipped: int = 0  # labelled passes the original audit did not call `pass` (nothing to kill)
    audits: int = 0

    @property
    def total(self) -> int:
        return self.killed + len(self.survived)

    @property
    def score(self) -> float | None:
        return self.killed / self.total if self.total else None

    def add(self, other: MutationScore) -> None:
        self.killed += other.killed
        self.survived.extend(other.survived)
        self.invalid.extend(other.invalid)
        self.skipped += other.skipped
        self.audits += other.audits


def plan(labels: AppLabels, audit: dict[str, Any]) -> tuple[list[list[Mutation]], int]:
    """The mutants to audit, grouped into copies; and how many labelled passes have nothing to kill."""
    matches, _ = match_entries(labels, audit)
    mutations: list[Mutation] = []
    skipped = 0
    for match in matches:
        for check, lines in match.label.guards.items():
            if match.label.scored.get(check) != "pass" or not lines:
                continue
            if match.audit is None or match.audit["checks"][check]["status"] != "pass":
                skipped += 1
                continue
            mutations.append(Mutation(match.label, match.audit["id"], check, lines))
    batches: list[list[Mutation]] = []
    shared: dict[frozenset[Line], list[Mutation]] = {}
    for mutation in mutations:
        if not mutation.local:
            shared.setdefault(mutation.lines, []).append(mutation)
            continue
        for batch in batches:
            if all(_independent(mutation, other) for other in batch):
                batch.append(mutation)
                break
        else:
            batches.append([mutation])
    batches.extend(shared.values())
    return batches, skipped


def _independent(one: Mutation, other: Mutation) -> bool:
    if not other.local or one.entry.id == other.entry.id:
        return False
    if one.entry.file != other.entry.file:
        return True
    a, b = one.entry.lines, other.entry.lines
    assert a is not None and b is not None
    return a[1] < b[0] or b[1] < a[0]


def make_copy(base: Path, dest: Path, lines: set[Line]) -> None:
    """A hard-linked copy of `base` with `lines` blanked; mutated files are new files, so the base
    stays untouched."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(base, dest, copy_function=os.link, symlinks=True)
    by_file: dict[str, set[int]] = {}
    for line in lines:
        by_file.setdefault(line.file, set()).add(line.line)
    for file, numbers in by_file.items():
        target = dest / file
        text = target.read_text(encoding="utf-8")
        out = [
            ("\n" if source.endswith("\n") else "") if n in numbers else source
            for n, source in enumerate(text.splitlines(keepends=True), start=1)
        ]
        target.unlink()
        target.write_text("".join(out), encoding="utf-8")


def run_mutations(
    labels: AppLabels,
    base: Path,
    audit: dict[str, Any],
    workdir: Path,
    run_audit: Callable[[Path], dict[str, Any]],
) -> MutationScore:
    batches, skipped = plan(labels, audit)
    result = MutationScore(skipped=skipped)
    errors_before = {str(e.get("file")) for e in audit.get("errors", [])}
    for index, batch in enumerate(batches):
        lines = set().union(*(m.lines for m in batch))
        dest = workdir / f"mutant-{index}"
        try:
            make_copy(base, dest, lines)
        except (OSError, UnicodeDecodeError) as error:
            result.invalid.extend(f"{m.entry.id}/{m.check}: {error}" for m in batch)
            continue
        mutant = run_audit(dest)
        result.audits += 1
        shutil.rmtree(dest, ignore_errors=True)
        broken = {str(e.get("file")) for e in mutant.get("errors", [])} - errors_before
        entries = {e["id"]: e for e in mutant.get("entry_points", [])}
        for mutation in batch:
            name = f"{mutation.entry.id}/{mutation.check}"
            if {line.file for line in mutation.lines} & broken:
                result.invalid.append(f"{name}: the blanked file does not parse")
                continue
            entry = entries.get(mutation.entry_id)
            status = entry["checks"][mutation.check]["status"] if entry else "missing"
            if status == "fail":
                result.killed += 1
            else:
                result.survived.append(f"{name}: {status}")
    return result
