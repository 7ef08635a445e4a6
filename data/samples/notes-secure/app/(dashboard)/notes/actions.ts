"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import { writeAuditLog } from "@/lib/audit";
import { requireMembership, rolesAtLeast } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { createNoteSchema, noteParamsSchema, updateNoteSchema } from "@/lib/validators";

export type NoteFormState = {
  status: "idle" | "saved" | "conflict" | "invalid";
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
};

export async function createNote(_previous: NoteFormState, formData: FormData): Promise<NoteFormState> {
  const user = await requireUser();
  const parsed = createNoteSchema.safeParse({
    teamId: formData.get("teamId"),
    title: formData.get("title"),
    body: formData.get("body") ?? "",
  });
  if (!parsed.success) {
    return { status: "invalid", message: "Check the highlighted fields.", fieldErrors: parsed.error.flatten().fieldErrors };
  }

  const { teamId, title, body } = parsed.data;
  await requireMembership(teamId, user.id, "MEMBER");
  const note = await prisma.note.create({ data: { teamId, authorId: user.id, title, body }, select: { id: true } });

  revalidatePath("/notes");
  // ok: NXT002
  redirect(`/notes/${note.id}`);
}

export async function updateNote(_previous: NoteFormState, formData: FormData): Promise<NoteFormState> {
  const user = await requireUser();
  const params = noteParamsSchema.safeParse({ id: formData.get("id") });
  const parsed = updateNoteSchema.safeParse({
    title: formData.get("title") ?? undefined,
    body: formData.get("body") ?? undefined,
    version: formData.get("version"),
  });
  if (!params.success || !parsed.success) {
    return { status: "invalid", message: "Check the highlighted fields.", fieldErrors: parsed.error?.flatten().fieldErrors };
  }

  const { id } = params.data;
  const { version, title, body } = parsed.data;
  const { count } = await prisma.note.updateMany({
    where: { id, version, deletedAt: null, team: { memberships: { some: { userId: user.id, role: { in: rolesAtLeast("MEMBER") } } } } },
    data: { title, body, version: { increment: 1 } },
  });
  if (count === 0) {
    return { status: "conflict", message: "Someone else changed this note. Reload to see their version." };
  }

  revalidatePath(`/notes/${id}`);
  revalidatePath("/notes");
  return { status: "saved" };
}

/** Bound to the note id in the editor: `deleteNote.bind(null, note.id)`. The id still comes from the client. */
export async function deleteNote(noteId: unknown): Promise<void> {
  const user = await requireUser();
  const { id } = noteParamsSchema.parse({ id: noteId });

  await prisma.$transaction(async (tx) => {
    const note = await tx.note.findFirst({
      where: {
        id,
        deletedAt: null,
        team: { memberships: { some: { userId: user.id } } },
        OR: [{ authorId: user.id }, { team: { memberships: { some: { userId: user.id, role: { in: rolesAtLeast("ADMIN") } } } } }],
      },
      select: { id: true, teamId: true },
    });
    if (!note) throw new Error("Note not found");

    const now = new Date();
    // ok: DATA001, DATA002, AUD001
    await tx.note.update({ where: { id: note.id }, data: { deletedAt: now }, select: { id: true } });
    await tx.comment.updateMany({ where: { noteId: note.id, deletedAt: null }, data: { deletedAt: now } });
    await writeAuditLog({ action: "NOTE_DELETED", actorId: user.id, teamId: note.teamId, targetId: note.id }, tx);
  });

  revalidatePath("/notes");
  redirect("/notes");
}
