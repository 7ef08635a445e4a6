"""`archtools diff`: new and fixed findings, lost guards and score changes between two audits."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from archtools.errors import InputError
from archtools.loading import AuditOptions, Progress
from archtools.results import CHECK_NAMES, Audit, CheckStatus, EntryPoint, Finding, Severity
from archtools.rules.migration_scope import MigrationScope
from archtools.views.report_data import CHECK_LABELS, reveal
from archtools.views.report_md_summary import COMMENT_BUDGET, md_cell
from archtools.views.summary import CONFIDENCE_RANK, entry_point_name

MAX_BLOB_BYTES = 2_000_000


@dataclass(frozen=True)
class LostGuard:
    """A check that passed on an entry point of both audits and no longer does."""

    entry_point: str
    check: str
    before: str
    after: str
    name: str = ""  # what a reader calls the entry point: GET /api/notes/[id], action createNote
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class EntryChange:
    """An entry point only one of the two audits has, with the checks it fails there."""

    id: str
    name: str
    file: str
    line: int
    failing: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreChange:
    feature: str
    before: int | None
    after: int | None
    grade_before: str | None
    grade_after: str | None


@dataclass
class DiffResult:
    new: list[Finding] = field(default_factory=list)  # most severe, most confident first
    fixed: list[Finding] = field(default_factory=list)
    lost_guards: list[LostGuard] = field(default_factory=list)
    added: list[EntryChange] = field(default_factory=list)  # unguarded first
    removed: list[EntryChange] = field(default_factory=list)
    scores: list[ScoreChange] = field(default_factory=list)

    @property
    def unguarded(self) -> list[EntryChange]:
        """The new entry points that fail a check."""
        return [entry for entry in self.added if entry.failing]

    @property
    def regressed(self) -> bool:
        return bool(self.new or self.lost_guards or self.unguarded)

    def fails(self, fail_on: str) -> bool:
        """Whether the diff gates at `fail_on`: "any" (a new finding, a lost guard or a new entry
        point failing a check), a severity (a new finding at least that severe, as `audit
        --fail-on`), or "none"."""
        if fail_on == "any":
            return self.regressed
        if fail_on == "none":
            return False
        threshold = Severity(fail_on).rank
        return any(f.severity.rank >= threshold for f in self.new)


def _active(audit: Audit) -> dict[str, Finding]:
    return {f.fingerprint: f for f in audit.findings if f.suppressed is None}


def _finding_order(f: Finding) -> tuple[int, int, str, str, int, str]:
    confidence = CONFIDENCE_RANK.get(f.confidence, 0)
    return (-f.severity.rank, -confidence, f.rule, f.file, f.line, f.fingerprint)


def _change(entry: EntryPoint) -> EntryChange:
    failing = tuple(c for c in CHECK_NAMES if entry.checks.get(c).status == CheckStatus.FAIL)
    return EntryChange(entry.id, entry_point_name(entry), entry.file, entry.line, failing)


def _lost_guards(
    base_entries: dict[str, EntryPoint], head_entries: dict[str, EntryPoint]
) -> list[LostGuard]:
    lost = []
    for entry_id in set(base_entries) & set(head_entries):
        now = head_entries[entry_id]
        for check in CHECK_NAMES:
            was = base_entries[entry_id].checks.get(check).status
            status = now.checks.get(check).status
            if was == CheckStatus.PASS and status in (CheckStatus.FAIL, CheckStatus.UNKNOWN):
                name = entry_point_name(now)
                guard = LostGuard(
                    entry_id, check, was.value, status.value, name, now.file, now.line
                )
                lost.append(guard)
    return sorted(
        lost, key=lambda g: (CHECK_NAMES.index(g.check), g.file, g.line, g.name, g.entry_point)
    )


def diff_audits(base: Audit, head: Audit) -> DiffResult:
    before, after = _active(base), _active(head)
    result = DiffResult(
        new=sorted((after[k] for k in set(after) - set(before)), key=_finding_order),
        fixed=sorted((before[k] for k in set(before) - set(after)), key=_finding_order),
    )
    base_entries = {e.id: e for e in base.entry_points}
    head_entries = {e.id: e for e in head.entry_points}
    added = [_change(head_entries[i]) for i in set(head_entries) - set(base_entries)]
    result.added = sorted(added, key=lambda e: (not e.failing, e.file, e.line, e.name, e.id))
    removed = [_change(base_entries[i]) for i in set(base_entries) - set(head_entries)]
    result.removed = sorted(removed, key=lambda e: (e.file, e.line, e.name, e.id))
    result.lost_guards = _lost_guards(base_entries, head_entries)
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


def _json(result: DiffResult) -> str:
    return json.dumps(
        {
            "regressed": result.regressed,
            "new": [f.model_dump(mode="json") for f in result.new],
            "fixed": [f.model_dump(mode="json") for f in result.fixed],
            "lost_guards": [asdict(g) for g in result.lost_guards],
            "new_entry_points": [e.id for e in result.added],
            "removed_entry_points": [e.id for e in result.removed],
            "added_entry_points": [asdict(e) for e in result.added],
            "removed_entry_point_details": [asdict(e) for e in result.removed],
            "scores": [asdict(s) for s in result.scores],
        },
        indent=2,
    )


def _sections(result: DiffResult, esc: Callable[[str], str]) -> list[tuple[str, list[str]]]:
    def place(file: str, line: int) -> str:
        return f"{esc(file)}:{line}"

    def finding(f: Finding) -> str:
        where = place(f.file, f.line)
        return f"[{f.severity.value.upper()}] {esc(f.rule)} {where}  {esc(f.message)}"

    def entry(e: EntryChange) -> str:
        fails = f"  fails {', '.join(CHECK_LABELS[c] for c in e.failing)}" if e.failing else ""
        return f"{esc(e.name)} ({place(e.file, e.line)}){fails}"

    return [
        ("New findings (most severe first)", [finding(f) for f in result.new]),
        (
            "Lost guards (checks that passed before)",
            [
                f"{esc(g.name)} ({place(g.file, g.line)})  {CHECK_LABELS[g.check]}: "
                f"{g.before} -> {g.after}"
                for g in result.lost_guards
            ],
        ),
        ("New entry points (those failing a check first)", [entry(e) for e in result.added]),
        ("Removed entry points", [entry(e) for e in result.removed]),
        ("Fixed findings", [finding(f) for f in result.fixed]),
        (
            "Score changes",
            [
                f"{esc(s.feature)}: {_score(s.before, s.grade_before)} -> "
                f"{_score(s.after, s.grade_after)}"
                for s in result.scores
            ],
        ),
    ]


def _score(score: int | None, grade: str | None) -> str:
    return "none" if score is None else f"{score} ({grade})"


# A Markdown diff is posted as a pull-request comment: rows stop short of GitHub's 65,536 characters
# (the budget of the Markdown summary), with what is left out counted per section.
MD_ROWS_BUDGET = COMMENT_BUDGET - 5_000  # room for the headings and notes that follow
MD_CELL = 300  # characters of one repo-derived field, escaped


def render_diff(result: DiffResult, fmt: str) -> str:
    """The diff as JSON, Markdown or terminal text; repo-derived text escaped for each. The
    Markdown one stays under COMMENT_BUDGET characters, saying how many rows it leaves out."""
    if fmt == "json":
        return _json(result)
    md = fmt == "md"
    esc: Callable[[str], str] = (lambda text: md_cell(text, MD_CELL)) if md else reveal
    out = ["## archtools diff" if md else "archtools diff", ""]
    out.append(
        f"{len(result.new)} new findings, {len(result.fixed)} fixed, "
        f"{len(result.lost_guards)} lost guards, {len(result.added)} new entry points "
        f"({len(result.unguarded)} failing a check), {len(result.removed)} removed"
    )
    size = sum(len(line) + 1 for line in out)
    for title, rows in _sections(result, esc):
        if not rows:
            continue
        out += ["", f"### {title}" if md else f"{title}:"]
        shown = 0
        for row in rows:
            line = f"- {row}" if md else f"  {row}"
            if md and size + len(line) + 1 > MD_ROWS_BUDGET:
                break
            out.append(line)
            size += len(line) + 1
            shown += 1
        if shown < len(rows):
            out.append(f"- and {len(rows) - shown} more (`--format json` lists them all)")
    return "\n".join(out) + "\n"


def _load_audit_file(path: str) -> Audit:
    try:
        return Audit.from_json(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError(f"{path} does not exist") from error
    except ValueError as error:
        raise InputError(f"{path} is not an archtools audit JSON: {error}") from error


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
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


def checkout_revision(repo: Path, revision: str, target: Path) -> list[str]:
    """Write the files of `revision` into `target` from git's object store, with no checkout: no
    hooks, no filters, no symlinks, nothing from the repository runs. Returns the paths written."""
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", "-l", revision)
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
        return []
    batch = _git(
        repo, "cat-file", "--batch", data="".join(f"{sha}\n" for _p, sha in wanted).encode()
    )
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
    return [path for path, _sha in wanted]


def files_at_revision(folder: Path, revision: str) -> frozenset[str]:
    """The paths, relative to `folder`, of the files under `folder` at git `revision` of the
    repository holding it (for `--migrations-since REF`)."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder")
    try:
        if revision.startswith("-"):
            raise InputError(f"{revision!r} looks like an option")
        _git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except InputError as error:
        raise InputError(
            f"--migrations-since {revision!r}: not a commit of a git repository holding {folder}"
            f" ({error})"
        ) from error
    listing = _git(folder, "ls-tree", "-r", "-z", "--name-only", revision, "--", ".")
    return frozenset(
        name.decode("utf-8", errors="replace") for name in listing.split(b"\0") if name
    )


