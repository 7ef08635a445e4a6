"""One soft-delete vocabulary for the schema rule (SCH005) and the code rule (DATA001)."""

from __future__ import annotations

from archtools.facts.prisma import parse_prisma
from archtools.knowledge.vocabulary import is_soft_delete_field, is_version_field
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
