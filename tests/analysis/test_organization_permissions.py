"""A permission the caller holds within its active organization (Clerk's `has({ permission:
"org:..." })`) allows the operation on that organization's rows only: a row the client chose must
still be bound to the organization (a filter by `orgId`), or it is an IDOR across organizations.
A role that is not scoped to an organization gates the operation as before."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import PRISMA_SCHEMA, entry, make_repo, rules_at, run_audit

SCHEMA = PRISMA_SCHEMA.replace(
    "  authorId  String\n", "  authorId  String\n  orgId     String\n", 1
)


def _route(check: str, where: str) -> str:
    return f"""import {{ auth }} from "@clerk/nextjs/server";
import {{ prisma }} from "@/lib/db";

export async function DELETE(req: Request, {{ params }}: {{ params: Promise<{{ id: string }}> }}) {{
  const {{ userId, orgId, has }} = await auth();
  if (!userId) return new Response(null, {{ status: 401 }});
  if (!has({check})) return new Response(null, {{ status: 403 }});
  const {{ id }} = await params;
  await prisma.note.delete({{ where: {where} }});
  return new Response(null, {{ status: 204 }});
}}
"""


FILE = "app/api/notes/[id]/route.ts"
ENTRY = f"route_handler:{FILE}#DELETE"
ORG_PERMISSION = '{ permission: "org:notes:delete" }'


def _audit(tmp_path: Path, route: str):  # type: ignore[no-untyped-def]
    make_repo(tmp_path, {FILE: route}, schema=SCHEMA, dependencies={"@clerk/nextjs": "6.20.0"})
    result = run_audit(tmp_path)
    return result, entry(result, ENTRY).checks.authorization


def test_an_organization_permission_does_not_bind_the_row_the_client_chose(
    tmp_path: Path,
) -> None:
    result, authz = _audit(tmp_path, _route(ORG_PERMISSION, "{ id }"))
    assert authz.status.value == "fail", authz
    assert "does not bind to the caller's organization" in authz.evidence[0].detail
    assert ("AZ001", FILE, 9) in rules_at(result, FILE)


def test_the_row_filtered_by_the_active_organization_passes(tmp_path: Path) -> None:
    result, authz = _audit(tmp_path, _route(ORG_PERMISSION, "{ id, orgId }"))
    assert authz.status.value == "pass", authz
    assert not {r for r in rules_at(result, FILE) if r[0] == "AZ001"}


def test_a_role_outside_any_organization_still_gates_the_operation(tmp_path: Path) -> None:
    _result, authz = _audit(tmp_path, _route('{ role: "admin" }', "{ id }"))
    assert authz.status.value == "pass", authz
    assert any("checks a role with has()" in e.detail for e in authz.evidence), authz
