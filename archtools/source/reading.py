"""Safe reads of an untrusted repository: paths stay inside the root, sizes stay capped."""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path

from archtools.errors import InputError

# O_NONBLOCK: opening a fifo planted in the repo must not hang the audit.
OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NONBLOCK", 0)
)


def normalize_rel(path: str) -> str | None:
    """Collapse `.`/`..` in a repo-relative POSIX path; None when it is absolute or climbs out."""
    if not path or path.startswith("/") or "\x00" in path:
        return None
    norm = posixpath.normpath(path.replace("\\", "/"))
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


def join_rel(base: str, rel: str) -> str | None:
    """Join a repo-relative directory and a relative path, staying inside the root."""
    if rel.startswith("/"):
        return None
    return normalize_rel(rel if base in ("", ".") else f"{base}/{rel}")


def parent_rel(path: str) -> str:
    """The repo-relative directory holding `path` ("." at the top)."""
    parent = posixpath.dirname(path)
    return parent or "."


def is_inside(real: str, root_real: str) -> bool:
    """Whether the resolved path `real` is `root_real` itself or lies below it."""
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


class RepoFS:
    """Reads files of the repository at `root`, refusing anything that resolves outside it."""

    def __init__(self, root: Path, max_file_bytes: int) -> None:
        self.root = root
        self.root_real = os.path.realpath(root)
        self.max_file_bytes = max_file_bytes
        self._dirs: dict[str, str | None] = {}  # resolved folders, by repo-relative path

    def real_path(self, rel: str) -> str | None:
        """The resolved absolute path of `rel` when it exists inside the root, else None. Every
        folder on the way must resolve inside the root too (folders are resolved once each)."""
        norm = normalize_rel(rel)
        if norm is None:
            return None
        if norm == ".":
            return self.root_real
        parent, name = posixpath.split(norm)
        base = self._real_dir(parent) if parent else self.root_real
        if base is None:
            return None
        joined = os.path.join(base, name)
        try:
            if stat.S_ISLNK(os.lstat(joined).st_mode):
                joined = os.path.realpath(joined, strict=True)
        except (OSError, RuntimeError):
            return None
        return joined if is_inside(joined, self.root_real) else None

    def _real_dir(self, rel: str) -> str | None:
        if rel not in self._dirs:
            self._dirs[rel] = self.real_path(rel)
        return self._dirs[rel]

    def is_file(self, rel: str) -> bool:
        real = self.real_path(rel)
        return real is not None and os.path.isfile(real)

    def is_dir(self, rel: str) -> bool:
        real = self.real_path(rel)
        return real is not None and os.path.isdir(real)

    def read_bytes(self, rel: str) -> bytes:
        """The bytes of `rel`; InputError when it is missing, outside the root or over the cap."""
        real = self.real_path(rel)
        if real is None:
            raise InputError(f"{rel} is not a file inside the repository {self.root}.")
        try:
            fd = os.open(real, OPEN_FLAGS)
        except OSError as exc:
            raise InputError(f"{rel} cannot be opened: {exc.strerror}.") from exc
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise InputError(f"{rel} is a directory, not a file.")
            if not stat.S_ISREG(info.st_mode):
                raise InputError(f"{rel} is not a regular file.")
            size = info.st_size
            if size > self.max_file_bytes:
                raise InputError(f"{rel} is larger than the {self.max_file_bytes}-byte cap.")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return handle.read(self.max_file_bytes + 1)[: self.max_file_bytes]
        finally:
            os.close(fd)

    def read_text(self, rel: str) -> str:
        """The UTF-8 text of `rel` (a leading BOM dropped); InputError when it cannot be read."""
        data = self.read_bytes(rel)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{rel} is not valid UTF-8 text.") from exc

    def try_read_text(self, rel: str) -> str | None:
        """Like read_text, but None instead of an error."""
        try:
            return self.read_text(rel)
        except InputError:
            return None
