"""Whole-audit results keyed by everything an audit reads: an unchanged repository is answered from
disk without parsing or analysing anything. Entries carry a checksum and the tool version.

Each entry has two keys: the digest of every file's content (the truth), and the digest of every
file's stamp (path, size, modification and status-change times in nanoseconds, as git's index
keeps them), which answers an untouched repository without reading a file. A stamp is only
recorded when every file is older than STAMP_SETTLE seconds, so that a file written again within
one tick of the file system's clock, keeping its size and times, cannot pass for unchanged; the
status-change time catches contents replaced with their old modification time kept (rsync -a)."""

from __future__ import annotations

import hashlib
import json
import os
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import msgspec

from archtools.results import Audit, Finding, RepoInfo, Severity, Stats
from archtools.source.files import Classification, SkipReason
from archtools.source.repository import Repository
from archtools.source.texts import SourceTexts
from archtools.version import __version__, code_digest

RESULTS_FORMAT = 2
STAMP_SETTLE = 2.0  # seconds: a file modified more recently than this gets no stamp key
NO_STAMPS = "-"


def audit_key(texts: SourceTexts, extra: Iterable[str]) -> str:
    """A digest of every file read (path and content), the options that change results, the version."""
    digest = _options_digest(extra)
    for path in sorted(texts):
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(texts.digest(path))
    return digest.hexdigest()


def options_digest(extra: Iterable[str]) -> str:
    """A digest of the options that change results and of the version (no file in it)."""
    return _options_digest(extra).hexdigest()


def _options_digest(extra: Iterable[str]) -> hashlib.blake2b:
    digest = hashlib.blake2b(digest_size=24)
    digest.update(f"{__version__}/{RESULTS_FORMAT}/{code_digest()}\0".encode())
    for item in extra:
        digest.update(item.encode("utf-8", "surrogatepass") + b"\0")
    return digest


def stamp_key(repo: Repository, also: Iterable[str], extra: Iterable[str]) -> str:
    """A digest of the path, size and modification time of every file an audit reads (the
    repository's files and `also`, files read when present), the options and the version; or
    NO_STAMPS when a file is too recent to trust its stamp. Take it before reading the files:
    a file changed after its stamp was taken then only costs a content check next time."""
    digest = _options_digest(extra)
    settled = time.time_ns() - int(STAMP_SETTLE * 1e9)
    root = str(repo.root)
    paths = sorted({f.path for f in repo.files} | set(also))
    for path in paths:
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0")
        try:
            found = os.stat(os.path.join(root, path))
        except OSError:
            digest.update(b"absent\0")
            continue
        if found.st_mtime_ns >= settled or found.st_ctime_ns >= settled:
            return NO_STAMPS
        digest.update(f"{found.st_size}/{found.st_mtime_ns}/{found.st_ctime_ns}\0".encode())
    return digest.hexdigest()


