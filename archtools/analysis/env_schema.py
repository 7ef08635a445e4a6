"""Environment variables an app declares required and non-empty in a validated schema
(`createEnv({ server: { CRON_SECRET: z.string().min(1) } })` of the t3 env packages): the app does
not start without them, so a secret interpolated into a template (`Bearer ${env.CRON_SECRET}`) is
known to be set and the template cannot collapse to `Bearer undefined`."""

from __future__ import annotations

import re

from archtools.analysis.program import Program
from archtools.facts.code import Expr, ExprKind

# the validated env packages and the builder they export
_PACKAGES = ("@t3-oss/env-nextjs", "@t3-oss/env-core")
_BUILDER = "createEnv"
# groups of server-side variables in the builder's options
_SERVER_GROUPS = ("server", "shared")
# a schema that refuses an empty value: a minimum length, `nonempty()`, or a format a blank fails
_NON_EMPTY = re.compile(r"\.(?:min\(\s*[1-9]|nonempty\(|length\(\s*[1-9]|url\(|email\(|uuid\()")
# a schema that lets the value be missing after all
_MAY_BE_MISSING = re.compile(r"\.(?:optional|nullish|nullable|default|catch)\(")


def required_non_empty(program: Program, file: str, name: str) -> frozenset[str]:
    """The variables the env object `name` (as seen from `file`) requires non-empty, when it is
    built by a validated env package; empty otherwise."""
    symbol = program.lookup(file, name)
    if symbol is None or symbol.value is None or symbol.value.call is None:
        return frozenset()
    call = program.call(symbol.file, symbol.value.call)
    if call.name != _BUILDER or not call.args or call.args[0].kind != ExprKind.OBJECT:
        return frozenset()
    builder = program.lookup(symbol.file, call.callee.split(".", 1)[0])
    if builder is None or builder.package not in _PACKAGES:
        return frozenset()
    return frozenset(
        pair.key
        for group in call.args[0].pairs
        if group.key in _SERVER_GROUPS
        for pair in group.value.pairs
        if _refuses_empty(pair.value)
    )


def _refuses_empty(schema: Expr) -> bool:
    return bool(_NON_EMPTY.search(schema.text)) and not _MAY_BE_MISSING.search(schema.text)
