"""TYP002: TypeScript strict mode off."""

from __future__ import annotations

from collections.abc import Iterator

from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule


def check_strict_mode(ctx: CodeContext) -> Iterator[Hit]:
    for path, strict, line in ctx.tsconfigs:
        if strict is False or strict is None:
            yield Hit(
                rule="TYP002",
                file=path,
                line=line,
                message="TypeScript strict mode is off: null checks and implicit any go unreported",
                key=f"strict:{path}",
            )


RULE = CodeRule("TYP002", per_project=(check_strict_mode,))
