import { auth } from "@clerk/nextjs/server";
import { put } from "@vercel/blob";
import { eq } from "drizzle-orm";
import { NextResponse } from "next/server";

import { db } from "@/db";
import { users } from "@/db/schema";

const MAX_BYTES = 5 * 1024 * 1024;

// Profile picture upload.
export async function POST(req: Request) {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });

  const form = await req.formData();
  const file = form.get("file");
  // The size is counted from the bytes received, not declared by the client.
  // ok: VAL003
  if (!(file instanceof File) || file.size === 0 || file.size > MAX_BYTES) {
    return NextResponse.json({ error: "Choose an image up to 5 MB" }, { status: 400 });
  }
  // expect: VAL003
  if (!file.type.startsWith("image/")) {
    return NextResponse.json({ error: "Only images are allowed" }, { status: 415 });
  }

  const blob = await put(`avatars/${userId}/${crypto.randomUUID()}`, file, { access: "public" });
  await db.update(users).set({ imageUrl: blob.url }).where(eq(users.id, userId));
  return NextResponse.json({ url: blob.url });
}
