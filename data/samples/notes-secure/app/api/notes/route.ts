import type { Prisma } from "@prisma/client";
import { revalidatePath } from "next/cache";
import { NextResponse, type NextRequest } from "next/server";

import { auth } from "@/auth";
import { requireMembership } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { errorResponse, unauthorized } from "@/lib/http";
import { createNoteSchema, listNotesQuerySchema } from "@/lib/validators";

const noteSummary = {
  id: true,
  title: true,
  version: true,
  updatedAt: true,
  author: { select: { id: true, name: true } },
} satisfies Prisma.NoteSelect;

export async function GET(request: NextRequest) {
  const session = await auth();
  if (!session?.user?.id) return unauthorized();

  try {
    const { teamId, take } = listNotesQuerySchema.parse(Object.fromEntries(request.nextUrl.searchParams));
    await requireMembership(teamId, session.user.id);

    // ok: AZ001
    const notes = await prisma.note.findMany({
      where: { teamId, deletedAt: null },
      select: noteSummary,
      orderBy: { updatedAt: "desc" },
      take,
    });
    return NextResponse.json({ notes });
  } catch (error) {
    return errorResponse(error);
  }
}

export async function POST(request: NextRequest) {
  const session = await auth();
  if (!session?.user?.id) return unauthorized();

  try {
    const input = createNoteSchema.parse(await request.json());
    await requireMembership(input.teamId, session.user.id, "MEMBER");

    const note = await prisma.note.create({
      data: { teamId: input.teamId, authorId: session.user.id, title: input.title, body: input.body },
      select: noteSummary,
    });
    revalidatePath("/notes");
    return NextResponse.json({ note }, { status: 201 });
  } catch (error) {
    return errorResponse(error);
  }
}
