"""Per-file facts for a whole repository: content-hash cache on disk, parallel extraction in processes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

import msgspec

from archtools.facts.code import FileFacts, SyntaxProblem
from archtools.facts.table import FactsTable
from archtools.facts.workers import WorkerPool
from archtools.version import __version__, code_digest

# Bump when the facts model or the extractor changes meaning, so old cache entries are never trusted.
FACTS_FORMAT = 9
CHUNK_SIZE = 16
PARALLEL_THRESHOLD = 64  # below this many files to parse, a second process costs more than it saves
FILE_TIME_LIMIT = 20.0  # seconds one file may take to parse and extract


@dataclass(frozen=True)
class FactsJob:
    path: str
    content: bytes


@dataclass
class CacheHits:
    packed: dict[str, bytes] = field(default_factory=dict)  # content key -> compressed facts
    syntax: dict[str, SyntaxProblem] = field(default_factory=dict)  # each one's first syntax error


@dataclass(frozen=True)
class FactsFailure:
    path: str
    line: int | None
    message: str
    transient: bool = False  # over the time limit or a crashed worker: another run may succeed


@dataclass
class FactsResult:
    facts: FactsTable
    syntax: dict[str, SyntaxProblem]  # path -> the file's first syntax error, for files with one
    failures: list[FactsFailure]
    cached: int
    parsed: int
    keys: dict[str, str] = field(default_factory=dict)  # path -> its content key in the cache


def default_cache_dir() -> Path:
    override = os.environ.get("ARCHTOOLS_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archtools"


def content_key(path: str, content: bytes) -> str:
    from archtools.parse.treesitter import grammar_for

    digest = hashlib.blake2b(content, digest_size=20)
    digest.update((grammar_for(path) or "tsx").encode())
    return digest.hexdigest()


_COLUMNS = ["key", "version", "crc", "syntax", "data"]
_CREATE = (
    "CREATE TABLE IF NOT EXISTS facts "
    "(key TEXT PRIMARY KEY, version TEXT, crc INTEGER, syntax TEXT, data BLOB)"
)


def _row_crc(data: bytes, syntax: str | None) -> int:
    return zlib.crc32((syntax or "").encode(), zlib.crc32(data))


class FactsCache:
    """A sqlite table of compressed facts keyed by content hash, tool version and facts format,
    with each file's first syntax error beside them (so a warm run need not decode every file).

    Each row carries a CRC of its payload: a corrupted row is detected, dropped and rebuilt."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "facts.sqlite3"
        self._db = sqlite3.connect(self.path, timeout=30)
        try:
            self._prepare()
        except sqlite3.DatabaseError:
            self._db.close()
            self.path.unlink(missing_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            self._prepare()
        self._version = f"{__version__}/{FACTS_FORMAT}/{code_digest()}"

    def _prepare(self) -> None:
        columns = [row[1] for row in self._db.execute("PRAGMA table_info(facts)")]
        if columns and columns != _COLUMNS:  # written by an older archtools: start again
            self._db.execute("DROP TABLE facts")
        self._db.execute(_CREATE)
        self._db.commit()

    def get_many(self, keys: Sequence[str]) -> CacheHits:
        """The stored facts of `keys` whose version and CRC check out; anything else is dropped."""
        found = CacheHits()
        bad: list[str] = []
        for start in range(0, len(keys), 500):
            batch = list(keys[start : start + 500])
            marks = ",".join("?" * len(batch))
            try:
                rows = self._db.execute(
                    f"SELECT key, version, crc, syntax, data FROM facts WHERE key IN ({marks})",
                    batch,
                ).fetchall()
            except sqlite3.DatabaseError:
                return found
            for key, version, crc, syntax, data in rows:
                if (
                    version != self._version
                    or not isinstance(data, bytes)
                    or _row_crc(data, syntax) != crc
                ):
                    bad.append(key)
                    continue
                if syntax:
                    try:
                        found.syntax[key] = _SYNTAX_DECODER.decode(syntax)
                    except msgspec.DecodeError:
                        bad.append(key)
                        continue
                found.packed[key] = data
        if bad:
            # A read-only cache keeps them: they are dropped again on the next read.
            with contextlib.suppress(sqlite3.Error):
                self._db.executemany("DELETE FROM facts WHERE key = ?", [(k,) for k in bad])
                self._db.commit()
        return found

    def put_many(self, items: Iterable[tuple[str, bytes, SyntaxProblem | None]]) -> None:
        """Store compressed facts (as `pack_facts` makes them) and each one's first syntax error
        under their content keys."""
        rows = []
        for key, data, problem in items:
            syntax = None if problem is None else _ENCODER.encode(problem).decode()
            rows.append((key, self._version, _row_crc(data, syntax), syntax, data))
        if rows:
            with contextlib.suppress(sqlite3.Error):  # a read-only or full disk costs speed only
                self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)", rows)
                self._db.commit()

    def close(self) -> None:
        self._db.close()


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(FileFacts)
_SYNTAX_DECODER = msgspec.json.Decoder(SyntaxProblem)


