"""The archtools version, read from the installed package metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("archtools")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"


def code_digest() -> str:
    """A digest of archtools' own source and knowledge files: caches keyed by it are never reused
    by different analysis code, even under one version number (an editable install in development)."""
    global _DIGEST
    if _DIGEST is None:
        import hashlib
        from pathlib import Path

        root = Path(__file__).resolve().parent
        digest = hashlib.blake2b(digest_size=12)
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".scm", ".lark", ".yaml") and "__pycache__" not in path.parts:
                digest.update(
                    path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes()
                )
        _DIGEST = digest.hexdigest()
    return _DIGEST


_DIGEST: str | None = None
