"""Mass assignment (VAL002) needs an object the client shaped, passed or spread whole into a write.
Records whose keys the code writes out (`...(cond && { title })`, an array of object literals, a
`.map()` returning object literals, handed to a helper that inserts them) give the client no other
column: their values are still unchecked (VAL001), their keys are not the client's."""

from __future__ import annotations

from pathlib import Path

from tests.support.minirepo import make_repo, run_audit

PATCH_NOTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { id } = await params;
  const body = await request.json();
  const note = await prisma.note.update({
    where: { id, authorId: session.user.id },
    data: {
      ...(body.title !== undefined && { title: body.title }),
      ...(body.body ? { body: body.body } : {}),
    },
  });
  return Response.json(note);
}
"""

PUT_NOTE = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const { id } = await params;
  const body = await request.json();
  const note = await prisma.note.update({
    where: { id, authorId: session.user.id },
    data: { ...(body.merge && body) },
  });
  return Response.json(note);
}
"""

LOG_HELPER = """import { prisma } from "@/lib/db";
export async function writeLogs({ entries }: { entries: { actorId: string; action: string; target: string }[] }) {
  await prisma.auditLog.createMany({ data: entries });
}
"""

LOG_ROUTE = """import { auth } from "@/auth";
import { writeLogs } from "@/lib/logs";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  await writeLogs({
    entries: [{ actorId: session.user.id, action: "note.pin", target: body.noteId }],
  });
  return Response.json({ ok: true });
}
"""

BATCH_HELPER = """import { prisma } from "@/lib/db";
export async function writeInBatches({ entries }: { entries: { actorId: string; action: string; target: string }[] }) {
  for (let start = 0; start < entries.length; start += 50) {
    const batch = entries.slice(start, start + 50);
    await prisma.auditLog.createMany({ data: batch });
  }
}
"""

BATCH_ROUTE = """import { auth } from "@/auth";
import { writeInBatches } from "@/lib/batches";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  const rows = [
    { actorId: "share-bot", action: "note.share", target: body.noteId },
    { actorId: "share-bot", action: "note.copy", target: body.copyId },
  ];
  await writeInBatches({ entries: rows });
  return Response.json({ ok: true });
}
"""

BATCH_ROUTE_WHOLE = """import { auth } from "@/auth";
import { writeInBatches } from "@/lib/batches";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  const rows = body.rows;
  await writeInBatches({ entries: rows });
  return Response.json({ ok: true });
}
"""

LOG_ROUTE_WHOLE = """import { auth } from "@/auth";
import { writeLogs } from "@/lib/logs";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  await writeLogs({ entries: body.entries });
  return Response.json({ ok: true });
}
"""

LOG_ROUTE_MAPPED = """import { auth } from "@/auth";
import { writeLogs } from "@/lib/logs";
export async function POST(request: Request) {
  const session = await auth();
  if (!session?.user) return new Response(null, { status: 401 });
  const body = await request.json();
  await writeLogs({
    entries: body.ids.map((noteId: string) => {
      return { actorId: session.user.id, action: "note.read", target: noteId };
    }),
  });
  return Response.json({ ok: true });
}
"""


def _rules(root: Path, files: dict[str, str]) -> dict[tuple[str, str], set[int]]:
    make_repo(root, files)
    result = run_audit(root)
    found: dict[tuple[str, str], set[int]] = {}
    for f in result.findings:
        found.setdefault((f.rule, f.file), set()).add(f.line)
    return found


def test_a_conditional_spread_of_written_out_keys_is_no_mass_assignment(tmp_path: Path) -> None:
    found = _rules(
        tmp_path,
        {"app/api/notes/[id]/route.ts": PATCH_NOTE, "app/api/raw/[id]/route.ts": PUT_NOTE},
    )
    assert ("VAL002", "app/api/notes/[id]/route.ts") not in found
    # the values are still unchecked
    assert ("VAL001", "app/api/notes/[id]/route.ts") in found
    # a conditional spread of the body itself is still the body, whole
    assert ("VAL002", "app/api/raw/[id]/route.ts") in found


def test_records_written_out_by_the_caller_are_no_mass_assignment(tmp_path: Path) -> None:
    found = _rules(
        tmp_path / "listed",
        {"lib/logs.ts": LOG_HELPER, "app/api/pin/route.ts": LOG_ROUTE},
    )
    assert ("VAL002", "lib/logs.ts") not in found
    mapped = _rules(
        tmp_path / "mapped",
        {"lib/logs.ts": LOG_HELPER, "app/api/read/route.ts": LOG_ROUTE_MAPPED},
    )
    assert ("VAL002", "lib/logs.ts") not in mapped
    whole = _rules(
        tmp_path / "whole",
        {"lib/logs.ts": LOG_HELPER, "app/api/bulk/route.ts": LOG_ROUTE_WHOLE},
    )
    assert ("VAL002", "lib/logs.ts") in whole


def test_records_declared_then_handed_on_and_sliced_keep_their_keys(tmp_path: Path) -> None:
    found = _rules(
        tmp_path / "listed",
        {"lib/batches.ts": BATCH_HELPER, "app/api/share/route.ts": BATCH_ROUTE},
    )
    assert ("VAL002", "lib/batches.ts") not in found
    whole = _rules(
        tmp_path / "whole",
        {"lib/batches.ts": BATCH_HELPER, "app/api/rows/route.ts": BATCH_ROUTE_WHOLE},
    )
    assert ("VAL002", "lib/batches.ts") in whole


ENTRY_BUILDER = """export function auditEntry({ action, target, actor }: { action: string; target: string; actor?: string }) {
  const actorId = actor ?? "anonymous";
  return { action, target, actorId };
}

export function looseEntry(fields: Record<string, string>) {
  return { ...fields, action: fields.action ?? "unknown" };
}
"""

TRACK_ROUTE = """import { prisma } from "@/lib/db";
import { auditEntry, looseEntry } from "@/lib/entries";
export async function POST(request: Request) {
  const body = await request.json();
  await prisma.auditLog.create({
    data: auditEntry({ action: "note.viewed", target: body.noteId, actor: body.actor }),
  });
  return Response.json({ ok: true });
}
export async function PUT(request: Request) {
  const body = await request.json();
  await prisma.auditLog.create({ data: looseEntry(body) });
  return Response.json({ ok: true });
}
"""


def test_a_record_a_helper_builds_with_written_out_keys_is_no_mass_assignment(
    tmp_path: Path,
) -> None:
    found = _rules(
        tmp_path, {"lib/entries.ts": ENTRY_BUILDER, "app/api/track/route.ts": TRACK_ROUTE}
    )
    assert found.get(("VAL002", "app/api/track/route.ts")) == {12}  # looseEntry spreads the body
