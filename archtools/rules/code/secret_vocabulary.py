"""The secret rules' vocabulary (archtools/knowledge/secrets.yaml), loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from archtools.yaml_data import bundled_knowledge


@dataclass(frozen=True)
class SecretVocabulary:
    """Which environment variables reach browsers, and which public ones hold no secret."""

    public_prefixes: tuple[str, ...]
    inlined_where_named: tuple[str, ...]
    runtime_env_packages: tuple[str, ...]
    browser_credentials: tuple[str, ...]
    published_accounts: frozenset[str]
    connection_words: frozenset[str]
    flag_values: frozenset[str]


@cache
def secret_vocabulary() -> SecretVocabulary:
    data = bundled_knowledge("secrets.yaml") or {}
    return SecretVocabulary(
        public_prefixes=tuple(data["public_prefixes"]),
        inlined_where_named=tuple(data["inlined_where_named"]),
        runtime_env_packages=tuple(data["runtime_env_packages"]),
        browser_credentials=tuple(data["browser_credentials"]),
        published_accounts=frozenset(word.upper() for word in data["published_accounts"]),
        connection_words=frozenset(word.upper() for word in data["connection_words"]),
        flag_values=frozenset(str(value).lower() for value in data["flag_values"]),
    )
