"""`--select` / `--ignore` and `[rules]` in archtools.toml: ruff's semantics for rule ids and prefixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archtools.cli import main
from archtools.errors import InputError
from archtools.rules.selection import RuleSelection, check_selectors, parse_selectors

SHOP = Path(__file__).resolve().parents[2] / "data" / "samples" / "shop-vulnerable"


@pytest.mark.parametrize(
    ("select", "ignore", "reported"),
    [
        (None, (), {"ATH001", "ATH002", "AZ001", "VAL001"}),
        (("ATH",), (), {"ATH001", "ATH002"}),
        (("ATH",), ("ATH002",), {"ATH001"}),
        (("ATH002",), ("ATH",), {"ATH002"}),  # the more specific selector wins
        (None, ("AZ", "VAL001"), {"ATH001", "ATH002"}),
    ],
)
def test_the_most_specific_selector_decides(
    select: tuple[str, ...] | None, ignore: tuple[str, ...], reported: set[str]
) -> None:
    rules = ("ATH001", "ATH002", "AZ001", "VAL001")
    selection = RuleSelection(select, ignore)
    assert {rule for rule in rules if selection.reports(rule)} == reported


def test_command_line_replaces_select_and_adds_to_ignore() -> None:
    configured = RuleSelection(("ATH",), ("ATH002",))
    assert configured.then(None, ("ATH003",)) == RuleSelection(("ATH",), ("ATH002", "ATH003"))
    assert configured.then(("AZ",), ()) == RuleSelection(("AZ",), ("ATH002",))


def test_an_opt_in_rule_is_reported_only_when_a_selector_names_it() -> None:
    assert not RuleSelection().reports("PRF002")  # opt_in: true in the catalog
    assert RuleSelection().reports("PRF003")
    assert RuleSelection(("PRF002",)).reports("PRF002")
    assert RuleSelection(("PRF",)).reports("PRF002")
    assert not RuleSelection(("PRF",), ("PRF002",)).reports("PRF002")
    assert not RuleSelection(None, ("ATH",)).reports("PRF002")


def test_all_selects_every_rule_opt_in_ones_too_and_yields_to_any_ignore() -> None:
    every = RuleSelection(("ALL",))
    assert every.reports("PRF002") and every.reports("ATH001")
    assert not RuleSelection(("ALL",), ("PRF",)).reports("PRF002")
    assert RuleSelection(("ALL",), ("PRF",)).reports("PRF003") is False
    assert RuleSelection(("ALL", "PRF003"), ("PRF",)).reports("PRF003")  # named more closely
    check_selectors(("ALL",), ("ATH001",), "--select")


def test_selectors_are_checked_against_the_catalog() -> None:
    assert parse_selectors(" ath, az001 ,") == ("ATH", "AZ001")
    check_selectors(("ATH", "AZ001"), ("ATH001", "AZ001"), "--select")
    with pytest.raises(InputError, match="'NOPE' is no rule id or prefix"):
        check_selectors(("NOPE",), ("ATH001",), "--select")


def _rules(path: Path) -> set[str]:
    return {finding["rule"] for finding in json.loads(path.read_text())["findings"]}


def test_audit_reports_only_the_selected_rules(tmp_path: Path) -> None:
    everything = tmp_path / "all.json"
    assert main(["audit", str(SHOP), "--format", "json", "-o", str(everything)]) == 0
    assert {"ATH001", "AZ001", "SCH006"} <= _rules(everything)

    chosen = tmp_path / "chosen.json"
    argv = ["audit", str(SHOP), "--format", "json", "-o", str(chosen)]
    assert main([*argv, "--select", "ATH,AZ", "--ignore", "AZ003"]) == 0
    reported = _rules(chosen)
    assert reported == {
        r for r in _rules(everything) if r.startswith(("ATH", "AZ")) and r != "AZ003"
    }


def test_unknown_selector_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(SHOP), "--select", "XYZ"]) == 2
    assert "'XYZ' is no rule id or prefix" in capsys.readouterr().err


def test_archtools_toml_selects_and_a_bad_entry_is_listed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    for source in SHOP.rglob("*"):
        if source.is_file():
            target = repo / source.relative_to(SHOP)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    config = repo / "archtools.toml"
    config.write_text('[rules]\nselect = ["SCH"]\nignore = ["SCH006"]\n')
    out = tmp_path / "a.json"
    assert main(["audit", str(repo), "--format", "json", "-o", str(out)]) == 0
    reported = _rules(out)
    assert reported and all(r.startswith("SCH") and r != "SCH006" for r in reported)

    config.write_text('[rules]\nselect = ["SCHEMA"]\n')
    assert main(["audit", str(repo), "--format", "json", "-o", str(out)]) == 0
    audit = json.loads(out.read_text())
    assert any("'SCHEMA' is no rule id or prefix" in e["message"] for e in audit["errors"])
    assert "ATH001" in {f["rule"] for f in audit["findings"]}  # the config is set aside whole
