"""Which repository function a call invokes: imported functions and their re-exports, methods of
a class (static, on `this`, on a field whose class is written down), functions held by an object's
key, and the methods of the one class the app constructs under a property name (`ctx.notesService`)."""

from __future__ import annotations

from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, ExprKind, FileFacts
from archtools.facts.outline import Holds, constructed_properties, holding, whole_pass

FuncKey = tuple[str, int | None]


class CallTargets:
    def __init__(self, program: Program) -> None:
        self.program = program
        self._constructed: dict[str, set[tuple[str, str]]] | None = None
        self._targets: dict[tuple[str, str, int], FuncKey | None] = {}

    def target(self, file: str, call: Call) -> FuncKey | None:
        """The repository function a call invokes, when it can be resolved (worked out once per
        call: the checks of every entry point ask again for the helpers they share)."""
        key = (file, call.callee, call.line)  # all it depends on (the line: `this.method()`)
        if key in self._targets:
            return self._targets[key]
        found = self._targets[key] = self._target(file, call)
        return found

    def _target(self, file: str, call: Call) -> FuncKey | None:
        callee = call.callee.removeprefix("await ")
        if "(" in callee or callee.startswith("new "):
            return None
        parts = callee.split(".")
        if parts[0] == "this" and len(parts) in (2, 3):
            return self._this_method(file, call.line, parts)
        symbol = self.program.lookup(file, parts[0])
        if symbol is None and len(parts) >= 3:
            # `ctx.notesService.get(id)`: the class the app builds under that property name
            return self._held_method(parts[-2], parts[-1])
        if symbol is None or symbol.package is not None:
            return None
        if len(parts) == 2 and symbol.name == "*":
            symbol = self.program.lookup_export(symbol.file, parts[1])
            if symbol is None:
                return None
        elif len(parts) == 2:
            return self._static_method(symbol.file, symbol.name, parts[1]) or _object_method(
                symbol.file, symbol.value, parts[1]
            )
        elif len(parts) > 1:
            return None
        return self.function_of_symbol(
            symbol.file, symbol.func, symbol.value.call if symbol.value else None
        )

    def _this_method(self, file: str, line: int, parts: list[str]) -> FuncKey | None:
        """`this.get(id)` and `this.repo.get(id)` in a class method: a method of this class, or
        of the class its field holds (`private repo: NotesRepo`, `this.repo = new NotesRepo()`)."""
        facts = self.program.files[file]
        around = [c for c in facts.classes if c.line <= line <= c.end_line]
        if not around:
            return None
        own = max(around, key=lambda c: c.line)  # the innermost
        if len(parts) == 2:
            return self._static_method(file, own.name, parts[1])
        held = next((f.type for f in own.fields if f.name == parts[1]), None)
        return self._class_method(file, held, parts[2]) if held is not None else None

    def _class_method(self, file: str, class_name: str, method: str) -> FuncKey | None:
        """A method of the class `class_name` as `file` sees it (declared there or imported)."""
        if any(c.name == class_name for c in self.program.files[file].classes):
            return self._static_method(file, class_name, method)
        symbol = self.program.lookup(file, class_name)
        if symbol is None or symbol.package is not None or symbol.file not in self.program.files:
            return None
        return self._static_method(symbol.file, symbol.name, method)

    def _held_method(self, prop: str, method: str) -> FuncKey | None:
        """The method of the one class the app constructs under the property `prop`
        (`{ notesService: new NotesService(db) }` handed to a context), if there is one."""
        if self._constructed is None:
            self._constructed = _constructed_properties(self.program)
        held = self._constructed.get(prop, set())
        if len(held) != 1:
            return None
        (file, class_name) = next(iter(held))
        return self._class_method(file, class_name, method)

    def _static_method(self, file: str, class_name: str, method: str) -> FuncKey | None:
        """`Tag.fromId(ctx, id)`: the method of a class the repository declares."""
        facts = self.program.files.get(file)
        if facts is None:
            return None
        for declared in facts.classes:
            if declared.name != class_name:
                continue
            for function in facts.functions:
                if (
                    function.name == method
                    and function.parent is None
                    and declared.line <= function.line <= declared.end_line
                ):
                    return (file, function.index)
        return None

    def function_of_symbol(
        self, file: str, func: int | None, value_call: int | None
    ) -> FuncKey | None:
        if func is not None:
            return (file, func)
        if value_call is not None:  # `export const requireUser = cache(async () => {...})`
            call = self.program.files[file].calls[value_call]
            for arg in call.args:
                if arg.func is not None:
                    return (file, arg.func)
        return None


def _object_method(file: str, value: Expr | None, key: str) -> FuncKey | None:
    """`blog.getPost(slug)`: a function held by a key of an object the module declares
    (`export const blog = { getPost: async (slug) => {...} }`)."""
    if value is None or value.kind != ExprKind.OBJECT:
        return None
    for pair in value.pairs:
        if pair.key == key and pair.value.func is not None:
            return (file, pair.value.func)
    return None


def _constructed_properties(program: Program) -> dict[str, set[tuple[str, str]]]:
    """For each property name, the classes the app constructs under it in an object literal
    (`{ notesService: new NotesService(db) }`), with the file that constructs them."""
    found: dict[str, set[tuple[str, str]]] = {}
    with whole_pass(program.files):
        for path in holding(program.files, Holds.CONSTRUCTED_PROPERTIES):
            _constructed_in(path, program.files[path], found)
    return found


def _constructed_in(path: str, facts: FileFacts, found: dict[str, set[tuple[str, str]]]) -> None:
    """Adds the classes `facts` constructs under each key of an object literal to `found`."""
    for key, cls in constructed_properties(facts):
        found.setdefault(key, set()).add((path, cls))
