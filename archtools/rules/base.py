"""What a rule is: its metadata (from the knowledge catalog), its context and the hits it yields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from archtools.results import Severity

if TYPE_CHECKING:
    pass


class RuleExample(BaseModel):
    """A snippet for the docs and the meta-test: `bad` must trigger the rule, `good` must not."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    lang: str  # "ts" | "prisma" | "sql" | "json" | "env"
    path: str  # where the snippet sits in the throwaway repo the meta-test builds
    code: str


class RuleDoc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    why: str
    # What the rule cannot see statically: where it may miss a problem or report one that is not.
    limitations: str = ""
    bad: RuleExample
    good: RuleExample
    references: list[str] = []


class RuleMeta(BaseModel):
    """One rule of the catalog (archtools/knowledge/rules.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    name: str
    title: str
    severity: Severity
    confidence: str  # "high" | "medium" | "low"
    cwe: list[str] = []
    checklist: str | None = None
    family: str
    doc: RuleDoc
    aliases: list[str] = []
    # Reported only when a selection names it (its id or a prefix of it): a rule whose precision
    # on real code is below the bar of the default set.
    opt_in: bool = False


@dataclass(frozen=True)
class Hit:
    """One place a rule fires. The orchestrator adds the catalog metadata and the fingerprint."""

    rule: str
    file: str
    line: int
    message: str
    end_line: int | None = None
    entry_point: str | None = None
    model: str | None = None
    # Stable text that identifies the hit without its line number (for fingerprints).
    key: str = ""
