"""`make realworld`: audit every labelled real-world app from its mirror and score the audit against the
labels (tests/realworld/README.md); the table goes to benchmarks/realworld.md.

  python benchmarks/realworld.py [--app NAME] [--split dev|test|all] [--json] [--no-mutation]
                                 [--sample-findings [--per-family N] [--seed S]]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run as a script

from benchmarks.realworld_labels import AppLabels, discover, load_findings, strata  # noqa: E402
from benchmarks.realworld_mutate import MutationScore, run_mutations  # noqa: E402
from benchmarks.realworld_report import render_markdown, summary_json  # noqa: E402
from benchmarks.realworld_sample import draw_sample, drawn_by_app  # noqa: E402
from benchmarks.realworld_score import AppScore, FamilyPrecision, score_app, score_findings  # noqa: E402

CORPUS = ROOT / "tests" / "realworld"
WORK = HERE / "work" / "realworld"
OUTPUT = HERE / "realworld.md"


FINDINGS = CORPUS / "findings"  # --findings: the classified sample to score precision on
SOURCE: Path | None = None  # --archtools-src: audit with the archtools package of another checkout


def archtools_command() -> list[str]:
    venv = ROOT / ".venv" / "bin" / "archtools"
    if SOURCE is None and venv.exists():
        return [str(venv)]
    return [sys.executable, "-m", "archtools"]


def archtools_env() -> dict[str, str]:
    env = dict(os.environ)
    if SOURCE is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")]))
    return env


def mirrors_dir() -> Path:
    return Path(os.environ.get("ARCHTOOLS_MIRRORS") or ROOT.parent / ".mirror")


@dataclass
class AppRun:
    labels: AppLabels
    status: str = "ok"  # ok | skipped | error
    reason: str = ""
    seconds: float = 0.0
    entry_points: int = 0
    findings_by_family: dict[str, int] = field(default_factory=dict)
    score: AppScore = field(default_factory=AppScore)
    mutation: MutationScore = field(default_factory=MutationScore)
    precision: dict[str, FamilyPrecision] = field(default_factory=dict)
    audit: dict[str, Any] | None = None


def _git(mirror: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "--git-dir", str(mirror), *args], capture_output=True, check=False
    )


def materialize(mirror: Path, commit: str, dest: Path) -> None:
    """The tree of `commit` written into `dest` (once; a stamp marks a finished copy). Symlinks are
    left out, as are files a snapshot lacks."""
    stamp = dest / ".realworld-commit"
    if stamp.is_file() and stamp.read_text().strip() == commit:
        return
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = dest.parent / f"{dest.name}.tar"
    with archive.open("wb") as out:
        made = subprocess.run(
            ["git", "--git-dir", str(mirror), "archive", commit],
            stdout=out,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    if made.returncode == 0:
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
            tar.extractall(dest, members=members, filter="data")
    else:
        listing = _git(mirror, "ls-tree", "-r", "-z", commit).stdout.decode()
        for record in filter(None, listing.split("\0")):
            meta, path = record.split("\t", 1)
            mode, kind, obj = meta.split()
            if kind != "blob" or mode == "120000":
                continue
            blob = _git(mirror, "cat-file", "blob", obj)
            if blob.returncode == 0:
                (dest / path).parent.mkdir(parents=True, exist_ok=True)
                (dest / path).write_bytes(blob.stdout)
    archive.unlink(missing_ok=True)
    stamp.write_text(commit)


def run_audit(path: Path, cache: Path, *, cold: bool = False) -> dict[str, Any]:
    # a file of this run's own: runs of other checkouts may audit the same tree at once
    handle, name = tempfile.mkstemp(prefix=f"{path.parent.name}-", suffix=".audit.json")
    os.close(handle)
    out = Path(name)
    env = {**archtools_env(), "ARCHTOOLS_CACHE_DIR": str(cache)}
    # every migration judged, as if none were applied: the migration rules' precision is
    # measured on all of them (an audit judges only those new since a base by default)
    command = [
        *archtools_command(),
        "audit",
        str(path),
        "--format",
        "json",
        "-o",
        str(out),
        "--migrations-since",
        "all",
        # the opt-in rules too: their precision is what decides whether they may join the default
        "--select",
        "ALL",
    ]
    if cold:
        command.append("--no-cache")
    # With --archtools-src, run from that checkout: `python -m` puts the working folder first on
    # the import path, which would otherwise be this checkout's archtools.
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=SOURCE, check=False
        )
        if done.returncode not in (0, 1) or not out.stat().st_size:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "no audit")
        audit: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)
    return audit


def evaluate(labels: AppLabels, *, mutate: bool) -> AppRun:
    run = AppRun(labels)
    mirror = mirrors_dir() / labels.mirror / "repo"
    if not mirror.is_dir():
        run.status, run.reason = "skipped", f"no mirror at {mirror}"
        return run
    if _git(mirror, "cat-file", "-e", f"{labels.commit}^{{commit}}").returncode != 0:
        run.status, run.reason = "skipped", f"the mirror lacks commit {labels.commit[:12]}"
        return run
    base = WORK / f"{labels.name}@{labels.commit[:12]}" / "tree"
    cache = WORK / "cache"
    try:
        materialize(mirror, labels.commit, base)
        started = time.perf_counter()
        audit = run_audit(base, cache, cold=True)
        run.seconds = time.perf_counter() - started
    except (RuntimeError, OSError) as error:
        run.status, run.reason = "error", str(error)
        return run
    run.audit = audit
    run.entry_points = len(audit.get("entry_points", []))
    for finding in audit.get("findings", []):
        for name in strata(finding["rule"]):
            run.findings_by_family[name] = run.findings_by_family.get(name, 0) + 1
    run.score = score_app(labels, audit)
    if mutate:
        run.mutation = run_mutations(
            labels, base, audit, base.parent, lambda path: run_audit(path, cache)
        )
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", help="one app: its label file's name (owner-name) or owner/name")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--no-mutation", action="store_true", help="skip the mutation audits")
    parser.add_argument("--sample-findings", action="store_true", help="draw the findings sample")
    parser.add_argument(
        "--per-family", type=int, default=35, help="findings sampled per split and rule family"
    )
    parser.add_argument("--seed", type=int, default=11, help="the seed of the findings sample")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--archtools-src",
        type=Path,
        help="audit with the archtools package of this checkout (e.g. a worktree of an older commit)",
    )
    parser.add_argument(
        "--findings",
        type=Path,
        help="score precision on this folder of classified findings (default tests/realworld/findings)",
    )
    args = parser.parse_args(argv)
    global SOURCE, FINDINGS
    FINDINGS = args.findings.resolve() if args.findings else CORPUS / "findings"
    SOURCE = args.archtools_src.resolve() if args.archtools_src else None

    apps = [
        app
        for app in discover(CORPUS / "labels")
        if (args.split == "all" or app.split == args.split)
        and (args.app is None or args.app in (app.name, app.repo))
    ]
    if not apps:
        print(f"realworld: no labelled app matches {args.app or args.split}", file=sys.stderr)
        return 2
    runs = []
    for app in apps:
        print(f"realworld: {app.name} ...", file=sys.stderr, flush=True)
        runs.append(evaluate(app, mutate=not args.no_mutation and not args.sample_findings))
        print(f"realworld: {app.name}: {runs[-1].status} {runs[-1].reason}", file=sys.stderr)
    commit = _own_commit(SOURCE or ROOT)
    if args.sample_findings:
        written = draw_sample(runs, CORPUS / "findings", args.per_family, args.seed, commit)
        for path, count in written.items():
            print(f"realworld: {count} findings to classify in {path}", file=sys.stderr)
        return 0
    # precision on a sample drawn per split from what the runs report (with --app, from that app)
    sample = drawn_by_app(runs, args.per_family, args.seed)
    for run in runs:
        if run.audit is not None:
            classified = load_findings(FINDINGS / f"{run.labels.name}.yaml")
            run.precision = score_findings(classified, run.audit, sample.get(run.labels.name, []))
    if args.json:
        print(json.dumps(summary_json(runs, commit), indent=2))
    markdown = render_markdown(runs, commit, mutated=not args.no_mutation)
    if not args.json:
        print(markdown)
    if args.app is None and args.split == "all":
        args.output.write_text(markdown, encoding="utf-8")
    return 0


def _own_commit(root: Path) -> str:
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short=10", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--", "archtools"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head or 'unknown'}{' (with uncommitted changes to archtools/)' if dirty else ''}"


if __name__ == "__main__":
    sys.exit(main())
