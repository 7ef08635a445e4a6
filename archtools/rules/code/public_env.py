"""SEC001: secrets exposed to the browser through public environment variables."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archtools.facts.code import ExprKind, FileFacts
from archtools.rules.base import Hit
from archtools.rules.code.base import CodeContext, CodeRule
from archtools.rules.code.secrets import SECRET_NAME

PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "EXPO_PUBLIC_")
SAFE_PUBLIC_SUFFIXES = (
    "PUBLISHABLE_KEY",
    "PUBLIC_KEY",
    "SITE_KEY",
    "ANON_KEY",
    "CLIENT_ID",
    "_URL",
    "_DSN",
    # on/off switches named after what they switch (`NEXT_PUBLIC_CREDENTIALS_ENABLED`)
    "_ENABLED",
    "_DISABLED",
    # keys their vendors issue for browsers, restricted by referrer or domain, not secrets
    "GOOGLE_MAPS_API_KEY",
    "MAPS_API_KEY",
    "FIREBASE_API_KEY",
    "KNOCK_API_KEY",
    "ALGOLIA_SEARCH_API_KEY",
    "SEARCH_ONLY_API_KEY",
    "MAPBOX_ACCESS_TOKEN",
    "POSTHOG_KEY",
    "POSTHOG_API_KEY",
)
# Database URLs whose host is this machine or a local container: development placeholders.


def _public_secret(name: str) -> bool:
    if not name.startswith(PUBLIC_PREFIXES):
        return False
    if name.endswith(SAFE_PUBLIC_SUFFIXES):
        return False
    return bool(SECRET_NAME.search(name))


def public_env_files(ctx: CodeContext) -> Iterator[Hit]:
    env_files = ctx.env_files
    for env in env_files:
        for name, _value, line in env.entries:
            if _public_secret(name):
                yield Hit(
                    rule="SEC001",
                    file=env.path,
                    line=line,
                    message=f"{name} is a secret shipped to the browser: NEXT_PUBLIC_ variables are inlined into client bundles",
                    key=f"public-env:{name}",
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
                if SECRET_NAME.search(inner.key) and not inner.key.endswith(SAFE_PUBLIC_SUFFIXES):
                    yield Hit(
                        rule="SEC001",
                        file=path,
                        line=inner.value.line,
                        message=f"next.config `env.{inner.key}` is inlined into client bundles",
                        key=f"next-config-env:{inner.key}",
                    )


def public_env_reads(path: str, facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    for read in facts.env_reads:
        if _public_secret(read.name):
            yield Hit(
                rule="SEC001",
                file=path,
                line=read.line,
                message=f"{read.name} names a secret but NEXT_PUBLIC_ ships it to the browser",
                key=f"public-env-read:{read.name}",
            )


RULE = CodeRule(
    "SEC001", per_file=(next_config_env, public_env_reads), per_project=(public_env_files,)
)
