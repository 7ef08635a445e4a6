"""EXP002: error messages and stacks sent to the client."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archtools.facts.code import FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule

LEAKY_PATHS = re.compile(r"\b(err|error|e|ex|exception)\.(message|stack)\b|String\((err|error|e)\)")


def error_leaks(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    if "use client" in facts.directives:
        return
    for call in facts.calls:
        if not call.in_catch:
            continue
        if (
            call.name not in ("json", "Response", "NextResponse", "send", "error")
            and not call.returned
        ):
            continue
        if call.callee.startswith("console."):
            continue
        for arg in call.args:
            if LEAKY_PATHS.search(arg.text):
                yield Hit(
                    rule="EXP002",
                    file=path,
                    line=call.line,
                    message="the error response carries the raw error message or stack to the client",
                    key=f"error-leak:{call.callee}",
                )
                break


RULE = CodeRule("EXP002", per_file=(error_leaks,))
