"""The one meaning of a glob in archtools, wherever a user or a manifest writes one: workspace
globs, drizzle.config schema globs, `[features]` and `[public] routes` in archtools.toml.

`*` and `?` stay within one path segment, `**` spans any number of segments (none included),
`{a,b}` is either, a leading `!` excludes, and dot-files match like any other (wcmatch's glob
with GLOBSTAR, BRACE, NEGATE and DOTGLOB). .gitignore files keep git's own rules (source/gitignore.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wcmatch import glob as wcglob

_FLAGS = wcglob.GLOBSTAR | wcglob.BRACE | wcglob.NEGATE | wcglob.DOTGLOB


def _normal(pattern: str, *, directories: bool) -> str:
    pattern = pattern.strip()
    negated = pattern.startswith("!")
    pattern = pattern.removeprefix("!")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    if directories:
        # A workspace glob may name the manifest (`apps/*/package.json`) or end in a slash.
        pattern = pattern.removesuffix("/package.json").rstrip("/")
    return ("!" if negated else "") + pattern


class Globs:
    """Patterns compiled once: `match(path)` is true when an including pattern matches and no
    excluding (`!`) one does."""

    def __init__(self, patterns: Sequence[str], *, directories: bool = False) -> None:
        normal = [_normal(p, directories=directories) for p in patterns if p.strip()]
        self.patterns = normal
        self._matcher = wcglob.compile(normal, flags=_FLAGS) if normal else None

    def match(self, path: str) -> bool:
        return self._matcher is not None and bool(self._matcher.match(path))

    def filter(self, paths: Iterable[str]) -> list[str]:
        return sorted(p for p in paths if self.match(p))


def glob_match(path: str, pattern: str) -> bool:
    return Globs([pattern]).match(path)
