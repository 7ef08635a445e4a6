"""What a declared TypeScript type says a value can hold, when it cannot be SQL text: a number, a
boolean, a date, a member of a fixed set (a string-literal union, a Prisma or TypeScript enum,
`(typeof LIST)[number]` of a constant list), or a field of a zod schema that only admits those
(`z.infer<typeof schema>`, through `Omit<>`, `Partial<>`, intersections and `.extend()`).

The type is trusted only where the value was validated on its way in: a cast type says nothing
about unchecked client input."""

from __future__ import annotations

import re

from archtools.analysis.program import Program
from archtools.facts.code import Expr, ExprKind

# `z.coerce.number().int()`, `z.enum([...])`, `z.number().array()`, `z.array(z.nativeEnum(X))`
SAFE_ZOD = re.compile(
    r"^z\s*\.\s*(?:coerce\s*\.\s*)?(?:number|boolean|bigint|enum|nativeEnum|literal|date)\b"
    r"|^z\s*\.\s*array\(\s*z\s*\.\s*(?:coerce\s*\.\s*)?(?:number|boolean|enum|nativeEnum)\b"
    r"|^z\s*\.\s*string\(\)\s*\.\s*(?:uuid|cuid2?|ulid)\(\)"
)
_PRIMITIVE = re.compile(r"^(?:number|boolean|bigint|Date|null|undefined)$")
_LITERAL = re.compile(r"^(?:'[^'\\]*'|\"[^\"\\]*\"|-?\d+(?:\.\d+)?|true|false)$")
_NAME = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?$")
_INFER = re.compile(r"^z\s*\.\s*(?:infer|output|input)\s*<\s*typeof\s+([\w$.]+)\s*>$")
_LIST_MEMBER = re.compile(r"^\(\s*typeof\s+([\w$]+)\s*\)\s*\[\s*number\s*\]$")
_INDEXED = re.compile(r"^(.+)\[\s*['\"]([\w$]+)['\"]\s*\]$")
_WRAPPER = re.compile(r"^(?:Omit|Pick|Partial|Required|Readonly|NonNullable)\s*<(.*)>$", re.S)
_ZOD_RECORD = re.compile(r"^z\s*\.\s*record\(")
_ZOD_UNION = re.compile(r"^z\s*\.\s*union\(")
_ZOD_PREPROCESS = re.compile(r"^z\s*\.\s*preprocess\(")
_MAX_DEPTH = 8
# chained calls that keep an object schema's fields
_SCHEMA_LINKS = {"object", "extend", "merge", "and"}


