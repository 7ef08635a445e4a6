"""Time cold, warm and one-file-changed audits of synthetic monorepos, each in a fresh process."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run as a script

from benchmarks.generate_repo import generate  # noqa: E402

WORK = HERE / "work"
ARCHTOOLS = ROOT / ".venv" / "bin" / "archtools"
README = HERE / "README.md"  # its Results section
MARKER = "<!-- BENCHMARK-RESULTS -->"
SAMPLE_SECONDS = 0.1
GENERATOR_SOURCES = sorted(p.name for p in HERE.glob("*.py") if p.name != "run_benchmark.py")

# Targets of the "Speed is a feature" issue.
TARGET_COLD_RATE = 1500.0  # files per second, cold
TARGET_WARM_S = 0.5  # at 10k files
TARGET_CHANGED_S = 0.5  # at 10k files
TARGET_MEMORY_MB = 1024.0
TARGET_SIZE = 10_000  # where the warm and one-file-changed targets apply


@dataclass
class Run:
    """One audit process: wall time, what it reported, and its memory."""

    wall: float
    seconds: float  # the audit's own stats.seconds (no start-up, no report rendering)
    scanned: int
    cached: int
    tree_mb: float  # peak of the summed PSS of the process and its workers, sampled
    single_mb: float  # peak RSS of the largest single process (getrusage, exact)

    @property
    def memory_mb(self) -> float:
        return max(self.tree_mb, self.single_mb)


@dataclass
class Result:
    files: int
    prime: Run | None = None
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    changed: list[Run] = field(default_factory=list)

    def runs(self) -> list[Run]:
        return [r for r in (self.prime, *self.cold, *self.warm, *self.changed) if r is not None]


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [pid], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _tree_pss_kb(pid: int) -> int:
    total = 0
    for member in _descendants(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total


def audit_once(repo: Path, cache: Path, *, no_cache: bool) -> Run:
    """Run `archtools audit` in a fresh process, sampling the memory of its process tree."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [str(ARCHTOOLS), "audit", str(repo), "--format", "json", "-o", str(out)]
        env = {**os.environ, "ARCHTOOLS_CACHE_DIR": str(cache)}
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*command, *(["--no-cache"] if no_cache else [])],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        peak_kb = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_kb = max(peak_kb, _tree_pss_kb(proc.pid))
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise RuntimeError(f"archtools exited {proc.returncode}: {stderr}")
        stats = json.loads(out.read_text())["stats"]
    return Run(
        wall=wall,
        seconds=float(stats["seconds"]),
        scanned=int(stats["files_scanned"]),
        cached=int(stats.get("files_cached", 0)),
        tree_mb=peak_kb / 1024,
        single_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
    )


def prepare_repo(files: int, seed: int, work: Path = WORK) -> Path:
    """The generated repository for `files` under `work`, regenerated only when the generator
    changed."""
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((HERE / name).read_bytes())
    stamp_text = json.dumps({"files": files, "seed": seed, "generator": digest.hexdigest()})
    repo, stamp = work / f"repo-{files}", work / f"repo-{files}.stamp"
    if repo.is_dir() and stamp.is_file() and stamp.read_text() == stamp_text:
        return repo
    if repo.exists():
        shutil.rmtree(repo)
    started = time.perf_counter()
    generate(repo, files, seed)
    stamp.write_text(stamp_text)
    print(f"  generated {repo} in {time.perf_counter() - started:.1f} s")
    return repo


def changed_file(repo: Path) -> Path:
    """The route handler the one-file-changed runs edit: the first one by path."""
    routes = sorted((repo / "apps/web/app/api").rglob("route.ts"))
    return next(p for p in routes if "[...nextauth]" not in str(p) and "/health/" not in str(p))


