"""The text of every file an audit read, held compressed: a few KB per file instead of the file itself."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, MutableMapping


class SourceTexts(MutableMapping[str, str]):
    """A mapping of repo path to text that stores each text as compressed UTF-8, with its digest.

    Reading a text back costs a decompression (tens of microseconds for a typical source file);
    `encoded` gives the UTF-8 bytes without building the string."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._packed: dict[str, bytes] = {}
        self._digests: dict[str, bytes] = {}
        for path, text in (texts or {}).items():
            self[path] = text

    def __setitem__(self, path: str, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._packed[path] = zlib.compress(data, 1)
        self._digests[path] = hashlib.blake2b(data, digest_size=16).digest()

    def __getitem__(self, path: str) -> str:
        return self.encoded(path).decode("utf-8", "surrogatepass")

    def __delitem__(self, path: str) -> None:
        del self._packed[path]
        del self._digests[path]

    def __contains__(self, path: object) -> bool:
        return path in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def encoded(self, path: str) -> bytes:
        """The text of `path` as UTF-8 bytes."""
        return zlib.decompress(self._packed[path])

    def digest(self, path: str) -> bytes:
        """A 16-byte BLAKE2b digest of the UTF-8 text of `path`."""
        return self._digests[path]
