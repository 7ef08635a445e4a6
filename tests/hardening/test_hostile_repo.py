"""A hostile repository built at test time: links out of the root and in circles, a fifo, binary and
invalid files, a 5 MB line, minified bundles, code nested 20,000 deep, syntax errors, empty files, a
broken schema, names carrying markup and quotes, route-looking files in node_modules. The audit ends,
reads nothing outside the root, names every bad file with its reason and keeps the good routes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit
from archtools.rules.catalog import rule_catalog
from archtools.views.render import render_report

HANG_SECONDS = 60  # a hang detector, not a speed target: the audit takes a few seconds
DEPTH = 20_000
IMG = '"><img src=x onerror=alert(1)>'
AMP = "a'b&c<d>"
HANDLER = "export async function {method}() {{\n  return Response.json({{ ok: true }});\n}}\n"


def _lines(unit: str, count: int, per_line: int = 20) -> str:
    """`unit` repeated `count` times, in short lines so that it is not taken for a minified bundle."""
    rows = [unit * per_line] * (count // per_line)
    return "\n".join([*rows, unit * (count % per_line)])


def build(root: Path) -> Path:
    def write(rel: str, data: bytes | str) -> None:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)

    write("package.json", json.dumps({"name": "hostile", "dependencies": {"next": "14.2.3"}}))
    write("app/api/ok/route.ts", HANDLER.format(method="GET"))
    write(f"app/api/{IMG}/route.ts", HANDLER.format(method="POST"))
    write(f"app/api/{AMP}/route.ts", HANDLER.format(method="DELETE"))
    write("lib/\"q'&<b>.ts", "export const label = '<b>';\n")
    # Files that only look like code.
    write("app/api/bin/route.ts", b"export const GET = 1;\x00\x01\x02\xff\xfe")
    write("app/api/latin/route.ts", b"export const caf\xe9 = '\xe9t\xe9';\n")
    write("lib/huge.ts", "export const blob = '" + "a" * 5_000_000 + "';\n")
    write("public/app.min.js", "!function(){var a=1;}();\n")
    write("lib/bundle.js", "var x=" + "1+" * 4000 + "1;\n")
    # Nested 20,000 deep, in short lines under the size cap.
    parens = _lines("(", DEPTH) + "1" + _lines(")", DEPTH)
    write("app/api/deep/route.ts", HANDLER.format(method="PUT") + f"const x = {parens};\n")
    write(
        "lib/calls.ts", "export const v = " + _lines("f(", DEPTH) + "1" + _lines(")", DEPTH) + ";\n"
    )
    write("lib/chain.ts", "export const v = " + _lines("a === 'x' || ", DEPTH) + "b;\n")
    # Broken and empty files.
    write("app/api/broken/route.ts", "export async function GET( {\n  return\n")
    write("lib/broken.ts", "export const = ;\n")
    write("app/api/empty/route.ts", "")
    write("lib/empty.ts", "")
    write("prisma/schema.prisma", "model User {\n  id String @id\n  email\n}\n")
    write("node_modules/next/app/api/x/route.ts", HANDLER.format(method="GET"))
    # Links out of the root, in circles, and to things that never end.
    (root / "app/api/leak").mkdir(parents=True)
    os.symlink("/etc/passwd", root / "app/api/leak/route.ts")
    os.symlink("/etc", root / "etc")
    os.symlink("/dev/zero", root / "lib/zero.ts")
    os.symlink("b.ts", root / "lib/a.ts")
    os.symlink("a.ts", root / "lib/b.ts")
    os.symlink("..", root / "lib/up")
    os.mkfifo(root / "lib/fifo.ts")
    return root


EXPECTED_SKIPPED = {
    ("app/api/bin/route.ts", "binary"),
    ("app/api/latin/route.ts", "not-utf8"),
    ("app/api/leak/route.ts", "symlink-outside-root"),
    ("etc", "symlink-outside-root"),
    ("lib/a.ts", "symlink-loop"),
    ("lib/b.ts", "symlink-loop"),
    ("lib/bundle.js", "minified"),
    ("lib/fifo.ts", "not-regular-file-fifo"),
    ("lib/huge.ts", "too-large"),
    ("lib/up/", "symlink-loop"),
    ("lib/zero.ts", "symlink-outside-root"),
    ("node_modules/", "node_modules"),
    ("public/app.min.js", "minified"),
}
STILL = "; the rest of the file was still analysed"
EXPECTED_ERRORS = {
    ("app/api/broken/route.ts", 1, "syntax error near `export async function GET( {`" + STILL),
    ("lib/broken.ts", 1, "syntax error near `const =`" + STILL),
    ("prisma/schema.prisma", 3, "expected a field type after `email`"),
}
EXPECTED_ENTRY_POINTS = {
    "route_handler:app/api/ok/route.ts#GET",
    f"route_handler:app/api/{IMG}/route.ts#POST",
    f"route_handler:app/api/{AMP}/route.ts#DELETE",
    "route_handler:app/api/deep/route.ts#PUT",
}


class Hung(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hung(f"the audit ran for more than {HANG_SECONDS} s")


def run_guarded(action: Callable[[], Audit]) -> Audit:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        return action()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("hostile") / "repo")


@pytest.fixture(scope="module")
def opened() -> list[str]:
    return []


@pytest.fixture(scope="module")
def result(hostile: Path, opened: list[str]) -> Iterator[Audit]:
    """The in-process audit, with every os.open and os.scandir it makes recorded."""
    real_open, real_scandir = os.open, os.scandir

    def recording_open(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fsdecode(path))
        return real_open(path, *args, **kwargs)

    def recording_scandir(path: Any = ".") -> Any:
        opened.append(os.fsdecode(path))
        return real_scandir(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "open", recording_open)
        patch.setattr(os, "scandir", recording_scandir)
        yield run_guarded(lambda: audit(hostile, AuditOptions(use_cache=False, workers=1)))


def test_the_good_entry_points_are_reported(result: Audit) -> None:
    assert {e.id for e in result.entry_points} == EXPECTED_ENTRY_POINTS
    deep = next(e for e in result.entry_points if e.method == "PUT")
    assert (deep.file, deep.line, deep.route) == ("app/api/deep/route.ts", 1, "/api/deep")
    markup = next(e for e in result.entry_points if e.method == "POST")
    assert markup.route == f"/api/{IMG}"  # kept as written: escaping is the renderers' job


def test_every_bad_file_is_skipped_with_its_reason(result: Audit) -> None:
    assert {(s.file, s.reason) for s in result.skipped} == EXPECTED_SKIPPED
    assert result.stats.skipped_by_reason == {
        "binary": 1,
        "minified": 2,
        "node_modules": 1,
        "not-regular-file-fifo": 1,
        "not-utf8": 1,
        "symlink-loop": 3,
        "symlink-outside-root": 3,
        "too-large": 1,
    }


def test_every_unparsable_file_is_an_error_with_its_place(result: Audit) -> None:
    assert {(e.file, e.line, e.message) for e in result.errors} == EXPECTED_ERRORS
    assert result.stats.files_failed == 0


def test_deep_code_is_analysed_not_dropped(result: Audit) -> None:
    # The 20,000-deep files parse: no error, no skip, and they count as scanned.
    named = {e.file for e in result.errors} | {s.file for s in result.skipped}
    assert not named & {"app/api/deep/route.ts", "lib/calls.ts", "lib/chain.ts"}
    assert result.stats.files_scanned == 13


def test_empty_files_are_read_quietly(result: Audit) -> None:
    named = {e.file for e in result.errors} | {s.file for s in result.skipped}
    assert not named & {"app/api/empty/route.ts", "lib/empty.ts"}
    assert not [e for e in result.entry_points if e.file == "app/api/empty/route.ts"]


def test_a_fifo_is_listed_as_skipped(result: Audit) -> None:
    assert ("lib/fifo.ts", "not-regular-file-fifo") in {(s.file, s.reason) for s in result.skipped}
    assert result.stats.files_skipped == len(EXPECTED_SKIPPED)
    assert result.stats.files_skipped == sum(result.stats.skipped_by_reason.values())


def test_nothing_outside_the_root_is_opened(
    result: Audit, hostile: Path, opened: list[str]
) -> None:
    root = os.path.realpath(hostile)
    outside = sorted(
        {
            path
            for path in opened
            if os.path.isabs(path)
            and not os.path.realpath(path).startswith(root)
            and not path.startswith(root)
        }
    )
    assert outside == []
    assert any(p.endswith("app/api/ok/route.ts") for p in opened)  # the recording worked
    assert not any("passwd" in p or p.startswith(("/etc", "/dev")) for p in opened)


def test_nothing_from_outside_the_root_is_reported(result: Audit, hostile: Path) -> None:
    text = result.to_json()
    assert "root:x:" not in text and "/etc/passwd" not in text and "/dev/zero" not in text
    assert str(hostile) not in text and os.path.realpath(hostile) not in text
    files = (
        [e.file for e in result.entry_points]
        + [f.file for f in result.findings]
        + [e.file for e in result.errors]
        + [s.file for s in result.skipped]
    )
    for path in files:
        assert not path.startswith(("/", "..")) and "/../" not in path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archtools", *args],
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        check=False,
    )


def test_the_command_line_gives_the_same_audit(
    hostile: Path, result: Audit, tmp_path: Path
) -> None:
    out = tmp_path / "audit.json"
    done = _cli("audit", str(hostile), "--format", "json", "-o", str(out), "--no-cache")
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {e["id"] for e in data["entry_points"]} == EXPECTED_ENTRY_POINTS
    assert {(s["file"], s["reason"]) for s in data["skipped"]} == EXPECTED_SKIPPED
    assert {(e["file"], e["line"], e["message"]) for e in data["errors"]} == EXPECTED_ERRORS
    assert data["findings"] == [f.model_dump(mode="json") for f in result.findings]
    assert "root:x:" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["html", "md", "text", "sarif"])
def test_reports_escape_the_names(result: Audit, fmt: str) -> None:
    text = render_report(result, fmt, rules=rule_catalog())
    assert "/api/" in text and "root:x:" not in text
    if fmt in ("html", "md"):
        assert "<img src=x" not in text and "<d>" not in text