def measure(files: int, seed: int, runs: int, budget_end: float, work: Path = WORK) -> Result:
    """Warm, one-file-changed and cold runs, in that order, so that every warm run follows a run
    of the same content and every changed run follows a run that differs in one file only.
    The first run of each kind always happens; repeats only while the time budget allows."""
    repo = prepare_repo(files, seed, work)
    result = Result(files)
    with tempfile.TemporaryDirectory(prefix="archtools-bench-") as tmp:
        cache, empty = Path(tmp) / "cache", Path(tmp) / "empty"
        result.prime = audit_once(repo, cache, no_cache=False)
        _show("prime (cold, writes the cache)", result.prime)
        target = changed_file(repo)
        original = target.read_bytes()
        try:
            for kind, bucket in (
                ("warm", result.warm),
                ("changed", result.changed),
                ("cold", result.cold),
            ):
                for index in range(runs):
                    if index and time.perf_counter() + _cost(bucket) > budget_end:
                        break
                    if kind == "changed":
                        target.write_bytes(original + f"\n// revision {index + 1}\n".encode())
                    elif target.read_bytes() != original:  # untouched stays untouched (stamps)
                        target.write_bytes(original)
                    if kind == "cold":
                        shutil.rmtree(empty, ignore_errors=True)
                        empty.mkdir()
                    bucket.append(
                        audit_once(
                            repo, empty if kind == "cold" else cache, no_cache=kind == "cold"
                        )
                    )
                    _show(kind, bucket[-1])
        finally:
            target.write_bytes(original)
    return result


def _cost(runs: list[Run]) -> float:
    return max((r.wall for r in runs), default=0.0)


def _show(kind: str, run: Run) -> None:
    print(
        f"  {kind:<32} {run.wall:7.2f} s wall, {run.seconds:7.2f} s in audit, "
        f"{run.scanned} scanned, {run.cached} cached, {run.memory_mb:6.0f} MB"
    )


def _median(runs: list[Run]) -> float:
    return statistics.median(r.wall for r in runs) if runs else float("nan")


def _cell(runs: list[Run]) -> str:
    return f"{_median(runs):.2f}" + (
        f" ({len(runs)} run{'s' if len(runs) > 1 else ''})" if len(runs) != 3 else ""
    )


