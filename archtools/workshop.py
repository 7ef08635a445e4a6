"""The workshop's exercises: a scratch copy of a lesson's app without the fixtures' answer markers,
and the lines around a finding, as a learner reads them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from archtools.views.report_data import reveal

# `// expect: AZ001` above a flagged line, `// ok: AZ001` where nothing may be (`#` in .env files,
# `--` in SQL): the answers of the exercise, for the tests only.
MARKER = re.compile(r"^\s*(?://|#|--)\s*(?:expect|ok)\s*:")
# The list of every expected finding of a sample: the answer sheet.
ANSWER_FILES = ("expected.yaml",)
TEXT_SUFFIXES = frozenset(
    {".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".sql", ".prisma", ".example"}
)


def strip_markers(text: str) -> str:
    """`text` without the lines that are only an answer marker."""
    kept = [line for line in text.splitlines(keepends=True) if not MARKER.match(line)]
    return "".join(kept)


def _holds_markers(path: Path) -> bool:
    return path.suffix in TEXT_SUFFIXES or path.name.startswith(".env")


def exercise_copy(app: Path, workdir: Path) -> Path:
    """A copy of `app` in `workdir` (as `workdir/<app's name>`) for a learner to fix: the answer
    markers are removed from its code and the answer sheet is left out. Returns the copy."""
    scratch = workdir / app.resolve().name
    shutil.copytree(app, scratch, ignore=shutil.ignore_patterns(*ANSWER_FILES))
    for path in sorted(scratch.rglob("*")):
        if path.is_file() and _holds_markers(path):
            text = path.read_text(encoding="utf-8")
            stripped = strip_markers(text)
            if stripped != text:
                path.write_text(stripped, encoding="utf-8")
    return scratch


def excerpt(path: Path, line: int, *, before: int = 4, after: int = 2) -> str:
    """The lines around `line` (1-based) of a file, numbered, the line itself marked `>>`; control
    and bidi characters are shown as escapes, so the printed code reads as it runs."""
    lines = [
        reveal(text, keep_lines=True) for text in path.read_text(encoding="utf-8").splitlines()
    ]
    shown = range(max(1, line - before), min(len(lines), line + after) + 1)
    return "\n".join(
        f"{'>>' if number == line else '  '} {number:>3} {lines[number - 1]}" for number in shown
    )
