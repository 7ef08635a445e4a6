"""What an exit-guard's condition tests, read from its text: the presence of the caller (an
authentication guard), or a request credential compared with a server secret (an internal caller).

A guard `if (C) exit` protects what follows only for the disjuncts of C: `if (!user || x) return` stops
every request without a user, `if (note.ownerId !== user?.id) return` stops none for sure (both sides
may be undefined), so a comparison is never a presence test. Conditions joined by a top-level `&&`
exit only when every part holds and guard nothing alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_NULLISH = r"(?:null|undefined)"
_PRESENCE_FORMS = (
    re.compile(r"^!\s*(?P<x>.+)$", re.S),
    re.compile(rf"^(?P<x>.+?)\s*===?\s*{_NULLISH}$", re.S),
    re.compile(rf"^{_NULLISH}\s*===?\s*(?P<x>.+)$", re.S),
    re.compile(r"""^typeof\s+(?P<x>.+?)\s*===?\s*["']undefined["']$""", re.S),
)
_COMPARISON = re.compile(r"(?<![=!<>])(!==?|===?)(?!=)")
SECRET_NAME = re.compile(r"secret|token|api_?key|password|signing|webhook_?key", re.I)
# `process.env.X`, an env object of the app's (`env.X`, `serverEnv.X`), or its env reader called
# with the variable's name (`env("X")`, `getEnv('X')`)
_ENV_READ = re.compile(
    r"\b(?:process\.env|[A-Za-z_$]*[eE]nv)(?:\.([A-Za-z_][A-Za-z0-9_]*)"
    r"|\(\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']\s*\))"
)
_REQUEST_WORDS = re.compile(
    r"headers|authorization|searchParams|cookies|\bquery\b|req\.body|request\.body|bearer", re.I
)
_CONSTANT_TIME = re.compile(r"timingSafeEqual|safeCompare|constantTimeEqual|secureCompare", re.I)
_KEYED_DIGEST = re.compile(r"createHmac|createHash|hmac|sha256|sha1|digest", re.I)


