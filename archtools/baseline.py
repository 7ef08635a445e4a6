"""Baseline files: the fingerprints of accepted findings, so CI fails only on new ones, and the
migration files the audit saw, which later audits take as applied history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from archtools.errors import InputError
from archtools.results import Audit
from archtools.rules.migration_scope import MigrationScope

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    """What a baseline file holds; `migrations` is None for a file written before baselines
    recorded them."""

    fingerprints: set[str]
    migrations: frozenset[str] | None

    def migration_scope(self, path: Path) -> MigrationScope | None:
        """The migrations new since this baseline, or None when it recorded none."""
        if self.migrations is None:
            return None
        return MigrationScope.since_state(self.migrations, f"the baseline {path.name}")


def write_baseline(audit: Audit, path: Path) -> int:
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "rule": f.rule, "file": f.file, "message": f.message}
            for f in audit.findings
        ),
        key=lambda e: (e["file"], e["rule"], e["fingerprint"]),
    )
    migrations = sorted({*audit.migrations.judged, *audit.migrations.history})
    document = {
        "archtools_baseline": BASELINE_VERSION,
        "findings": entries,
        "migrations": migrations,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def load_baseline(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise InputError(f"baseline file {path} does not exist") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"baseline file {path} is not valid JSON: {error}") from error
    if not isinstance(document, dict) or document.get("archtools_baseline") != BASELINE_VERSION:
        raise InputError(
            f"{path} is not an archtools baseline (write one with `archtools baseline`)"
        )
    findings = document.get("findings", [])
    fingerprints = {
        str(item["fingerprint"])
        for item in findings
        if isinstance(item, dict) and "fingerprint" in item
    }
    migrations = document.get("migrations")
    if migrations is not None and not (
        isinstance(migrations, list) and all(isinstance(m, str) for m in migrations)
    ):
        raise InputError(f"baseline file {path}: `migrations` is not a list of file paths")
    return Baseline(fingerprints, None if migrations is None else frozenset(migrations))


def read_baseline(path: Path) -> set[str]:
    """The fingerprints of the findings a baseline file accepts."""
    return load_baseline(path).fingerprints
