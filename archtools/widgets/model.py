"""The widgets' view models: option lists, filters and source reads, with no ipywidgets inside."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archtools.errors import ArchtoolsError
from archtools.results import CHECK_NAMES, Audit, EntryPoint, Finding, Severity
from archtools.source.repository import Repository, load_repository
from archtools.views.notebook_html import SEVERITY_ORDER

ANY = ""  # the value of a filter that keeps everything
Options = list[tuple[str, str]]  # (label, value) pairs for a dropdown


def choices(values: Iterable[str], everything: str) -> Options:
    """Dropdown options: "everything" first (value ANY), then the sorted distinct values."""
    return [(everything, ANY), *((v, v) for v in sorted(set(values)))]


def feature_options(audit: Audit) -> Options:
    return [(c.feature, c.feature) for c in sorted(audit.scorecards, key=lambda c: c.feature)]


def matrix_options(audit: Audit) -> dict[str, Options]:
    """The options of each matrix filter, from the audit's own values."""
    entries = audit.entry_points
    return {
        "feature": choices((e.feature for e in entries), "all features"),
        "kind": choices((e.kind.value for e in entries), "all kinds"),
        "check": choices(CHECK_NAMES, "any check"),
        "status": choices(("pass", "fail", "n/a", "unknown"), "any status"),
        "model": choices((m for e in entries for m in e.models), "all models"),
    }


def filter_entries(
    audit: Audit,
    *,
    feature: str = ANY,
    kind: str = ANY,
    check: str = ANY,
    status: str = ANY,
    model: str = ANY,
) -> list[EntryPoint]:
    """The entry points that pass every filter, in matrix order (app, file, line, id). `status`
    applies to `check`, or to any check when no check is chosen."""
    checks = (check,) if check else CHECK_NAMES
    kept = [
        e
        for e in audit.entry_points
        if (not feature or e.feature == feature)
        and (not kind or e.kind.value == kind)
        and (not model or model in e.models)
        and (not status or any(e.checks.get(c).status.value == status for c in checks))
    ]
    return sorted(kept, key=lambda e: (e.app, e.file, e.line, e.id))


def entry_label(entry: EntryPoint) -> str:
    where = entry.route or entry.name
    return f"{entry.method} {where}  ({entry.file}:{entry.line})"


def severity_options() -> Options:
    return [("any severity", ANY), *((s.value, s.value) for s in SEVERITY_ORDER)]


def rule_options(audit: Audit) -> Options:
    return choices((f.rule for f in audit.findings), "all rules")


def filter_findings(
    audit: Audit, *, severity: str = ANY, rule: str = ANY, suppressed: bool = False
) -> list[Finding]:
    """The findings of one severity and/or rule, most severe first, then by file and line."""
    kept = [
        f
        for f in audit.findings
        if (not severity or f.severity == Severity(severity))
        and (not rule or f.rule == rule)
        and (suppressed or f.suppressed is None)
    ]
    return sorted(kept, key=lambda f: (-f.severity.rank, f.file, f.line, f.rule, f.fingerprint))


def finding_label(finding: Finding) -> str:
    return f"{finding.severity.value.upper():<8} {finding.rule:<7} {finding.file}:{finding.line}"


@dataclass
class SourceFiles:
    """Reads the audited repository's files for excerpts: loaded once, safe paths only, cached.
    A file that cannot be read (outside the root, too large, gone) reads as None."""

    root: Path | None
    _repo: Repository | None = field(default=None, init=False, repr=False)
    _texts: dict[str, str | None] = field(default_factory=dict, init=False, repr=False)
    _failed: bool = field(default=False, init=False, repr=False)

    def __call__(self, rel_path: str) -> str | None:
        if rel_path in self._texts:
            return self._texts[rel_path]
        text = None
        repo = self._repository()
        if repo is not None:
            try:
                text = repo.read_text(rel_path)
            except ArchtoolsError:
                text = None
        self._texts[rel_path] = text
        return text

    def _repository(self) -> Repository | None:
        if self._repo is None and self.root is not None and not self._failed:
            try:
                self._repo = load_repository(self.root)
            except ArchtoolsError:
                self._failed = True
        return self._repo
