"""One vocabulary per kind of field name (knowledge/fields.yaml), read by the schema rules and the
code checks alike: soft delete (SCH005, DATA001), versions (DATA002), secrets (SCH006, EXP001)."""

from __future__ import annotations

import pytest

import archtools.knowledge.vocabulary as vocabulary
from archtools.analysis.context import sensitive_fields
from archtools.facts.prisma import parse_prisma
from archtools.knowledge.vocabulary import is_soft_delete_field, is_version_field, named_word
from archtools.rules.schema_lint import run_schema_rules


def test_names_compare_loosely() -> None:
    assert all(map(is_soft_delete_field, ["deletedAt", "deleted_at", "is_deleted", "archivedAt"]))
    assert not any(map(is_soft_delete_field, ["deletedBy", "deletionReason", "createdAt"]))
    assert is_version_field("lock_version") and not is_version_field("versionName")


def test_the_schema_rule_reads_the_shared_list() -> None:
    schema = parse_prisma(
        {
            "schema.prisma": """
model Project {
  id          String    @id
  archived_at DateTime?
  tasks       Task[]
}

model Task {
  id        String  @id
  projectId String
  project   Project @relation(fields: [projectId], references: [id], onDelete: Cascade)
  @@index([projectId])
}
"""
        }
    )
    hits = [h for h in run_schema_rules(schema, ["SCH005"])]
    assert [(h.rule, h.model) for h in hits] == [("SCH005", "Task")]
    assert "archived_at" in hits[0].message


def test_secret_words_are_one_list_for_the_schema_and_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A word becomes a secret's name in one place: the schema rule (SCH006) and the exposure
    # check read the same list, so adding `seed` reaches both.
    assert named_word("apiKeys", "secret") == "apikey"
    assert named_word("reset_token_expires", "secret") == "token"
    assert named_word("secretary", "secret") is None
    assert named_word("emailAddress", "personal") == "email"
    assert named_word("passwordHash", "credential") == "password"
    schema = parse_prisma(
        {"schema.prisma": "model Wallet {\n  id    String @id\n  seedWords String\n}\n"}
    )
    assert [h for h in run_schema_rules(schema, ["SCH006"])] == []
    assert sensitive_fields(schema, "Wallet") == []
    listed = vocabulary._vocabulary("secret") | {"seed"}
    real = vocabulary._vocabulary
    monkeypatch.setattr(
        vocabulary, "_vocabulary", lambda kind: listed if kind == "secret" else real(kind)
    )
    assert [h.rule for h in run_schema_rules(schema, ["SCH006"])] == ["SCH006"]
    assert sensitive_fields(schema, "Wallet") == ["seedWords"]