class ResultsCache:
    """One file per audited root (the latest result only), written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / "results"

    def _file(self, root: Path) -> Path:
        name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=12).hexdigest()
        return self.directory / f"{name}.bin"

    def _entry(self, root: Path) -> tuple[list[str], bytes] | None:
        """The header fields (content key, stamp key, checksum, version) and the payload."""
        try:
            blob = self._file(root).read_bytes()
        except OSError:
            return None
        header, _, payload = blob.partition(b"\n")
        parts = header.decode("ascii", "replace").split(" ")
        if len(parts) != 4 or parts[2] != str(zlib.crc32(payload)) or parts[3] != __version__:
            return None
        return parts, payload

    def get(self, root: Path, key: str) -> Audit | None:
        """The audit stored for `root` under the content key `key`."""
        return decoded_audit(self.get_text(root, key))

    def get_text(self, root: Path, key: str) -> bytes | None:
        """The JSON of the audit stored for `root` under the content key `key`."""
        entry = self._entry(root)
        return _inflated(entry[1]) if entry is not None and entry[0][0] == key else None

    def get_stamped(self, root: Path, stamps: str) -> Audit | None:
        """The audit stored for `root` under the stamp key `stamps` (never for NO_STAMPS)."""
        return decoded_audit(self.get_stamped_text(root, stamps))

    def get_stamped_text(self, root: Path, stamps: str) -> bytes | None:
        """The JSON of the audit stored for `root` under the stamp key `stamps`."""
        if stamps == NO_STAMPS:
            return None
        entry = self._entry(root)
        return _inflated(entry[1]) if entry is not None and entry[0][1] == stamps else None

    def inputs(self, root: Path) -> dict[str, object] | None:
        """What the stored audit of `root` was made from (see archtools.reaudit), or None."""
        try:
            blob = self._file(root).with_suffix(".inputs").read_bytes()
            header, _, payload = blob.partition(b"\n")
            if header.decode("ascii") != f"{_classes_version()} {zlib.crc32(payload)}":
                return None
            found = json.loads(zlib.decompress(payload))
        except (OSError, ValueError, zlib.error):
            return None
        return found if isinstance(found, dict) else None

    def keep_inputs(self, root: Path, inputs: Mapping[str, object]) -> None:
        """Store what the audit just stored for `root` was made from."""
        payload = zlib.compress(json.dumps(inputs, separators=(",", ":")).encode(), 1)
        header = f"{_classes_version()} {zlib.crc32(payload)}"
        self._store(self._file(root).with_suffix(".inputs"), header, payload)

    def restamp(self, root: Path, key: str, stamps: str) -> None:
        """Record new stamps for the entry stored under `key` (files touched, contents the same)."""
        entry = self._entry(root)
        if entry is not None and entry[0][0] == key and entry[0][1] != stamps:
            self._write(root, key, stamps, entry[1])

    def put(self, root: Path, key: str, stamps: str, audit: Audit) -> None:
        self.put_text(root, key, stamps, audit.compact_json())

    def put_text(self, root: Path, key: str, stamps: str, text: bytes) -> None:
        """Store an audit's JSON (as Audit.to_json writes it, indented or not)."""
        self._write(root, key, stamps, zlib.compress(text, 1))

    def classifications(self, root: Path) -> dict[str, Classification]:
        """What the last load of `root` found reading each file (see discover_files), or {}."""
        try:
            blob = self._file(root).with_suffix(".files").read_bytes()
            header, _, payload = blob.partition(b"\n")
            if header.decode("ascii") != f"{_classes_version()} {zlib.crc32(payload)}":
                return {}
            found = json.loads(zlib.decompress(payload))
        except (OSError, ValueError, zlib.error):
            return {}
        if not isinstance(found, dict):
            return {}
        reasons = {reason.value for reason in SkipReason} | {""}
        return {
            path: (entry[0], entry[1], entry[2], entry[3])
            for path, entry in found.items()
            if isinstance(entry, list)
            and len(entry) == 4
            and all(type(number) is int for number in entry[:3])
            and entry[3] in reasons
        }

    def keep_classifications(
        self, root: Path, classified: Mapping[str, Classification], known: Mapping[str, object]
    ) -> None:
        """Store this load's classifications when they differ from the ones it was given."""
        if classified == known:
            return
        payload = zlib.compress(json.dumps(classified, separators=(",", ":")).encode(), 1)
        header = f"{_classes_version()} {zlib.crc32(payload)}"
        self._store(self._file(root).with_suffix(".files"), header, payload)

    def _write(self, root: Path, key: str, stamps: str, payload: bytes) -> None:
        header = f"{key} {stamps} {zlib.crc32(payload)} {__version__}"
        self._store(self._file(root), header, payload)

    def _store(self, target: Path, header: str, payload: bytes) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(header.encode("ascii") + b"\n" + payload)
            temporary.replace(target)
        except OSError:
            return  # a read-only cache only costs speed


def _classes_version() -> str:
    return f"{__version__}/{RESULTS_FORMAT}/{code_digest()}"


def _inflated(payload: bytes) -> bytes | None:
    try:
        return zlib.decompress(payload)
    except zlib.error:
        return None


