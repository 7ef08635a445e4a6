"""The text of every file an audit read, held compressed: a few KB per file instead of the file itself."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, MutableMapping


class SourceTexts(MutableMapping[str, str]):
    """A mapping of repo path to text that keeps each text as UTF-8 bytes with its digest, and
    compressed once `compact()` is called (after the results cache missed: a warm run that is
    answered from the cache never pays for compression).

    Reading a compressed text back costs a decompression (tens of microseconds for a typical source
    file); `encoded` gives the UTF-8 bytes without building the string."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._data: dict[str, bytes] = {}
        self._raw: set[str] = set()  # paths whose bytes are not compressed yet
        self._digests: dict[str, bytes] = {}
        for path, text in (texts or {}).items():
            self[path] = text

    def __setitem__(self, path: str, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._data[path] = data
        self._raw.add(path)
        self._digests[path] = hashlib.blake2b(data, digest_size=16).digest()

    def __getitem__(self, path: str) -> str:
        return self.encoded(path).decode("utf-8", "surrogatepass")

    def __delitem__(self, path: str) -> None:
        del self._data[path]
        del self._digests[path]
        self._raw.discard(path)

    def __contains__(self, path: object) -> bool:
        return path in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def compact(self) -> None:
        """Compress every text held uncompressed."""
        for path in self._raw:
            self._data[path] = zlib.compress(self._data[path], 1)
        self._raw.clear()

    def encoded(self, path: str) -> bytes:
        """The text of `path` as UTF-8 bytes."""
        data = self._data[path]
        return data if path in self._raw else zlib.decompress(data)

    def digest(self, path: str) -> bytes:
        """A 16-byte BLAKE2b digest of the UTF-8 text of `path`."""
        return self._digests[path]

    def stored_bytes(self) -> int:
        return sum(len(data) for data in self._data.values())


def snippet_lines(text: str, line: int) -> list[str]:
    """The numbered lines around `line` of `text` that a finding shows (none past the end)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return []
    start = max(1, line - 2)
    end = min(len(lines), line + 2)
    return [f"{n:>4} | {lines[n - 1][:200]}" for n in range(start, end + 1)]
