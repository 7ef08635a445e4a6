"""A project's own knowledge in archtools.toml `[knowledge]`: auth helpers, context paths and role
checks from packages archtools cannot read, declared in the vocabulary of knowledge/guards.yaml and
added to the bundled catalog for that audit only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archtools.analysis.knowledge import active_knowledge, extended_knowledge, guard_knowledge
from archtools.checklist.features import parse_config
from archtools.errors import InputError
from tests.support.minirepo import entry, make_repo, run_audit, statuses

# The session helper lives in a workspace package that is not part of the audited tree.
ROUTE = """import { requireUser } from "@acme/auth";
import { prisma } from "@/lib/db";
export async function GET() {
  const user = await requireUser();
  const notes = await prisma.note.findMany({ where: { authorId: user.id } });
  return Response.json(notes);
}
"""

ADMIN_ROUTE = """import { auth } from "@/auth";
import { requireAdmin } from "@acme/roles";
import { prisma } from "@/lib/db";
export async function DELETE(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  await requireAdmin(session.user);
  const { id } = await params;
  await prisma.note.delete({ where: { id } });
  return new Response(null, { status: 204 });
}
"""

KNOWLEDGE = """[[knowledge.authentication]]
package = "@acme/auth"
call = "requireUser"
kind = "enforcing"
library = "Acme auth"

[knowledge.ownership]
role_checks = ["requireAdmin"]
"""


def _audit(root: Path, files: dict[str, str], config: str | None) -> dict[str, dict[str, str]]:
    if config is not None:
        files = {**files, "archtools.toml": config}
    make_repo(root, files)
    result = run_audit(root)
    return {e.id: statuses(e) for e in result.entry_points}


def test_a_declared_session_helper_authenticates_and_names_the_caller(tmp_path: Path) -> None:
    files = {"app/api/notes/route.ts": ROUTE}
    unknown = _audit(tmp_path / "plain", files, None)["route_handler:app/api/notes/route.ts#GET"]
    assert unknown["authentication"] == "fail"
    declared = _audit(tmp_path / "declared", files, KNOWLEDGE)
    point = declared["route_handler:app/api/notes/route.ts#GET"]
    assert point["authentication"] == "pass"
    assert point["authorization"] == "pass"  # `authorId: user.id` is now the caller's id


def test_a_declared_role_check_is_the_admin_gate(tmp_path: Path) -> None:
    files = {"app/api/notes/[id]/route.ts": ADMIN_ROUTE}
    entry_id = "route_handler:app/api/notes/[id]/route.ts#DELETE"
    assert _audit(tmp_path / "plain", files, None)[entry_id]["authorization"] == "fail"
    make_repo(tmp_path / "declared", {**files, "archtools.toml": KNOWLEDGE})
    point = entry(run_audit(tmp_path / "declared"), entry_id)
    check = point.checks.authorization
    assert check.status.value == "pass"
    assert ("app/api/notes/[id]/route.ts", 7) in {(e.file, e.line) for e in check.evidence}


def test_declared_knowledge_extends_the_catalog_and_stays_with_its_audit(tmp_path: Path) -> None:
    config = parse_config(KNOWLEDGE + '\n[knowledge]\ncontext_identity = ["ctx.account"]\n')
    assert config.knowledge is not None
    bundled = guard_knowledge()
    assert "ctx.account" in config.knowledge.context_identity
    assert set(bundled.context_identity) < set(config.knowledge.context_identity)
    assert len(config.knowledge.authentication) == len(bundled.authentication) + 1
    assert "ctx.account" not in bundled.context_identity
    make_repo(tmp_path, {"app/api/notes/route.ts": ROUTE, "archtools.toml": KNOWLEDGE})
    run_audit(tmp_path)
    assert active_knowledge() is bundled  # the audit's catalog does not outlive it


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[knowledge]\ncontext_identiy = ["ctx.me"]\n', "context_identiy"),
        (
            '[[knowledge.authentication]]\ncall = "x"\nkind = "sometimes"\nlibrary = "y"\n',
            "authentication.",
        ),
        ('knowledge = "yes"\n', "[knowledge] is a table"),
    ],
)
def test_an_unknown_key_or_value_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=r"archtools\.toml") as raised:
        parse_config(text)
    assert message in str(raised.value)


def test_a_bad_knowledge_table_is_listed_and_the_audit_goes_on(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {"app/api/notes/route.ts": ROUTE, "archtools.toml": "[knowledge]\nbogus = 1\n"},
    )
    result = run_audit(tmp_path)
    assert any("bogus" in e.message for e in result.errors)
    assert statuses(entry(result, "route_handler:app/api/notes/route.ts#GET"))[
        "authentication"
    ] == ("fail")


def test_extension_merges_tables_and_lists() -> None:
    knowledge = extended_knowledge(
        {"ownership": {"owner_fields": ["tenantId"]}, "rate_limiting": {"methods": ["limit"]}},
        "archtools.toml",
    )
    bundled = guard_knowledge()
    assert knowledge.ownership.owner_fields == [*bundled.ownership.owner_fields, "tenantId"]
    assert knowledge.ownership.user_models == bundled.ownership.user_models
    assert knowledge.rate_limiting.methods == bundled.rate_limiting.methods  # no duplicate


def test_the_readme_example_is_a_valid_configuration() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[knowledge" in b]
    knowledge = parse_config(block).knowledge
    assert knowledge is not None
    assert "requireAdmin" in knowledge.ownership.role_checks
    assert "verifyAcmeWebhook" in knowledge.public_routes.signature_verifiers
