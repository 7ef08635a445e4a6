"""A hostile repository, built at test time: links out of the root and in circles, binary and
invalid files, a 5 MB line, a minified bundle, deep nesting, syntax errors, empty files, a broken
schema, names carrying markup, route-looking files in node_modules. The audit finishes, stays inside
the root, lists every bad file with a reason and still reports the good entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit

MARKUP = "<img src=x onerror=alert(1)> & \"q\" 'a'"


def build(root: Path) -> Path:
    def write(rel: str, data: bytes | str) -> None:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            target.write_text(data)
        else:
            target.write_bytes(data)

    write("package.json", json.dumps({"name": "hostile", "dependencies": {"next": "14.2.3"}}))
    write(
        "app/api/ok/route.ts",
        "export async function GET() {\n  return Response.json(await db.note.findMany());\n}\n",
    )
    write(
        f"app/api/{MARKUP}/route.ts",
        "export async function POST() {\n  return Response.json(await db.x.count());\n}\n",
    )
    write("app/api/bin/route.ts", b"\x00\x01\x02binary\x00")
    write("app/api/latin/route.ts", b"export const GET = '\xff\xfe';\n")
    write("app/huge.ts", "export const blob = '" + "a" * 5_000_000 + "';\n")
    write("public/app.min.js", "!function(){" + "var a=1;" * 2000 + "}();\n")
    write("lib/bundle.js", "var x=" + "1+" * 4000 + "1;\n")
    nested = (
        "export async function PUT() {\n  const x = "
        + "[\n" * 20_000
        + "1"
        + "]\n" * 20_000
        + ";\n  return Response.json(x);\n}\n"
    )
    write("app/api/deep/route.ts", nested)
    write("app/api/broken/route.ts", "export async function GET( {\n  return\n")
    write("app/api/empty/route.ts", "")
    write("prisma/schema.prisma", "model User {\n  id String @id\n  email\n}\n")
    write("node_modules/next/app/api/evil/route.ts", "export function GET() {}\n")
    (root / "app/api/leak").mkdir(parents=True)
    os.symlink("/etc/passwd", root / "app/api/leak/route.ts")
    os.symlink("/etc", root / "app/etc")
    os.symlink("..", root / "app/api/up")
    os.symlink("b", root / "lib/a.ts")
    os.symlink("a.ts", root / "lib/b")
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def result(hostile: Path) -> Audit:
    return audit(hostile, AuditOptions(use_cache=False, workers=1))


def test_good_entry_points_are_still_reported(result: Audit) -> None:
    ids = {e.id for e in result.entry_points}
    assert {
        "route_handler:app/api/ok/route.ts#GET",
        f"route_handler:app/api/{MARKUP}/route.ts#POST",
        "route_handler:app/api/deep/route.ts#PUT",
    } <= ids
    assert not any("node_modules" in i or "leak" in i or "evil" in i for i in ids)


def test_every_bad_file_is_skipped_or_an_error_with_a_reason(result: Audit) -> None:
    skipped = {(s.file, s.reason) for s in result.skipped}
    assert {
        ("app/api/bin/route.ts", "binary"),
        ("app/api/latin/route.ts", "not-utf8"),
        ("app/huge.ts", "too-large"),
        ("public/app.min.js", "minified"),
        ("lib/bundle.js", "minified"),
        ("node_modules/", "node_modules"),
        ("app/api/leak/route.ts", "symlink-outside-root"),
        ("app/etc", "symlink-outside-root"),
    } <= skipped
    assert any(reason == "symlink-loop" for _f, reason in skipped)
    errors = {(e.file, e.line) for e in result.errors}
    assert ("app/api/broken/route.ts", 1) in errors
    assert ("prisma/schema.prisma", 3) in errors


def test_nothing_from_outside_the_root_is_read(result: Audit, hostile: Path) -> None:
    text = result.to_json()
    assert "root:x:" not in text and "/etc/passwd" not in text
    assert str(hostile.parent) not in text
    for path in [e.file for e in result.entry_points] + [f.file for f in result.findings]:
        assert not path.startswith(("/", "..")) and "/../" not in path


def test_the_command_line_survives_it_within_a_minute(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "archtools",
            "audit",
            str(hostile),
            "--format",
            "json",
            "-o",
            str(out),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        timeout=60,  # a hang detector, not a speed target
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    assert "route_handler:app/api/ok/route.ts#GET" in {e["id"] for e in data["entry_points"]}
    for fmt in ("html", "md", "sarif", "text"):
        rendered = subprocess.run(
            [sys.executable, "-m", "archtools", "audit", str(hostile), "--format", fmt],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert rendered.returncode == 0, rendered.stderr
        if fmt in ("html", "md"):
            assert "<img src=x" not in rendered.stdout
