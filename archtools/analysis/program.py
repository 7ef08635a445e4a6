"""The whole program's facts with cross-file symbol lookup: which function or value a name refers to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from archtools.facts.code import Call, Export, ExportKind, Expr, FileFacts, Function, VarDecl

ImportResolver = Callable[[str, str], str | None]


@dataclass(frozen=True)
class Symbol:
    """What a name resolves to: a function, a module-level value, or an export of a package."""

    file: str
    name: str
    func: int | None = None  # a function of `file`
    value: Expr | None = (
        None  # a module-level initializer (`const x = ...` or a destructured export)
    )
    destructured: bool = False  # `const { name } = value`
    package: str | None = None  # an import from outside the repository: the specifier
    imported: str | None = None  # the name imported from `package`


@dataclass
class Program:
    files: Mapping[str, FileFacts]
    resolve_import: ImportResolver
    _module_funcs: dict[str, dict[str, int]] = field(default_factory=dict)
    _module_vars: dict[str, dict[str, VarDecl]] = field(default_factory=dict)
    _lookups: dict[tuple[str, str], Symbol | None] = field(default_factory=dict)
    _resolved: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def resolve(self, file: str, specifier: str) -> str | None:
        """The repository file an import specifier names (memoized: the same imports recur)."""
        key = (file, specifier)
        if key not in self._resolved:
            self._resolved[key] = self.resolve_import(file, specifier)
        return self._resolved[key]

    def function(self, file: str, index: int) -> Function:
        return self.files[file].functions[index]

    def call(self, file: str, index: int) -> Call:
        return self.files[file].calls[index]

    def module_functions(self, file: str) -> dict[str, int]:
        cached = self._module_funcs.get(file)
        if cached is None:
            facts = self.files[file]
            cached = {f.name: f.index for f in facts.functions if f.parent is None and f.name}
            self._module_funcs[file] = cached
        return cached

    def module_vars(self, file: str) -> dict[str, VarDecl]:
        cached = self._module_vars.get(file)
        if cached is None:
            cached = {}
            for var in self.files[file].vars:
                if var.func is None:
                    for name in var.names:
                        cached.setdefault(name, var)
            self._module_vars[file] = cached
        return cached

    def lookup(self, file: str, name: str, depth: int = 0) -> Symbol | None:
        """Resolve a module-level name of `file`: local function, local value, or import."""
        root = name.split(".", 1)[0].split("(", 1)[0]
        key = (file, root)
        if depth == 0 and key in self._lookups:
            return self._lookups[key]
        found = self._lookup(file, root, depth)
        if depth == 0:
            self._lookups[key] = found
        return found

    def _lookup(self, file: str, root: str, depth: int) -> Symbol | None:
        if depth > 12 or file not in self.files:
            return None
        # A module-level binding: a declared function, or a variable. Methods of an object literal
        # (`NextAuth({ events: { signIn() {} } })`) carry a name but bind none, so a variable of
        # that name (`const { signIn } = NextAuth(...)`) is the one the module means.
        var = self.module_vars(file).get(root)
        funcs = self.module_functions(file)
        if var is None and root in funcs:
            return Symbol(file=file, name=root, func=funcs[root])
        if var is not None:
            init = var.init
            func = init.func if init is not None else None
            return Symbol(
                file=file,
                name=root,
                func=func,
                value=init,
                destructured=root not in var.names[:1] or len(var.keys) > 0,
            )
        if any(declared.name == root for declared in self.files[file].classes):
            return Symbol(file=file, name=root)  # a class of this file
        for imp in self.files[file].imports:
            for bound in imp.names:
                if bound.local != root:
                    continue
                target = self.resolve(file, imp.source)
                if target is None or target not in self.files:
                    return Symbol(file=file, name=root, package=imp.source, imported=bound.imported)
                if bound.imported == "*":
                    return Symbol(file=target, name="*")
                return self.lookup_export(target, bound.imported, depth + 1)
        return None

    def lookup_export(self, file: str, name: str, depth: int = 0) -> Symbol | None:
        if depth > 12 or file not in self.files:
            return None
        facts = self.files[file]
        star_sources: list[str] = []
        for export in facts.exports:
            if export.name == "*" and export.source is not None:
                star_sources.append(export.source)
                continue
            if export.name != name:
                continue
            return self._export_symbol(file, export, depth)
        outside: list[str] = []
        for source in star_sources:
            target = self.resolve(file, source)
            if target is not None:
                found = self.lookup_export(target, name, depth + 1)
                if found is not None:
                    return found
            elif not source.startswith("."):
                outside.append(source)
        if len(outside) == 1:
            # `export * from "@clerk/nextjs/server"`: a name not found in the repository comes
            # from the one package re-exported whole (with several, which one is unknown).
            return Symbol(file=file, name=name, package=outside[0], imported=name)
        return None

    def _export_symbol(self, file: str, export: Export, depth: int) -> Symbol | None:
        if export.kind == ExportKind.REEXPORT and export.source is not None:
            target = self.resolve(file, export.source)
            if target is None:
                return Symbol(
                    file=file, name=export.name, package=export.source, imported=export.local
                )
            return self.lookup_export(target, export.local or export.name, depth + 1)
        if export.func is not None:
            return Symbol(file=file, name=export.name, func=export.func)
        if export.kind == ExportKind.DESTRUCTURED:
            return Symbol(file=file, name=export.name, value=export.init, destructured=True)
        if export.kind == ExportKind.VARIABLE:
            return Symbol(file=file, name=export.name, value=export.init)
        if export.local:
            return self.lookup(file, export.local, depth + 1)
        if export.init is not None:
            return Symbol(file=file, name=export.name, value=export.init)
        return None

    def import_origin(self, file: str, name: str) -> tuple[str, str] | None:
        """(package specifier, imported name) when `name` comes from outside the repository."""
        symbol = self.lookup(file, name)
        if symbol is not None and symbol.package is not None:
            return symbol.package, symbol.imported or name
        return None

    def value_call(self, symbol: Symbol) -> Call | None:
        """The call a module-level value is initialised with (`const x = f(...)`)."""
        if symbol.value is None or symbol.value.call is None:
            return None
        return self.files[symbol.file].calls[symbol.value.call]

    def chain(self, file: str, call: Call) -> list[Call]:
        """The calls of a method chain, innermost first: `a.b(x).c(y)` -> [b(x), c(y)]."""
        calls = [call]
        facts = self.files[file]
        seen = {call.index}
        current = call
        while current.receiver is not None and current.receiver not in seen:
            seen.add(current.receiver)
            current = facts.calls[current.receiver]
            calls.append(current)
        calls.reverse()
        return calls
