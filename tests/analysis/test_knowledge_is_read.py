"""Every key of archtools/knowledge/guards.yaml is read by the code: a vocabulary written there and
read nowhere (or read from a copy in the code) is the drift this test keeps out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import archtools.analysis.knowledge as knowledge

PACKAGE = Path(knowledge.__file__).resolve().parents[1]


def _unread() -> list[str]:
    """Fields of the knowledge models that no code reads (`.field`); knowledge.py's own lines
    that declare a field (`prisma_operations: dict[...]`) do not count as reading it."""
    sources = "\n".join(
        "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not re.match(r"\s+\w+:\s", line)
        )
        for path in PACKAGE.rglob("*.py")
    )
    models = [
        value
        for value in vars(knowledge).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == knowledge.__name__
    ]
    return [
        f"{model.__name__}.{field}"
        for model in models
        for field in model.model_fields
        if not re.search(rf"\.{field}\b", sources)
    ]


def test_every_knowledge_key_is_read_somewhere() -> None:
    assert _unread() == []


def test_a_key_nobody_reads_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    class Orphan(BaseModel):
        vocabulary_nobody_reads: list[str] = []

    Orphan.__module__ = knowledge.__name__
    monkeypatch.setattr(knowledge, "Orphan", Orphan, raising=False)
    assert _unread() == ["Orphan.vocabulary_nobody_reads"]
