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
SNIPPET_CONTEXT = 2


def fingerprint(hit: Hit) -> str:
    """Stable across unrelated edits: the rule, the file and what was found, never the line number."""
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
    findings: dict[str, Finding] = {}
    for hit in hits:
        meta = catalog.get(hit.rule)
        if meta is None:
            raise KeyError(f"rule {hit.rule} has no catalog entry")
        print_id = fingerprint(hit)
        reason = ignored.get((hit.file, hit.line, hit.rule))
        if reason is None and print_id in baseline:
            reason = "accepted in the baseline"
        lines = source_line(hit.file, hit.line)
        finding = Finding(
            rule=meta.id,
            title=meta.title,
            severity=meta.severity,
            cwe=list(meta.cwe),
            checklist=meta.checklist,
            file=hit.file,
            line=hit.line,
            end_line=hit.end_line,
            entry_point=hit.entry_point,
            entry_points=[hit.entry_point] if hit.entry_point else [],
            model=hit.model,
            message=hit.message,
            fingerprint=print_id,
            name=meta.name,
            confidence=meta.confidence,
            snippet="\n".join(lines) if lines else None,
            suppressed=reason,
        )
        findings.setdefault(print_id, finding)
    return sorted(findings.values(), key=lambda f: (f.file, f.line, f.rule, f.fingerprint))
