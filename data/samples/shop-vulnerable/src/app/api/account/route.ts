import { auth } from "@clerk/nextjs/server";
import { eq } from "drizzle-orm";
import { NextResponse } from "next/server";
import { z } from "zod";

import { db } from "@/db";
import { users } from "@/db/schema";

const profileSchema = z.object({ name: z.string().trim().min(1).max(120) });

export async function GET() {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });

  const [profile] = await db
    .select({ id: users.id, email: users.email, name: users.name, imageUrl: users.imageUrl })
    .from(users)
    .where(eq(users.id, userId));
  if (!profile) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return NextResponse.json(profile);
}

export async function PATCH(req: Request) {
  const { userId } = auth();
  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });

  try {
    const { name } = profileSchema.parse(await req.json());
    const [profile] = await db.update(users).set({ name }).where(eq(users.id, userId)).returning({ id: users.id, name: users.name });
    return NextResponse.json(profile);
  } catch (error) {
    // expect: EXP002
    return NextResponse.json({ error: error.message, stack: error.stack }, { status: 500 });
  }
}
