"""Hits become findings: catalog metadata, fingerprints that survive edits, snippets, suppressions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping

from archtools.facts.code import CommentDirective
from archtools.results import AuditError, Finding
from archtools.rules.base import Hit, RuleMeta

IGNORE = re.compile(
    r"^archtools-ignore\s+(?P<rules>[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)\s*(?::\s*(?P<reason>.*))?$"
)


def fingerprint(hit: Hit) -> str:
    """Stable across unrelated edits: the rule, the file and what was found, never the line number
    nor which entry points reach it (one finding per location)."""
    identity = "\x1f".join((hit.rule, hit.file, hit.key or hit.message))
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def entry_fingerprint(hit: Hit) -> str:
    """The fingerprint of one entry point's copy of a finding, as audits before one finding per
    location wrote them: older baselines still accept the finding by it."""
    identity = "\x1f".join((hit.rule, hit.file, hit.entry_point or "", hit.key or hit.message))
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def suppressions(
    comments: Mapping[str, list[CommentDirective]],
) -> tuple[dict[tuple[str, int, str], str], list[AuditError]]:
    """(file, line, rule) -> reason for every `archtools-ignore RULE: reason` comment. A comment covers its
    own line and the next one. Comments without a reason are reported as errors and not honoured."""
    found: dict[tuple[str, int, str], str] = {}
    errors: list[AuditError] = []
    for file, items in comments.items():
        for comment in items:
            match = IGNORE.match(comment.text)
            if match is None:
                continue
            reason = (match.group("reason") or "").strip()
            if not reason:
                errors.append(
                    AuditError(
                        file=file,
                        line=comment.line,
                        message="archtools-ignore needs a reason (`// archtools-ignore RULE-ID: why`); not applied",
                    )
                )
                continue
            for rule in re.split(r"\s*,\s*", match.group("rules")):
                found[(file, comment.line, rule)] = reason
                found[(file, comment.line + 1, rule)] = reason
    return found, errors


def build_findings(
    hits: Iterable[Hit],
    catalog: Mapping[str, RuleMeta],
    *,
    source_line: Callable[[str, int], list[str]],
    ignored: Mapping[tuple[str, int, str], str],
    baseline: set[str],
) -> list[Finding]:
    # One finding per location: the hits of one problem, reached from several entry points. The
    # same problem at another line of the file is another finding: its fingerprint carries the
    # occurrence (the first keeps the bare fingerprint, as audits before occurrences wrote it).
    located: dict[str, dict[int, list[Hit]]] = {}
    for hit in hits:
        if hit.rule not in catalog:
            raise KeyError(f"rule {hit.rule} has no catalog entry")
        located.setdefault(fingerprint(hit), {}).setdefault(hit.line, []).append(hit)
    findings: dict[str, Finding] = {}
    for base, by_line in located.items():
        for occurrence, line in enumerate(sorted(by_line)):
            print_id = base if occurrence == 0 else occurrence_fingerprint(base, occurrence)
            findings[print_id] = _finding(
                by_line[line], print_id, occurrence, catalog, source_line, ignored, baseline
            )
    return sorted(findings.values(), key=lambda f: (f.file, f.line, f.rule, f.fingerprint))


def occurrence_fingerprint(base: str, occurrence: int) -> str:
    """The fingerprint of the nth location (from 0, in line order) of one problem in one file."""
    return hashlib.sha256(f"{base}\x1f{occurrence}".encode()).hexdigest()[:32]


def _finding(
    group: list[Hit],
    print_id: str,
    occurrence: int,
    catalog: Mapping[str, RuleMeta],
    source_line: Callable[[str, int], list[str]],
    ignored: Mapping[tuple[str, int, str], str],
    baseline: set[str],
) -> Finding:
    hit = group[0]
    meta = catalog[hit.rule]
    entry_points = sorted({h.entry_point for h in group if h.entry_point})
    reason = ignored.get((hit.file, hit.line, hit.rule))
    if reason is None and (
        print_id in baseline or any(entry_fingerprint(h) in baseline for h in group)
    ):
        reason = "accepted in the baseline"
    lines = source_line(hit.file, hit.line)
    return Finding(
        rule=meta.id,
        title=meta.title,
        severity=meta.severity,
        cwe=list(meta.cwe),
        checklist=meta.checklist,
        file=hit.file,
        line=hit.line,
        end_line=hit.end_line,
        entry_point=entry_points[0] if entry_points else None,
        entry_points=entry_points,
        model=hit.model,
        message=hit.message,
        fingerprint=print_id,
        name=meta.name,
        confidence=meta.confidence,
        snippet="\n".join(lines) if lines else None,
        suppressed=reason,
        occurrence=occurrence,
    )
