"""The real-world corpus on disk: label files, classified findings, and where each app's mirror is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec
import yaml

CHECKS = ("authentication", "authorization", "input_validation")
VERDICTS = ("pass", "fail", "n/a", "any")
KINDS = (
    "route_handler",
    "server_action",
    "pages_api",
    "trpc_procedure",
    "rpc_procedure",
    "page",
    "pages_ssr",
)
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


class LabelError(ValueError):
    """A label file that does not follow tests/realworld/README.md."""


@dataclass(frozen=True)
class Line:
    """One repo-relative line, 1-based."""

    file: str
    line: int


@dataclass
class LabelEntry:
    id: str
    file: str
    name: str
    method: str
    kind: str
    public: bool
    scored: dict[str, str]
    guards: dict[str, frozenset[Line]]
    auth_kind: str | None = None
    route: str | None = None
    lines: tuple[int, int] | None = None


@dataclass
class AppLabels:
    path: Path
    split: str  # "dev" | "test"
    repo: str
    commit: str
    mirror: str
    scope: str
    scope_globs: list[str]
    entries: list[LabelEntry]
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.stem

    def in_scope(self, file: str) -> bool:
        spec = pathspec.GitIgnoreSpec.from_lines(self.scope_globs)
        return spec.match_file(file)


@dataclass
class ClassifiedFinding:
    rule: str
    file: str
    line: int
    verdict: str  # TP | FP | DEBATABLE
    cause: str
    fingerprint: str | None = None

    @property
    def family(self) -> str:
        return rule_family(self.rule)


# Rules whose precision is held to the bar one by one, besides their family's: the seed's
# query-performance and data-integrity rules, each a check of its own rather than one more way of
# finding the same kind of flaw.
RULES_MEASURED_ALONE = frozenset(
    {"PRF001", "PRF002", "PRF003", "DATA001", "DATA002", "DATA003", "DATA004"}
)


def strata(rule: str) -> tuple[str, ...]:
    """What a finding of this rule is sampled and scored under: its family, and the rule itself
    when it is measured alone."""
    family = rule_family(rule)
    return (family, rule) if rule in RULES_MEASURED_ALONE else (family,)


def rule_family(rule: str) -> str:
    """`AZ001` -> `AZ`: the letters before the number."""
    match = re.match(r"[A-Za-z]+", rule)
    return match.group(0).upper() if match else rule


def parse_lines(spec: object, default_file: str) -> set[Line]:
    """A guard spec (`13`, `"13-15"`, `"lib/x.ts:4"`, `"lib/x.ts:4-6"`) as the lines it names."""
    text = str(spec).strip()
    file = default_file
    if ":" in text:
        file, text = text.rsplit(":", 1)
        file = file.strip()
    match = _RANGE.match(text)
    if match is None:
        raise LabelError(f"not a line or range: {spec!r}")
    start = int(match.group(1))
    end = int(match.group(2) or start)
    if end < start:
        raise LabelError(f"range goes backwards: {spec!r}")
    return {Line(file, n) for n in range(start, end + 1)}


def _entry(raw: dict[str, Any], where: str) -> LabelEntry:
    for key in ("id", "file", "name", "kind", "scored"):
        if key not in raw:
            raise LabelError(f"{where}: entry {raw.get('id', '?')} has no `{key}`")
    if raw["kind"] not in KINDS:
        raise LabelError(f"{where}: entry {raw['id']}: unknown kind {raw['kind']!r}")
    scored: dict[str, str] = {}
    for check in CHECKS:
        verdict = str(raw["scored"].get(check, "any"))
        if verdict not in VERDICTS:
            raise LabelError(f"{where}: entry {raw['id']}: {check} is {verdict!r}")
        scored[check] = verdict
    guards: dict[str, frozenset[Line]] = {}
    for check, specs in (raw.get("guards") or {}).items():
        if check not in CHECKS:
            raise LabelError(f"{where}: entry {raw['id']}: guards for unknown check {check!r}")
        lines: set[Line] = set()
        for spec in specs if isinstance(specs, list) else [specs]:
            lines |= parse_lines(spec, raw["file"])
        guards[check] = frozenset(lines)
    span = None
    if raw.get("lines"):
        first = parse_lines(raw["lines"], raw["file"])
        numbers = sorted(line.line for line in first)
        span = (numbers[0], numbers[-1])
    return LabelEntry(
        id=str(raw["id"]),
        file=str(raw["file"]),
        name=str(raw["name"]),
        method=str(raw.get("method") or "*"),
        kind=str(raw["kind"]),
        public=bool(raw.get("public", False)),
        scored=scored,
        guards=guards,
        auth_kind=raw.get("auth_kind"),
        route=raw.get("route"),
        lines=span,
    )


def load_labels(path: Path, split: str) -> AppLabels:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or raw.get("schema_version") != 1:
        raise LabelError(f"{path}: not a schema_version 1 label file")
    commit = str(raw.get("commit", ""))
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise LabelError(f"{path}: commit must be 40 hex digits")
    entries = [_entry(item, str(path)) for item in raw.get("entries") or []]
    ids = [entry.id for entry in entries]
    if len(ids) != len(set(ids)):
        raise LabelError(f"{path}: duplicate entry ids")
    globs = [str(glob) for glob in raw.get("scope_globs") or []]
    if not globs:
        raise LabelError(f"{path}: scope_globs is empty")
    return AppLabels(
        path=path,
        split=split,
        repo=str(raw["repo"]),
        commit=commit,
        mirror=str(raw["mirror"]),
        scope=str(raw.get("scope", "")),
        scope_globs=globs,
        entries=entries,
        changes=list(raw.get("changes") or []),
    )


def load_findings(path: Path) -> list[ClassifiedFinding]:
    if not path.is_file():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for item in raw.get("findings") or []:
        verdict = item.get("verdict")
        if verdict not in ("TP", "FP", "DEBATABLE"):
            continue  # drawn but not classified yet
        found.append(
            ClassifiedFinding(
                rule=str(item["rule"]),
                file=str(item["file"]),
                line=int(item["line"]),
                verdict=str(verdict),
                cause=str(item.get("cause", "")),
                fingerprint=item.get("fingerprint"),
            )
        )
    return found


def discover(labels_dir: Path) -> list[AppLabels]:
    """Every label file: the top folder is the development split, `test/` the test split."""
    apps = [load_labels(path, "dev") for path in sorted(labels_dir.glob("*.yaml"))]
    apps += [load_labels(path, "test") for path in sorted((labels_dir / "test").glob("*.yaml"))]
    return apps
