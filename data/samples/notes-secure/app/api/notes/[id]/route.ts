import type { Prisma } from "@prisma/client";
import { revalidatePath } from "next/cache";
import { NextResponse, type NextRequest } from "next/server";

import { auth } from "@/auth";
import { writeAuditLog } from "@/lib/audit";
import { rolesAtLeast } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { errorResponse, notFound, unauthorized } from "@/lib/http";
import { noteParamsSchema, updateNoteSchema } from "@/lib/validators";

type RouteContext = { params: Promise<{ id: string }> };

const noteDetail = {
  id: true,
  teamId: true,
  title: true,
  body: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  author: { select: { id: true, name: true } },
} satisfies Prisma.NoteSelect;

export async function GET(_request: NextRequest, { params }: RouteContext) {
  const session = await auth();
  if (!session?.user?.id) return unauthorized();

  try {
    const { id } = noteParamsSchema.parse(await params);
    // Ownership lives in the where clause: a note of another team is simply not found.
    const note = await prisma.note.findFirst({
      where: { id, deletedAt: null, team: { memberships: { some: { userId: session.user.id } } } },
      select: noteDetail,
    });
    return note ? NextResponse.json({ note }) : notFound();
  } catch (error) {
    return errorResponse(error);
  }
}

export async function PATCH(request: NextRequest, { params }: RouteContext) {
  const session = await auth();
  if (!session?.user?.id) return unauthorized();
  const userId = session.user.id;

  try {
    const { id } = noteParamsSchema.parse(await params);
    const { version, ...changes } = updateNoteSchema.parse(await request.json());
    const editable = { id, deletedAt: null, team: { memberships: { some: { userId, role: { in: rolesAtLeast("MEMBER") } } } } };

    // Optimistic locking: the update only matches the version the client last read.
    // ok: AZ001, DATA002, VAL002
    const { count } = await prisma.note.updateMany({ where: { ...editable, version }, data: { ...changes, version: { increment: 1 } } });
    if (count === 0) {
      return NextResponse.json({ error: "The note changed since you opened it, or it no longer exists" }, { status: 409 });
    }

    const note = await prisma.note.findFirst({ where: editable, select: noteDetail });
    revalidatePath(`/notes/${id}`);
    return NextResponse.json({ note });
  } catch (error) {
    return errorResponse(error);
  }
}

export async function DELETE(_request: NextRequest, { params }: RouteContext) {
  const session = await auth();
  if (!session?.user?.id) return unauthorized();
  const userId = session.user.id;

  try {
    const { id } = noteParamsSchema.parse(await params);
    const deleted = await prisma.$transaction(async (tx) => {
      // Authors may delete their notes; team owners and admins may delete any note.
      const note = await tx.note.findFirst({
        where: {
          id,
          deletedAt: null,
          team: { memberships: { some: { userId } } },
          OR: [{ authorId: userId }, { team: { memberships: { some: { userId, role: { in: rolesAtLeast("ADMIN") } } } } }],
        },
        select: { id: true, teamId: true },
      });
      if (!note) return null;

      // Soft delete: the row stays for the audit trail and for restores.
      // ok: AZ001, DATA001, DATA002, AUD001
      await tx.note.update({ where: { id: note.id }, data: { deletedAt: new Date() }, select: { id: true } });
      await writeAuditLog({ action: "NOTE_DELETED", actorId: userId, teamId: note.teamId, targetId: note.id }, tx);
      return note;
    });
    if (!deleted) return notFound();

    revalidatePath("/notes");
    return new NextResponse(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
