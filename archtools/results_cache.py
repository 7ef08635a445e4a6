"""Whole-audit results keyed by everything an audit reads: an unchanged repository is answered from
disk without parsing or analysing anything. Entries carry a checksum and the tool version."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from pathlib import Path

from archtools.results import Audit
from archtools.source.texts import SourceTexts
from archtools.version import __version__, code_digest

RESULTS_FORMAT = 1


def audit_key(texts: SourceTexts, extra: Iterable[str]) -> str:
    """A digest of every file read (path and content), the options that change results, the version."""
    digest = hashlib.blake2b(digest_size=24)
    digest.update(f"{__version__}/{RESULTS_FORMAT}/{code_digest()}\0".encode())
    for item in extra:
        digest.update(item.encode("utf-8", "surrogatepass") + b"\0")
    for path in sorted(texts):
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(texts.digest(path))
    return digest.hexdigest()


class ResultsCache:
    """One file per audited root (the latest result only), written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / "results"

    def _file(self, root: Path) -> Path:
        name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=12).hexdigest()
        return self.directory / f"{name}.bin"

    def get(self, root: Path, key: str) -> Audit | None:
        try:
            blob = self._file(root).read_bytes()
        except OSError:
            return None
        header, _, payload = blob.partition(b"\n")
        parts = header.decode("ascii", "replace").split(" ")
        if (
            len(parts) != 3
            or parts[0] != key
            or parts[1] != str(zlib.crc32(payload))
            or parts[2] != __version__
        ):
            return None
        try:
            return Audit.from_json(zlib.decompress(payload).decode("utf-8"))
        except (zlib.error, ValueError, UnicodeDecodeError):
            return None

    def put(self, root: Path, key: str, audit: Audit) -> None:
        payload = zlib.compress(audit.to_json(indent=None).encode("utf-8"), 1)
        header = f"{key} {zlib.crc32(payload)} {__version__}\n".encode("ascii")
        target = self._file(root)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".tmp")
            temporary.write_bytes(header + payload)
            temporary.replace(target)
        except OSError:
            return  # a read-only cache only costs speed
