"""A rule's documentation as plain text, for `archtools explain` and notebooks."""

from __future__ import annotations

from archtools.rules.base import RuleMeta


def render_rule_text(meta: RuleMeta) -> str:
    lines = [
        f"{meta.id} {meta.name}: {meta.title}",
        f"severity: {meta.severity.value}   confidence: {meta.confidence}   "
        f"CWE: {', '.join(meta.cwe) or '-'}   checklist: {meta.checklist or '-'}",
        "",
        "Why is this bad?",
        meta.doc.why.strip(),
        "",
        *(["Known limitations", meta.doc.limitations.strip(), ""] if meta.doc.limitations else []),
        f"Example ({meta.doc.bad.path}):",
        *("    " + line for line in meta.doc.bad.code.rstrip().splitlines()),
        "",
        f"Use instead ({meta.doc.good.path}):",
        *("    " + line for line in meta.doc.good.code.rstrip().splitlines()),
    ]
    if meta.doc.references:
        lines += ["", "References:", *(f"  - {ref}" for ref in meta.doc.references)]
    return "\n".join(lines)
