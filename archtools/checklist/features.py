"""Groups entry points into features: from archtools.toml globs when given, else from routes and paths."""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass, field

from archtools.analysis.knowledge import GuardKnowledge, extended_knowledge
from archtools.errors import InputError
from archtools.rules.catalog import rule_catalog
from archtools.rules.selection import check_selectors
from archtools.source.globs import Globs

PROJECT_FEATURE = "project"
_GENERIC_SEGMENTS = {
    "api",
    "app",
    "src",
    "pages",
    "lib",
    "server",
    "actions",
    "routers",
    "routes",
    "trpc",
    "v1",
    "v2",
    "_actions",
}


@dataclass(frozen=True)
class ProjectConfig:
    """archtools.toml in the audited repository: feature globs and routes declared public."""

    features: dict[str, list[str]] = field(default_factory=dict)
    public_routes: list[str] = field(default_factory=list)
    path: str | None = None
    # [rules] select / ignore: rule ids and prefixes (None: every rule)
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    # [knowledge]: the project's own auth helpers, verifiers, role checks... added to the bundled
    # catalog (archtools/knowledge/guards.yaml, same keys); None when the file declares none
    knowledge: GuardKnowledge | None = None


def parse_config(text: str, path: str = "archtools.toml") -> ProjectConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: {error}") from error
    features_raw = data.get("features", {})
    public_raw = data.get("public", {}).get("routes", [])
    if not isinstance(features_raw, dict) or not all(
        isinstance(v, list) and all(isinstance(g, str) for g in v) for v in features_raw.values()
    ):
        raise InputError(f"{path}: [features] maps a feature name to a list of path globs")
    if not isinstance(public_raw, list) or not all(isinstance(r, str) for r in public_raw):
        raise InputError(f"{path}: [public] routes is a list of route paths")
    rules_raw = data.get("rules", {})
    select_raw = rules_raw.get("select") if isinstance(rules_raw, dict) else None
    ignore_raw = rules_raw.get("ignore", []) if isinstance(rules_raw, dict) else None
    for name, value in (("select", select_raw), ("ignore", ignore_raw)):
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise InputError(f"{path}: [rules] {name} is a list of rule ids and prefixes")
    known = rule_catalog().keys()
    select = None if select_raw is None else tuple(v.strip().upper() for v in select_raw)
    ignore = tuple(v.strip().upper() for v in ignore_raw or [])
    check_selectors((*(select or ()), *ignore), known, f"{path}: [rules]")
    knowledge_raw = data.get("knowledge")
    if knowledge_raw is not None and not isinstance(knowledge_raw, dict):
        raise InputError(f"{path}: [knowledge] is a table with the keys of guards.yaml")
    return ProjectConfig(
        features={str(k): list(v) for k, v in features_raw.items()},
        public_routes=list(public_raw),
        path=path,
        select=select,
        ignore=ignore,
        knowledge=extended_knowledge(knowledge_raw, path) if knowledge_raw else None,
    )


def _clean(segment: str) -> str | None:
    if (
        not segment
        or segment.startswith(("[", "(", "@", "_"))
        or segment.lower() in _GENERIC_SEGMENTS
    ):
        return None
    stem = re.sub(r"\.(tsx?|jsx?|mjs|cjs)$", "", segment)
    if (
        stem in ("route", "page", "index", "actions", "action", "layout")
        or stem.lower() in _GENERIC_SEGMENTS
    ):
        return None
    return stem.lower()


def feature_of(kind: str, file: str, route: str | None, config: ProjectConfig) -> str:
    for name, globs in config.features.items():
        matcher = Globs(globs)
        if matcher.match(file) or (route and matcher.match(route)):
            return name
    if kind == "trpc_procedure" and route:
        return route.split(".", 1)[0].lower()
    if route:
        for segment in route.split("/"):
            cleaned = _clean(segment)
            if cleaned:
                return cleaned
    for segment in reversed(posixpath.dirname(file).split("/")):
        cleaned = _clean(segment)
        if cleaned:
            return cleaned
    cleaned = _clean(posixpath.basename(file))
    return cleaned or PROJECT_FEATURE


def merge_plurals(features: set[str]) -> dict[str, str]:
    """`order` and `orders` are one feature: map each singular to its plural when both occur."""
    mapping = {f: f for f in features}
    for name in features:
        if name + "s" in features:
            mapping[name] = name + "s"
    return mapping
