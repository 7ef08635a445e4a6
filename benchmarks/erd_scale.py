"""How long `archtools erd` takes on a large schema: default SVG, PNG, --focus, --overview and the
text exports, each in a fresh process (start-up and schema parsing included), median of `--runs`.

    .venv/bin/python benchmarks/erd_scale.py                       # the generated 292-model schema
    .venv/bin/python benchmarks/erd_scale.py path/to/schema.prisma # any schema, repository or folder
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS: list[tuple[str, str, list[str]]] = [
    ("default SVG", "erd.svg", []),
    ("PNG", "erd.png", []),
    ("--focus User --depth 2", "focus.svg", ["--focus", "User", "--depth", "2"]),
    ("--focus User", "focus1.svg", ["--focus", "User"]),
    ("--overview", "overview.svg", ["--overview"]),
    ("--hide-scalars", "keys.svg", ["--hide-scalars"]),
    ("Mermaid", "erd.mmd", []),
    ("Mermaid --split", "split.mmd", ["--split"]),
    ("DBML --split", "split.dbml", ["--split"]),
]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(schema: Path, out: Path, args: list[str], runs: int) -> tuple[float, float, str]:
    """Median wall-clock and CPU seconds (the process and the graphviz runs it starts)."""
    seconds, cpu, last = [], [], ""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _cpu()
        done = subprocess.run(
            [sys.executable, "-m", "archtools", "erd", str(schema), "-o", str(out), *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        seconds.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
        if done.returncode != 0:
            return float("nan"), float("nan"), done.stderr.strip().splitlines()[-1]
        last = " / ".join(
            line for line in done.stderr.splitlines() if line.startswith("archtools:")
        )
    return statistics.median(seconds), statistics.median(cpu), last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        schema = args.schema
        if schema is None:
            sys.path.insert(0, str(ROOT))
            from tests.support.large_schema import large_prisma_schema

            schema = Path(work) / "schema.prisma"
            schema.write_text(large_prisma_schema(), encoding="utf-8")
        load = os.getloadavg()[0]
        print(
            f"{schema.name}: {os.cpu_count()} cores, load {load:.1f}, median of {args.runs} runs\n"
        )
        print("| command | wall s | CPU s | notes |\n|---|---:|---:|---|")
        for label, name, extra in COMMANDS:
            seconds, cpu, notes = _time(schema, Path(work) / name, extra, args.runs)
            print(f"| `{label}` | {seconds:.2f} | {cpu:.2f} | {notes.replace('|', '/')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
