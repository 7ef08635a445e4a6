"use client";

import type { Note } from "@prisma/client";
import { useActionState } from "react";

// Server Actions are called over the network: importing them here ships no server code.
// ok: SEC002
import { deleteNote, updateNote, type NoteFormState } from "@/app/(dashboard)/notes/actions";

type NoteEditorProps = {
  note: Pick<Note, "id" | "title" | "body" | "version" | "updatedAt">;
};

const initialState: NoteFormState = { status: "idle" };

export function NoteEditor({ note }: NoteEditorProps) {
  const [state, formAction, pending] = useActionState(updateNote, initialState);
  const deleteThisNote = deleteNote.bind(null, note.id);

  return (
    <div className="space-y-4">
      <form action={formAction} className="space-y-3">
        <input type="hidden" name="id" value={note.id} />
        <input type="hidden" name="version" value={note.version} />
        <input name="title" defaultValue={note.title} maxLength={200} required className="w-full text-2xl font-bold" />
        <textarea name="body" defaultValue={note.body} rows={16} className="w-full rounded border p-3" />
        {state.message ? (
          <p role="status" className={state.status === "saved" ? "text-green-700" : "text-red-700"}>
            {state.message}
          </p>
        ) : null}
        <button type="submit" disabled={pending} className="rounded bg-black px-4 py-2 text-white disabled:opacity-50">
          {pending ? "Saving…" : "Save"}
        </button>
      </form>
      <form action={deleteThisNote}>
        <button type="submit" className="text-sm text-red-700 underline">
          Delete note
        </button>
      </form>
    </div>
  );
}
