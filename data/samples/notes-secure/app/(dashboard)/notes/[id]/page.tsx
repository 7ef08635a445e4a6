import { revalidatePath } from "next/cache";
import { notFound } from "next/navigation";

import { NoteEditor } from "@/components/note-editor";
import { rolesAtLeast } from "@/lib/authz";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { commentSchema, noteParamsSchema } from "@/lib/validators";

type PageProps = { params: Promise<{ id: string }> };

export default async function NotePage({ params }: PageProps) {
  const user = await requireUser();
  const parsed = noteParamsSchema.safeParse(await params);
  if (!parsed.success) notFound();

  const note = await prisma.note.findFirst({
    where: { id: parsed.data.id, deletedAt: null, team: { memberships: { some: { userId: user.id } } } },
    select: {
      id: true,
      title: true,
      body: true,
      version: true,
      updatedAt: true,
      comments: {
        where: { deletedAt: null },
        orderBy: { createdAt: "asc" },
        select: { id: true, body: true, createdAt: true, author: { select: { name: true } } },
      },
    },
  });
  if (!note) notFound();

  async function addComment(formData: FormData) {
    "use server";

    // A Server Action is a public endpoint of its own: it checks everything again.
    const author = await requireUser();
    const input = commentSchema.parse({ noteId: formData.get("noteId"), body: formData.get("body") });

    const target = await prisma.note.findFirst({
      where: {
        id: input.noteId,
        deletedAt: null,
        team: { memberships: { some: { userId: author.id, role: { in: rolesAtLeast("MEMBER") } } } },
      },
      select: { id: true },
    });
    if (!target) throw new Error("Note not found");

    await prisma.comment.create({ data: { noteId: target.id, authorId: author.id, body: input.body }, select: { id: true } });
    revalidatePath(`/notes/${target.id}`);
  }

  return (
    <article className="mx-auto max-w-3xl space-y-8 p-6">
      <NoteEditor note={note} />

      <section aria-labelledby="comments">
        <h2 id="comments" className="text-lg font-semibold">
          Comments
        </h2>
        <ul className="mt-4 space-y-3">
          {note.comments.map((comment) => (
            <li key={comment.id} className="rounded border p-3">
              <p className="text-sm text-gray-500">
                {comment.author.name ?? "Someone"} · {comment.createdAt.toLocaleString()}
              </p>
              <p className="whitespace-pre-wrap">{comment.body}</p>
            </li>
          ))}
        </ul>
        <form action={addComment} className="mt-4 space-y-2">
          <input type="hidden" name="noteId" value={note.id} />
          <textarea name="body" required maxLength={5000} className="w-full rounded border p-2" />
          <button type="submit" className="rounded bg-black px-3 py-1 text-white">
            Comment
          </button>
        </form>
      </section>
    </article>
  );
}
