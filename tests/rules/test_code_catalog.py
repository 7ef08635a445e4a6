"""The code rule catalog: complete entries, and examples that behave as documented in an audit."""

from __future__ import annotations

import json
import posixpath
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from archtools.results import Audit
from archtools.rules.base import RuleExample, RuleMeta

CATALOG_FILE = "rules/code.yaml"


def _text(name: str) -> str:
    return resources.files("archtools.knowledge").joinpath(name).read_text(encoding="utf-8")


RAW: Any = yaml.safe_load(_text(CATALOG_FILE))
CATALOG = [RuleMeta.model_validate(entry) for entry in RAW]
BY_ID = {meta.id: meta for meta in CATALOG}

EXPECTED_NAMES = {
    "ATH001": "missing-authentication",
    "ATH002": "middleware-only-authentication",
    "ATH003": "supabase-get-session-on-server",
    "AZ001": "idor-unbound-id",
    "AZ002": "identity-from-input",
    "AZ003": "admin-without-role-check",
    "AZ004": "unscoped-write",
    "VAL001": "unvalidated-input",
    "VAL002": "mass-assignment",
    "VAL003": "upload-trusts-client",
    "EXP001": "sensitive-fields-returned",
    "EXP002": "error-leaks-internals",
    "EXP003": "per-user-data-in-shared-cache",
    "INJ001": "raw-sql-injection",
    "SEC001": "secret-in-public-env",
    "SEC002": "server-only-in-client",
    "SEC003": "hardcoded-secret",
    "RL001": "missing-rate-limit",
    "AUD001": "destructive-without-audit-log",
    "TYP001": "any-in-entry-point",
    "TYP002": "strict-mode-off",
    "TYP003": "hand-written-model-type",
    "NXT001": "mutation-without-revalidation",
    "NXT002": "open-redirect",
    "DATA001": "hard-delete-soft-deletable",
    "DATA002": "update-without-optimistic-lock",
    "DATA003": "multi-step-write-without-transaction",
    "DATA004": "check-then-act-race",
    "PRF001": "n-plus-one-query",
    "PRF002": "unbounded-list",
    "PRF003": "unindexed-filter-or-sort",
}

SEVERITIES = {
    "critical": {"INJ001"},
    "high": {
        "ATH001",
        "ATH003",
        "AZ001",
        "AZ002",
        "AZ003",
        "AZ004",
        "VAL002",
        "EXP001",
        "EXP003",
        "SEC001",
        "SEC003",
    },
    "medium": {
        "ATH002",
        "VAL001",
        "VAL003",
        "SEC002",
        "RL001",
        "NXT002",
        "DATA001",
        "DATA003",
        "DATA004",
        "PRF001",
        "PRF002",
    },
    "low": {"EXP002", "AUD001", "TYP001", "TYP002", "NXT001", "DATA002", "PRF003"},
    "info": {"TYP003"},
}

FAMILIES = {
    "ATH": "authentication",
    "AZ": "authorization",
    "VAL": "validation",
    "EXP": "exposure",
    "INJ": "injection",
    "SEC": "secrets",
    "RL": "rate-limiting",
    "AUD": "audit",
    "TYP": "types",
    "NXT": "nextjs",
    "DATA": "data",
    "PRF": "performance",
}

LANG_OF_SUFFIX = {".ts": "ts", ".tsx": "tsx", ".json": "json", ".prisma": "prisma", ".sql": "sql"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CWE = re.compile(r"^CWE-\d+$")
HTTPS_URL = re.compile(r"^https://[^\s/]+\.[^\s/]+/\S*$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`\"])")
ENV_LINE = re.compile(r"^[A-Z][A-Z0-9_]*=\S*$")

# -- the throwaway repository every example is audited in ------------------------------------------

PRISMA_SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id           String   @id @default(cuid())
  email        String   @unique
  passwordHash String
  role         Role     @default(USER)
  notes        Note[]
  noteCount    Int      @default(0)
  credits      Int      @default(0)
  createdAt    DateTime @default(now())
  updatedAt    DateTime @updatedAt
}

model Note {
  id        String    @id @default(cuid())
  title     String
  body      String
  authorId  String
  author    User      @relation(fields: [authorId], references: [id], onDelete: Cascade)
  version   Int       @default(0)
  deletedAt DateTime?
  createdAt DateTime  @default(now())
  updatedAt DateTime  @updatedAt

  @@index([authorId])
}

model AuditLog {
  id        String   @id @default(cuid())
  actorId   String
  action    String
  target    String
  createdAt DateTime @default(now())
}

