"""The `archtools` command: exit codes, clear errors, formats, the JSON contract, schema/erd/rules/explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archtools.cli import main
from tests.support.minirepo import make_repo

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "notes-secure"
ROUTE = """import { prisma } from "@/lib/db";
export async function GET() {
  return Response.json(await prisma.note.findMany({ select: { id: true } }));
}
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archtools", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0 and done.stdout.startswith("archtools ")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "does not exist"),
        ("file", "is not a directory"),
        ("empty", "is not a JavaScript/TypeScript project"),
        ("no-next", "no Next.js app found"),
    ],
)
def test_paths_that_cannot_be_audited_get_one_line_and_exit_2(
    tmp_path: Path, setup: str, message: str
) -> None:
    target = tmp_path / "target"
    if setup == "file":
        target.write_text("x")
    elif setup == "empty":
        target.mkdir()
    elif setup == "no-next":
        target.mkdir()
        (target / "package.json").write_text('{"dependencies": {"react": "18.0.0"}}')
        (target / "index.ts").write_text("export const a = 1;\n")
    done = run("audit", str(target))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("archtools: error:")


def test_unknown_option_exits_2_with_one_line() -> None:
    done = run("audit", ".", "--colour")
    assert done.returncode == 2
    assert "unrecognized arguments: --colour" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_file_that_does_not_parse_is_listed_and_the_rest_audited(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"app/api/ok/route.ts": ROUTE, "app/api/broken/route.ts": "export async function GET( {\n"},
    )
    out = tmp_path / "audit.json"
    assert main(["audit", str(tmp_path), "--format", "json", "-o", str(out), "--no-cache"]) == 0
    data = json.loads(out.read_text())
    assert [(e["file"], e["line"]) for e in data["errors"]] == [("app/api/broken/route.ts", 1)]
    assert "route_handler:app/api/ok/route.ts#GET" in {e["id"] for e in data["entry_points"]}


def test_broken_schema_is_an_error_with_line_and_column(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"app/api/ok/route.ts": ROUTE},
        schema="model User {\n  id String @id\n  email\n}\n",
    )
    out = tmp_path / "audit.json"
    assert main(["audit", str(tmp_path), "--format", "json", "-o", str(out), "--no-cache"]) == 0
    errors = json.loads(out.read_text())["errors"]
    assert [(e["file"], e["line"], e["column"]) for e in errors] == [("prisma/schema.prisma", 3, 8)]
    assert "email" in errors[0]["message"]
    done = run("schema", str(tmp_path / "prisma" / "schema.prisma"))
    assert (
        done.returncode == 2
        and "schema.prisma:3:8: expected a field type after `email`" in done.stderr
    )


