"""The real-world scores as a Markdown table (benchmarks/realworld.md) and as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archtools.rules.selection import opt_in_rules
from benchmarks.realworld_labels import CHECKS, RULES_MEASURED_ALONE
from benchmarks.realworld_mutate import MutationScore
from benchmarks.realworld_score import PREDICTED, AppScore, FamilyPrecision

if TYPE_CHECKING:
    from benchmarks.realworld import AppRun

SPLITS = (("dev", "Development split"), ("test", "Test split"))
SECURITY_FAMILIES = ("ATH", "AZ", "VAL", "EXP", "INJ", "SEC", "NXT")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _totals(runs: list[AppRun]) -> tuple[AppScore, MutationScore, dict[str, FamilyPrecision]]:
    score, mutation = AppScore(), MutationScore()
    families: dict[str, FamilyPrecision] = {}
    for run in runs:
        if run.status != "ok":
            continue
        score.add(run.score)
        mutation.add(run.mutation)
        for family, part in run.precision.items():
            families.setdefault(family, FamilyPrecision()).add(part)
    return score, mutation, families


def _evidence(score: AppScore) -> float | None:
    right = sum(c.evidence_right for c in score.checks.values())
    wrong = sum(c.evidence_wrong for c in score.checks.values())
    return right / (right + wrong) if right + wrong else None


def _split_markdown(runs: list[AppRun], title: str, mutated: bool) -> list[str]:
    lines = [f"## {title}", ""]
    lines += [
        "| app | status | entry points (audit) | labelled | recall | spurious | auth acc | authz acc | validation acc | unknown | mutation | s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        if run.status != "ok":
            lines.append(f"| {run.labels.repo} | {run.status}: {run.reason} | | | | | | | | | | |")
            continue
        s = run.score
        acc = [_pct(s.checks[c].accuracy) for c in CHECKS]
        killed = _pct(run.mutation.score) if mutated else "not run"
        lines.append(
            f"| {run.labels.repo} | ok | {run.entry_points} | {s.labelled} | {_pct(s.recall)} "
            f"| {len(s.spurious)} | {' | '.join(acc)} | {_pct(s.unknown_share)} | {killed} "
            f"| {run.seconds:.1f} |"
        )
    score, mutation, families = _totals(runs)
    lines += [
        "",
        f"Entry-point recall {_pct(score.recall)} ({score.found}/{score.labelled}), "
        f"spurious entry points in scope {len(score.spurious)}, entry-kind disagreements "
        f"{len(score.kind_mismatch)}; `unknown` share {_pct(score.unknown_share)}; evidence "
        f"agreement {_pct(_evidence(score))}; mutation score "
        f"{_pct(mutation.score) if mutated else 'not run'}"
        + (
            f" ({mutation.killed}/{mutation.total} killed, {len(mutation.invalid)} invalid, "
            f"{mutation.skipped} labelled passes the audit did not call pass, "
            f"{mutation.audits} mutant audits)"
            if mutated
            else ""
        )
        + ".",
        "",
    ]
    lines += [
        "| check | scored | accuracy | fail recall | evidence right/wrong | "
        + " | ".join(f"label {want}: " + "/".join(PREDICTED) for want in ("pass", "fail", "n/a"))
        + " |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for check in CHECKS:
        c = score.checks[check]
        rows = [
            "/".join(str(c.confusion[(want, got)]) for got in PREDICTED)
            for want in ("pass", "fail", "n/a")
        ]
        lines.append(
            f"| {check} | {c.scored} | {_pct(c.accuracy)} | {_pct(c.fail_recall)} "
            f"| {c.evidence_right}/{c.evidence_wrong} | {' | '.join(rows)} |"
        )
    reported: dict[str, int] = {}
    for run in runs:
        for name, count in run.findings_by_family.items():
            reported[name] = reported.get(name, 0) + count
    names = sorted(set(reported) | set(families))
    lines += [
        "",
        *_precision_table(
            "rule family", [n for n in names if n not in RULES_MEASURED_ALONE], reported, families
        ),
    ]
    alone = [n for n in names if n in RULES_MEASURED_ALONE]
    if alone:
        lines += ["", *_precision_table("rule measured alone", alone, reported, families)]
    lines.append("")
    return lines


def _precision_table(
    what: str, names: list[str], reported: dict[str, int], scores: dict[str, FamilyPrecision]
) -> list[str]:
    lines = [
        f"| {what} | findings reported | sampled | TP/FP/DEBATABLE | not yet classified | precision | 95% lower bound | classified, no longer reported (of them TP) |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for name in names:
        p = scores.get(name, FamilyPrecision())
        mark = " (security)" if name in SECURITY_FAMILIES else ""
        mark += " (opt-in)" if name in opt_in_rules() else ""
        lines.append(
            f"| {name}{mark} | {reported.get(name, 0)} | {p.total + p.unclassified} "
            f"| {p.tp}/{p.fp}/{p.debatable} | {p.unclassified} | {_pct(p.precision)} "
            f"| {_pct(p.lower)} | {p.stale} ({p.stale_tp}) |"
        )
    return lines


def render_markdown(runs: list[AppRun], commit: str, *, mutated: bool) -> str:
    lines = [
        "# Real-world scores",
        "",
        f"archtools at {commit}; `make realworld` (benchmarks/realworld.py) against the labels in "
        "tests/realworld/. Accuracy counts every scored label (`any` is not scored; an entry point "
        "the audit did not find counts as wrong); fail recall counts `unknown` on a labelled fail as "
        "a miss; a mutant is killed when the audit said `pass` and says `fail` once the guard lines "
        "are blanked. Confusion columns: " + "/".join(PREDICTED) + " as predicted.",
        "",
    ]
    for split, title in SPLITS:
        part = [run for run in runs if run.labels.split == split]
        if part:
            lines += _split_markdown(part, title, mutated)
    return "\n".join(lines)


def summary_json(runs: list[AppRun], commit: str) -> dict[str, Any]:
    out: dict[str, Any] = {"archtools": commit, "splits": {}}
    for split, _ in SPLITS:
        part = [run for run in runs if run.labels.split == split]
        score, mutation, families = _totals(part)
        out["splits"][split] = {
            "apps": {
                run.labels.repo: {
                    "status": run.status,
                    "reason": run.reason,
                    "seconds": round(run.seconds, 2),
                    "recall": run.score.recall,
                    "spurious": run.score.spurious,
                    "missing": run.score.missing,
                    "wrong": {c: run.score.checks[c].wrong for c in CHECKS},
                    "mutation_survived": run.mutation.survived,
                    "mutation_invalid": run.mutation.invalid,
                }
                for run in part
            },
            "entry_point_recall": score.recall,
            "spurious": len(score.spurious),
            "unknown_share": score.unknown_share,
            "evidence_agreement": _evidence(score),
            "mutation_score": mutation.score,
            "checks": {
                check: {
                    "accuracy": score.checks[check].accuracy,
                    "fail_recall": score.checks[check].fail_recall,
                    "confusion": {
                        f"{want}->{got}": n
                        for (want, got), n in score.checks[check].confusion.items()
                    },
                }
                for check in CHECKS
            },
            "precision": {
                family: {
                    "tp": p.tp,
                    "fp": p.fp,
                    "debatable": p.debatable,
                    "precision": p.precision,
                    "lower_95": p.lower,
                    "stale": p.stale,
                    "stale_tp": p.stale_tp,
                    "unclassified": p.unclassified,
                }
                for family, p in families.items()
            },
        }
    return out
