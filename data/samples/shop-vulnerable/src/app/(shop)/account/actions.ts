"use server";

import { auth } from "@clerk/nextjs/server";
import { eq } from "drizzle-orm";
import { z } from "zod";

import { db } from "@/db";
import { users } from "@/db/schema";

const nameSchema = z.object({ name: z.string().trim().min(1).max(120) });

// The "Display name" form of /account.
export async function updateDisplayName(formData: FormData) {
  const { userId } = auth();
  if (!userId) throw new Error("Unauthorized");

  const { name } = nameSchema.parse({ name: formData.get("name") });
  // expect: NXT001
  await db.update(users).set({ name }).where(eq(users.id, userId));
}
