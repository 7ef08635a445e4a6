"""EXP002: error messages and stacks sent to the client.

A catch block that answers with the raw error hands its text to whoever made the request. It is
not reported when the answer goes to a caller that is no user, or carries no raw text:

- the caller proved it holds a server secret before the answer: in the same function a signature
  verifier ran first (knowledge `public_routes.signature_verifiers`, which throw on a bad
  signature: the error is then the verifier's own text about the signature the caller sent), or a
  guard exited unless the request carried a server secret or a value signed with one (the tests
  the authentication analysis applies, analysis/conditions.py);
- the message only selects an entry of a fixed table (`ERROR_CODES[err.message]`);
- the answer is given only for an error of a class the application declares (`if (err instanceof
  QuotaError) return res.json({ error: err.message })`): its messages are the application's own
  text, written for the caller;
- the call is not a response: `toast.error(...)`, `logger.error(...)` notify or log (an `error`
  call answers a request only on the handler's own response object, one of its parameters)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archtools.analysis.conditions import compares_keyed_digest, compares_secret
from archtools.analysis.knowledge import active_knowledge
from archtools.facts.code import Call, FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule

LEAKY_PATHS = re.compile(r"\b(err|error|e|ex|exception)\.(message|stack)\b|String\((err|error|e)\)")
# `ERROR_CODES[err.message]`: the message is a key, what is sent is the table's entry
_TABLE_KEY = re.compile(r"[\w$.]+\s*\[\s*(err|error|e|ex|exception)\.message\s*\]")
RESPONSE_NAMES = ("json", "Response", "NextResponse", "send")


def error_leaks(path: str, facts: FileFacts, ctx: CodeContext) -> Iterator[Hit]:
    if "use client" in facts.directives:
        return
    for call in facts.calls:
        if not call.in_catch or call.callee.startswith("console."):
            continue
        if not _answers(facts, call) or _caller_holds_a_secret(facts, call):
            continue
        if _own_error_class(path, facts, call, ctx):
            continue
        if any(LEAKY_PATHS.search(_TABLE_KEY.sub("", arg.text)) for arg in call.args):
            yield Hit(
                rule="EXP002",
                file=path,
                line=call.line,
                message="the error response carries the raw error message or stack to the client",
                key=f"error-leak:{call.callee}",
            )


def _answers(facts: FileFacts, call: Call) -> bool:
    """Whether the call answers the request: a response builder, an `error` method of the
    handler's response object (a parameter of a function around the call), or a returned call
    that is not a log or notification `error`."""
    if call.name == "error":
        root = call.callee.removeprefix("await ").split(".", 1)[0]
        return root in ("NextResponse", "Response") or root in _parameters(facts, call.func)
    return call.name in RESPONSE_NAMES or call.returned


_INSTANCE_OF = re.compile(
    r"^\(?\s*(?:err|error|e|ex|exception)\s+instanceof\s+([A-Za-z_$][\w$]*)\s*\)?$"
)


def _own_error_class(path: str, facts: FileFacts, call: Call, ctx: CodeContext) -> bool:
    """The call answers inside `if (err instanceof SomeError) { ... }`, an exit of the catch
    whose condition is that test alone, and SomeError is a class of the application."""
    for guard in facts.guards:
        if guard.func != call.func or not guard.line <= call.line <= guard.exit_line:
            continue
        tested = _INSTANCE_OF.match(guard.condition.text.strip())
        if tested is not None and _declared_class(path, facts, tested.group(1), ctx):
            return True
    return False


def _declared_class(path: str, facts: FileFacts, name: str, ctx: CodeContext) -> bool:
    """A class of that name is declared in the file, or imported from a module of the
    repository (what `instanceof` tests is a class: one the application wrote)."""
    if any(c.name == name for c in facts.classes):
        return True
    return any(
        bound.local == name and ctx.resolver(path, imp.source) is not None
        for imp in facts.imports
        for bound in imp.names
    )


def _parameters(facts: FileFacts, func: int | None) -> set[str]:
    """The parameter names of a function and of those around it."""
    names: set[str] = set()
    while func is not None:
        function = facts.functions[func]
        names |= {n for p in function.params for n in (p.names or (p.name,))}
        func = function.parent
    return names


# a function that checks a request's signature: `verifyWebhookSignature`, `validateWebhookEvent`,
# `verifyForgejoSignature`, `isValidHmac`
_SIGNATURE_CHECK = re.compile(
    r"(?:verify|validate|check|isvalid)\w*(?:signature|webhook|hmac)"
    r"|(?:signature|webhook|hmac)\w*(?:verif|valid)",
    re.IGNORECASE,
)


def _signature_decides_exit(facts: FileFacts, call: Call) -> bool:
    """Earlier in the function, an exit unless a signature check holds: the check called in the
    guard's condition (`if (!verifySignature(body, sig)) return 401`), or its result, or a name
    taken from it (`const { isValid } = client.validateWebhookEvent(...)`), tested there."""
    checks = [
        c
        for c in facts.calls
        if c.func == call.func and c.line < call.line and _SIGNATURE_CHECK.search(c.name)
    ]
    held = {name for c in checks for name in c.assigned_to}
    for guard in facts.guards:
        if guard.func != call.func or guard.line >= call.line or guard.caught:
            continue
        text = guard.condition.text
        if held & set(guard.condition.roots) or any(f"{c.name}(" in text for c in checks):
            return True
    return False


def _caller_holds_a_secret(facts: FileFacts, call: Call) -> bool:
    """Whether, earlier in the same function, a signature verifier ran or a guard exited unless the
    request carried a server secret (or a value signed with one): the answer goes to the holder
    of that secret (a signed webhook's sender, an internal job), or reports the verifier's own
    failure on the signature the caller sent."""
    verifiers = set(active_knowledge().public_routes.signature_verifiers)
    if any(
        c.func == call.func and c.line < call.line and c.name.removeprefix("new ") in verifiers
        for c in facts.calls
    ):
        return True
    if _signature_decides_exit(facts, call):
        return True
    values = {
        name: var.init.text
        for var in facts.vars
        if var.func in (call.func, None) and var.init is not None
        for name in var.names
    }
    return any(
        guard.func == call.func
        and guard.line < call.line
        and (
            compares_secret(guard.condition.text, values, set()) is not None
            or compares_keyed_digest(guard.condition.text, values) is not None
        )
        for guard in facts.guards
    )


RULE = CodeRule("EXP002", per_file=(error_leaks,))
