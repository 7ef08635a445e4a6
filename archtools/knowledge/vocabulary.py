"""Field-name vocabularies (archtools/knowledge/fields.yaml), loaded once."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

from archtools.yaml_data import safe_load


def loose(name: str) -> str:
    """A name compared loosely: lower case, no underscores (`created_at` == `createdAt`)."""
    return name.replace("_", "").lower()


@cache
def _vocabulary(kind: str) -> frozenset[str]:
    text = resources.files("archtools.knowledge").joinpath("fields.yaml").read_text("utf-8")
    return frozenset(loose(name) for name in (safe_load(text) or {})[kind])


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(name: str) -> list[str]:
    """Lower-case words of a camelCase or snake_case name (`apiKeyHash` -> api, key, hash)."""
    return [w.lower() for w in _WORD.findall(name)]


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def named_word(name: str, kind: str) -> str | None:
    """The word of vocabulary `kind` that `name` holds: one of its words, or two adjacent words
    joined (`api_key` holds `apikey`), compared in the singular."""
    listed = _vocabulary(kind)
    parts = _singular_words(name)
    for word in parts:
        if word in listed:
            return word
    for first, second in pairwise(parts):
        if first + second in listed:
            return first + second
    return None


@lru_cache(maxsize=1 << 16)  # the same field and variable names are asked about again and again
def _singular_words(name: str) -> tuple[str, ...]:
    return tuple(singular(w) for w in words(name))


def vocabularies(*kinds: str) -> tuple[frozenset[str], ...]:
    """The vocabularies of `kinds`, as they are now (what a cache of their verdicts depends on)."""
    return tuple(_vocabulary(kind) for kind in kinds)


def in_vocabulary(word: str, kind: str) -> bool:
    return loose(word) in _vocabulary(kind)


def is_soft_delete_field(name: str) -> bool:
    return loose(name) in _vocabulary("soft_delete")


def is_version_field(name: str) -> bool:
    return loose(name) in _vocabulary("version")
