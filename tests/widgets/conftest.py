"""A hand-built audit over a tiny repository on disk, and its hostile twin, for the widget tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archtools.facts.schema import Field, FieldKind, Model, Orm, Relation, Schema
from archtools.results import (
    Audit,
    Check,
    Checks,
    CheckStatus,
    EntryKind,
    EntryPoint,
    Evidence,
    Finding,
    ItemStatus,
    RepoInfo,
    Scorecard,
    ScoreItem,
    Severity,
    Stats,
    ToolInfo,
)
from archtools.rules.base import RuleDoc, RuleExample, RuleMeta

PAYLOAD = '<script>window.__pwned=1</script>"><img src=x onerror=alert(1)>'
Transform = Callable[[str], str]

ROUTE = "app/api/notes/[id]/route.ts"
ROUTE_TEXT = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";

export async function GET(req: Request, { params }: { params: { id: string } }) {
  const session = await auth();
  if (!session) return new Response(null, { status: 401 });
  const note = await prisma.note.findUnique({ where: { id: params.id } });
  return Response.json(note);
}

export async function DELETE(req: Request, { params }: { params: { id: string } }) {
  await prisma.note.delete({ where: { id: params.id } });
  return new Response(null, { status: 204 });
}
"""
ADMIN = "app/api/admin/invoices/route.ts"
ADMIN_TEXT = """import { prisma } from "@/lib/db";

export async function GET() {
  return Response.json(await prisma.invoice.findMany());
}
"""