def table(results: list[Result]) -> str:
    lines = [
        "| N | files scanned | cold s | cold files/s | warm s | one-file-changed s | peak memory MB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        scanned = r.cold[0].scanned if r.cold else 0
        rate = scanned / _median(r.cold) if r.cold else float("nan")
        memory = max(run.memory_mb for run in r.runs())
        lines.append(
            f"| {r.files:,} | {scanned:,} | {_cell(r.cold)} | {rate:,.0f} | {_cell(r.warm)} "
            f"| {_cell(r.changed)} | {memory:,.0f} |"
        )
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    # The warm and one-file-changed targets are set at 10,000 files (or the largest size run).
    at_target = next((r for r in results if r.files == TARGET_SIZE), None) or max(
        results, key=lambda r: r.files
    )
    out = []
    for r in results:
        rate = r.cold[0].scanned / _median(r.cold)
        out.append(
            _verdict(
                f"cold >= {TARGET_COLD_RATE:,.0f} files/s at {r.files:,}",
                rate >= TARGET_COLD_RATE,
                f"{rate:,.0f} files/s",
            )
        )
    warm, changed = _median(at_target.warm), _median(at_target.changed)
    n = f"{at_target.files:,}"
    out.append(
        _verdict(f"warm < {TARGET_WARM_S:g} s at {n}", warm < TARGET_WARM_S, f"{warm:.2f} s")
    )
    out.append(
        _verdict(
            f"one-file-changed < {TARGET_CHANGED_S:g} s at {n}",
            changed < TARGET_CHANGED_S,
            f"{changed:.2f} s",
        )
    )
    for r in results:
        memory = max(run.memory_mb for run in r.runs())
        out.append(
            _verdict(
                f"peak memory < {TARGET_MEMORY_MB:,.0f} MB at {r.files:,}",
                memory < TARGET_MEMORY_MB,
                f"{memory:,.0f} MB",
            )
        )
    return out


def growth(results: list[Result]) -> str | None:
    """How peak memory grows with the repository: MB per 1,000 files between the two largest sizes."""
    if len(results) < 2:
        return None
    small, large = sorted(results, key=lambda r: r.files)[-2:]
    low = max(run.memory_mb for run in small.runs())
    high = max(run.memory_mb for run in large.runs())
    per_thousand = (high - low) / (large.files - small.files) * 1000
    return (
        f"Memory growth from {small.files:,} to {large.files:,} files: {per_thousand:,.1f} MB per "
        f"1,000 files ({high / low:.1f}x the memory for {large.files / small.files:.0f}x the files)."
    )


def _verdict(name: str, ok: bool, value: str) -> str:
    return f"{'PASS' if ok else 'MISS'}  {name}: {value}"


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def revision() -> tuple[str, str]:
    """The archtools revision as a label, and a digest that changes with any edit under archtools/."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", "archtools")
    label = commit + (" plus uncommitted changes" if dirty else "")
    digest = hashlib.sha256((dirty + _git("diff", "HEAD", "--", "archtools")).encode()).hexdigest()
    return label, digest


def machine(label: str, load_before: float) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, archtools at {label}, "
        f"load average {load_before:.1f} before the runs"
    )


def readme_section(results: list[Result], where: str, sizes: list[int]) -> str:
    command = f"run_benchmark.py --sizes {' '.join(map(str, sizes))} --write-readme"
    notes = (
        f"Measured on {where}. Wall-clock seconds of the whole `archtools audit --format json` "
        "process (start-up and report included), median of 3 runs unless noted; the repository is "
        "in the OS file cache. Cold: `--no-cache` and an empty cache directory. Warm: the same "
        "cache, nothing changed. One-file-changed: one route handler edited, warm cache. Peak "
        "memory: the larger of the summed PSS of the audit process and its workers (sampled every "
        "0.1 s) and the largest single process's max RSS. Other load on the machine shows up "
        "directly in these figures."
    )
    grew = growth(results)
    return (
        f"{MARKER}\n\n{table(results)}\n\n"
        + "\n".join(f"- {v}" for v in verdicts(results))
        + "\n\n"
        + (f"{grew}\n\n" if grew else "")
        + textwrap.fill(notes, width=100)
        + f"\n\nReproduce: `make bench`, or `.venv/bin/python benchmarks/{command}` to rewrite this"
        " section.\n"
    )


def write_readme(section: str) -> None:
    lines = README.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == MARKER)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    tail = ["\n", *lines[end:]] if end < len(lines) else []
    README.write_text("".join([*lines[:start], section, *tail]), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1000, 10000, 50000],
        help="code files per repository",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of each kind, time budget allowing"
    )
    parser.add_argument(
        "--budget", type=float, default=900.0, help="seconds; later repeats are skipped past it"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--work",
        type=Path,
        default=WORK,
        help="where the generated repositories are kept (default: benchmarks/work)",
    )
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help=f"write the table under {MARKER} in benchmarks/README.md",
    )
    args = parser.parse_args(argv)
    if not ARCHTOOLS.exists():
        parser.error(f"{ARCHTOOLS} not found: run `make setup` first")
    args.work.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    label, digest = revision()
    print(f"archtools at {label}, load average {load_before:.1f}")
    budget_end = time.perf_counter() + args.budget
    results: list[Result] = []
    for files in sorted(args.sizes):
        print(f"N = {files:,}")
        results.append(measure(files, args.seed, args.runs, budget_end, args.work))
    if revision()[1] != digest:
        label += ", edited during the run"
    where = machine(label, load_before)
    print()
    print(table(results))
    print()
    print("\n".join(verdicts(results)))
    print(growth(results) or "")
    if args.write_readme:
        write_readme(readme_section(results, where, sorted(args.sizes)))
        print(f"\nwrote the results to {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
