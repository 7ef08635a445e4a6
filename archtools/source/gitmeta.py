"""The commit a checkout is at, read from .git files directly (git itself is never run)."""

from __future__ import annotations

import os
import re

from archtools.source.reading import is_inside

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_REF = re.compile(r"^refs/[A-Za-z0-9._/+\-]+$")
_CAP = 64 * 1024
_PACKED_REFS_CAP = 16 * 1024 * 1024


def read_commit(root_real: str) -> str | None:
    """The commit id HEAD points at, or None when there is no readable .git inside the root."""
    git_dir = _git_dir(root_real)
    if git_dir is None:
        return None
    head = _read(os.path.join(git_dir, "HEAD"), root_real, _CAP)
    if head is None:
        return None
    head = head.strip()
    if _SHA.match(head):
        return head
    if not head.startswith("ref:"):
        return None
    ref = head[4:].strip()
    if not _REF.match(ref) or ".." in ref:
        return None
    common = _read(os.path.join(git_dir, "commondir"), root_real, _CAP)
    dirs = [git_dir]
    if common is not None:
        common_dir = os.path.normpath(os.path.join(git_dir, common.strip()))
        dirs.append(common_dir)
    for directory in dirs:
        value = _read(os.path.join(directory, *ref.split("/")), root_real, _CAP)
        if value is not None and _SHA.match(value.strip()):
            return value.strip()
    for directory in dirs:
        packed = _read(os.path.join(directory, "packed-refs"), root_real, _PACKED_REFS_CAP)
        if packed is None:
            continue
        for line in packed.splitlines():
            sha, _, name = line.partition(" ")
            if name.strip() == ref and _SHA.match(sha):
                return sha
    return None


def _git_dir(root_real: str) -> str | None:
    dot_git = os.path.join(root_real, ".git")
    if os.path.isdir(dot_git):
        real = os.path.realpath(dot_git)
        return real if is_inside(real, root_real) else None
    pointer = _read(dot_git, root_real, _CAP)
    if pointer is None or not pointer.startswith("gitdir:"):
        return None
    target = os.path.realpath(os.path.join(root_real, pointer[len("gitdir:") :].strip()))
    return target if is_inside(target, root_real) and os.path.isdir(target) else None


def _read(path: str, root_real: str, cap: int) -> str | None:
    """A small text file, only when it resolves inside the audited root."""
    try:
        real = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        return None
    if not is_inside(real, root_real) or not os.path.isfile(real):
        return None
    try:
        with open(real, "rb") as handle:
            return handle.read(cap).decode("utf-8", errors="replace")
    except OSError:
        return None
