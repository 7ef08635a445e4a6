"""The audit judges the migrations a change adds: new since `--migrations-since REF`, the base of
`diff --repo` or the migrations a baseline recorded; with none of them, the newest of each folder,
saying how many applied migrations it skipped. `--migrations-since all` judges every one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archtools.cli import main
from tests.cli.test_baseline_diff import git
from tests.support.minirepo import make_repo

INIT = """CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL, "phone" TEXT, "fax" TEXT);
"""
MIGRATIONS = "prisma/migrations"


def migration(repo: Path, name: str, sql: str) -> str:
    path = f"{MIGRATIONS}/{name}/migration.sql"
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(sql)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose second commit adds two migrations: a table, then an index on it and
    a dropped column of a table the first commit's migrations had."""
    root = make_repo(tmp_path / "repo", {})
    migration(root, "20240101000000_init", INIT)
    migration(root, "20240201000000_fax", 'ALTER TABLE "User" DROP COLUMN "fax";\n')
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "tag", "base")
    migration(root, "20240301000000_invoice", 'CREATE TABLE "Invoice" ("id" TEXT NOT NULL);\n')
    migration(
        root,
        "20240401000000_invoice_index",
        'CREATE INDEX "Invoice_id_idx" ON "Invoice"("id");\n'
        'ALTER TABLE "User" DROP COLUMN "phone";\n',
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "invoices")
    return root


def audit_json(repo: Path, out: Path, *options: str) -> dict[str, object]:
    code = main(["audit", str(repo), "--no-cache", "--format", "json", "-o", str(out), *options])
    assert code == 0
    document: dict[str, object] = json.loads(out.read_text())
    return document


def migration_findings(document: dict[str, object]) -> set[tuple[str, str]]:
    findings = document["findings"]
    assert isinstance(findings, list)
    return {(f["rule"], f["file"].split("/")[2]) for f in findings if f["rule"].startswith("MIG")}


def test_without_a_base_the_newest_migration_is_judged_and_the_rest_counted(
    repo: Path, tmp_path: Path
) -> None:
    document = audit_json(repo, tmp_path / "a.json")
    assert migration_findings(document) == {
        ("MIG002", "20240401000000_invoice_index"),
        ("MIG006", "20240401000000_invoice_index"),  # nothing says Invoice is not applied yet
        ("MIG009", "20240401000000_invoice_index"),
    }
    assert document["format_version"] == "1.2"
    stats = document["stats"]
    assert isinstance(stats, dict)
    assert (stats["migrations_judged"], stats["migrations_skipped"]) == (1, 3)
    assert document["migrations"] == {
        "scope": "newest",
        "since": None,
        "judged": [f"{MIGRATIONS}/20240401000000_invoice_index/migration.sql"],
        "history": [
            f"{MIGRATIONS}/{name}/migration.sql"
            for name in ("20240101000000_init", "20240201000000_fax", "20240301000000_invoice")
        ],
    }
    notes = document["notes"]
    assert isinstance(notes, list) and len(notes) == 1
    assert "3 applied migrations skipped as history" in notes[0]
    # Without a migration rule to run, nothing is said about migrations.
    other = audit_json(repo, tmp_path / "b.json", "--select", "ATH")
    assert other["notes"] == []
    for fmt, out in (("text", "a.txt"), ("md", "a.md"), ("html", "a.html")):
        assert main(["audit", str(repo), "--format", fmt, "-o", str(tmp_path / out)]) == 0
        report = (tmp_path / out).read_text()
        assert "3 applied migrations skipped as history" in report, fmt


def test_all_judges_every_migration(repo: Path, tmp_path: Path) -> None:
    document = audit_json(repo, tmp_path / "a.json", "--migrations-since", "all")
    assert migration_findings(document) == {
        ("MIG002", "20240201000000_fax"),
        ("MIG002", "20240401000000_invoice_index"),
        ("MIG006", "20240401000000_invoice_index"),
        ("MIG009", "20240401000000_invoice_index"),
    }
    assert document["notes"] == []
    stats = document["stats"]
    assert isinstance(stats, dict)
    assert (stats["migrations_judged"], stats["migrations_skipped"]) == (4, 0)


