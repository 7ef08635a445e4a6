import { randomBytes } from "node:crypto";

import { eq } from "drizzle-orm";
import { NextResponse } from "next/server";
import { z } from "zod";

import { db } from "@/db";
import { apiTokens, users } from "@/db/schema";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1).max(200),
});

// Sign-in of the v1 mobile app, which predates Clerk: trades email and password for an API token.
// expect: RL001
export async function POST(req: Request) {
  const parsed = credentialsSchema.safeParse(await req.json());
  if (!parsed.success) return NextResponse.json({ error: "Invalid email or password" }, { status: 400 });
  const { email, password } = parsed.data;

  // Looking the account up by email is the point of a sign-in.
  // ok: AZ001, EXP001
  const [user] = await db.select({ id: users.id, password: users.password }).from(users).where(eq(users.email, email));
  if (!user || user.password !== password) {
    return NextResponse.json({ error: "Invalid email or password" }, { status: 401 });
  }

  const token = randomBytes(32).toString("hex");
  // The owner is the account whose password was just checked.
  // ok: AZ002
  await db.insert(apiTokens).values({ userId: user.id, name: "mobile", token });
  return NextResponse.json({ token });
}
