"""The audit result: the pydantic form of CONTRACT.md, serialized with `Audit.to_json()`."""

from __future__ import annotations

import copy
import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from archtools.facts.schema import Schema


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NA = "n/a"
    UNKNOWN = "unknown"


class ItemStatus(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    NA = "n/a"
    UNKNOWN = "unknown"  # it applies but could not be checked (the schema does not parse)


class EntryKind(StrEnum):
    ROUTE_HANDLER = "route_handler"
    SERVER_ACTION = "server_action"
    PAGES_API = "pages_api"
    TRPC_PROCEDURE = "trpc_procedure"
    PAGE = "page"  # an App Router page, layout or generateMetadata that reads data by params
    PAGES_SSR = "pages_ssr"  # Pages Router getServerSideProps / getInitialProps that reads data
    RPC_PROCEDURE = "rpc_procedure"  # oRPC, Hono, next-connect routers mounted inside Next.js


CHECK_NAMES = (
    "authentication",
    "authorization",
    "input_validation",
    "rate_limiting",
    "audit_logging",
)


class Evidence(_Frozen):
    file: str
    line: int
    detail: str


class Check(_Frozen):
    status: CheckStatus
    evidence: list[Evidence] = []
    # authentication only: the kind of caller a pass proves (session | api_key | signature | internal).
    kind: str | None = None

    @field_validator("evidence")
    @classmethod
    def _each_place_once(cls, evidence: list[Evidence]) -> list[Evidence]:
        """Each place and reason once: a role gate in a procedure's middleware guards every
        query after it, and is the same evidence for each of them."""
        seen: set[tuple[str, int, str]] = set()
        unique = []
        for item in evidence:
            key = (item.file, item.line, item.detail)
            if key not in seen:
                seen.add(key)
                unique.append(item)
        return unique


class Checks(_Frozen):
    authentication: Check
    authorization: Check
    input_validation: Check
    rate_limiting: Check
    audit_logging: Check

    def get(self, name: str) -> Check:
        check: Check = getattr(self, name)
        return check


class Query(_Frozen):
    """A database operation an entry point runs, in its code or a helper it calls."""

    file: str
    line: int
    callee: str  # as written: `prisma.note.findMany`, `db.select().from().where()`
    operation: str  # findMany, update, select, insert...
    kind: str  # read | write | delete
    model: str | None = None


class EntryPoint(_Frozen):
    id: str
    kind: EntryKind
    file: str
    line: int
    name: str
    method: str
    route: str | None
    app: str
    framework: str | None = None  # rpc_procedure: orpc | hono | next-connect | ...
    feature: str
    public: bool
    checks: Checks
    models: list[str] = []
    # Additions beyond the contract: why the secret fields of the rows it reads stay out of its
    # response, one query each (the positive evidence of the no-sensitive-exposure item).
    exposure_proofs: list[Evidence] = []
    # The database operations it runs, in its code and the helpers it calls, in source order.
    queries: list[Query] = []


class Finding(_Frozen):
    rule: str
    title: str
    severity: Severity
    cwe: list[str] = []
    checklist: str | None = None
    file: str
    line: int
    end_line: int | None = None
    entry_point: str | None = None
    model: str | None = None
    message: str
    fingerprint: str
    entry_points: list[str] = []  # every entry point that reaches this location
    # Additions beyond the contract.
    name: str = ""
    confidence: str = "high"
    snippet: str | None = None
    # The reason, when an archtools-ignore comment or the baseline covers the finding.
    suppressed: str | None = None
    # Which location of the same problem in the file this is, from 0 in line order: a finding's
    # fingerprint names the problem and its occurrence, not its line.
    occurrence: int = 0


class ScoreItem(_Frozen):
    id: str
    title: str
    status: ItemStatus
    evidence: list[Evidence] = []
    findings: list[str] = []


class Scorecard(_Frozen):
    feature: str
    entry_points: list[str] = []
    models: list[str] = []
    score: int
    grade: str
    items: list[ScoreItem] = []


class ToolInfo(_Frozen):
    name: str = "archtools"
    version: str


class AppInfo(_Frozen):
    path: str
    router: list[str] = []
    next_version: str | None = None


class RepoInfo(_Frozen):
    root: str
    commit: str | None = None
    apps: list[AppInfo] = []


class Stats(_Frozen):
    files_scanned: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    entry_points: int = 0
    findings: int = 0
    seconds: float = 0.0
    # Additions beyond the contract.
    skipped_by_reason: dict[str, int] = {}
    files_cached: int = 0
    # Migration files the migration rules judged, and those skipped as applied history (1.2).
    migrations_judged: int = 0
    migrations_skipped: int = 0


class AuditError(_Frozen):
    file: str
    line: int | None = None
    message: str
    column: int | None = None


class SkippedFile(_Frozen):
    file: str
    reason: str


class MigrationScopeKind(StrEnum):
    """Which migrations the migration rules judge: every one, the newest of each migration folder
    (nothing says which are applied), or those new since a git revision or a baseline."""

    ALL = "all"
    NEWEST = "newest"
    SINCE = "since"


class MigrationsJudged(_Frozen):
    """The migration files the rules judged and those taken as applied history, in applying
    order; `since` names the earlier state for the `since` scope."""

    scope: MigrationScopeKind = MigrationScopeKind.ALL
    since: str | None = None
    judged: list[str] = []
    history: list[str] = []


FORMAT_VERSION = "1.2"


class Audit(_Frozen):
    format_version: str = FORMAT_VERSION
    tool: ToolInfo
    repo: RepoInfo
    stats: Stats
    errors: list[AuditError] = []
    schema_: Schema = Field(default_factory=Schema, alias="schema")
    entry_points: list[EntryPoint] = []
    findings: list[Finding] = []
    scorecards: list[Scorecard] = []
    # Additions beyond the contract.
    skipped: list[SkippedFile] = []
    migrations: MigrationsJudged = MigrationsJudged()  # 1.2
    notes: list[str] = []  # 1.2: what a reader should know about how the audit was made

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(by_alias=True, indent=indent) + "\n"

    def compact_json(self) -> bytes:
        """The audit's JSON without indentation, as UTF-8 (`to_json(indent=None)` without its
        newline), made once as bytes: no string of the whole audit is built."""
        return self.__pydantic_serializer__.to_json(self, by_alias=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Audit:
        """An audit as the contract describes it. Keys this version does not know (written by a
        newer archtools, or by a tool that adds its own) are left out, as CONTRACT.md asks of
        every reader; a key it knows with a wrong value is still an error."""
        data = copy.deepcopy(data)
        for _ in range(_MAX_UNKNOWN_PASSES):
            try:
                return cls.model_validate(data)
            except ValidationError as error:
                unknown = [e["loc"] for e in error.errors() if e["type"] == "extra_forbidden"]
                if not unknown:
                    raise
                for location in unknown:
                    _drop(data, location)
        return cls.model_validate(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> Audit:
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError("an audit is a JSON object")
        return cls.from_dict(document)


_MAX_UNKNOWN_PASSES = 8  # unknown keys nested in unknown keys are dropped with their parent


def _drop(data: Any, location: tuple[int | str, ...]) -> None:
    """Removes the value at `location` (a validation error's path) from nested dicts and lists."""
    *parents, last = location
    for step in parents:
        data = data[step]
    if isinstance(data, dict):
        data.pop(last, None)
