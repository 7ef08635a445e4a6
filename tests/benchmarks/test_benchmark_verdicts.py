"""The benchmark's verdicts: warm and changed targets judged at 10,000 files, memory at every size,
and the memory growth line between the two largest sizes."""

from __future__ import annotations

from benchmarks.run_benchmark import Result, Run, growth, verdicts


def run(wall: float, memory: float, scanned: int) -> Run:
    return Run(wall=wall, seconds=wall, scanned=scanned, cached=0, tree_mb=memory, single_mb=0.0)


def result(files: int, cold: float, warm: float, changed: float, memory: float) -> Result:
    made = Result(files)
    made.cold = [run(cold, memory, files)]
    made.warm = [run(warm, memory / 2, files)]
    made.changed = [run(changed, memory / 2, files)]
    return made


RESULTS = [
    result(1_000, 0.5, 0.2, 0.3, 200.0),
    result(10_000, 5.0, 0.8, 0.6, 700.0),
    result(50_000, 40.0, 4.0, 9.0, 1500.0),
]


def test_targets_apply_where_they_are_set() -> None:
    assert verdicts(RESULTS) == [
        "PASS  cold >= 1,500 files/s at 1,000: 2,000 files/s",
        "PASS  cold >= 1,500 files/s at 10,000: 2,000 files/s",
        "MISS  cold >= 1,500 files/s at 50,000: 1,250 files/s",
        "MISS  warm < 0.5 s at 10,000: 0.80 s",
        "MISS  one-file-changed < 0.5 s at 10,000: 0.60 s",
        "PASS  peak memory < 1,024 MB at 1,000: 200 MB",
        "PASS  peak memory < 1,024 MB at 10,000: 700 MB",
        "MISS  peak memory < 1,024 MB at 50,000: 1,500 MB",
    ]


def test_growth_is_per_thousand_files_between_the_two_largest_sizes() -> None:
    assert growth(RESULTS) == (
        "Memory growth from 10,000 to 50,000 files: 20.0 MB per 1,000 files "
        "(2.1x the memory for 5x the files)."
    )
    assert growth(RESULTS[:1]) is None