class DeclaredTypes:
    """Judges declared types in the files of one program."""

    def __init__(self, program: Program, enums: set[str]) -> None:
        self.program = program
        self.enums = enums

    def safe(self, file: str, declared: str, depth: int = 0) -> bool:
        """Whether every value of the type is a number, boolean, date or member of a fixed set."""
        text = _unwrap(declared)
        if depth > _MAX_DEPTH or not text:
            return False
        parts = _split_top(text, "|")
        if len(parts) > 1:
            return all(self.safe(file, p, depth + 1) for p in parts)
        if text.endswith("[]"):
            return self.safe(file, text[:-2], depth + 1)
        if text.startswith("Array<") and text.endswith(">"):
            return self.safe(file, text[6:-1], depth + 1)
        if _PRIMITIVE.match(text) or _LITERAL.match(text) or text in self.enums:
            return True
        listed = _LIST_MEMBER.match(text)
        if listed:
            return self._literal_list(file, listed.group(1))
        indexed = _INDEXED.match(text)
        if indexed:
            return self.member_safe(file, indexed.group(1), indexed.group(2), depth + 1)
        inferred = _INFER.match(text)
        if inferred:
            return self._zod_safe(file, inferred.group(1), depth + 1)
        if _NAME.match(text):
            found = self._alias(file, text)
            if found is not None:
                return self.safe(found[0], found[1], depth + 1)
            return self._declared_enum(file, text)
        return False

    def member_safe(self, file: str, declared: str, key: str, depth: int = 0) -> bool:
        """Whether the type's member `key` is safe (see `safe`); `key` may be a dotted path."""
        text = _unwrap(declared)
        if depth > _MAX_DEPTH or not text:
            return False
        first, _dot, rest = key.partition(".")
        wrapped = _WRAPPER.match(text)
        if wrapped:
            inner = _split_top(wrapped.group(1), ",")[0]
            return self.member_safe(file, inner, key, depth + 1)
        parts = _split_top(text, "&")
        if len(parts) > 1:  # the member is the one part that declares it
            return any(self.member_safe(file, p, key, depth + 1) for p in parts)
        if text.startswith("{"):
            member = _object_member(text, first)
            if member is None:
                return False
            if rest:
                return self.member_safe(file, member, rest, depth + 1)
            return self.safe(file, member, depth + 1)
        inferred = _INFER.match(text)
        if inferred and not rest:
            field = self.schema_field(file, inferred.group(1), first)
            return field is not None and self._zod_expr_safe(field[0], field[1], depth + 1)
        if _NAME.match(text):
            found = self._alias(file, text)
            return found is not None and self.member_safe(found[0], found[1], key, depth + 1)
        return False

    def schema_field(
        self, file: str, schema: str, key: str, depth: int = 0
    ) -> tuple[str, Expr] | None:
        """The zod expression of field `key` of an object schema declared in the program:
        `z.object({...})`, `base.extend({...})`, `a.merge(b)`, `z.object({ ...base.shape })`."""
        if depth > _MAX_DEPTH:
            return None
        symbol = self.program.lookup(file, schema)
        if symbol is None or symbol.value is None or symbol.package is not None:
            return None
        return self._chain_field(symbol.file, symbol.value.call, key, depth + 1)

    def _chain_field(
        self, file: str, index: int | None, key: str, depth: int
    ) -> tuple[str, Expr] | None:
        """Field `key` of the schema a chain of calls builds, its last call `index`."""
        facts = self.program.files[file]
        while index is not None and depth <= _MAX_DEPTH:
            call = facts.calls[index]
            if call.name in _SCHEMA_LINKS and call.args:
                found = self._argument_field(file, call.args[0], key, depth + 1)
                if found is not None:
                    return found
            if call.receiver is None:
                base = call.callee.split(".")[0]
                if "." in call.callee and _NAME.match(base) and base != "z":
                    # `base.extend({...})`: the fields `base` declares
                    return self.schema_field(file, base, key, depth + 1)
                return None
            index = call.receiver
        return None

    def _argument_field(
        self, file: str, arg: Expr, key: str, depth: int
    ) -> tuple[str, Expr] | None:
        """Field `key` of what `z.object(...)`, `.extend(...)` or `.merge(...)` is handed: an
        object of fields (spreads of other schemas' `.shape` too), a schema's name or a chain."""
        if arg.kind == ExprKind.OBJECT:
            for pair in arg.pairs:
                if pair.key == key:
                    return file, pair.value
            for pair in arg.pairs:
                spread = pair.value.text.removeprefix("...").removesuffix(".shape")
                if pair.key == "..." and _NAME.match(spread):
                    found = self.schema_field(file, spread, key, depth + 1)
                    if found is not None:
                        return found
            return None
        if arg.kind == ExprKind.IDENTIFIER:
            return self.schema_field(file, arg.text, key, depth + 1)
        if arg.kind == ExprKind.CALL:
            return self._chain_field(file, arg.call, key, depth + 1)
        return None

    def _zod_safe(self, file: str, schema: str, depth: int) -> bool:
        return self._zod_text_safe(file, schema, depth + 1)

    def _zod_expr_safe(self, file: str, expr: Expr, depth: int) -> bool:
        """A zod field that admits no free text, written inline or as a module schema's name."""
        return self._zod_text_safe(file, expr.text, depth)

    def zod_safe(self, file: str, text: str) -> bool:
        """Whether a zod schema, as written, admits no free text."""
        return self._zod_text_safe(file, text, 0)

    def record_values_safe(self, file: str, text: str) -> bool:
        """`z.record(z.string(), z.number())`: whether the record's values admit no free text."""
        args = _call_args(" ".join(text.split()), _ZOD_RECORD)
        return args is not None and bool(args) and self._zod_text_safe(file, args[-1], 1)

    def _zod_text_safe(self, file: str, text: str, depth: int) -> bool:
        """`z.number()`, `z.enum(...)`, a union or a preprocessed schema of those, or the name of
        a module schema that is one."""
        text = " ".join(text.split())
        if SAFE_ZOD.match(text):
            return True
        if depth > _MAX_DEPTH:
            return False
        inner = _call_args(text, _ZOD_UNION)
        if inner is not None:  # `z.union([z.enum(A), z.enum(A).array()])`
            items = inner[0].strip()
            if not (items.startswith("[") and items.endswith("]")):
                return False
            members = _split_top(items[1:-1], ",")
            return bool(members) and all(self._zod_text_safe(file, m, depth + 1) for m in members)
        inner = _call_args(text, _ZOD_PREPROCESS)
        if inner is not None:  # `z.preprocess((v) => Number(v), z.number())`
            return len(inner) > 1 and self._zod_text_safe(file, inner[1], depth + 1)
        name = text.split(".")[0].strip()
        if not _NAME.match(name) or name == "z":
            return False
        symbol = self.program.lookup(file, name)
        if symbol is None or symbol.value is None or symbol.package is not None:
            return False
        return self._zod_text_safe(symbol.file, symbol.value.text, depth + 1)

    def _alias(self, file: str, name: str) -> tuple[str, str] | None:
        """The aliased text of a type alias declared in `file` or imported into it."""
        found = self._type_file(file, name)
        if found is None:
            return None
        target, local = found
        alias = next((a for a in self.program.files[target].aliases if a.name == local), None)
        return (target, alias.text) if alias is not None else None

    def _type_file(self, file: str, name: str, depth: int = 0) -> tuple[str, str] | None:
        """The file that declares the type `name` means in `file`, and its name there."""
        facts = self.program.files.get(file)
        if facts is None or depth > 8:
            return None
        if any(a.name == name for a in facts.aliases) or any(e.name == name for e in facts.enums):
            return file, name
        for imp in facts.imports:
            for bound in imp.names:
                if bound.local == name:
                    target = self.program.resolve(file, imp.source)
                    if target is None or target not in self.program.files:
                        return None
                    return self._type_file(target, bound.imported, depth + 1)
        for export in facts.exports:
            if export.source is not None and export.name in (name, "*"):
                target = self.program.resolve(file, export.source)
                if target is not None and target in self.program.files:
                    local = export.local or name if export.name == name else name
                    found = self._type_file(target, local, depth + 1)
                    if found is not None:
                        return found
        return None

    def _declared_enum(self, file: str, name: str) -> bool:
        found = self._type_file(file, name)
        return found is not None and any(
            e.name == found[1] for e in self.program.files[found[0]].enums
        )

    def _literal_list(self, file: str, name: str) -> bool:
        """`const LIST = ['a', 'b'] as const`: a module constant of literals only."""
        symbol = self.program.lookup(file, name)
        if symbol is None or symbol.value is None:
            return False
        value = symbol.value
        return (
            value.kind == ExprKind.ARRAY
            and bool(value.items)
            and all(i.kind in (ExprKind.STRING, ExprKind.NUMBER) for i in value.items)
        )


