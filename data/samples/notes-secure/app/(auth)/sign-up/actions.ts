"use server";

import { Prisma } from "@prisma/client";
import bcrypt from "bcryptjs";
import { revalidatePath } from "next/cache";

import { signIn } from "@/auth";
import { prisma } from "@/lib/db";
import { clientIp, signUpLimiter } from "@/lib/ratelimit";
import { signUpSchema } from "@/lib/validators";

export type SignUpState = { error?: string; fieldErrors?: Record<string, string[] | undefined> };

// Public by design (declared in archtools.toml): this is how an account comes to exist.
// ok: ATH001
export async function signUp(_previous: SignUpState, formData: FormData): Promise<SignUpState> {
  const { success } = await signUpLimiter.limit(await clientIp());
  if (!success) return { error: "Too many attempts. Try again in an hour." };

  const parsed = signUpSchema.safeParse({
    name: formData.get("name"),
    email: formData.get("email"),
    password: formData.get("password"),
  });
  if (!parsed.success) return { fieldErrors: parsed.error.flatten().fieldErrors };
  const { name, email, password } = parsed.data;

  const passwordHash = await bcrypt.hash(password, 12);
  try {
    // Every account starts with a personal team it owns.
    // ok: AUD001, AZ002
    await prisma.user.create({
      data: {
        name,
        email,
        passwordHash,
        memberships: {
          create: { role: "OWNER", team: { create: { name: `${name}'s notes`, slug: `u-${crypto.randomUUID().slice(0, 12)}` } } },
        },
      },
      select: { id: true },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      // Same wording whether or not the email exists elsewhere: no account enumeration.
      return { error: "We could not create this account." };
    }
    throw error;
  }

  revalidatePath("/notes");
  await signIn("credentials", { email, password, redirectTo: "/notes" });
  return {};
}