def pack_facts(facts: FileFacts) -> bytes:
    """Facts as compressed JSON: how they cross from a worker process and how the cache keeps them
    (JSON written and typed back in C is several times faster than pickling the objects)."""
    return zlib.compress(_ENCODER.encode(facts), 1)


def unpack_facts(data: bytes) -> FileFacts:
    """The facts `pack_facts` wrote; raises ValueError when the bytes are damaged or of another shape."""
    try:
        return _DECODER.decode(zlib.decompress(data))
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise ValueError(f"damaged facts: {error}") from error


@dataclass(frozen=True)
class PackedFacts:
    path: str
    data: bytes
    syntax: SyntaxProblem | None = None  # the first syntax error, read without decoding `data`


def _open_cache(directory: Path | None) -> FactsCache | None:
    """The facts cache in `directory`, or None when it cannot be used (a file in the way, no
    permission): an unusable cache costs speed, never the audit."""
    if directory is None:
        return None
    try:
        return FactsCache(directory)
    except (OSError, sqlite3.Error):
        return None


def _extract_one(job: FactsJob) -> PackedFacts | FactsFailure:
    from archtools.facts.typescript import TOO_DEEP, extract_code_facts

    try:
        facts = extract_code_facts(job.path, job.content)
    except RecursionError:
        return FactsFailure(job.path, None, TOO_DEEP)
    except Exception as error:  # one bad file never aborts the audit
        return FactsFailure(job.path, None, f"could not extract facts: {error}")
    if facts.syntax_errors[:1] and facts.syntax_errors[0].message == TOO_DEEP:
        return FactsFailure(job.path, None, TOO_DEEP)  # nothing was extracted
    first = facts.syntax_errors[0] if facts.syntax_errors else None
    return PackedFacts(job.path, pack_facts(facts), first)


def _extract_chunk(jobs: list[FactsJob]) -> list[PackedFacts | FactsFailure]:
    return [_extract_one(job) for job in jobs]


def _gave_up(job: FactsJob, reason: str) -> PackedFacts | FactsFailure:
    return FactsFailure(job.path, None, reason, transient=True)


def _chunks(jobs: Sequence[FactsJob], picked: list[int], size: int) -> Iterator[list[FactsJob]]:
    """The picked jobs, `size` at a time, each taken from `jobs` only when its chunk is due."""
    for start in range(0, len(picked), size):
        yield [jobs[index] for index in picked[start : start + size]]


class LazyJobs(Sequence[FactsJob]):
    """Jobs whose content is read when a job is taken, so that a large repository's sources are
    not all held as bytes at once."""

    def __init__(self, paths: list[str], read: Callable[[str], bytes]) -> None:
        self._paths = paths
        self._read = read

    @overload
    def __getitem__(self, index: int) -> FactsJob: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[FactsJob]: ...
    def __getitem__(self, index: int | slice) -> FactsJob | Sequence[FactsJob]:
        if isinstance(index, slice):
            return LazyJobs(self._paths[index], self._read)
        path = self._paths[index]
        return FactsJob(path, self._read(path))

    def __len__(self) -> int:
        return len(self._paths)


