"""SEC001: secrets exposed to the browser through public environment variables.

A public variable is reported when its name says it holds a secret, unless the project shows that it
holds none or that it reaches no browser:

- its vendor issues it for browsers (publishable and anon keys, site keys, client-side tokens), or it
  is the credential of an account published on purpose (a public demo's read-only login);
- it is an on/off switch: an env file sets it to `true`/`false`, code compares it with such a value,
  or its declared schema is a boolean, whatever word (`CREDENTIALS`) its name contains;
- for a read in code: the module that reads it is in no browser bundle. Next.js inlines a public
  variable where the code that ships names it: a `'use client'` module, a Pages Router page, and
  what they import. A read in a server component, a route handler, a script or the Next.js config
  ships nothing;
- for an env file's entry: its bundler copies public variables only where code names them
  (`process.env.NEXT_PUBLIC_X`), the audited code names public variables of that prefix (so the
  audit sees where the app reads them) but never this one in a browser bundle, and no package
  publishes the whole public environment to the page at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from archtools.facts.code import EnvRead, Expr, ExprKind, FileFacts, Pair
from archtools.facts.outline import Holds, outline, whole_pass
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule
from archtools.rules.code.secret_vocabulary import secret_vocabulary
from archtools.rules.code.secrets import SECRET_NAME

PUBLIC_PREFIXES = secret_vocabulary().public_prefixes
# A Pages Router page (not an API route): the browser runs it, and every module it imports.
PAGES_ROUTER_PAGE = re.compile(r"(?:^|/)(?:src/)?pages/(?!api/)[^/][^\n]*\.[jt]sx?$")

# A schema that parses a variable as a boolean: `z.boolean()`, `z.coerce.boolean()`,
# `z.stringbool()`, `z.enum(["true", "false"])`.
BOOLEAN_SCHEMA = re.compile(
    r"\bboolean\(|\bstringbool\(|\benum\(\s*\[\s*[\"'](true|false)[\"']\s*,\s*[\"'](true|false)[\"']"
)


def secret_looking(name: str) -> bool:
    """A name that says it holds a secret and is none of the credentials made to be public."""
    vocabulary = secret_vocabulary()
    if name.endswith(vocabulary.browser_credentials):
        return False
    if vocabulary.published_accounts & set(name.upper().split("_")):
        return False
    return bool(SECRET_NAME.search(name))


def _public_secret(name: str) -> bool:
    return name.startswith(PUBLIC_PREFIXES) and secret_looking(name)


@dataclass
class PublicEnvEvidence:
    """What the code shows about secret-looking public variables, gathered in one pass over the
    files (a large repository's facts are decoded again on every pass): where code reads them,
    every name it reads as `process.env.NAME`, whether a package publishes every public variable
    at run time, the texts compared with a switch value, and the names a boolean schema declares."""

    reads: list[tuple[str, EnvRead]] = field(default_factory=list)
    named: set[str] = field(default_factory=set)
    named_in_browser: set[str] = field(default_factory=set)
    published_at_run_time: bool = False
    compared_with_switch: list[str] = field(default_factory=list)
    boolean_schemas: set[str] = field(default_factory=set)

    def reaches_browser(self, name: str) -> bool:
        """Whether an env file's variable may be in some page: unless its bundler copies only the
        public variables code names, the code names others of its prefix but not it, and no
        package publishes the public environment at run time. (Code that names no public variable
        of the prefix at all reads them some way the audit does not see: no evidence either way.)"""
        prefix = next(
            (p for p in secret_vocabulary().inlined_where_named if name.startswith(p)), None
        )
        if prefix is None or not any(n.startswith(prefix) for n in self.named):
            return True
        return self.published_at_run_time or name in self.named_in_browser

    def flags(self, ctx: CodeContext, candidates: set[str]) -> set[str]:
        """The candidates used as on/off switches: set to a switch value in an env file,
        compared with one in code, or declared with a boolean schema."""
        if not candidates:
            return set()
        values = secret_vocabulary().flag_values
        found = {
            name
            for env in ctx.env_files
            for name, value, _line in env.entries
            if name in candidates and value.lower() in values
        }
        mention = re.compile(r"\b(" + "|".join(map(re.escape, sorted(candidates))) + r")\b")
        for text in self.compared_with_switch:
            found.update(mention.findall(text))
        return found | (self.boolean_schemas & candidates)


def project_evidence(ctx: CodeContext, declared: set[str]) -> PublicEnvEvidence:
    """One pass over the files; `declared` are the env files' secret-looking public variables
    (with the ones a file reads, the names whose boolean schemas are looked for in that file)."""
    with whole_pass(ctx.files):
        return _project_evidence(ctx, declared)


def _project_evidence(ctx: CodeContext, declared: set[str]) -> PublicEnvEvidence:
    evidence = PublicEnvEvidence()
    values = secret_vocabulary().flag_values
    runtime = secret_vocabulary().runtime_env_packages
    shipped = browser_bundle(ctx)
    for path in sorted(ctx.files):
        found = outline(ctx.files, path)
        if not found.holds & Holds.ENV_OR_SWITCHES:
            # no read and no comparison with a literal: only its imports can add to the evidence
            if not evidence.published_at_run_time:
                evidence.published_at_run_time = any(
                    source.startswith(runtime) for source, _ in found.imports
                )
            continue
        facts = ctx.files[path]
        read_here = {read.name for read in facts.env_reads}
        evidence.named |= read_here
        if path in shipped:
            evidence.named_in_browser |= read_here
            evidence.reads += [
                (path, read) for read in facts.env_reads if _public_secret(read.name)
            ]
        if not evidence.published_at_run_time:
            evidence.published_at_run_time = any(
                imp.source.startswith(runtime) for imp in facts.imports
            )
        for cmp in facts.comparisons:
            for side, other in ((cmp.left, cmp.right), (cmp.right, cmp.left)):
                if _switch_value(other, values):
                    evidence.compared_with_switch.append(side.text)
        wanted = {name for name in read_here if _public_secret(name)} | (declared & read_here)
        if wanted:
            evidence.boolean_schemas |= _boolean_schemas(facts, wanted)
    return evidence


def browser_bundle(ctx: CodeContext) -> set[str]:
    """The modules a browser bundle may hold: `'use client'` modules and Pages Router pages, and
    every module they import (type-only imports ship nothing). Read from the kept outlines: no
    file is decoded for it."""
    shipped = set(ctx.client_files) | {p for p in ctx.files if PAGES_ROUTER_PAGE.search(p)}
    queue = list(shipped)
    while queue:
        path = queue.pop()
        for source, type_only in outline(ctx.files, path).imports:
            target = None if type_only else ctx.resolver(path, source)
            if target is not None and target in ctx.files and target not in shipped:
                shipped.add(target)
                queue.append(target)
    return shipped


def _switch_value(expr: Expr, values: frozenset[str]) -> bool:
    """A string or boolean literal one of the switch values: `"true"`, `"0"`, `false`."""
    if expr.kind == ExprKind.STRING:
        return expr.value is not None and expr.value.lower() in values
    return expr.text in ("true", "false")


def _boolean_schemas(facts: FileFacts, candidates: set[str]) -> set[str]:
    """Candidates declared in an object of schemas (t3-env `createEnv({ client: {...} })`) with a
    boolean schema."""
    roots: list[Expr] = [arg for call in facts.calls for arg in call.args]
    roots += [var.init for var in facts.vars if var.init is not None]
    return {
        pair.key
        for pair in _pairs(roots)
        if pair.key in candidates and BOOLEAN_SCHEMA.search(pair.value.text)
    }


def _pairs(exprs: Iterable[Expr]) -> Iterator[Pair]:
    for expr in exprs:
        for pair in expr.pairs:
            yield pair
            yield from _pairs((pair.value,))


def public_env(ctx: CodeContext) -> Iterator[Hit]:
    """Secret-looking public variables that are no switch: the env files' entries that reach a
    browser, and the reads in code."""
    declared = {
        name for env in ctx.env_files for name, _value, _line in env.entries if _public_secret(name)
    }
    evidence = project_evidence(ctx, declared)
    flags = evidence.flags(ctx, declared | {read.name for _path, read in evidence.reads})
    for env in ctx.env_files:
        for name, _value, line in env.entries:
            if name in declared and name not in flags and evidence.reaches_browser(name):
                yield Hit(
                    rule="SEC001",
                    file=env.path,
                    line=line,
                    message=f"{name} is a secret shipped to the browser: NEXT_PUBLIC_ variables are inlined into client bundles",
                    key=f"public-env:{name}",
                )
    for path, read in evidence.reads:
        if read.name not in flags:
            yield Hit(
                rule="SEC001",
                file=path,
                line=read.line,
                message=f"{read.name} names a secret but NEXT_PUBLIC_ ships it to the browser",
                key=f"public-env-read:{read.name}",
            )


def next_config_env(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    if not re.search(r"(^|/)next\.config\.(js|mjs|ts|cjs)$", path):
        return
    for call_or_var in facts.vars:
        init = call_or_var.init
        if init is None or init.kind != ExprKind.OBJECT:
            continue
        for pair in init.pairs:
            if pair.key != "env":
                continue
            for inner in pair.value.pairs:
                if secret_looking(inner.key):
                    yield Hit(
                        rule="SEC001",
                        file=path,
                        line=inner.value.line,
                        message=f"next.config `env.{inner.key}` is inlined into client bundles",
                        key=f"next-config-env:{inner.key}",
                    )


RULE = CodeRule("SEC001", per_file=(next_config_env,), per_project=(public_env,))
