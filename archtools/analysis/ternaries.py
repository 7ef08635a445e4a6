"""Conditional expressions read from their text (`test ? a : b`): the facts describe a
conditional as one value, yet what it hands on is one of its branches, never its test."""

from __future__ import annotations

import re
from collections.abc import Collection

from archtools.facts.code import Expr, ExprKind


def tested_only(expr: Expr, names: Collection[str]) -> bool:
    """`test ? a : b` where the `names` it reads appear in `test` alone (`input.pinned ? { some: {
    id: userId } } : undefined`): it hands on a branch, not the tested value."""
    if expr.kind != ExprKind.OTHER:
        return False
    question = split_top(expr.text, "?")
    if len(question) != 2:
        return False
    branches = split_top(question[1], ":")
    if len(branches) != 2:
        return False
    read = {r for r in names if r in expr.all_roots()}
    return bool(read) and not any(
        re.search(rf"(?<![\w.$]){re.escape(name)}\b", branch)
        for name in read
        for branch in branches
    )


_OPEN = {"(": ")", "{": "}", "[": "]"}


def closing(text: str, start: int) -> int:
    """The index of the bracket closing the one at `start` (-1 when unbalanced); strings and
    templates are skipped."""
    depth: list[str] = []
    quote = ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
            continue
        if ch in "\"'`":
            quote = ch
        elif ch in _OPEN:
            depth.append(_OPEN[ch])
        elif ch in ")}]":
            if not depth or depth.pop() != ch:
                return -1
            if not depth:
                return i
    return -1


def split_top(text: str, token: str) -> list[str]:
    """`text` split at the first `token` outside brackets and strings (one split at most)."""
    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
            continue
        if ch in "\"'`":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif depth == 0 and text.startswith(token, i):
            if token == "?" and (text[i : i + 2] in ("?.", "??") or text[i - 1 : i] == "?"):
                continue
            if token == ":" and i > 0 and text[i - 1] == "?":
                continue
            return [text[:i], text[i + len(token) :]]
    return [text]
