"""Baseline files: the fingerprints of accepted findings, so CI fails only on new ones."""

from __future__ import annotations

import json
from pathlib import Path

from archtools.errors import InputError
from archtools.results import Audit

BASELINE_VERSION = 1


def write_baseline(audit: Audit, path: Path) -> int:
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "rule": f.rule, "file": f.file, "message": f.message}
            for f in audit.findings
        ),
        key=lambda e: (e["file"], e["rule"], e["fingerprint"]),
    )
    document = {"archtools_baseline": BASELINE_VERSION, "findings": entries}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def read_baseline(path: Path) -> set[str]:
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
    return {
        str(item["fingerprint"])
        for item in findings
        if isinstance(item, dict) and "fingerprint" in item
    }
