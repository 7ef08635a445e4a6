"""Responses an entry point declares shareable with everyone: `Cache-Control: public` or `s-maxage`
lets a CDN store one response and serve it to any later caller, signed in or not. An app that says
so about a response has made it public content by design, whatever rows it was read from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from archtools.analysis.call_targets import FuncKey
from archtools.analysis.flow import function_scope, within
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr
from archtools.results import Evidence

# Directives that let a shared cache keep the response; `private` or `no-store` forbid it.
_SHARED = re.compile(r"(?:^|[\s,`'\"])(?:public|s-maxage\s*=)", re.I)
_FORBIDS = re.compile(r"\b(?:private|no-store)\b", re.I)
_HEADER_SETTERS = ("setHeader", "set", "append", "header")


def _shared_value(value: Expr) -> bool:
    text = value.text
    return bool(_SHARED.search(text)) and not _FORBIDS.search(text)


def _named_cache_control(expr: Expr) -> bool:
    return (expr.value or expr.text.strip("'\"`")).lower() == "cache-control"


def _declares(call: Call) -> Expr | None:
    """`res.setHeader('Cache-Control', 'public, s-maxage=300')`, `headers.set(...)`, or a
    response built with `{ headers: { 'Cache-Control': 'public, ...' } }`."""
    args = call.args
    if (
        call.name in _HEADER_SETTERS
        and len(args) >= 2
        and _named_cache_control(args[0])
        and _shared_value(args[1])
    ):
        return args[1]
    for arg in args:
        for part in arg.parts():
            for pair in part.pairs:
                if pair.key.strip("'\"").lower() == "cache-control" and _shared_value(pair.value):
                    return pair.value
    return None


class SharedCache:
    """Finds the statement that declares an entry point's response shareable, in its handler, the
    wrappers around it, or the helpers they call (a few levels deep)."""

    def __init__(self, program: Program, target: Callable[[str, Call], FuncKey | None]) -> None:
        self.program = program
        self.target = target

    def declared(
        self, file: str, runs: Callable[[int | None, int], bool], roots: list[FuncKey]
    ) -> Evidence | None:
        """The declaration in the code that `runs` selects in `file`, or in one of `roots` (the
        wrappers' functions), following called helpers."""
        seen: set[FuncKey] = set()
        found = self._search(file, runs, seen, 0)
        for root in roots:
            if found is not None:
                break
            found = self._in_function(root, seen, 0)
        return found

    def _in_function(self, key: FuncKey, seen: set[FuncKey], depth: int) -> Evidence | None:
        if key in seen or depth > 3 or key[0] not in self.program.files:
            return None
        seen.add(key)
        scope = function_scope(self.program.files[key[0]], key[1])
        return self._search(key[0], within(scope), seen, depth)

    def _search(
        self, file: str, runs: Callable[[int | None, int], bool], seen: set[FuncKey], depth: int
    ) -> Evidence | None:
        for call in self._calls(file, runs):
            value = _declares(call)
            if value is not None:
                said = value.text.strip("`'\"")[:60]
                return Evidence(
                    file=file,
                    line=call.line,
                    detail=f"its response is declared shareable by any cache (`Cache-Control: "
                    f"{said}`): public content by design",
                )
        for call in self._calls(file, runs):
            key = self.target(file, call)
            if key is not None:
                found = self._in_function(key, seen, depth + 1)
                if found is not None:
                    return found
        return None

    def _calls(self, file: str, runs: Callable[[int | None, int], bool]) -> Iterator[Call]:
        return (c for c in self.program.files[file].calls if runs(c.func, c.line))
