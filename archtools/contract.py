"""The audit contract (CONTRACT.md) as a JSON Schema, generated from the result models and shipped
beside them as `audit.schema.json`, so other tools can validate what they read. Readers ignore keys
they do not know, so the schema lets objects carry more keys than it names.

Regenerate the shipped file with `python -m archtools.contract > archtools/audit.schema.json`."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from archtools.results import Audit

SCHEMA_ID = "https://archtools.dev/schemas/audit.schema.json"


def contract_schema() -> dict[str, Any]:
    """The JSON Schema of an audit as written by `archtools audit --format json`."""
    schema = Audit.model_json_schema(by_alias=True, mode="serialization")
    _open_objects(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "archtools audit",
        "description": "The audit JSON contract; keys are added in minor format versions, never "
        "renamed or dropped, and readers ignore keys they do not know.",
        **schema,
    }


def _open_objects(node: Any) -> None:
    """Drops `additionalProperties: false`: an audit from a newer archtools is still valid."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for value in node.values():
            _open_objects(value)
    elif isinstance(node, list):
        for value in node:
            _open_objects(value)


def shipped_schema() -> dict[str, Any]:
    """The schema shipped in the package."""
    text = resources.files("archtools").joinpath("audit.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def main() -> None:
    print(json.dumps(contract_schema(), indent=2, sort_keys=True))


if __name__ == "__main__":  # pragma: no cover - the regeneration command
    main()
