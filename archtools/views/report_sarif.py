"""The SARIF 2.1.0 log of an audit, shaped for GitHub code scanning."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from archtools.results import Audit, AuditError, Finding, Severity
from archtools.rules.base import RuleMeta
from archtools.views.render import RenderInputs
from archtools.views.report_data import reveal
from archtools.views.report_markdown import escape_md, fence

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/archtools/"
FINGERPRINT_KEY = "archtools/v1"
SRCROOT = "%SRCROOT%"

LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

# GitHub reads `security-severity` like a CVSS score: >= 9.0 critical, >= 7.0 high, >= 4.0 medium.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.0",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}

_PRECISION = {"very-high": "very-high", "high": "high", "medium": "medium", "low": "low"}


def sarif_text(text: str) -> str:
    """Message text with hidden characters revealed and brackets escaped (SARIF 2.1.0 3.11.6)."""
    text = re.sub(r"\\(?=[\[\]])", r"\\\\", reveal(text, keep_lines=True))
    return text.replace("[", "\\[").replace("]", "\\]")


def artifact_uri(path: str) -> str:
    """A repo-relative POSIX path as a URI reference (`[id]` becomes `%5Bid%5D`)."""
    return quote(path.replace("\\", "/"), safe="/-._~!$&'()*+,;=:@")


def _tags(cwes: list[str], family: str | None) -> list[str]:
    tags = ["security"]
    if family:
        tags.append(family)
    for cwe in cwes:
        number = cwe.upper().removeprefix("CWE-")
        tags += [f"CWE-{number}", f"external/cwe/cwe-{number}"]
    return list(dict.fromkeys(tags))


def _help(meta: RuleMeta) -> dict[str, str]:
    doc = meta.doc
    refs = "".join(f"\n- {ref}" for ref in doc.references)
    text = (
        f"{meta.title}\n\nWhy is this bad?\n{doc.why.strip()}\n\n"
        f"Example ({doc.bad.path}):\n{doc.bad.code.rstrip()}\n\n"
        f"Use instead ({doc.good.path}):\n{doc.good.code.rstrip()}\n"
    )
    markdown = (
        f"## {meta.title}\n\n### Why is this bad?\n\n{doc.why.strip()}\n\n"
        f"### Example\n\n{fence(doc.bad.code, doc.bad.lang)}\n\n"
        f"### Use instead\n\n{fence(doc.good.code, doc.good.lang)}\n"
    )
    if doc.limitations.strip():
        text += f"\nKnown limitations\n{doc.limitations.strip()}\n"
        markdown += f"\n### Known limitations\n\n{doc.limitations.strip()}\n"
    if refs:
        text += f"\nReferences:{refs}\n"
        markdown += f"\n### References\n{refs}\n"
    return {"text": text, "markdown": markdown}


def _descriptor_from_meta(meta: RuleMeta) -> dict[str, Any]:
    return {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.doc.why.strip() or meta.title},
        "help": _help(meta),
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {
            "tags": _tags(meta.cwe, meta.family),
            "security-severity": SECURITY_SEVERITY[meta.severity],
            "precision": _PRECISION.get(meta.confidence, "medium"),
            "problem.severity": LEVELS[meta.severity],
        },
    }


def _descriptor_from_finding(f: Finding) -> dict[str, Any]:
    """For a rule missing from the catalog given: what its findings tell about it."""
    return {
        "id": f.rule,
        "name": f.name or f.rule,
        "shortDescription": {"text": sarif_text(f.title)},
        "fullDescription": {"text": sarif_text(f.title)},
        "help": {"text": sarif_text(f.title), "markdown": escape_md(f.title)},
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {
            "tags": _tags(f.cwe, None),
            "security-severity": SECURITY_SEVERITY[f.severity],
            "precision": _PRECISION.get(f.confidence, "medium"),
            "problem.severity": LEVELS[f.severity],
        },
    }


def _result(f: Finding, index: int) -> dict[str, Any]:
    end = f.end_line if f.end_line is not None and f.end_line >= f.line else f.line
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": sarif_text(f.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(f.file), "uriBaseId": SRCROOT},
                    "region": {"startLine": max(f.line, 1), "endLine": max(end, 1)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }
    props: dict[str, Any] = {"severity": f.severity.value}
    if f.entry_point:
        props["entryPoint"] = f.entry_point
    if f.model:
        props["model"] = f.model
    if f.checklist:
        props["checklist"] = f.checklist
    result["properties"] = props
    if f.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
    return result


def _notification(err: AuditError) -> dict[str, Any]:
    region: dict[str, Any] = {}
    if err.line is not None and err.line >= 1:
        region["startLine"] = err.line
        if err.column is not None and err.column >= 1:
            region["startColumn"] = err.column
    location: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(err.file), "uriBaseId": SRCROOT}
    }
    if region:
        location["region"] = region
    return {
        "level": "warning",
        "message": {"text": sarif_text(err.message)},
        "locations": [{"physicalLocation": location}],
    }


def sarif_log(audit: Audit, *, rules: Mapping[str, RuleMeta] | None = None) -> dict[str, Any]:
    """The SARIF log as plain data: one run, rules sorted by id, results sorted by location."""
    catalog = dict(rules or {})
    findings = sorted(audit.findings, key=lambda f: (f.file, f.line, f.rule, f.fingerprint))
    first_by_rule: dict[str, Finding] = {}
    for f in findings:
        first_by_rule.setdefault(f.rule, f)
    rule_ids = sorted(set(catalog) | set(first_by_rule))
    descriptors = [
        _descriptor_from_meta(catalog[rid])
        if rid in catalog
        else _descriptor_from_finding(first_by_rule[rid])
        for rid in rule_ids
    ]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    errors = sorted(audit.errors, key=lambda e: (e.file, e.line or 0, e.message))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "archtools",
                "version": audit.tool.version,
                "semanticVersion": audit.tool.version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(e) for e in errors],
            }
        ],
        "results": [_result(f, index[f.rule]) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    if audit.repo.commit:
        run["properties"] = {"commit": audit.repo.commit}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(audit: Audit, *, rules: Mapping[str, RuleMeta] | None = None) -> str:
    return json.dumps(sarif_log(audit, rules=rules), indent=2, ensure_ascii=False) + "\n"


def render(audit: Audit, inputs: RenderInputs) -> str:
    return render_sarif(audit, rules=inputs.rules)