def write_repo(root: Path) -> Path:
    """A Next.js app whose files the evidence points at."""
    files = {
        "package.json": '{"name": "tiny", "dependencies": {"next": "14.2.0"}}\n',
        ROUTE: ROUTE_TEXT,
        ADMIN: ADMIN_TEXT,
        "app/actions.ts": '"use server";\nexport async function rename(name: string) {}\n',
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _check(status: CheckStatus, file: str, line: int, detail: str) -> Check:
    evidence = [Evidence(file=file, line=line, detail=detail)] if detail else []
    return Check(status=status, evidence=evidence)


CHECKS = ("authentication", "authorization", "input_validation", "rate_limiting", "audit_logging")
P, F, NA, U = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.NA, CheckStatus.UNKNOWN


def _entry(
    h: Transform,
    kind: EntryKind,
    file: str,
    line: int,
    name: str,
    method: str,
    route: str | None,
    feature: str,
    statuses: tuple[CheckStatus, ...],
    models: list[str],
    evidence: dict[str, tuple[int, str]] | None = None,
) -> EntryPoint:
    evidence = evidence or {}
    checks = {}
    for check, status in zip(CHECKS, statuses, strict=True):
        at, detail = evidence.get(check, (line, ""))
        checks[check] = _check(status, file, at, h(detail) if detail else "")
    return EntryPoint(
        id=f"{kind.value}:{file}#{name}",
        kind=kind,
        file=file,
        line=line,
        name=name,
        method=method,
        route=h(route) if route else None,
        app=".",
        feature=feature,
        public=False,
        checks=Checks(**checks),
        models=models,
    )


def _entry_points(h: Transform) -> list[EntryPoint]:
    return [
        _entry(
            h, EntryKind.ROUTE_HANDLER, ROUTE, 4, "GET", "GET", "/api/notes/[id]", "notes",
            (P, F, U, NA, NA), ["Note"],
            {"authentication": (6, "returns early when !session"),
             "authorization": (7, "prisma.note.findUnique() uses params.id without an owner")},
        ),
        _entry(
            h, EntryKind.ROUTE_HANDLER, ROUTE, 11, "DELETE", "DELETE", "/api/notes/[id]", "notes",
            (F, F, F, NA, F), ["Note"],
            {"audit_logging": (12, "prisma.note.delete() without an audit log")},
        ),
        _entry(
            h, EntryKind.ROUTE_HANDLER, ADMIN, 3, "GET", "GET", "/api/admin/invoices", "admin",
            (P, F, NA, NA, NA), ["Invoice", "User"],
        ),
        _entry(
            h, EntryKind.SERVER_ACTION, "app/actions.ts", 2, "rename", "POST", "/", "project",
            (P, NA, P, NA, NA), [],
        ),
    ]  # fmt: skip


def _finding(
    h: Transform, rule: str, severity: Severity, file: str, line: int, fp: str, **kw: str
) -> Finding:
    return Finding(
        rule=rule,
        title=f"{rule} title",
        severity=severity,
        cwe=["CWE-639"] if rule == "AZ001" else [],
        file=file,
        line=line,
        message=h(f"{rule} message"),
        fingerprint=fp,
        **kw,  # type: ignore[arg-type]
    )


def _findings(h: Transform) -> list[Finding]:
    return [
        _finding(h, "AZ001", Severity.HIGH, ROUTE, 7, "fp-az-get", entry_point=f"route_handler:{ROUTE}#GET"),
        _finding(h, "ATH001", Severity.HIGH, ROUTE, 11, "fp-ath-del", entry_point=f"route_handler:{ROUTE}#DELETE"),
        _finding(h, "AZ001", Severity.HIGH, ROUTE, 12, "fp-az-del", entry_point=f"route_handler:{ROUTE}#DELETE"),
        _finding(h, "AUD001", Severity.LOW, ROUTE, 12, "fp-aud-del"),
        _finding(h, "AZ003", Severity.CRITICAL, ADMIN, 3, "fp-az3-admin"),
        _finding(h, "TYP002", Severity.LOW, "tsconfig.json", 5, "fp-typ", suppressed="legacy config"),
    ]  # fmt: skip


def _scorecards(h: Transform) -> list[Scorecard]:
    def item(id_: str, status: ItemStatus, findings: list[str], detail: str = "") -> ScoreItem:
        evidence = [Evidence(file=ROUTE, line=6, detail=h(detail))] if detail else []
        return ScoreItem(
            id=id_, title=f"{id_} title", status=status, evidence=evidence, findings=findings
        )

    return [
        Scorecard(
            feature="admin", entry_points=[f"route_handler:{ADMIN}#GET"], models=["Invoice"],
            score=40, grade="F", items=[item("authorization", ItemStatus.FAIL, ["fp-az3-admin"])],
        ),
        Scorecard(
            feature="notes", entry_points=[f"route_handler:{ROUTE}#GET", f"route_handler:{ROUTE}#DELETE"],
            models=["Note"], score=55, grade="F",
            items=[
                item("authentication", ItemStatus.FAIL, ["fp-ath-del"], "returns early when !session"),
                item("authorization", ItemStatus.FAIL, ["fp-az-get", "fp-az-del"]),
                item("rate-limiting", ItemStatus.NA, []),
            ],
        ),
        Scorecard(
            feature="project", entry_points=["server_action:app/actions.ts#rename"], models=[],
            score=100, grade="A", items=[item("inputs-validated", ItemStatus.PASS, [], "validated")],
        ),
    ]  # fmt: skip


def _field(name: str, type_: str, kind: FieldKind = FieldKind.SCALAR, **kw: object) -> Field:
    return Field(name=name, type=type_, kind=kind, **kw)  # type: ignore[arg-type]


def build_schema(groups: bool = False) -> Schema:
    def model(name: str, fields: list[Field], group: str) -> Model:
        return Model(
            name=name,
            file="prisma/schema.prisma",
            line=1,
            fields=fields,
            group=group if groups else None,
        )

    rel = FieldKind.RELATION
    return Schema(
        orm=Orm.PRISMA,
        provider="postgresql",
        models=[
            model("User", [_field("id", "String", id=True), _field("email", "String", unique=True),
                           _field("notes", "Note", rel, list=True), _field("team", "Team", rel, optional=True),
                           _field("teamId", "String", optional=True)], "accounts"),
            model("Team", [_field("id", "String", id=True), _field("name", "String"),
                           _field("users", "User", rel, list=True)], "accounts"),
            model("Note", [_field("id", "String", id=True), _field("title", "String"), _field("authorId", "String"),
                           _field("author", "User", rel, relation=Relation(fields=["authorId"], references=["id"]))], "content"),
            model("Invoice", [_field("id", "String", id=True), _field("amount", "Decimal")], "billing"),
        ],
    )  # fmt: skip


def build_audit(h: Transform = lambda text: text) -> Audit:
    findings = _findings(h)
    return Audit(
        tool=ToolInfo(version="0.0.0"),
        repo=RepoInfo(root=h("tiny")),
        stats=Stats(files_scanned=3, entry_points=4, findings=len(findings)),
        schema=build_schema(),
        entry_points=_entry_points(h),
        findings=findings,
        scorecards=_scorecards(h),
    )


def build_rules() -> dict[str, RuleMeta]:
    def meta(id_: str, name: str) -> RuleMeta:
        example = RuleExample(
            lang="ts", path="app/api/x/route.ts", code="export async function GET() {}\n"
        )
        return RuleMeta(
            id=id_, name=name, title=f"{name} title", severity=Severity.HIGH, confidence="high",
            cwe=["CWE-639"], family="code",
            doc=RuleDoc(why=f"Why {name} hurts.", limitations=f"{name} cannot see <runtime> values.", bad=example, good=example, references=["https://example.org/ref"]),
        )  # fmt: skip

    return {
        "AZ001": meta("AZ001", "idor-unbound-id"),
        "ATH001": meta("ATH001", "missing-authentication"),
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "tiny")


@pytest.fixture
def audit() -> Audit:
    return build_audit()


@pytest.fixture
def hostile_audit() -> Audit:
    return build_audit(lambda text: text + PAYLOAD)


@pytest.fixture
def rules() -> dict[str, RuleMeta]:
    return build_rules()


@pytest.fixture
def grouped_schema() -> Schema:
    return build_schema(groups=True)
