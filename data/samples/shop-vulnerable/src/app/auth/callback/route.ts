import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { z } from "zod";

const searchSchema = z.object({ next: z.string().min(1).default("/account") });

// Clerk sends users here after sign-in (NEXT_PUBLIC_CLERK_AFTER_SIGN_IN_URL);
// `next` is the page they were on before.
// ok: ATH001
export function GET(req: NextRequest) {
  const { next } = searchSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
  // expect: NXT002
  redirect(next);
}
