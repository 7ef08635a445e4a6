"""The SARIF log: valid against the official 2.1.0 schema, GitHub's properties, exact results."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.views.report_sarif import artifact_uri, render_sarif, sarif_log, sarif_text

SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"
ALL_RULES = ["ATH001", "AUD001", "AZ001", "AZ003", "EXP001", "RL001", "SCH002", "TYP001", "VAL001"]


@cache
def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def _assert_valid(log: dict[str, Any]) -> None:
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_the_schema_file_is_the_official_one() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert len(schema["definitions"]) == 52
    # The schema does reject what it should: a result without a message.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    assert list(_validator().iter_errors(bad))
    # Formats are checked too: a raw `[id]` path segment is not a URI reference.
    location = {"physicalLocation": {"artifactLocation": {"uri": "app/[id]/route.ts"}}}
    result = {"message": {"text": "m"}, "locations": [location]}
    raw = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [result]}]}
    assert [e.message for e in _validator().iter_errors(raw)] == [
        "'app/[id]/route.ts' is not a 'uri-reference'"
    ]


def test_valid_against_the_schema(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    _assert_valid(json.loads(render_sarif(audit, rules=rules)))
    _assert_valid(json.loads(render_sarif(audit)))


def test_hostile_audit_still_valid(hostile_audit: Audit, rules: dict[str, RuleMeta]) -> None:
    log = json.loads(render_sarif(hostile_audit, rules=rules))
    _assert_valid(log)
    result = log["runs"][0]["results"][0]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith(
        "apps/admin/server/routers/admin.ts%3Cscript%3Ewindow.__pwned=1%3C/script"
    )
    assert " " not in uri and "<" not in uri and '"' not in uri
    text = result["message"]["text"]
    assert "\\[click\\](javascript:alert(1))" in text  # no embedded link can form
    assert text.endswith("\\x1b\\[31mred\\u202e")


def test_driver_and_rules(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    log = sarif_log(audit, rules=rules)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("archtools", "0.1.0")
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted([*ALL_RULES, "SEC001"])
    az001 = driver["rules"][2]
    assert az001["id"] == "AZ001"
    assert az001["name"] == "idor-unbound-id"
    assert az001["shortDescription"] == {
        "text": "Client-supplied id reaches an owned model unbound"
    }
    assert az001["fullDescription"]["text"].startswith("Any signed-in user can read or delete")
    assert az001["defaultConfiguration"] == {"level": "error"}
    assert az001["properties"] == {
        "tags": ["security", "authz", "CWE-639", "external/cwe/cwe-639"],
        "security-severity": "9.0",
        "precision": "high",
        "problem.severity": "error",
    }
    assert "### Why is this bad?" in az001["help"]["markdown"]
    assert "### Known limitations\n\nidor-unbound-id cannot see" in az001["help"]["markdown"]
    assert "Known limitations\nidor-unbound-id cannot see" in az001["help"]["text"]
    assert (
        "```ts\nawait prisma.note.delete({ where: { id: params.id } });\n```"
        in (az001["help"]["markdown"])
    )
    assert "Use instead (app/api/x/route.ts):\nawait prisma.note.delete" in az001["help"]["text"]
    sec001 = next(r for r in driver["rules"] if r["id"] == "SEC001")
    assert sec001["properties"]["tags"] == [
        "security", "secrets", "CWE-200", "external/cwe/cwe-200", "CWE-798",
        "external/cwe/cwe-798",
    ]  # fmt: skip


def test_rules_missing_from_the_catalog_come_from_their_findings(audit: Audit) -> None:
    driver = sarif_log(audit)["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == ALL_RULES
    az003 = driver["rules"][3]
    assert az003 == {
        "id": "AZ003",
        "name": "admin-without-role-check",
        "shortDescription": {"text": "Admin operation without a role check"},
        "fullDescription": {"text": "Admin operation without a role check"},
        "help": {
            "text": "Admin operation without a role check",
            "markdown": "Admin operation without a role check",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["security", "CWE-285", "external/cwe/cwe-285"],
            "security-severity": "7.0",
            "precision": "medium",
            "problem.severity": "error",
        },
    }
    severities = {r["id"]: r["properties"]["security-severity"] for r in driver["rules"]}
    assert severities == {
        "ATH001": "7.0", "AUD001": "3.0", "AZ001": "9.0", "AZ003": "7.0", "EXP001": "7.0",
        "RL001": "5.0", "SCH002": "3.0", "TYP001": "0.0", "VAL001": "5.0",
    }  # fmt: skip


def test_results(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    run = sarif_log(audit, rules=rules)["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("AZ003", "error"),
        ("TYP001", "note"),
        ("RL001", "warning"),
        ("AUD001", "note"),
        ("AZ001", "error"),
        ("EXP001", "error"),
        ("VAL001", "warning"),
        ("ATH001", "error"),
        ("SCH002", "note"),
    ]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert results[4] == {
        "ruleId": "AZ001",
        "ruleIndex": 2,
        "level": "error",
        "message": {
            "text": "prisma.note.delete uses params.id without binding it to session.user.id"
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "apps/web/app/api/notes/%5Bid%5D/route.ts",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 14, "endLine": 14},
                }
            }
        ],
        "partialFingerprints": {"archtools/v1": "fp-az001-a"},
        "properties": {
            "severity": "critical",
            "entryPoint": "route_handler:apps/web/app/api/notes/[id]/route.ts#DELETE",
            "model": "Note",
            "checklist": "authorization",
        },
    }
    val = results[6]["locations"][0]["physicalLocation"]["region"]
    assert val == {"startLine": 6, "endLine": 9}
    assert results[1]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 31,
        "endLine": 31,
    }


def test_suppressed_findings_carry_a_suppression(audit: Audit) -> None:
    results = sarif_log(audit)["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 1
    assert suppressed[0]["ruleId"] == "EXP001"
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "inSource",
            "justification": "archtools-ignore EXP001: the select drops passwordHash",
        }
    ]


def test_errors_become_tool_notifications(audit: Audit) -> None:
    invocation = sarif_log(audit)["runs"][0]["invocations"][0]
    assert invocation == {
        "executionSuccessful": True,
        "toolExecutionNotifications": [
            {
                "level": "warning",
                "message": {"text": "unexpected '}'"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": "apps/web/app/broken/route.ts",
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": {"startLine": 17, "startColumn": 3},
                        }
                    }
                ],
            }
        ],
    }


def test_helpers() -> None:
    assert artifact_uri("app/api/[...slug]/route.ts") == "app/api/%5B...slug%5D/route.ts"
    assert artifact_uri("app/(marketing)/page.tsx") == "app/(marketing)/page.tsx"
    assert artifact_uri("my app/a b.ts") == "my%20app/a%20b.ts"
    assert sarif_text("see [docs](1) \\[x]") == "see \\[docs\\](1) \\\\\\[x\\]"


def test_output_is_deterministic_json(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    text = render_sarif(audit, rules=rules)
    assert text == render_sarif(audit, rules=rules)
    assert text.endswith("}\n")
    assert json.loads(text) == sarif_log(audit, rules=rules)
