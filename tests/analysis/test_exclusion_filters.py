"""An exclusion in a filter (`{ userId: { notIn: hiddenIds } }`, Drizzle's `notInArray`, one
applied only when the list is not empty) leaves rows out: whoever chose the list picks no row by
it, so it is no client key of the query. A plain `in` list does pick rows."""

from __future__ import annotations

import pytest

from archtools.analysis.entry_scope import client_part
from archtools.analysis.flow import Flow
from archtools.facts.typescript import extract_code_facts


def _client_key(where: str) -> str | None:
    source = f"await db.comment.findFirst({{ where: {where} }});"
    facts = extract_code_facts("a.ts", source.encode())
    expr = facts.calls[-1].args[0].pairs[0].value
    part = client_part(expr, Flow(inputs={"hidden": "request data", "ids": "request data"}))
    return part.text if part is not None else None


@pytest.mark.parametrize(
    "where",
    [
        "{ userId: { notIn: hidden } }",
        "{ userId: hidden.length ? { notIn: hidden } : undefined }",
        "{ userId: { not: hidden[0] } }",
    ],
)
def test_an_exclusion_picks_no_row(where: str) -> None:
    assert _client_key(where) is None


def test_a_drizzle_exclusion_picks_no_row() -> None:
    source = "await db.select().from(comment).where(notInArray(comment.userId, hidden));"
    facts = extract_code_facts("a.ts", source.encode())
    where = facts.calls[-1].args[0]
    assert client_part(where, Flow(inputs={"hidden": "request data"})) is None


def test_an_inclusion_list_picks_rows() -> None:
    assert _client_key("{ userId: { in: ids } }") == "ids"
    assert _client_key("{ userId: ids.length ? { in: ids } : undefined }") is not None