def test_fail_on_gates_by_severity(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/ok/route.ts": ROUTE})
    assert (
        main(
            [
                "audit",
                str(tmp_path),
                "--format",
                "json",
                "-o",
                str(tmp_path / "a.json"),
                "--fail-on",
                "high",
            ]
        )
        == 1
    )
    assert (
        main(
            [
                "audit",
                str(tmp_path),
                "--format",
                "json",
                "-o",
                str(tmp_path / "a.json"),
                "--fail-on",
                "none",
            ]
        )
        == 0
    )


def test_json_audit_follows_the_contract() -> None:
    done = run("audit", str(SAMPLE), "--format", "json", "--no-cache")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= {
        "tool",
        "repo",
        "stats",
        "errors",
        "schema",
        "entry_points",
        "findings",
        "scorecards",
    }
    assert data["tool"]["name"] == "archtools"
    assert set(data["repo"]) >= {"root", "commit", "apps"}
    assert data["repo"]["apps"] == [
        {"path": ".", "router": ["app", "pages"], "next_version": "15.1.3"}
    ]
    assert set(data["stats"]) >= {
        "files_scanned",
        "files_skipped",
        "files_failed",
        "entry_points",
        "findings",
        "seconds",
    }
    schema = data["schema"]
    assert (schema["orm"], schema["provider"]) == ("prisma", "postgresql")
    model = schema["models"][0]
    assert set(model) >= {
        "name",
        "db_name",
        "file",
        "line",
        "doc",
        "fields",
        "primary_key",
        "unique",
        "indexes",
    }
    field_keys = {
        "name",
        "type",
        "kind",
        "list",
        "optional",
        "id",
        "unique",
        "updated_at",
        "default",
        "db_name",
        "native_type",
        "doc",
        "relation",
    }
    assert all(set(f) >= field_keys for m in schema["models"] for f in m["fields"])
    relation = next(f["relation"] for m in schema["models"] for f in m["fields"] if f["relation"])
    assert set(relation) >= {"name", "fields", "references", "on_delete", "on_update", "enforced"}
    point = data["entry_points"][0]
    assert set(point) >= {
        "id",
        "kind",
        "file",
        "line",
        "name",
        "method",
        "route",
        "app",
        "feature",
        "public",
        "checks",
        "models",
    }
    assert set(point["checks"]) == {
        "authentication",
        "authorization",
        "input_validation",
        "rate_limiting",
        "audit_logging",
    }
    for check in point["checks"].values():
        assert check["status"] in {"pass", "fail", "n/a", "unknown"}
        assert all(set(e) == {"file", "line", "detail"} for e in check["evidence"])
    assert data["format_version"].startswith("1.")
    assert all("framework" in p for p in data["entry_points"])
    kinds = {
        p["id"]: p["checks"]["authentication"]["kind"]
        for p in data["entry_points"]
        if p["checks"]["authentication"]["status"] == "pass"
    }
    assert set(kinds.values()) <= {"session", "api_key", "signature", "internal"}
    assert kinds["route_handler:app/api/webhooks/stripe/route.ts#POST"] == "signature"
    assert kinds["route_handler:app/api/notes/route.ts#POST"] == "session"
    assert all(
        f["entry_points"] == ([f["entry_point"]] if f["entry_point"] else [])
        for f in data["findings"]
    )
    card = data["scorecards"][0]
    assert set(card) >= {"feature", "entry_points", "models", "score", "grade", "items"}
    assert set(card["items"][0]) >= {"id", "title", "status", "evidence", "findings"}
    ids = [e["id"] for e in data["entry_points"]]
    assert ids == sorted(ids)


def test_json_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.json", "b.json"):
        assert main(["audit", str(SAMPLE), "--format", "json", "-o", str(tmp_path / name)]) == 0
        data = json.loads((tmp_path / name).read_text())
        data["stats"].pop("seconds")
        data["stats"].pop("files_cached")
        outputs.append(data)
    assert outputs[0] == outputs[1]


def test_schema_command_for_repo_file_and_folder(tmp_path: Path) -> None:
    from_repo = json.loads(run("schema", str(SAMPLE)).stdout)
    from_file = json.loads(run("schema", str(SAMPLE / "prisma" / "schema.prisma")).stdout)
    assert [m["name"] for m in from_repo["models"]] == [m["name"] for m in from_file["models"]]
    folder = tmp_path / "schema"
    folder.mkdir()
    (folder / "a.prisma").write_text(
        'datasource db {\n  provider = "postgresql"\n  url = env("X")\n}\n'
    )
    (folder / "b.prisma").write_text("model Thing {\n  id Int @id\n}\n")
    from_folder = json.loads(run("schema", str(folder)).stdout)
    assert [m["name"] for m in from_folder["models"]] == ["Thing"]
    assert from_folder["provider"] == "postgresql"


def test_erd_command_writes_each_format(tmp_path: Path) -> None:
    for suffix, magic in (
        (".svg", b"<svg"),
        (".png", b"\x89PNG"),
        (".dot", b"digraph"),
        (".mmd", b"erDiagram"),
        (".dbml", b"Table"),
    ):
        out = tmp_path / f"erd{suffix}"
        assert main(["erd", str(SAMPLE), "-o", str(out)]) == 0
        assert magic in out.read_bytes()[:2000]
    assert main(["erd", str(SAMPLE), "-o", str(tmp_path / "erd.gif")]) == 2


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert any(line.startswith("AZ001") and "idor-unbound-id" in line for line in listed)
    assert any(line.startswith("MIG001") for line in listed) and any(
        line.startswith("SCH001") for line in listed
    )
    [unbounded] = [line for line in listed if line.startswith("PRF002")]
    assert unbounded.endswith("(opt-in: --select PRF002)")
    assert not any(line.startswith("PRF003") and "opt-in" in line for line in listed)
    assert main(["explain", "idor-unbound-id"]) == 0
    text = capsys.readouterr().out
    assert (
        text.startswith("AZ001 idor-unbound-id")
        and "Why is this bad?" in text
        and "Known limitations" in text
        and "Use instead" in text
    )
    assert main(["explain", "NOPE999"]) == 2


def test_matrix_command_prints_every_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", str(SAMPLE), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("id,") and len(rows) == 1 + 22


def test_schema_and_erd_of_a_drizzle_repo(tmp_path: Path) -> None:
    shop = SAMPLE.parent / "shop-vulnerable"
    schema = json.loads(run("schema", str(shop)).stdout)
    assert (schema["orm"], schema["provider"]) == ("drizzle", "postgresql")
    assert {"users", "orders", "products"} <= {m["name"] for m in schema["models"]}
    orders = next(m for m in schema["models"] if m["name"] == "orders")
    relation = next(f for f in orders["fields"] if f["kind"] == "relation" and f["type"] == "users")
    assert relation["relation"]["fields"] == ["userId"] and relation["relation"]["enforced"] is True
    out = tmp_path / "shop.dot"
    assert main(["erd", str(shop), "-o", str(out), "--focus", "orders", "--depth", "1"]) == 0
    import re

    nodes = set(re.findall(r"^\t(\w+) \[label=", out.read_text(), re.M))
    # orders and the tables one relation away; products is two away (through orderItems)
    assert {"orders", "users", "coupons", "orderItems"} <= nodes and "products" not in nodes
    assert main(["erd", str(shop), "-o", str(out), "--focus", "ordrs"]) == 2


def test_schema_and_erd_say_so_when_there_is_no_schema(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/ok/route.ts": ROUTE}, schema=None)
    out = tmp_path / "erd.svg"
    for args in (("schema", str(tmp_path)), ("erd", str(tmp_path), "-o", str(out))):
        done = run(*args)
        assert done.returncode == 2, done
        assert "no Prisma or Drizzle schema found" in done.stderr
    assert not out.exists()  # no empty diagram left behind


def test_repo_text_reaches_the_terminal_escaped(tmp_path: Path) -> None:
    # A folder name carrying an escape sequence: in an error message and in `schema --format text`.
    hostile = tmp_path / "x\x1b[2J\u202e"
    done = run("audit", str(hostile))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\u202e" not in done.stderr
    assert "x\\x1b[2J\\u202e does not exist" in done.stderr
    make_repo(hostile, {"app/api/ok/route.ts": ROUTE})
    (hostile / "prisma").rename(hostile / "prisma\x1b[31m")
    done = run("schema", str(hostile), "--format", "text")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "prisma\\x1b[31m/schema.prisma:" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["audit", "--format", "json", "--matrix"],
            "--matrix and --no-matrix go with --format text",
        ),
        (["audit", "--format", "html", "--summary"], "--summary goes with --format md"),
        (
            ["audit", "--format", "text", "--report-url", "https://ci.example.com/r.html"],
            "--report-url goes with --format md",
        ),
        (["report", "--notebook", "--summary"], "do not go with --notebook"),
    ],
)
def test_options_of_another_format_are_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    # The path does not exist: the option is refused first, and nothing is audited or written.
    command, *options = args
    assert main([command, str(tmp_path / "missing"), *options]) == 2
    assert message in capsys.readouterr().err


def test_a_report_url_that_is_not_http_is_a_usage_error() -> None:
    done = run("audit", ".", "--format", "md", "--report-url", "javascript:alert(1)")
    assert done.returncode == 2
    assert "the report URL must be http(s)" in done.stderr
