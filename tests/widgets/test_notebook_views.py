"""The notebook wrappers (archtools.views.notebook): text, HTML and bundles, all escaped."""

from __future__ import annotations

import re

import pytest

from archtools.facts.schema import Schema
from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.views.notebook import (
    AuditView,
    EntryPointView,
    ErdView,
    FindingView,
    MatrixView,
    SchemaView,
    ScorecardView,
    VerdictView,
    show,
)
from archtools.views.notebook_html import source_excerpt_html

GET = "route_handler:app/api/notes/[id]/route.ts#GET"


def test_audit_view(audit: Audit) -> None:
    view = AuditView(audit)
    assert view.text() == (
        "Audit of tiny: 4 entry points, 5 findings (1 critical, 3 high, 1 low), "
        "4 models, 3 scorecards"
    )
    assert repr(view) == view.text()
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    html = bundle["text/html"]
    assert html.startswith("<style>") and '<div class="archtools-nb archtools-audit">' in html
    assert re.findall(r"<tr><td>(\w+)</td><td>(\d+)</td><td>(\w)</td></tr>", html) == [
        ("admin", "40", "F"),
        ("notes", "55", "F"),
        ("project", "100", "A"),
    ]
    assert html.count('class="archtools-matrix"') == 1


def test_every_view_escapes_repository_text(
    hostile_audit: Audit, rules: dict[str, RuleMeta]
) -> None:
    finding = next(f for f in hostile_audit.findings if f.rule == "AZ001")
    entry = next(e for e in hostile_audit.entry_points if e.id == GET)
    views = [
        AuditView(hostile_audit),
        MatrixView(hostile_audit),
        EntryPointView(entry),
        ScorecardView(hostile_audit.scorecards[1], hostile_audit),
        FindingView(finding, rules["AZ001"]),
    ]
    for view in views:
        html = view._repr_html_()
        assert "<script>" not in html and "<img" not in html, type(view).__name__
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html, type(view).__name__


def test_schema_view(audit: Audit) -> None:
    view = SchemaView(audit.schema_)
    assert view.text() == "prisma schema (postgresql): 4 models, 0 enums"
    rows = re.findall(
        r"<tr><td><b>(\w+)</b></td><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>",
        view._repr_html_(),
    )
    assert rows == [
        ("Invoice", "2", "id", ""),
        ("Note", "3", "id", "author -&gt; User"),
        ("Team", "2", "id", "users -&gt; User"),
        ("User", "3", "id", "notes -&gt; Note, team -&gt; Team"),
    ]


def test_erd_view_is_an_svg_image(audit: Audit) -> None:
    view = ErdView(audit.schema_, focus="Note", depth=1)
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["text/plain"] == "ERD of 4 models around Note (depth 1)"
    assert "<svg" in bundle["image/svg+xml"] and ">Note<" in bundle["image/svg+xml"]
    assert ">Invoice<" not in view.svg()


def test_matrix_view_keeps_the_ids_asked_for(audit: Audit) -> None:
    view = MatrixView(audit, ids=[GET])
    assert view.text() == (
        "Auth coverage of 1 entry points: authentication 0 fail, authorization 1 fail, "
        "input_validation 0 fail, rate_limiting 0 fail, audit_logging 0 fail"
    )
    assert view._repr_html_().count("<tr><td>") == 1


def test_entry_point_view_with_a_reader_highlights_the_evidence(audit: Audit) -> None:
    entry = next(e for e in audit.entry_points if e.id == GET)
    lines = {"app/api/notes/[id]/route.ts": "\n".join(f"line {n} <x>" for n in range(1, 11))}
    html = EntryPointView(entry, lines.get)._repr_html_()
    assert re.findall(r"<mark>([^<]*)</mark>", html) == [
        "   6  line 6 &lt;x&gt;",
        "   7  line 7 &lt;x&gt;",
    ]
    assert EntryPointView(entry).text() == (
        f"{GET}: authentication pass, authorization fail, input_validation unknown, "
        "rate_limiting n/a, audit_logging n/a"
    )


def test_scorecard_view_resolves_findings_when_given_the_audit(audit: Audit) -> None:
    card = next(c for c in audit.scorecards if c.feature == "notes")
    assert ScorecardView(card).text() == "notes: 55/100, grade F (0 pass, 0 warn, 2 fail)"
    without = ScorecardView(card)._repr_html_()
    assert "<code>fp-az-get</code>" in without
    with_audit = ScorecardView(card, audit)._repr_html_()
    assert "<b>AZ001</b> <code>app/api/notes/[id]/route.ts:7</code> AZ001 message" in with_audit


def test_finding_view_puts_the_rule_docs_beside_the_finding(
    audit: Audit, rules: dict[str, RuleMeta]
) -> None:
    finding = next(f for f in audit.findings if f.fingerprint == "fp-az-get")
    view = FindingView(finding, rules["AZ001"])
    assert view.text() == "HIGH AZ001 app/api/notes/[id]/route.ts:7 AZ001 message"
    html = view._repr_html_()
    assert (
        '<div class="side"><div>' in html
        and '<div class="rule-doc"><h4>AZ001 idor-unbound-id' in html
    )
    assert "<li>https://example.org/ref</li>" in html
    assert "No rule documentation." in FindingView(finding)._repr_html_()


def test_source_excerpt_marks_lines_with_context_and_gaps() -> None:
    text = "\n".join(f"l{n}" for n in range(1, 21))
    html = source_excerpt_html(text, [3, 15], context=1)
    assert html == (
        "<pre>   2  l2\n<mark>   3  l3</mark>\n   4  l4\n"
        '<span class="muted">...</span>\n  14  l14\n<mark>  15  l15</mark>\n  16  l16</pre>'
    )
    assert "line not found" in source_excerpt_html(text, [99])


def test_verdict_view(audit: Audit) -> None:
    fixed = audit.model_copy(
        update={"findings": [f for f in audit.findings if f.fingerprint != "fp-az-get"]}
    )
    file = "app/api/notes/[id]/route.ts"
    view = VerdictView(audit, fixed, rule="AZ001", file=file, entry=GET, check="authorization")
    assert view.lines() == [
        f"AZ001 findings in {file}: 1 -> 0",
        f"authorization of {GET}: fail -> fail",
        "verdict: not fixed yet",  # the check still fails
    ]
    whole_file = VerdictView(audit, fixed, rule="AZ001", file=file)
    assert whole_file.text() == f"AZ001 findings in {file}: 2 -> 1\nverdict: not fixed yet"
    same = VerdictView(audit, audit, rule="AUD001", file="nowhere.ts")
    assert same.fixed() and 'class="st-pass"' in same._repr_html_()


def test_show_picks_the_view(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    assert isinstance(show(audit), AuditView)
    assert isinstance(show(audit.schema_), SchemaView)
    assert isinstance(show(audit.schema_, focus="Note"), ErdView)
    assert isinstance(show(audit.scorecards[0], audit=audit), ScorecardView)
    assert isinstance(show(audit.entry_points[0]), EntryPointView)
    view = show(audit.findings[0], rule=rules["AZ001"])
    assert isinstance(view, FindingView) and view.rule is rules["AZ001"]
    catalog_view = show(audit.findings[0])
    assert isinstance(catalog_view, FindingView) and catalog_view.rule is not None
    assert catalog_view.rule.id == "AZ001"
    existing = AuditView(audit)
    assert show(existing) is existing
    with pytest.raises(TypeError, match="show\\(\\) has no view for dict"):
        show({})
    assert isinstance(show(Schema()), SchemaView)
