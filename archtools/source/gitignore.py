"""The .gitignore rules in force in a directory: root and nested files, matched per directory."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pathspec

_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")
_STAR_RUN = re.compile(r"\*+")
_MAX_LINES = 10_000
# Patterns are compiled to backtracking regexes: many wildcards in one pattern make matching a
# crafted long path polynomially slow. Such patterns are dropped, so more files get scanned.
_MAX_STARS_PER_SEGMENT = 2
_MAX_GLOBSTARS = 3
_MAX_PATTERN_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class IgnoreLevel:
    """The patterns of one .gitignore file; `base` is the repo-relative directory holding it."""

    base: str
    spec: pathspec.GitIgnoreSpec
    prefilter: re.Pattern[str] | None

    def decide(self, path: str) -> bool | None:
        """True (ignored), False (re-included by `!`) or None (no pattern here speaks about it)."""
        if self.base != ".":
            path = path[len(self.base) + 1 :]
        if self.prefilter is not None and self.prefilter.search(path) is None:
            return None
        include: bool | None = self.spec.check_file(path).include
        return include


def compile_level(base: str, text: str) -> IgnoreLevel | None:
    """Compile the text of a .gitignore found in `base`; None when it holds no pattern."""
    lines = [line for line in text.splitlines()[:_MAX_LINES] if not _too_complex(line)]
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    patterns = [p for p in spec.patterns if p.include is not None]
    if not patterns:
        return None
    return IgnoreLevel(base, spec, _prefilter(patterns))


def _prefilter(patterns: Sequence[pathspec.Pattern]) -> re.Pattern[str] | None:
    """One regex that matches whenever any pattern could: most paths then cost a single search."""
    parts: list[str] = []
    for pattern in patterns:
        regex = getattr(pattern, "regex", None)
        if not isinstance(regex, re.Pattern) or not isinstance(regex.pattern, str):
            return None
        parts.append(f"(?:{_GROUP.sub('(?:', regex.pattern)})")
    try:
        return re.compile("|".join(parts))
    except re.error:
        return None


def _too_complex(line: str) -> bool:
    if len(line) > _MAX_PATTERN_LENGTH:
        return True
    segments = line.strip().split("/")
    if sum(1 for segment in segments if segment == "**") > _MAX_GLOBSTARS:
        return True
    return any(
        len(_STAR_RUN.findall(segment)) > _MAX_STARS_PER_SEGMENT
        for segment in segments
        if segment != "**"
    )


def is_ignored(levels: tuple[IgnoreLevel, ...], path: str) -> bool:
    """Whether the repo-relative `path` (directories end with "/") is ignored; deeper files win."""
    ignored = False
    for level in levels:
        decision = level.decide(path)
        if decision is not None:
            ignored = decision
    return ignored
