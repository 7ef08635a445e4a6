"""The Dossier tab: a feature picker over the notebook view of each feature's dossier."""

from __future__ import annotations

import re

from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.views.dossier_model import feature_names
from archtools.widgets import DossierBrowser


def parts(html: str) -> list[str]:
    return re.findall(r'<h2 id="([a-z]+)">', html)


def test_picking_a_feature_writes_it_up(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    browser = DossierBrowser(audit, rules=rules, draw_erd=False)
    names = feature_names(audit)
    assert [value for _, value in browser._picker.options] == names
    assert browser.feature == names[0]
    assert f'data-feature="{names[0]}"' in browser._pane.value
    browser._picker.value = "notes"
    assert browser.view is not None and browser.view.dossier.feature == "notes"
    html = browser._pane.value
    assert 'data-feature="notes"' in html
    assert parts(html) == ["schema", "types", "implementation", "integration", "security"]
    assert "AZ001" in html.split('id="security"')[1]


def test_without_an_audit_the_tab_is_empty_then_follows_the_audit(audit: Audit) -> None:
    browser = DossierBrowser(draw_erd=False)
    assert browser.view is None and browser._pane.value == ""
    assert browser._picker.options == (("no features", ""),)
    browser.audit = audit
    assert browser._pane.value.count('id="schema"') == 1


def test_hostile_names_stay_text(hostile_audit: Audit, rules: dict[str, RuleMeta]) -> None:
    browser = DossierBrowser(hostile_audit, rules=rules, draw_erd=False)
    for feature in feature_names(hostile_audit):
        browser.feature = feature
        html = browser._pane.value
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
