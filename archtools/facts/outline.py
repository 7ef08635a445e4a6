"""A few bytes per file that tell whole-repository passes which files can matter to them, so that
a pass over every file decodes only those (decoding a file's facts costs about 0.1 ms; a pass
that decodes all of a 10,000-file repository costs a second, and an audit makes several)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import IntFlag

from archtools.facts.code import Expr, ExprKind, FileFacts


class Holds(IntFlag):
    """What a file's facts hold, as far as the whole-repository passes ask."""

    NOTHING = 0
    MERGE_CALLS = 1  # a call named `merge` with arguments (tRPC v9 routers)
    RAW_CALLS = 2  # a tagged template or a call named like `...raw...` (raw SQL)
    CONSTRUCTED_PROPERTIES = 4  # `{ key: new X(...) }` in a call's arguments
    NEXT_CACHES = 8  # what makes an app keep rendered data in Next.js caches (see `_caches`)
    ENV_OR_SWITCHES = 16  # an environment variable read, or a comparison with a literal
    GUARDS = 32  # a guard (an `if` that ends the request)


CACHE_CALLS = frozenset({"unstable_cache", "cacheTag", "cacheLife"})


@dataclass(frozen=True, slots=True)
class Outline:
    holds: Holds
    # (source, type only) of every import, the sources interned: the same few recur everywhere
    imports: tuple[tuple[str, bool], ...]


def outline_of(facts: FileFacts) -> Outline:
    holds = Holds.NOTHING
    for call in facts.calls:
        if call.name == "merge" and call.args:
            holds |= Holds.MERGE_CALLS
        if call.tagged_template or "raw" in call.name.lower():
            holds |= Holds.RAW_CALLS
    if _constructs_properties(facts):
        holds |= Holds.CONSTRUCTED_PROPERTIES
    if _caches(facts):
        holds |= Holds.NEXT_CACHES
    if facts.env_reads or any(
        _literal(side) for cmp in facts.comparisons for side in (cmp.left, cmp.right)
    ):
        holds |= Holds.ENV_OR_SWITCHES
    if facts.guards:
        holds |= Holds.GUARDS
    imports = tuple((sys.intern(imp.source), imp.type_only) for imp in facts.imports)
    return Outline(holds, imports)


def outline(files: Mapping[str, FileFacts], path: str) -> Outline:
    """The outline of `path`: kept by a FactsTable (no decoding once known), else made."""
    known = getattr(files, "outline", None)
    if callable(known):
        found = known(path)
        assert isinstance(found, Outline)
        return found
    return outline_of(files[path])


def holding(files: Mapping[str, FileFacts], wanted: Holds) -> list[str]:
    """The files, in the mapping's order, whose facts hold any of `wanted`."""
    with whole_pass(files):
        return [path for path in files if outline(files, path).holds & wanted]


@contextlib.contextmanager
def whole_pass(files: Mapping[str, FileFacts]) -> Iterator[None]:
    """A pass over every file of `files`: a FactsTable keeps none of them decoded for it."""
    enter = getattr(files, "whole_pass", None)
    if not callable(enter):
        yield
        return
    with enter():
        yield


def _constructs_properties(facts: FileFacts) -> bool:
    return next(constructed_properties(facts), None) is not None


def constructed_properties(facts: FileFacts) -> Iterator[tuple[str, str]]:
    """(key, class) of each object literal key in a call's arguments set to a constructed class
    (`{ notesService: new NotesService(db) }` gives ("notesService", "NotesService"))."""
    for call in facts.calls:
        for arg in call.args:
            for part in arg.parts():
                for pair in part.pairs:
                    index = pair.value.call
                    if pair.value.kind != ExprKind.CALL or index is None:
                        continue
                    callee = facts.calls[index].callee
                    if callee.startswith("new ") and callee[4:].isidentifier():
                        yield pair.key, callee[4:]


def _literal(expr: Expr) -> bool:
    """A string or boolean literal (what a feature switch is compared with)."""
    return expr.kind == ExprKind.STRING or expr.text in ("true", "false")


def _caches(facts: FileFacts) -> bool:
    """A `'use cache'` module, a cached function (`unstable_cache`, `cacheTag`), a page that
    revalidates on a timer or is forced static, or a fetch cached by Next.js."""
    if "use cache" in facts.directives:
        return True
    if any(call.name in CACHE_CALLS for call in facts.calls):
        return True
    if renders_cached(facts):
        return True
    return any(
        call.name == "fetch"
        and any("force-cache" in a.text or "revalidate" in a.text for a in call.args)
        for call in facts.calls
    )


def renders_cached(facts: FileFacts) -> bool:
    """A module that exports a timed or static rendering (`revalidate = 60`, `force-static`)."""
    for export in facts.exports:
        init = export.init.text if export.init is not None else ""
        if export.name == "revalidate" and init not in ("0", "false"):
            return True
        if export.name == "dynamic" and "force-static" in init:
            return True
    return False
