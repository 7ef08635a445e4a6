"""Every file's facts for one audit, held compressed and decoded on access, so memory stays bounded."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping

import msgspec

from archtools.facts.code import FileFacts
from archtools.facts.outline import Outline, outline_of

# Decoded facts cost about 60 KB a file against about 3 KB compressed. The first PINNED files
# decoded outside a whole-repository pass stay decoded (a repository of that size or less is
# decoded once); the others go through a small recently-used set, enough for the helpers one entry
# point's checks keep returning to. A pass over every file (`whole_pass`) pins nothing, or the
# first files by path would take the places of the helpers every entry point's checks come back to.
PINNED = 2048
RECENT = 256


class FactsTable(Mapping[str, FileFacts]):
    """A read-only mapping of file path to facts over compressed facts (as `pack_facts` makes them).

    Whole-repository passes over more than PINNED files decode the rest again on each pass: that
    trades some seconds on very large repositories for memory that does not grow with them."""

    def __init__(
        self,
        packed: Mapping[str, bytes],
        decode: Callable[[bytes], FileFacts],
        rebuild: Callable[[str], FileFacts] | None = None,
        *,
        pinned: int | None = None,
        recent: int | None = None,
    ) -> None:
        self._packed = dict(packed)
        self._decode = decode
        self._rebuild = rebuild
        self.rebuilt: list[str] = []  # files whose stored facts did not decode and were made again
        self._repaired: dict[str, FileFacts] = {}
        self._pinned: dict[str, FileFacts] = {}
        self._recent: OrderedDict[str, FileFacts] = OrderedDict()
        self._outlines: dict[str, Outline] = {}  # made as each file is first decoded
        self._passes = 0  # whole-repository passes under way
        self._pinned_limit = PINNED if pinned is None else pinned
        self._recent_limit = RECENT if recent is None else recent
        self.decodes = 0  # how many times facts were decoded (for benchmarks and tests)

    def __getitem__(self, path: str) -> FileFacts:
        found = self._pinned.get(path) or self._repaired.get(path)
        if found is not None:
            return found
        found = self._recent.get(path)
        if found is not None:
            self._recent.move_to_end(path)
            return found
        data = self._packed[path]  # KeyError for an unknown path, as a dict does
        try:
            facts = self._decode(data)
        except ValueError:
            if self._rebuild is None:
                raise
            facts = self._named(self._rebuild(path), path)
            self._repaired[path] = facts  # kept decoded: its stored form is unusable
            self.rebuilt.append(path)
            self._outlines[path] = outline_of(facts)
            return facts
        self.decodes += 1
        facts = self._named(facts, path)
        if path not in self._outlines:
            self._outlines[path] = outline_of(facts)
        everything_fits = len(self._packed) <= self._pinned_limit
        if len(self._pinned) < self._pinned_limit and (everything_fits or not self._passes):
            self._pinned[path] = facts
        else:
            self._recent[path] = facts
            if len(self._recent) > self._recent_limit:
                self._recent.popitem(last=False)
        return facts

    @contextlib.contextmanager
    def whole_pass(self) -> Iterator[None]:
        """While it lasts, the files decoded are not pinned (see PINNED)."""
        self._passes += 1
        try:
            yield
        finally:
            self._passes -= 1

    def outline(self, path: str) -> Outline:
        """What whole-repository passes ask of the file, decoding it only the first time."""
        found = self._outlines.get(path)
        if found is None:
            self[path]
            found = self._outlines[path]
        return found

    def packed(self, path: str) -> bytes:
        """The stored (compressed) facts of `path`, as `pack_facts` made them."""
        return self._packed[path]

    def __contains__(self, path: object) -> bool:
        return path in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    @staticmethod
    def _named(facts: FileFacts, path: str) -> FileFacts:
        # The cache shares facts between files of equal content: each keeps its own path.
        return facts if facts.path == path else msgspec.structs.replace(facts, path=path)