enum Role {
  USER
  ADMIN
}
"""

BASE_FILES = {
    "package.json": json.dumps(
        {
            "name": "catalog-example",
            "private": True,
            "dependencies": {
                "next": "15.2.4",
                "next-auth": "5.0.0-beta.25",
                "zod": "3.23.8",
                "@prisma/client": "5.20.0",
            },
        },
        indent=2,
    ),
    "prisma/schema.prisma": PRISMA_SCHEMA,
    "auth.ts": 'import NextAuth from "next-auth";\n'
    "export const { handlers, auth, signIn, signOut } = NextAuth({ providers: [] });\n",
    "lib/db.ts": 'import { PrismaClient } from "@prisma/client";\n'
    "export const prisma = new PrismaClient();\n",
    "tsconfig.json": json.dumps(
        {"compilerOptions": {"strict": True, "paths": {"@/*": ["./*"]}}}, indent=2
    ),
}

# Code rules a good example still triggers, each for a reason outside the example's own rule.
GOOD_EXAMPLE_EXTRAS: dict[str, set[str]] = {
    # Archiving all of the caller's notes is a bulk write with no single row to version; the
    # optimistic-lock rule currently flags every versioned update whose where lacks `version`.
    "AZ004": {"DATA002"},
}


def middleware_from_header() -> str:
    """The middleware.ts that ATH002's examples rely on, as the catalog's header gives it."""
    lines = _text(CATALOG_FILE).splitlines()
    start = next(i for i, line in enumerate(lines) if "adds this middleware.ts" in line)
    block: list[str] = []
    for line in lines[start + 1 :]:
        if not line.startswith("#"):
            break
        block.append(line[4:] if line.startswith("#   ") else "")
    return "\n".join(block).strip("\n") + "\n"


def write_repo(root: Path, rule_id: str, example: RuleExample) -> None:
    files = dict(BASE_FILES)
    if rule_id == "ATH002":
        files["middleware.ts"] = middleware_from_header()
    files[example.path] = example.code
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def audit_example(root: Path, rule_id: str, example: RuleExample) -> Audit:
    from archtools.pipeline import AuditOptions, audit

    write_repo(root, rule_id, example)
    # every code rule, the opt-in ones too
    return audit(root, AuditOptions(use_cache=False, workers=1, select=tuple(BY_ID)))


# -- the catalog's entries -------------------------------------------------------------------------


def test_catalog_lists_the_code_rules_in_order() -> None:
    assert [(meta.id, meta.name) for meta in CATALOG] == list(EXPECTED_NAMES.items())
    assert len(BY_ID) == len(CATALOG) == 31


def test_catalog_matches_the_registry() -> None:
    from archtools.rules.catalog import rule_catalog
    from archtools.rules.registry import RuleSource, registered_rules, rule_sources

    assert set(registered_rules()) == set(rule_catalog())
    code_and_entry = {
        k for k, v in rule_sources().items() if v in (RuleSource.ENTRY, RuleSource.FILE)
    }
    assert set(BY_ID) == code_and_entry


def test_catalog_loads_beside_the_other_families() -> None:
    from archtools.rules.catalog import find_rule, rule_catalog

    catalog = rule_catalog()
    for meta in CATALOG:
        assert catalog[meta.id] == meta
    assert find_rule("idor-unbound-id") == BY_ID["AZ001"]
    assert find_rule("inj001") == BY_ID["INJ001"]


def test_names_are_kebab_case_and_unique() -> None:
    names = [meta.name for meta in CATALOG]
    assert len(set(names)) == len(names)
    assert [name for name in names if not KEBAB.match(name)] == []


def test_families_follow_the_id_prefix() -> None:
    for meta in CATALOG:
        prefix = re.match(r"^[A-Z]+", meta.id)
        assert prefix is not None and FAMILIES[prefix.group()] == meta.family, meta.id
        assert re.fullmatch(rf"{prefix.group()}\d{{3}}", meta.id), meta.id


def test_severities() -> None:
    found: dict[str, set[str]] = {}
    for meta in CATALOG:
        found.setdefault(meta.severity.value, set()).add(meta.id)
    assert found == SEVERITIES


def test_confidence_and_checklist_items_exist() -> None:
    checklist: Any = yaml.safe_load(_text("checklist.yaml"))
    items = {item["id"] for item in checklist}
    for meta in CATALOG:
        assert meta.confidence in ("high", "medium", "low"), meta.id
        assert meta.checklist in items, meta.id
    assert BY_ID["AZ001"].checklist == "authorization"
    assert BY_ID["SEC003"].checklist == "no-sensitive-exposure"
    assert BY_ID["RL001"].checklist == "rate-limiting"
    assert BY_ID["AUD001"].checklist == "audit-trail"
    assert BY_ID["EXP002"].checklist == "safe-errors"
    assert BY_ID["TYP002"].checklist == "explicit-types"


def test_cwe_ids_are_well_formed() -> None:
    for meta in CATALOG:
        assert [c for c in meta.cwe if not CWE.match(c)] == [], meta.id
        assert len(set(meta.cwe)) == len(meta.cwe), meta.id
    assert BY_ID["ATH001"].cwe == ["CWE-306"]
    assert BY_ID["AZ001"].cwe == ["CWE-639"]
    assert BY_ID["AZ003"].cwe == ["CWE-862"]
    assert BY_ID["VAL002"].cwe == ["CWE-915"]
    assert BY_ID["INJ001"].cwe == ["CWE-89"]
    assert BY_ID["SEC003"].cwe == ["CWE-798"]
    assert BY_ID["EXP002"].cwe == ["CWE-209"]
    assert BY_ID["NXT002"].cwe == ["CWE-601"]
    assert BY_ID["VAL003"].cwe == ["CWE-434"]
    assert BY_ID["AUD001"].cwe == ["CWE-778"]
    assert BY_ID["PRF001"].cwe == ["CWE-1073"]
    assert BY_ID["PRF002"].cwe == ["CWE-770"]
    assert BY_ID["PRF003"].cwe == ["CWE-1067"]
    assert BY_ID["DATA003"].cwe == ["CWE-662"]
    assert BY_ID["DATA004"].cwe == ["CWE-367"]
    assert {meta.id for meta in CATALOG if not meta.cwe} == {
        "TYP001",
        "TYP002",
        "TYP003",
        "NXT001",
        "DATA001",
    }


def test_titles_are_one_line() -> None:
    for meta in CATALOG:
        assert "\n" not in meta.title and meta.title == meta.title.strip(), meta.id
        assert 10 <= len(meta.title) <= 80 and not meta.title.endswith("."), meta.id


def test_why_is_two_to_four_sentences() -> None:
    for meta in CATALOG:
        why = " ".join(meta.doc.why.split())
        sentences = SENTENCE_END.split(why)
        assert 2 <= len(sentences) <= 4, (meta.id, len(sentences))
        assert why.endswith((".", ")")), meta.id


def test_references_are_https_urls() -> None:
    for meta in CATALOG:
        refs = meta.doc.references
        assert len(refs) >= 2, meta.id
        assert [r for r in refs if not HTTPS_URL.match(r)] == [], meta.id
        assert len(set(refs)) == len(refs), meta.id


# -- the examples' shape ---------------------------------------------------------------------------


def _lang_for(path: str) -> str:
    name = posixpath.basename(path)
    if name.startswith(".env"):
        return "env"
    return LANG_OF_SUFFIX[posixpath.splitext(name)[1]]


@pytest.mark.parametrize("rule_id", list(EXPECTED_NAMES))
def test_examples_are_complete_files(rule_id: str) -> None:
    doc = BY_ID[rule_id].doc
    assert doc.bad.path == doc.good.path, "bad and good show the same file"
    assert doc.bad.code != doc.good.code
    for example in (doc.bad, doc.good):
        assert example.lang == _lang_for(example.path)
        assert example.code.endswith("\n") and not example.code.endswith("\n\n")
        assert len(example.code.splitlines()) <= 30
        assert "\t" not in example.code
        fixed = set(BASE_FILES) - {"tsconfig.json"}
        assert example.path not in fixed and not example.path.startswith("/")
        if example.lang == "json":
            json.loads(example.code)
        if example.lang == "env":
            lines = [
                line for line in example.code.splitlines() if line and not line.startswith("#")
            ]
            assert [line for line in lines if not ENV_LINE.match(line)] == []
        if '"use server"' in example.code or '"use client"' in example.code:
            assert example.code.startswith(('"use server";\n', '"use client";\n'))


def test_only_strict_mode_examples_replace_the_tsconfig() -> None:
    replacing = {m.id for m in CATALOG if "tsconfig.json" in (m.doc.bad.path, m.doc.good.path)}
    assert replacing == {"TYP002"}
    assert json.loads(BY_ID["TYP002"].doc.bad.code)["compilerOptions"]["strict"] is False
    assert json.loads(BY_ID["TYP002"].doc.good.code)["compilerOptions"]["strict"] is True


def test_middleware_for_ath002_is_in_the_header() -> None:
    assert middleware_from_header() == (
        'import { auth } from "@/auth";\n'
        "\n"
        "export default auth((req) => {\n"
        '  if (!req.auth) return Response.redirect(new URL("/login", req.url));\n'
        "});\n"
        "\n"
        'export const config = { matcher: ["/api/:path*"] };\n'
    )


# -- the examples in a real audit ------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", list(EXPECTED_NAMES))
def test_bad_example_triggers_its_rule(rule_id: str, tmp_path: Path) -> None:
    meta = BY_ID[rule_id]
    result = audit_example(tmp_path, rule_id, meta.doc.bad)
    assert [e.message for e in result.errors] == []
    hits = [f for f in result.findings if f.rule == rule_id]
    assert hits, f"{rule_id}: the bad example does not trigger"
    assert {f.file for f in hits} == {meta.doc.bad.path}
    for finding in hits:
        assert (finding.title, finding.severity, finding.cwe, finding.checklist) == (
            meta.title,
            meta.severity,
            meta.cwe,
            meta.checklist,
        )


@pytest.mark.parametrize("rule_id", list(EXPECTED_NAMES))
def test_good_example_stays_clean(rule_id: str, tmp_path: Path) -> None:
    result = audit_example(tmp_path, rule_id, BY_ID[rule_id].doc.good)
    assert [e.message for e in result.errors] == []
    code_rules = {f.rule for f in result.findings if f.rule in BY_ID}
    assert code_rules == GOOD_EXAMPLE_EXTRAS.get(rule_id, set())
