"""A key unpacked from the input (`const { id, ...data } = input`) is the same value as the input
field a lookup among the caller's rows filtered by (`where: { id: input.id, authorId }`, then
`if (!note) throw`): the update by it that follows is bound. An update by another field is not."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import entry, make_repo, rules_at, run_audit

ACTIONS = """"use server";
import { auth } from "@/auth";
import { prisma } from "@/lib/db";

type Edit = { id: string; title: string; otherId: string };

export async function retitle(input: Edit) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const note = await prisma.note.findFirst({ where: { id: input.id, authorId: session.user.id } });
  if (!note) throw new Error("not found");
  const { id, title } = input;
  await prisma.note.update({ where: { id }, data: { title } });
}

export async function retitleOther(input: Edit) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("unauthorized");
  const note = await prisma.note.findFirst({ where: { id: input.id, authorId: session.user.id } });
  if (!note) throw new Error("not found");
  const { otherId, title } = input;
  await prisma.note.update({ where: { id: otherId }, data: { title } });
}
"""

FILE = "app/notes/actions.ts"


def test_a_key_unpacked_from_the_looked_up_field_is_bound(tmp_path: Path) -> None:
    make_repo(tmp_path, {FILE: ACTIONS})
    result = run_audit(tmp_path)
    authz = entry(result, f"server_action:{FILE}#retitle").checks.authorization
    assert authz.status.value == "pass", authz
    assert any(
        "looks the client's key up among the caller's rows" in e.detail for e in authz.evidence
    )
    other = entry(result, f"server_action:{FILE}#retitleOther").checks.authorization
    assert other.status.value == "fail", other
    assert ("AZ001", FILE, 13) not in rules_at(result, FILE)
    assert ("AZ001", FILE, 22) in rules_at(result, FILE)