def collect_facts(
    jobs: Sequence[FactsJob],
    *,
    cache_dir: Path | None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    time_limit: float | None = FILE_TIME_LIMIT,
) -> FactsResult:
    """Facts for every job: from the cache when the content is known, else parsed (in parallel,
    each file under `time_limit` seconds; a file over it is listed as a failure with the reason)."""
    keys: dict[str, str] = {}
    for job in jobs:
        keys[job.path] = content_key(job.path, job.content)
    cache = _open_cache(cache_dir)
    packed: dict[str, bytes] = {}
    syntax: dict[str, SyntaxProblem] = {}
    failures: list[FactsFailure] = []
    try:
        hits = cache.get_many(sorted(set(keys.values()))) if cache is not None else CacheHits()
        todo = _take_hits(keys, hits, packed, syntax)  # indices of the jobs to parse
        if progress is not None and len(packed):
            progress(len(packed))
        fresh = _parse_todo(
            jobs,
            todo,
            keys,
            packed,
            syntax,
            failures,
            workers=workers,
            progress=progress,
            time_limit=time_limit,
        )
        if cache is not None:
            cache.put_many(fresh)
    finally:
        if cache is not None:
            cache.close()
    where = {path: index for index, path in enumerate(keys)}

    def rebuild(path: str) -> FileFacts:
        """Facts made again from the source, for a cached entry that passed its checks but does
        not decode (it cannot be trusted, so it is not used)."""
        item = _extract_one(jobs[where[path]])
        if not isinstance(item, PackedFacts):
            return FileFacts(path=path, language="unknown")
        repair = _open_cache(cache_dir)  # the damaged row is replaced, not met again
        if repair is not None:
            repair.put_many([(keys[path], item.data, item.syntax)])
            repair.close()
        return unpack_facts(item.data)

    table = FactsTable({path: packed[path] for path in sorted(packed)}, unpack_facts, rebuild)
    return FactsResult(
        facts=table,
        syntax=syntax,
        failures=failures,
        cached=len(jobs) - len(todo),
        parsed=len(todo),
        keys=keys,
    )


def _take_hits(
    keys: dict[str, str],
    hits: CacheHits,
    packed: dict[str, bytes],
    syntax: dict[str, SyntaxProblem],
) -> list[int]:
    """Puts the cached facts (and syntax problems) into `packed` and `syntax`; the indices of the
    jobs the cache does not know, to be parsed."""
    todo: list[int] = []
    for index, path in enumerate(keys):
        key = keys[path]
        data = hits.packed.get(key)
        if data is None:
            todo.append(index)
            continue
        packed[path] = data
        if key in hits.syntax:
            syntax[path] = hits.syntax[key]
    return todo


def _parse_todo(
    jobs: Sequence[FactsJob],
    todo: list[int],
    keys: dict[str, str],
    packed: dict[str, bytes],
    syntax: dict[str, SyntaxProblem],
    failures: list[FactsFailure],
    *,
    workers: int | None,
    progress: Callable[[int], None] | None,
    time_limit: float | None,
) -> list[tuple[str, bytes, SyntaxProblem | None]]:
    """Parses the `todo` jobs into `packed`, `syntax` and `failures`; the rows to cache."""
    fresh: list[tuple[str, bytes, SyntaxProblem | None]] = []
    for result in _run(jobs, todo, workers, time_limit):
        for item in result:
            if isinstance(item, FactsFailure):
                failures.append(item)
            else:
                packed[item.path] = item.data
                if item.syntax is not None:
                    syntax[item.path] = item.syntax
                fresh.append((keys[item.path], item.data, item.syntax))
        if progress is not None:
            progress(len(result))
    return fresh


def _run(
    jobs: Sequence[FactsJob], todo: list[int], workers: int | None, time_limit: float | None
) -> Iterator[list[PackedFacts | FactsFailure]]:
    """Facts for `todo`, a chunk at a time. In worker processes (each file under `time_limit`)
    unless one process was asked for (`workers=1`) or no time limit is set and the work is small."""
    count = workers if workers is not None else min(2, os.cpu_count() or 1)
    small = len(todo) < PARALLEL_THRESHOLD
    if (count <= 1 and (workers == 1 or not time_limit)) or (small and not time_limit):
        for chunk in _chunks(jobs, todo, CHUNK_SIZE):
            yield _extract_chunk(chunk)
        return
    # Workers start as copies of this process: load the grammars and compile the queries once, here.
    for grammar_probe in ("warm-up.ts", "warm-up.tsx"):
        _extract_one(FactsJob(grammar_probe, b""))
    pool = WorkerPool(
        _extract_one,
        _gave_up,
        count=1 if small else count,
        time_limit=time_limit or None,
    )
    yield from pool.run(_chunks(jobs, todo, CHUNK_SIZE))