_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
# a line break before `name:` or `name?:` ends a member of an object type
_MEMBER_LINE = re.compile(r"\n(?=\s*(?:readonly\s+)?[\w$]+\??\s*:)")


def _unwrap(declared: str) -> str:
    text = _COMMENT.sub(" ", declared)
    text = " ".join(_MEMBER_LINE.sub(" ; ", text).replace(";", " ; ").split())
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    if text.startswith("readonly "):
        text = text.removeprefix("readonly ").strip()
    return text


def _balanced(text: str) -> bool:
    level = 0
    for ch in text:
        level += ch in "([{<"
        level -= ch in ")]}>"
        if level < 0:
            return False
    return level == 0


def _split_top(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside brackets and quotes (one part when there is none)."""
    parts: list[str] = []
    level = 0
    quote = ""
    start = 0
    for at, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{<":
            level += 1
        elif ch in ")]}>" and not (ch == ">" and at and text[at - 1] == "="):
            level -= 1
        elif ch == separator and level == 0:
            parts.append(text[start:at].strip())
            start = at + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p] if len(parts) > 1 else [text.strip()]


def _call_args(text: str, call: re.Pattern[str]) -> list[str] | None:
    """The arguments of the call `text` starts with, when it starts with `call`."""
    start = call.match(text)
    if start is None:
        return None
    level = 1
    for at in range(start.end(), len(text)):
        level += text[at] in "([{"
        level -= text[at] in ")]}"
        if level == 0:
            return _split_top(text[start.end() : at], ",")
    return None


def _object_member(declared: str, key: str) -> str | None:
    """`number` for `id` in `{ id: number; setTo: boolean }` (top-level members only)."""
    body = declared.strip()[1:-1]
    for part in _split_top(body, ";"):
        for member in _split_top(part, ","):
            name, sep, value = member.partition(":")
            if sep and name.strip().removesuffix("?").strip() == key:
                return value.strip()
    return None
