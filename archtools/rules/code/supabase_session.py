"""ATH003: a Supabase session read without verifying it."""

from __future__ import annotations

from collections.abc import Iterator

from archtools.facts.code import FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule


def supabase_session(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    if "use client" in facts.directives:
        return
    for call in facts.calls:
        if call.callee.endswith("auth.getSession"):
            yield Hit(
                rule="ATH003",
                file=path,
                line=call.line,
                message="supabase.auth.getSession() trusts the cookie without verifying it; use auth.getUser() on the server",
                key="supabase-get-session",
            )


RULE = CodeRule("ATH003", per_file=(supabase_session,))
