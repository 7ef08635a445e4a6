"""`archtools dossier`: one file per feature or one feature to a file, and clear refusals (exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archtools.cli import main

SHOP = Path(__file__).resolve().parents[2] / "data" / "samples" / "shop-vulnerable"
FEATURES = [
    "account",
    "admin",
    "auth",
    "checkout",
    "legacy",
    "orders",
    "products",
    "project",
    "upload",
    "webhooks",
]


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHTOOLS_CACHE_DIR", str(tmp_path / "cache"))


def test_one_feature_to_an_html_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "orders.html"
    assert main(["dossier", str(SHOP), "--feature", "orders", "-o", str(target)]) == 0
    assert capsys.readouterr().out.split() == [str(target)]
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in html and "script-src 'none'" in html
    assert "<script" not in html
    assert '<h2 id="security">5. Security review</h2>' in html
    assert "<svg" in html  # the ERD of orders, orderItems and products


def test_every_feature_into_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "dossiers"
    assert main(["dossier", str(SHOP), "-o", str(folder)]) == 0
    written = sorted(p.name for p in folder.iterdir())
    assert written == [f"{name}.md" for name in FEATURES]
    assert capsys.readouterr().out.split() == [str(folder / name) for name in written]
    orders = (folder / "orders.md").read_text(encoding="utf-8")
    assert orders.startswith("# Feature dossier: `orders`")
    assert "```mermaid" in orders
    assert main(["dossier", str(SHOP), "-o", str(tmp_path / "html"), "--format", "html"]) == 0
    assert sorted(p.name for p in (tmp_path / "html").iterdir()) == [
        f"{name}.html" for name in FEATURES
    ]


def test_an_unknown_feature_lists_the_features_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nope.md"
    assert main(["dossier", str(SHOP), "--feature", "nope", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "no feature 'nope' in this audit; the features are: " + ", ".join(FEATURES) in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--feature", "orders", "-o", "{tmp}/orders.txt"], "give a file ending .md or .html"),
        (["--feature", "orders", "-o", "{tmp}/o.md", "--format", "html"], "does not match"),
        (["-o", "{tmp}/a-file"], "is a file: without --feature"),
    ],
)
def test_bad_outputs_are_refused_before_the_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    (tmp_path / "a-file").write_text("keep me", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    assert main(["dossier", str(tmp_path / "missing-repo"), *args]) == 2
    assert message in capsys.readouterr().err  # not "does not exist": the output is checked first
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "orders.txt").exists() and not (tmp_path / "o.md").exists()


def test_the_feature_option_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["dossier", "--help"])
    out = capsys.readouterr().out
    assert re.search(r"--feature FEATURE\s+the feature to write up", out)
