"""The audit contract's JSON Schema: shipped in the package, identical to what the models generate,
and met by real audits (with keys it does not name allowed, as readers must allow them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from archtools.contract import contract_schema, shipped_schema
from archtools.pipeline import AuditOptions, audit

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "shop-vulnerable"


@pytest.fixture(scope="module")
def sample_audit() -> dict[str, object]:
    document: dict[str, object] = json.loads(
        audit(SAMPLE, AuditOptions(use_cache=False, workers=1)).to_json()
    )
    return document


def test_the_shipped_schema_is_the_generated_one() -> None:
    # regenerate with: python -m archtools.contract > archtools/audit.schema.json
    assert shipped_schema() == json.loads(json.dumps(contract_schema(), sort_keys=True))


def test_a_real_audit_meets_the_schema(sample_audit: dict[str, object]) -> None:
    validator = Draft202012Validator(shipped_schema())
    assert not list(validator.iter_errors(sample_audit))
    newer = json.loads(json.dumps(sample_audit))
    newer["provenance"] = {"tool": "later"}
    newer["findings"][0]["triage"] = "accepted"
    assert not list(validator.iter_errors(newer))  # unknown keys are allowed
    newer["findings"][0]["line"] = "twelve"
    assert [list(e.absolute_path) for e in validator.iter_errors(newer)] == [
        ["findings", 0, "line"]
    ]
