"""The models whose rows the app serves from a Next.js cache on the server: read inside a function
given to `unstable_cache` (or to an app's wrapper of it), a `'use cache'` module or a module tagging its cache (`cacheTag`,
`cacheLife`), or a page or layout that renders on a timer or statically (`export const revalidate =
60`, `dynamic = "force-static"`), directly or through the helpers they call. A write to any other
model leaves no cached page stale. `None` stands for rows the reader cannot name (raw SQL, or a
`fetch` the server caches whose URL is not known: it may read the app's own API). A cached `fetch`
of the app's own route (`${base}/api/flags`) stands for the rows that route reads, and one of
another host for none.

In a monorepo each Next.js app has caches of its own: a Server Action of one app leaves stale only
what that app, or a package outside every app, serves from a cache."""

from __future__ import annotations

import re
import weakref

from archtools.analysis.context import AnalysisContext, renders_cached
from archtools.analysis.flow import function_scope
from archtools.facts.code import Expr, ExprKind, FileFacts
from archtools.facts.outline import Holds, holding

_DEPTH = 3
_CACHE_MARKS = {"cacheTag", "cacheLife"}
_KNOWN: dict[tuple[int, str], tuple[weakref.ref[AnalysisContext], frozenset[str | None]]] = {}
_OWN_ROUTE = re.compile(r"^[`'\"](?:\$\{[^}]*\})?(/api/[\w\-./]*\w)")
_OTHER_HOST = re.compile(r"^[`'\"]https?://[\w\-.]+\.[a-z]{2,}(?:[:/`'\"?]|$)")


def cached_models(ctx: AnalysisContext, app: str = ".") -> frozenset[str | None]:
    """The models the Next.js app rooted at `app` (and the shared packages) reads behind a server
    cache (computed once per app and analysis)."""
    known = _KNOWN.get((id(ctx), app))
    if known is not None and known[0]() is ctx:
        return known[1]
    found = frozenset(_Reader(ctx, app).read())
    _KNOWN[(id(ctx), app)] = (weakref.ref(ctx), found)
    return found


class _Reader:
    def __init__(self, ctx: AnalysisContext, app: str) -> None:
        self.ctx = ctx
        self.app = app
        self.models: set[str | None] = set()
        self.seen: set[tuple[str, int | None]] = set()
        self.roots = [a.path for a in ctx.apps]

    def _in_app(self, path: str) -> bool:
        """A file of this app, or of no app (a shared package any app may import)."""
        owner = [r for r in self.roots if r == "." or path.startswith(r + "/")]
        return not owner or self.app in owner

    def read(self) -> set[str | None]:
        wrappers: set[tuple[str, int]] = set()
        files = self.ctx.program.files
        for path in holding(files, Holds.NEXT_CACHES):  # (no other file is decoded for it)
            facts = files[path]
            if "use client" in facts.directives or not self._in_app(path):
                continue
            whole_module = "use cache" in facts.directives or renders_cached(facts)
            if whole_module or any(c.name in _CACHE_MARKS for c in facts.calls):
                funcs = {f.index for f in facts.functions} | {None}
                marked = {c.func for c in facts.calls if c.name in _CACHE_MARKS}
                for func in funcs if whole_module else marked:
                    self._function(path, func, 0)
            for call in facts.calls:
                if call.name == "fetch" and any(
                    "force-cache" in a.text or "revalidate" in a.text for a in call.args
                ):
                    self._cached_fetch(path, facts, call.args[0], call.func)
                if call.name != "unstable_cache" or not call.args:
                    continue
                fn = call.args[0]
                if fn.kind == ExprKind.FUNCTION and fn.func is not None:
                    self._function(path, fn.func, 0)
                    wrapper = self._wrapper_of(facts, call.func, fn.func)
                    if wrapper is not None:
                        wrappers.add((path, wrapper))
                else:
                    self._value(path, fn)
        if wrappers:
            self._wrapped(wrappers)
        return self.models

    def _cached_fetch(self, file: str, facts: FileFacts, url: Expr, func: int | None) -> None:
        """A response the server caches: the rows of the app's own route it fetches, none for
        another host, and rows it cannot name (`None`) when the URL is not known."""
        text = url.text
        if url.kind == ExprKind.IDENTIFIER:
            local = [v for v in facts.vars if v.func == func and url.text in v.names]
            init = local[-1].init if len(local) == 1 else None
            text = init.text.removeprefix("new URL(") if init is not None else ""
        if _OTHER_HOST.match(text):
            return
        own = _OWN_ROUTE.match(text)
        routes = self._route_files(own.group(1)) if own else []
        if not routes:
            self.models.add(None)
        for route in routes:
            for f in {f.index for f in self.ctx.program.files[route].functions} | {None}:
                self._function(route, f, 0)

    def _route_files(self, url_path: str) -> list[str]:
        """The route handler or Pages API files of this app serving `url_path` (`/api/flags`)."""
        tail = url_path.strip("/")
        found = []
        for path in self.ctx.program.files:
            stem = path.rsplit(".", 1)[0]
            if not self._in_app(path):
                continue
            if stem.endswith(f"app/{tail}/route") or stem.endswith(
                (f"pages/{tail}", f"pages/{tail}/index")
            ):
                found.append(path)
        return found

    def _value(self, file: str, value: Expr) -> None:
        """A function given by name or written in place."""
        if value.kind == ExprKind.FUNCTION and value.func is not None:
            self._function(file, value.func, 0)
        elif value.kind == ExprKind.IDENTIFIER:
            symbol = self.ctx.program.lookup(file, value.text)
            if symbol is None or symbol.package is not None:
                return
            made = symbol.value.call if symbol.value is not None else None
            key = self.ctx.summaries.function_of_symbol(symbol.file, symbol.func, made)
            if key is not None:  # (a function, or one a call such as React's cache() wraps)
                self._function(key[0], key[1], 0)

    @staticmethod
    def _wrapper_of(facts: FileFacts, outer: int | None, cached: int) -> int | None:
        """`withCache({ fn, args })` that runs `unstable_cache(async (...a) => opts.fn(...a))`:
        the function it caches is one its caller hands it."""
        if outer is None:
            return None
        params = {n for p in facts.functions[outer].params for n in (p.names or (p.name,))}
        inner = function_scope(facts, cached)
        calls_param = any(
            c.func in inner and c.callee.removeprefix("await ").split(".", 1)[0] in params
            for c in facts.calls
        )
        return outer if calls_param else None

    def _wrapped(self, wrappers: set[tuple[str, int]]) -> None:
        """The functions the app hands its cache wrappers, at every call of one."""
        for path, facts in self.ctx.program.files.items():
            for call in facts.calls:
                target = self.ctx.summaries.target(path, call) if call.args else None
                if target is None or target not in wrappers:
                    continue
                for arg in call.args:
                    self._value(path, arg)
                    for pair in arg.pairs:
                        self._value(path, pair.value)

    def _function(self, file: str, func: int | None, depth: int) -> None:
        """The reads of one function (and the functions nested in it), and of the helpers it
        calls, to a few levels."""
        if (file, func) in self.seen or depth > _DEPTH:
            return
        self.seen.add((file, func))
        facts = self.ctx.program.files[file]
        scope = function_scope(facts, func)
        for op in self.ctx.classifier.db_ops(file):
            if op.func in scope and op.kind == "read":
                self.models.add(op.model)
        for call in facts.calls:
            if call.func not in scope:
                continue
            target = self.ctx.summaries.target(file, call)
            if target is not None:
                self._function(target[0], target[1], depth + 1)
