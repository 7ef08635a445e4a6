"""`archtools diff`: new and fixed findings, lost guards and score changes between two audits."""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from archtools.errors import InputError
from archtools.results import CHECK_NAMES, Audit, CheckStatus, Finding

MAX_BLOB_BYTES = 2_000_000


@dataclass(frozen=True)
class LostGuard:
    entry_point: str
    check: str
    before: str
    after: str


@dataclass(frozen=True)
class ScoreChange:
    feature: str
    before: int | None
    after: int | None
    grade_before: str | None
    grade_after: str | None


@dataclass
class DiffResult:
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    lost_guards: list[LostGuard] = field(default_factory=list)
    new_entry_points: list[str] = field(default_factory=list)
    removed_entry_points: list[str] = field(default_factory=list)
    scores: list[ScoreChange] = field(default_factory=list)

    @property
    def regressed(self) -> bool:
        return bool(self.new or self.lost_guards)


def _active(audit: Audit) -> dict[str, Finding]:
    return {f.fingerprint: f for f in audit.findings if f.suppressed is None}


def diff_audits(base: Audit, head: Audit) -> DiffResult:
    before, after = _active(base), _active(head)
    result = DiffResult(
        new=[after[k] for k in sorted(set(after) - set(before))],
        fixed=[before[k] for k in sorted(set(before) - set(after))],
    )
    base_entries = {e.id: e for e in base.entry_points}
    head_entries = {e.id: e for e in head.entry_points}
    result.new_entry_points = sorted(set(head_entries) - set(base_entries))
    result.removed_entry_points = sorted(set(base_entries) - set(head_entries))
    for entry_id in sorted(set(base_entries) & set(head_entries)):
        for check in CHECK_NAMES:
            was = base_entries[entry_id].checks.get(check).status
            now = head_entries[entry_id].checks.get(check).status
            if was == CheckStatus.PASS and now in (CheckStatus.FAIL, CheckStatus.UNKNOWN):
                result.lost_guards.append(LostGuard(entry_id, check, was.value, now.value))
    for entry_id in result.new_entry_points:
        entry = head_entries[entry_id]
        for check in CHECK_NAMES:
            if entry.checks.get(check).status == CheckStatus.FAIL:
                result.lost_guards.append(LostGuard(entry_id, check, "absent", "fail"))
    base_cards = {c.feature: c for c in base.scorecards}
    head_cards = {c.feature: c for c in head.scorecards}
    for feature in sorted(set(base_cards) | set(head_cards)):
        b, h = base_cards.get(feature), head_cards.get(feature)
        if b is None or h is None or b.score != h.score:
            result.scores.append(
                ScoreChange(
                    feature,
                    b.score if b else None,
                    h.score if h else None,
                    b.grade if b else None,
                    h.grade if h else None,
                )
            )
    return result


def render_diff(result: DiffResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "regressed": result.regressed,
                "new": [f.model_dump(mode="json") for f in result.new],
                "fixed": [f.model_dump(mode="json") for f in result.fixed],
                "lost_guards": [asdict(g) for g in result.lost_guards],
                "new_entry_points": result.new_entry_points,
                "removed_entry_points": result.removed_entry_points,
                "scores": [asdict(s) for s in result.scores],
            },
            indent=2,
        )
    md = fmt == "md"
    from archtools.views.report_markdown import escape_md

    esc = escape_md if md else (lambda s: s)
    out = ["## archtools diff" if md else "archtools diff", ""]
    out.append(
        f"{len(result.new)} new findings, {len(result.fixed)} fixed, {len(result.lost_guards)} lost guards"
    )
    sections: list[tuple[str, list[str]]] = [
        (
            "New findings",
            [
                f"{f.severity.value} {f.rule} {esc(f.file)}:{f.line} {esc(f.message)}"
                for f in result.new
            ],
        ),
        (
            "Fixed findings",
            [f"{f.rule} {esc(f.file)}:{f.line} {esc(f.message)}" for f in result.fixed],
        ),
        (
            "Lost guards",
            [
                f"{esc(g.entry_point)} {g.check}: {g.before} -> {g.after}"
                for g in result.lost_guards
            ],
        ),
        (
            "Score changes",
            [
                f"{esc(s.feature)}: {s.before} ({s.grade_before}) -> {s.after} ({s.grade_after})"
                for s in result.scores
            ],
        ),
    ]
    for title, rows in sections:
        if rows:
            out += ["", f"### {title}" if md else f"{title}:"]
            out += [f"- {row}" if md else f"  {row}" for row in rows]
    return "\n".join(out) + "\n"


def _load_audit_file(path: str) -> Audit:
    try:
        return Audit.from_json(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError(f"{path} does not exist") from error
    except ValueError as error:
        raise InputError(f"{path} is not an archtools audit JSON: {error}") from error


def checkout_revision(repo: Path, revision: str, target: Path) -> None:
    """Write the files of `revision` into `target` from git's object store, with no checkout: no
    hooks, no filters, no symlinks, nothing from the repository runs."""

    def git(*args: str, data: bytes | None = None) -> bytes:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            input=data,
            capture_output=True,
            check=False,
            timeout=120,
        )
        if done.returncode != 0:
            raise InputError(
                f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}"
            )
        return done.stdout

    listing = git("ls-tree", "-r", "-z", "--full-tree", "-l", revision)
    wanted: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha, size = meta.split()
        path = name.decode("utf-8", errors="replace")
        if kind != b"blob" or mode == b"120000" or (size.isdigit() and int(size) > MAX_BLOB_BYTES):
            continue
        if path.startswith("/") or ".." in path.split("/"):
            continue
        wanted.append((path, sha.decode()))
    if not wanted:
        return
    batch = git("cat-file", "--batch", data="".join(f"{sha}\n" for _p, sha in wanted).encode())
    offset = 0
    for path, _sha in wanted:
        header_end = batch.index(b"\n", offset)
        length = int(batch[offset:header_end].split()[2])
        start = header_end + 1
        content = batch[start : start + length]
        offset = start + length + 1
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)


def audits_for_diff(base: str, head: str, repo: Path | None) -> tuple[Audit, Audit]:
    if repo is None:
        return _load_audit_file(base), _load_audit_file(head)
    from archtools.pipeline import AuditOptions, audit

    audits = []
    for revision in (base, head):
        with tempfile.TemporaryDirectory(prefix="archtools-diff-") as folder:
            checkout_revision(repo, revision, Path(folder))
            audits.append(audit(Path(folder), AuditOptions()))
    return audits[0], audits[1]
