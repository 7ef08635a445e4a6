"""Which pages can post to a Server Action: the App Router pages and layouts that import its module,
directly or through the components they render (a Server Action is reachable from every page whose
bundle holds a reference to it)."""

from __future__ import annotations

import posixpath
from collections import deque

from archtools.analysis.program import Program
from archtools.facts.outline import outline, whole_pass

PAGE_STEMS = ("page", "layout")
MAX_FILES = 2_000  # importers followed per module: a module imported everywhere is everywhere


class Importers:
    def __init__(self, program: Program) -> None:
        self.program = program
        self._reverse: dict[str, set[str]] | None = None
        self._reached: dict[tuple[str, tuple[str, ...]], bool | None] = {}

    def _graph(self) -> dict[str, set[str]]:
        if self._reverse is None:
            reverse: dict[str, set[str]] = {}
            files = self.program.files
            with whole_pass(files):
                outlines = [(file, outline(files, file)) for file in files]
            for file, found in outlines:
                for source, type_only in found.imports:
                    if type_only:
                        continue
                    target = self.program.resolve(file, source)
                    if target is not None:
                        reverse.setdefault(target, set()).add(file)
            self._reverse = reverse
        return self._reverse

    def _importers(self, file: str, first: list[str] | None = None) -> list[str] | None:
        """Every module that reaches `file` through imports, nearest first (from `first`, the
        direct importers, when given); None when the search gives up (more than MAX_FILES: a module
        imported everywhere is everywhere)."""
        graph = self._graph()
        seen = {file, *(first or ())}
        queue = deque(first if first is not None else [file])
        found: list[str] = list(first or ())
        while queue:
            current = queue.popleft()
            for importer in sorted(graph.get(current, ())):
                if importer not in seen:
                    seen.add(importer)
                    queue.append(importer)
                    found.append(importer)
            if len(seen) > MAX_FILES:
                return None
        return found

    def modules_importing(self, file: str) -> list[str] | None:
        """Every module that reaches `file` through imports; None when there are too many."""
        return self._importers(file)

    def pages_importing(self, file: str) -> list[str] | None:
        """The page and layout files that reach `file` through imports; None when the search
        gives up (too many importers to say)."""
        importers = self._importers(file)
        if importers is None:
            return None
        return sorted(f for f in importers if posixpath.basename(f).rsplit(".", 1)[0] in PAGE_STEMS)

    def pages_importing_name(self, file: str, name: str) -> list[str] | None:
        """The page and layout files that reach one export of `file`: through the modules that
        import that name (or the whole module) from it, then through anything importing those.
        None when the search gives up."""
        direct: list[str] = []
        for importer in sorted(self._graph().get(file, ())):
            for imp in self.program.files[importer].imports:
                if imp.type_only or self.program.resolve(importer, imp.source) != file:
                    continue
                if any(n.imported in (name, "*") for n in imp.names):
                    direct.append(importer)
                    break
        importers = self._importers(file, direct)
        if importers is None:
            return None
        return sorted(f for f in importers if posixpath.basename(f).rsplit(".", 1)[0] in PAGE_STEMS)

    def reached_from_react(self, file: str, pages_dirs: tuple[str, ...] = ()) -> bool | None:
        """Whether a module ends up in the React graph, where a `'use server'` export becomes a
        Server Action with an id a browser can post to: imported, directly or through other modules,
        by a page, a layout, a component (`.tsx`/`.jsx`) or a `'use client'` file. False when it is
        imported only by server code (route handlers, routers, scripts); None when nothing imports it
        or the search gives up. Route handlers and the Pages Router (`pages_dirs`) hold no Server
        Actions, so a `.tsx` there is server code."""
        key = (file, pages_dirs)
        if key not in self._reached:  # asked once per action: a module exports several
            self._reached[key] = self._reached_from_react(file, pages_dirs)
        return self._reached[key]

    def _reached_from_react(self, file: str, pages_dirs: tuple[str, ...]) -> bool | None:
        if not self._graph().get(file):
            return None
        importers = self._importers(file)
        if importers is None:
            return None
        return any(self._react(f, pages_dirs) for f in importers)

    def _react(self, file: str, pages_dirs: tuple[str, ...]) -> bool:
        if posixpath.basename(file).rsplit(".", 1)[0] == "route":
            return False
        if any(file.startswith(folder + "/") for folder in pages_dirs):
            return False
        if file.endswith((".tsx", ".jsx")):
            return True
        facts = self.program.files.get(file)
        return facts is not None and "use client" in facts.directives

    def named_in_any_import(self, file: str) -> bool:
        """Whether any import in the repository names the module, resolved or not (`from
        "@/lib/update-title"` with an alias the resolver does not know still names it)."""
        stem = posixpath.basename(file).rsplit(".", 1)[0]
        if stem == "index":
            stem = posixpath.basename(posixpath.dirname(file))
        files = self.program.files
        with whole_pass(files):
            outlines = [outline(files, path) for path in files]
        for found in outlines:
            for source, _type_only in found.imports:
                last = source.rstrip("/").rsplit("/", 1)[-1]
                if last.rsplit(".", 1)[0] == stem or last == stem:
                    return True
        return False

    def server_code(self, entry_files: set[str]) -> set[str]:
        """The entry points' files and the modules they import, transitively, that hold server
        code: components (`.tsx`/`.jsx`) and `'use client'` modules are where imports stop."""
        seen = set(entry_files)
        queue = deque(sorted(entry_files))
        while queue:
            current = queue.popleft()
            facts = self.program.files.get(current)
            if facts is None:
                continue
            for imp in facts.imports:
                if imp.type_only:
                    continue
                target = self.program.resolve(current, imp.source)
                if target is None or target in seen or self._react(target, ()):
                    continue
                seen.add(target)
                queue.append(target)
        return seen