def decoded_audit(text: bytes | None) -> Audit | None:
    """The stored audit. It was written by this very code (its key holds the code's digest), so
    it has no keys this version does not know: validated straight from the JSON, without the
    unknown-key tolerance of Audit.from_json (about a sixth faster on a 30 MB audit)."""
    if text is None:
        return None
    try:
        return Audit.model_validate_json(text)
    except ValueError:
        return None


class _Place(msgspec.Struct):
    """Where a finding is."""

    file: str
    line: int


class _Gate(msgspec.Struct):
    """What --fail-on reads of a finding."""

    severity: str
    suppressed: str | None = None


@dataclass(frozen=True)
class StoredAudit:
    """An audit answered from the cache, held as the JSON it was stored as, by top-level key:
    decoding a large audit into objects, then encoding it again for a JSON report, costs more
    than the rest of a warm run. `to_json` writes what Audit.to_json would."""

    parts: dict[str, msgspec.Raw]

    @classmethod
    def answered(
        cls, text: bytes, *, seconds: float, files_cached: int, commit: str | None
    ) -> StoredAudit | None:
        """The stored audit `text` with this run's seconds, cached files and commit (as
        pipeline._stored sets them on a decoded audit); None if it is damaged."""
        try:
            parts = msgspec.json.decode(text, type=dict[str, msgspec.Raw])
            stats = Stats.model_validate_json(bytes(parts["stats"]))
            repo = RepoInfo.model_validate_json(bytes(parts["repo"]))
        except (KeyError, ValueError, msgspec.DecodeError):
            return None
        stats = stats.model_copy(update={"seconds": seconds, "files_cached": files_cached})
        repo = repo.model_copy(update={"commit": commit})
        parts["stats"] = msgspec.Raw(stats.model_dump_json(by_alias=True).encode())
        parts["repo"] = msgspec.Raw(repo.model_dump_json(by_alias=True).encode())
        return cls(parts)

    @classmethod
    def of(cls, compact: bytes) -> StoredAudit:
        """The audit whose JSON without indentation is `compact` (Audit.compact_json)."""
        return cls(msgspec.json.decode(compact, type=dict[str, msgspec.Raw]))

    def to_json(self) -> str:
        return self.json_bytes().decode() + "\n"

    def json_bytes(self) -> bytes:
        """What `to_json` writes, as UTF-8 and without its final newline."""
        return msgspec.json.format(self.compact(), indent=2)

    def compact(self) -> bytes:
        """The audit's JSON without indentation, as Audit.to_json(indent=None) writes it."""
        return msgspec.json.encode(self.parts)

    def audit(self) -> Audit:
        return Audit.model_validate_json(self.compact())

    def finding_files(self) -> set[str]:
        return {f.file for f in self._places()}

    def with_snippets(
        self, files: set[str], snippet: Callable[[str, int], str | None]
    ) -> StoredAudit:
        """This audit with `snippet(file, line)` as the snippet of each finding in `files`."""
        findings = msgspec.json.decode(self.parts.get("findings", b"[]"), type=list[msgspec.Raw])
        for index, place in enumerate(self._places()):
            if place.file in files:
                finding = Finding.model_validate_json(bytes(findings[index]))
                finding = finding.model_copy(update={"snippet": snippet(place.file, place.line)})
                findings[index] = msgspec.Raw(finding.model_dump_json(by_alias=True).encode())
        return StoredAudit({**self.parts, "findings": msgspec.Raw(msgspec.json.encode(findings))})

    def _places(self) -> list[_Place]:
        return msgspec.json.decode(self.parts.get("findings", b"[]"), type=list[_Place])

    def fails_at(self, severity: Severity) -> bool:
        """Whether a finding not suppressed has `severity` or a higher one."""
        findings = msgspec.json.decode(self.parts.get("findings", b"[]"), type=list[_Gate])
        return any(
            Severity(f.severity).rank >= severity.rank and f.suppressed is None for f in findings
        )