def audits_for_diff(
    base: str, head: str, repo: Path | None, progress: Progress | None = None
) -> tuple[Audit, Audit]:
    """The two audits to compare: two audit JSON files, or (with `repo`) the audits of two of its
    revisions, `progress` following each (its stages named `base parse`, `head analyse`, ...).
    Revisions are both judged with the migrations of `base` as applied history, so the migration
    rules report on the migrations `head` adds."""
    if repo is None:
        return _load_audit_file(base), _load_audit_file(head)
    from archtools.pipeline import audit

    audits = []
    applied: frozenset[str] | None = None
    for side, revision in (("base", base), ("head", head)):
        labelled = None
        if progress is not None:
            labelled = _labelled(progress, side)
        with tempfile.TemporaryDirectory(prefix="archtools-diff-") as folder:
            written = checkout_revision(repo, revision, Path(folder))
            applied = frozenset(written) if applied is None else applied
            scope = MigrationScope.since_state(applied, f"git revision {base}")
            audits.append(audit(Path(folder), AuditOptions(progress=labelled, migrations=scope)))
    return audits[0], audits[1]


def _labelled(progress: Progress, side: str) -> Progress:
    def report(stage: str, done: int, total: int) -> None:
        progress(f"{side} {stage}", done, total)

    return report
