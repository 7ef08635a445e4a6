"""Hand-built audits for the report tests: a realistic one, and a hostile twin in which every
repo-derived string carries markup, script and Markdown payloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest

from archtools.facts.schema import Enum, Field, FieldKind, Model, Orm, Relation, Schema
from archtools.results import (
    AppInfo,
    Audit,
    AuditError,
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
    SkippedFile,
    Stats,
    ToolInfo,
)
from archtools.rules.base import RuleDoc, RuleExample, RuleMeta

PAYLOAD = (
    "<script>window.__pwned=1</script>"
    '"><img src=x onerror="window.__pwned=1">'
    "<script>alert(1)</script>"
    "'><svg onload=alert(1)>"
    " ``` `x` | a|b [click](javascript:alert(1)) ![img](https://evil.example/x.png)"
    " <b>bold</b> &amp; *em* _u_ # \x1b[31mred\u202e"
)

Transform = Callable[[str], str]


def same(text: str) -> str:
    return text


def hostile(text: str) -> str:
    return text + PAYLOAD


P, F, NA, U = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.NA, CheckStatus.UNKNOWN
RH, SA, PA, TR = (
    EntryKind.ROUTE_HANDLER,
    EntryKind.SERVER_ACTION,
    EntryKind.PAGES_API,
    EntryKind.TRPC_PROCEDURE,
)
WEB, ADMIN = "apps/web", "apps/admin"
NOTES_ID = "apps/web/app/api/notes/[id]/route.ts"
AUTH_ROUTE = "apps/web/app/api/auth/[...nextauth]/route.ts"
EXPORT = "apps/web/pages/api/legacy/export.ts"
ACTIONS = "apps/web/app/notes/actions.ts"
INVOICE = "apps/admin/server/routers/invoice.ts"
ADMIN_ROUTER = "apps/admin/server/routers/admin.ts"
SCHEMA_FILE = "packages/db/prisma/schema.prisma"
SESSION_EVIDENCE = ("lib/session.ts", 4, "calls requireUser() which redirects without a user")

# kind, file, line, name, method, route, app, feature, statuses, models, public
# (statuses: authentication, authorization, input_validation, rate_limiting, audit_logging)
# fmt: off
ENTRY_POINTS = [
    (RH, "apps/web/app/api/notes/route.ts", 8, "GET", "GET", "/api/notes", WEB, "notes",
     (P, NA, NA, NA, NA), ["Note"], False),
    (RH, NOTES_ID, 12, "DELETE", "DELETE", "/api/notes/[id]", WEB, "notes",
     (P, F, P, NA, F), ["Note"], False),
    (RH, AUTH_ROUTE, 3, "POST", "POST", "/api/auth/[...nextauth]", WEB, "auth",
     (NA, NA, NA, F, NA), ["User"], True),
    (RH, "apps/web/app/api/health/route.ts", 1, "GET", "GET", "/api/health", WEB, "health",
     (NA, NA, NA, NA, NA), [], True),
    (SA, ACTIONS, 5, "createNote", "POST", "/notes", WEB, "notes", (P, NA, F, NA, NA), ["Note"],
     False),
    (SA, ACTIONS, 21, "deleteNote", "POST", "/notes", WEB, "notes", (P, P, P, NA, P), ["Note"],
     False),
    (PA, EXPORT, 6, "default", "*", "/api/legacy/export", WEB, "exports", (F, U, NA, NA, NA),
     ["Note", "User"], False),
    (PA, "apps/web/pages/api/webhooks/stripe.ts", 9, "default", "POST", "/api/webhooks/stripe",
     WEB, "billing", (NA, NA, P, NA, NA), ["Invoice"], True),
    (TR, INVOICE, 14, "byId", "query", "invoice.byId", ADMIN, "billing", (P, F, P, NA, NA),
     ["Invoice"], False),
    (TR, INVOICE, 30, "update", "mutation", "invoice.update", ADMIN, "billing", (P, P, P, NA, U),
     ["Invoice"], False),
    (TR, ADMIN_ROUTER, 7, "setRole", "mutation", "admin.setRole", ADMIN, "admin",
     (P, F, P, NA, F), ["User"], False),
]
# fmt: on

IDOR_SNIPPET = """\
export async function DELETE(req: Request, { params }: { params: { id: string } }) {
  const session = await auth();
  await prisma.note.delete({ where: { id: params.id } });
  return Response.json({ ok: true });
}"""

# Template literals: a run of three backticks inside the snippet forces a longer fence.
VAL_SNIPPET = """\
export async function createNote(formData: FormData) {
  const title = formData.get("title") as string;
  const md = ```${title}```;
  await prisma.note.create({ data: { title, body: `# ${title}` } });
}"""

# rule, name, title, severity, file, line, end_line, message, fingerprint, extras
# fmt: off
FINDINGS = [
    ("AZ001", "idor-unbound-id", "Client-supplied id reaches an owned model unbound",
     Severity.CRITICAL, NOTES_ID, 14, 14,
     "prisma.note.delete uses params.id without binding it to session.user.id", "fp-az001-a",
     {"cwe": ["CWE-639"], "checklist": "authorization", "model": "Note", "snippet": IDOR_SNIPPET,
      "entry_point": f"route_handler:{NOTES_ID}#DELETE"}),
    ("ATH001", "missing-authentication", "Entry point without authentication", Severity.HIGH,
     EXPORT, 6, None, "No auth primitive gates this handler", "fp-ath001-a",
     {"cwe": ["CWE-306"], "checklist": "authentication",
      "entry_point": f"pages_api:{EXPORT}#default"}),
    ("AZ003", "admin-without-role-check", "Admin operation without a role check", Severity.HIGH,
     ADMIN_ROUTER, 9, None, "setRole changes roles for any signed-in user", "fp-az003-a",
     {"cwe": ["CWE-285"], "checklist": "authorization", "model": "User", "confidence": "medium",
      "entry_point": f"trpc_procedure:{ADMIN_ROUTER}#setRole"}),
    ("VAL001", "unvalidated-input", "Input reaches the database unvalidated", Severity.MEDIUM,
     ACTIONS, 6, 9, "formData.get('title') flows into prisma.note.create", "fp-val001-a",
     {"cwe": ["CWE-20"], "checklist": "inputs-validated", "model": "Note", "snippet": VAL_SNIPPET,
      "entry_point": f"server_action:{ACTIONS}#createNote"}),
    ("RL001", "missing-rate-limit", "Sensitive operation without a rate limit", Severity.MEDIUM,
     AUTH_ROUTE, 3, None, "Sign-in handler has no limiter", "fp-rl001-a",
     {"cwe": ["CWE-307"], "checklist": "rate-limiting",
      "entry_point": f"route_handler:{AUTH_ROUTE}#POST"}),
    ("AUD001", "destructive-without-audit-log", "Destructive operation without an audit log",
     Severity.LOW, NOTES_ID, 14, None, "Deleting a note leaves no audit log entry", "fp-aud001-a",
     {"cwe": ["CWE-778"], "checklist": "audit-trail",
      "entry_point": f"route_handler:{NOTES_ID}#DELETE"}),
    ("SCH002", "money-as-float", "Money stored as a float", Severity.LOW, SCHEMA_FILE, 31, None,
     "Invoice.amount is Float", "fp-sch002-a",
     {"cwe": ["CWE-681"], "checklist": "database-constraints", "model": "Invoice",
      "snippet": "  amount    Float"}),
    ("TYP001", "any-in-entry-point", "`any` in an entry point", Severity.INFO, INVOICE, 31, None,
     "input typed as any", "fp-typ001-a", {"checklist": "explicit-types", "confidence": "low"}),
    ("EXP001", "sensitive-fields-returned", "Sensitive fields returned to the client",
     Severity.HIGH, "apps/web/app/api/notes/route.ts", 10, None, "User.passwordHash is selected",
     "fp-exp001-a",
     {"cwe": ["CWE-200"], "suppressed": "archtools-ignore EXP001: the select drops passwordHash"}),
]
# fmt: on

_HOSTILE_KEYS = ("entry_point", "model", "snippet", "suppressed")


def _check(status: CheckStatus, h: Transform, evidence: bool) -> Check:
    found = [Evidence(file=h(SESSION_EVIDENCE[0]), line=4, detail=h(SESSION_EVIDENCE[2]))]
    return Check(status=status, evidence=found if evidence else [])


def _entry_points(h: Transform) -> list[EntryPoint]:
    out = []
    for kind, file, line, name, method, route, app, feature, st, models, public in ENTRY_POINTS:
        authn, authz, inp, rate, audit_log = st
        checks = Checks(
            authentication=_check(authn, h, authn == P),
            authorization=_check(authz, h, False),
            input_validation=_check(inp, h, False),
            rate_limiting=_check(rate, h, False),
            audit_logging=_check(audit_log, h, False),
        )
        out.append(
            EntryPoint(
                id=h(f"{kind.value}:{file}#{name}"),
                kind=kind,
                file=h(file),
                line=line,
                name=h(name),
                method=h(method),
                route=h(route),
                app=h(app),
                feature=h(feature),
                public=public,
                checks=checks,
                models=[h(m) for m in models],
            )
        )
    return out


def _findings(h: Transform) -> list[Finding]:
    out = []
    for rule, name, title, sev, file, line, end, message, fp, extras in FINDINGS:
        fields: dict[str, Any] = {
            k: (h(v) if k in _HOSTILE_KEYS else v)
            for k, v in cast("dict[str, Any]", extras).items()
        }
        out.append(
            Finding(
                rule=rule,
                name=name,
                title=h(title),
                severity=sev,
                file=h(file),
                line=line,
                end_line=end,
                message=h(message),
                fingerprint=h(fp),
                **fields,
            )
        )
    return out


def _scorecards(h: Transform) -> list[Scorecard]:
    evidence = Evidence(file=h("lib/session.ts"), line=4, detail=h("requireUser() guards all"))
    notes_items = [
        ScoreItem(
            id="authentication",
            title=h("Authentication is checked"),
            status=ItemStatus.PASS,
            evidence=[evidence],
        ),
        ScoreItem(
            id="authorization",
            title=h("Authorization is checked"),
            status=ItemStatus.FAIL,
            findings=[h("fp-az001-a")],
        ),
        ScoreItem(
            id="inputs-validated",
            title=h("All user inputs are validated"),
            status=ItemStatus.WARN,
            findings=[h("fp-val001-a")],
        ),
        ScoreItem(id="safe-migrations", title=h("Schema changes are safe"), status=ItemStatus.NA),
    ]
    billing_items = [
        ScoreItem(
            id="database-constraints",
            title=h("Database constraints are enforced"),
            status=ItemStatus.WARN,
            findings=[h("fp-sch002-a")],
        ),
    ]
    return [
        Scorecard(
            feature=h("notes"),
            entry_points=[h(f"route_handler:{NOTES_ID}#DELETE")],
            models=[h("Note")],
            score=58,
            grade="D",
            items=notes_items,
        ),
        Scorecard(
            feature=h("billing"), models=[h("Invoice")], score=81, grade="B", items=billing_items
        ),
        Scorecard(feature=h("auth"), score=95, grade="A"),
    ]


def _schema(h: Transform) -> Schema:
    file = h(SCHEMA_FILE)
    pk = Field(name="id", type="String", kind=FieldKind.SCALAR, id=True, default="cuid()")
    author = Relation(fields=["authorId"], references=["id"], on_delete="Cascade")
    user = [
        pk,
        Field(name="email", type="String", kind=FieldKind.SCALAR, unique=True),
        Field(name="role", type="Role", kind=FieldKind.ENUM),
    ]
    note = [
        pk,
        Field(name="authorId", type="String", kind=FieldKind.SCALAR),
        Field(name="author", type=h("User"), kind=FieldKind.RELATION, relation=author),
    ]
    invoice = [pk, Field(name="amount", type="Float", kind=FieldKind.SCALAR)]
    return Schema(
        orm=Orm.PRISMA,
        provider="postgresql",
        sources=[file],
        models=[
            Model(name=h("User"), file=file, line=10, primary_key=["id"], fields=user),
            Model(name=h("Note"), file=file, line=18, primary_key=["id"], fields=note),
            Model(name=h("Invoice"), file=file, line=27, primary_key=["id"], fields=invoice),
        ],
        enums=[Enum(name="Role", values=["USER", "ADMIN"])],
    )


def build_audit(h: Transform = same) -> Audit:
    entry_points = _entry_points(h)
    findings = _findings(h)
    apps = [
        AppInfo(path=h(ADMIN), router=["app"], next_version="15.1.0"),
        AppInfo(path=h(WEB), router=["app", "pages"], next_version="14.2.3"),
    ]
    stats = Stats(
        files_scanned=212,
        files_skipped=2,
        files_failed=1,
        entry_points=len(entry_points),
        findings=len(findings),
        seconds=1.234,
    )
    error = AuditError(
        file=h("apps/web/app/broken/route.ts"), line=17, column=3, message=h("unexpected '}'")
    )
    skipped = [
        SkippedFile(file=h("apps/web/public/vendor/huge.min.js"), reason=h("larger than 1 MB")),
        SkippedFile(file=h("apps/web/generated/client.ts"), reason=h("generated file")),
    ]
    return Audit(
        tool=ToolInfo(version="0.1.0"),
        repo=RepoInfo(root=h("acme-notes"), commit=h("3f2a9c1"), apps=apps),
        stats=stats,
        errors=[error],
        schema=_schema(h),
        entry_points=entry_points,
        findings=findings,
        scorecards=_scorecards(h),
        skipped=skipped,
    )


def build_hostile_audit() -> Audit:
    return build_audit(hostile)


# id, name, title, severity, cwe, family, checklist, why, bad, good, references
# fmt: off
RULES = [
    ("AZ001", "idor-unbound-id", "Client-supplied id reaches an owned model unbound",
     Severity.CRITICAL, ["CWE-639"], "authz", "authorization",
     "Any signed-in user can read or delete another user's rows by changing the id.",
     "await prisma.note.delete({ where: { id: params.id } });",
     "await prisma.note.delete({ where: { id: params.id, authorId: session.user.id } });",
     ["https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/"]),
    ("ATH001", "missing-authentication", "Entry point without authentication", Severity.HIGH,
     ["CWE-306"], "auth", "authentication", "Anyone on the internet can call the handler.",
     "export async function GET() { return Response.json(await prisma.note.findMany()); }",
     "export async function GET() { const s = await requireUser(); /* ... */ }",
     ["https://cwe.mitre.org/data/definitions/306.html"]),
    ("VAL001", "unvalidated-input", "Input reaches the database unvalidated", Severity.MEDIUM,
     ["CWE-20"], "validation", "inputs-validated",
     "Unvalidated input lets clients write fields and shapes the code never expected.",
     "const body = await req.json();\nawait prisma.note.create({ data: body });",
     "const body = NoteInput.parse(await req.json());\nconst md = `${body.title}`;", []),
    ("SEC001", "secret-in-public-env", "Secret exposed through a NEXT_PUBLIC_ variable",
     Severity.HIGH, ["CWE-200", "CWE-798"], "secrets", "no-sensitive-exposure",
     "NEXT_PUBLIC_ variables are inlined into the browser bundle.",
     "NEXT_PUBLIC_STRIPE_SECRET=sk_live_x", "STRIPE_SECRET=sk_live_x",
     ["https://nextjs.org/docs/app/building-your-application/configuring/environment-variables"]),
]
# fmt: on


def build_rules() -> dict[str, RuleMeta]:
    """Catalog entries for AZ001, ATH001 and VAL001 (the fixture's other rules must fall back to
    what their findings say) plus SEC001, which no finding uses."""
    out = {}
    for rid, name, title, sev, cwe, family, checklist, why, bad, good, refs in RULES:
        out[rid] = RuleMeta(
            id=rid,
            name=name,
            title=title,
            severity=sev,
            confidence="high",
            cwe=cwe,
            checklist=checklist,
            family=family,
            doc=RuleDoc(
                why=why,
                limitations=f"{name} cannot see <runtime> values.",
                bad=RuleExample(lang="ts", path="app/api/x/route.ts", code=bad),
                good=RuleExample(lang="ts", path="app/api/x/route.ts", code=good),
                references=refs,
            ),
        )
    return out


@pytest.fixture
def audit() -> Audit:
    return build_audit()


@pytest.fixture
def hostile_audit() -> Audit:
    return build_hostile_audit()


@pytest.fixture
def rules() -> dict[str, RuleMeta]:
    return build_rules()