def _strip(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and _closing(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text.removeprefix("await ").strip()


def _closing(text: str) -> int:
    depth = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _split_top(text: str, operator: str) -> list[str]:
    parts, depth, start, quote = [], 0, 0, ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(operator, index):
            parts.append(text[start:index])
            start = index + len(operator)
            index += len(operator)
            continue
        index += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def disjuncts(condition: str) -> list[str] | None:
    """The `||` parts of a condition; None when a top-level `&&` makes it a conjunction."""
    text = _strip(condition)
    parts = [_strip(p) for p in _split_top(text, "||")]
    if any(len(_split_top(p, "&&")) > 1 for p in parts):
        return None if len(parts) == 1 else [p for p in parts if len(_split_top(p, "&&")) == 1]
    return parts


def presence_subject(term: str) -> str | None:
    """`x` when the term holds exactly when `x` is absent (`!x`, `x == null`, `typeof x === "undefined"`)."""
    if _COMPARISON.search(term) and not re.search(rf"===?\s*{_NULLISH}\b", term):
        return None
    for form in _PRESENCE_FORMS:
        match = form.match(term)
        if match is not None:
            subject = _strip(match.group("x"))
            if subject.startswith("!") or _COMPARISON.search(subject):
                return None
            return subject
    return None


def normalized(subject: str) -> str:
    return subject.replace("?.", ".").replace("!.", ".")


# `!x?.a?.b` (the negation of a read through optional chaining) and `x?.a?.b !== "ADMIN"` (a
# strict inequality with a value that is not nullish): both hold when `x` is absent
_NEGATED_READ = re.compile(r"^!\s*(?P<x>[\w$][\w$.?!]*(?:\([^()]*\))?)$", re.S)
_UNEQUAL_TO_VALUE = re.compile(
    r"""^(?P<x>[\w$][\w$.?!]*)\s*!==\s*(?:"[^"]*"|'[^']*'|`[^`$]*`|-?\d[\d.]*|true|false|[A-Z][\w$]*\.[\w$]+)$""",
    re.S,
)


def optional_chain_absences(term: str) -> list[str]:
    """The values whose absence makes the term hold through optional chaining: `session` and
    `session?.user` for `!session?.user?.isAdmin` or `session?.user?.role !== "ADMIN"` (the read
    yields undefined, which is falsy and unequal to any value)."""
    match = _NEGATED_READ.match(term) or _UNEQUAL_TO_VALUE.match(term)
    if match is None:
        return []
    chain = match.group("x")
    return [chain[: m.start()] for m in re.finditer(r"\?\.", chain)]


def tests_presence(condition: str, is_identity: Callable[[str], bool]) -> bool:
    """Whether the guard exits whenever some identity value is absent: it tests the value's
    absence, or reads through it with optional chaining in a way that holds when it is absent
    (`!session?.user?.isAdmin`, `session?.user?.role !== "ADMIN"`)."""
    parts = disjuncts(condition)
    if not parts:
        return False
    for part in parts:
        subject = presence_subject(part)
        if subject is not None and is_identity(normalized(subject)):
            return True
        if any(is_identity(normalized(prefix)) for prefix in optional_chain_absences(part)):
            return True
    return False


def secret_names(texts: Iterable[str]) -> set[str]:
    return {m.group(1) or m.group(2) for text in texts for m in _ENV_READ.finditer(text)}


def compares_secret(
    condition: str, secret_values: dict[str, str], checked_present: set[str]
) -> str | None:
    """The name of the server secret a request credential is compared with, when the guard exits
    on a mismatch. `secret_values` maps local names to what they were set from. A secret interpolated
    into a template (`Bearer ${process.env.X}`) counts only when it is known to be set: an unset one
    makes the template match the literal text `Bearer undefined`."""
    parts = disjuncts(condition) or []
    for part in parts:
        subject = presence_subject(part)
        if subject is not None:
            checked_present |= {subject, *secret_names([secret_values.get(subject, "")])}
    for part in parts:
        expanded = part
        for name, source in secret_values.items():
            if re.search(rf"\b{re.escape(name)}\b", part):
                expanded += " " + source
        env = [n for n in secret_names([expanded]) if SECRET_NAME.search(n)]
        if not env or not _REQUEST_WORDS.search(expanded):
            continue
        if part.startswith("!") and _CONSTANT_TIME.search(part):
            return env[0]
        if not re.search(r"!==?", part):
            continue
        templated = "${" in part or any(
            "${" in source for name, source in secret_values.items() if name in part
        )
        locals_used = {n for n in secret_values if re.search(rf"\b{re.escape(n)}\b", part)}
        if templated and not (set(env) & checked_present or locals_used & checked_present):
            continue
        return env[0]
    return None


def keyed_digest(text: str) -> bool:
    """Whether the text computes a digest keyed by a server secret (an HMAC, or a hash over a
    value with the secret in it)."""
    return bool(_KEYED_DIGEST.search(text)) and any(
        SECRET_NAME.search(n) for n in secret_names([text])
    )


def _expanded(text: str, secret_values: dict[str, str], depth: int = 3) -> str:
    """The text with what each local it names was set from, followed `depth` assignments deep
    (`expectedBuffer` <- `Buffer.from(expected)` <- `createHash(...)...`)."""
    seen: set[str] = set()
    current = text
    for _ in range(depth):
        added = [
            source
            for name, source in secret_values.items()
            if name not in seen and re.search(rf"\b{re.escape(name)}\b", current)
        ]
        seen |= {n for n in secret_values if re.search(rf"\b{re.escape(n)}\b", current)}
        if not added:
            break
        current = " ".join([current, *added])
    return current


def compares_keyed_digest(condition: str, secret_values: dict[str, str]) -> str | None:
    """The server secret keying a digest the guard compares a presented value with, exiting on a
    mismatch (`if (hash !== expected)` where `expected = createHash(...).update(`${id}-${env.SECRET}`)`,
    or `!timingSafeEqual(given, Buffer.from(expected))`): a signed link or request, verified."""
    for part in disjuncts(condition) or []:
        if part.startswith("!") and _CONSTANT_TIME.search(part):
            expanded = _expanded(part, secret_values)
            env = [n for n in secret_names([expanded]) if SECRET_NAME.search(n)]
            if env and _KEYED_DIGEST.search(expanded):
                return env[0]
            continue
        if not re.search(r"!==?", part):
            continue
        for name, source in secret_values.items():
            if not re.search(rf"\b{re.escape(name)}\b", part) or not _KEYED_DIGEST.search(source):
                continue
            env = [n for n in secret_names([source]) if SECRET_NAME.search(n)]
            if env:
                return env[0]
    return None


def returns_keyed_digest_match(returned: str, secret_values: dict[str, str]) -> str | None:
    """The server secret keying a digest that a returned equality compares a presented value
    with (`return signature === `sha256=${expected}`` where `expected` is
    `createHmac("sha256", process.env.SECRET).update(body).digest("hex")`): a helper that tells
    its caller whether a request is signed."""
    if not re.search(r"(?<![=!<>])===?(?!=)", returned) or re.search(r"!==?", returned):
        return None
    for name, source in secret_values.items():
        if not re.search(rf"\b{re.escape(name)}\b", returned) or not _KEYED_DIGEST.search(source):
            continue
        env = [n for n in secret_names([source]) if SECRET_NAME.search(n)]
        if env:
            return env[0]
    return None


_KEYED_BY = re.compile(r"createHmac\(\s*[^,()]+,\s*([A-Za-z_$][\w$]*)\s*\)")


def returns_digest_keyed_by(
    returned: str, local_values: dict[str, str], params: list[str]
) -> str | None:
    """The parameter keying an HMAC that a returned equality compares a presented value with
    (`return signature === expected` where `expected` is `createHmac("sha256",
    secret).update(body).digest("hex")` and `secret` a parameter): the caller decides which
    secret signs."""
    if not re.search(r"(?<![=!<>])===?(?!=)", returned) or re.search(r"!==?", returned):
        return None
    sources = [returned] + [
        source
        for name, source in local_values.items()
        if re.search(rf"\b{re.escape(name)}\b", returned)
    ]
    for source in sources:
        for match in _KEYED_BY.finditer(source):
            if match.group(1) in params:
                return match.group(1)
    return None