def test_since_a_git_revision_the_migrations_it_adds_are_judged(repo: Path, tmp_path: Path) -> None:
    document = audit_json(repo, tmp_path / "a.json", "--migrations-since", "base")
    # The index is built on a table a migration of the same change creates: empty, so no MIG006.
    assert migration_findings(document) == {
        ("MIG002", "20240401000000_invoice_index"),
        ("MIG009", "20240401000000_invoice_index"),
    }
    assert document["notes"] == [
        "Migration rules judged 2 migrations new since git revision base; "
        "2 applied migrations skipped as history."
    ]
    # Work not committed yet counts as new too.
    migration(repo, "20240501000000_email", 'ALTER TABLE "User" DROP COLUMN "email";\n')
    document = audit_json(repo, tmp_path / "b.json", "--migrations-since", "HEAD")
    assert migration_findings(document) == {("MIG002", "20240501000000_email")}


def test_a_subfolder_of_the_repository_is_compared_with_its_own_paths(tmp_path: Path) -> None:
    root = tmp_path / "mono"
    app = make_repo(root / "apps" / "web", {})
    migration(app, "20240101000000_init", INIT)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    migration(app, "20240201000000_fax", 'ALTER TABLE "User" DROP COLUMN "fax";\n')
    document = audit_json(app, tmp_path / "a.json", "--migrations-since", "HEAD")
    assert migration_findings(document) == {("MIG002", "20240201000000_fax")}
    stats = document["stats"]
    assert isinstance(stats, dict) and stats["migrations_skipped"] == 1


def test_a_revision_git_does_not_know_is_a_usage_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for revision in ("no-such-branch", "--output=x"):  # an option is never handed to git
        code = main(["audit", str(repo), f"--migrations-since={revision}"])
        assert code == 2
        assert "not a commit of a git repository" in capsys.readouterr().err
    outside = make_repo(tmp_path / "plain", {})
    assert main(["audit", str(outside), "--migrations-since", "HEAD"]) == 2


def test_diff_judges_the_migrations_head_adds_to_base(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    code = main(["diff", "base", "HEAD", "--repo", str(repo), "--format", "json", "-o", str(out)])
    assert code == 1
    diff = json.loads(out.read_text())
    new = {(f["rule"], f["file"].split("/")[2]) for f in diff["new"] if f["rule"][:3] == "MIG"}
    assert new == {
        ("MIG002", "20240401000000_invoice_index"),
        ("MIG009", "20240401000000_invoice_index"),
    }
    assert [f for f in diff["fixed"] if f["rule"].startswith("MIG")] == []


def test_a_baseline_records_the_migrations_later_audits_take_as_applied(
    repo: Path, tmp_path: Path
) -> None:
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", str(repo), "-o", str(baseline)]) == 0
    stored = json.loads(baseline.read_text())
    assert len(stored["migrations"]) == 4
    migration(repo, "20240501000000_email", 'ALTER TABLE "User" DROP COLUMN "email";\n')
    migration(repo, "20240601000000_note", 'CREATE TABLE "Note" ("id" TEXT NOT NULL);\n')
    document = audit_json(repo, tmp_path / "a.json", "--baseline", str(baseline))
    # The newest file is only a new table; the drop before it is judged because it is new too.
    assert migration_findings(document) == {("MIG002", "20240501000000_email")}
    assert document["notes"] == [
        "Migration rules judged 2 migrations new since the baseline baseline.json; "
        "4 applied migrations skipped as history."
    ]
    # --migrations-since wins over the baseline's record.
    document = audit_json(
        repo, tmp_path / "b.json", "--baseline", str(baseline), "--migrations-since", "all"
    )
    assert ("MIG002", "20240201000000_fax") in migration_findings(document)


def test_a_baseline_without_migrations_falls_back_to_the_newest(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    older = tmp_path / "older.json"
    older.write_text(json.dumps({"archtools_baseline": 1, "findings": []}))
    document = audit_json(repo, tmp_path / "a.json", "--baseline", str(older))
    migrations = document["migrations"]
    assert isinstance(migrations, dict) and migrations["scope"] == "newest"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"archtools_baseline": 1, "findings": [], "migrations": [3]}))
    assert main(["audit", str(repo), "--baseline", str(broken)]) == 2
    assert "`migrations` is not a list of file paths" in capsys.readouterr().err
