"""Rows marked as public content: a boolean flag (`isPublic: true`, `eq(t.published, true)`) or a
state column set to a public value (`status: "Published"`), at any depth of a filter."""

from __future__ import annotations

import re

from archtools.analysis.knowledge import PublicRoutes
from archtools.facts.code import Expr

_DRIZZLE_FLAG = re.compile(r"eq\(\s*[\w.]+\.(\w+)\s*,\s*(?:true|['\"]public['\"])\s*\)", re.I)
_PUBLIC_VALUES = {"true", "'public'", '"public"', "'PUBLIC'", '"PUBLIC"'}


def public_flag(expr: Expr, known: PublicRoutes) -> str | None:
    """`isPublic: true` or `status: "Published"` in a Prisma where (at any depth), or
    `eq(t.isPublic, true)` in Drizzle."""
    found = public_flag_at(expr, known)
    return found[0] if found is not None else None


def public_flag_at(expr: Expr, known: PublicRoutes) -> tuple[str, int] | None:
    """The public flag of a filter (see `public_flag`) and the line it is written on."""
    flags, states = known.public_flags, known.public_states
    for pair in expr.pairs:
        value = pair.value.text.strip()
        if pair.key in flags and value in _PUBLIC_VALUES:
            return f"`{pair.key}: {value}`", pair.value.line or expr.line
        state = value.strip("'\"").rsplit(".", 1)[-1].lower()
        if pair.key in states.columns and state in states.values:
            return f"`{pair.key}: {value}`", pair.value.line or expr.line
    for inner in (*(pair.value for pair in expr.pairs), *expr.items):
        if (found := public_flag_at(inner, known)) is not None:
            return found
    match = _DRIZZLE_FLAG.search(expr.text)
    if match is not None and match.group(1) in flags:
        return f"`{match.group(0)}`", expr.line
    return None
