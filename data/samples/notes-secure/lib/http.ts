import "server-only";

import { NextResponse } from "next/server";
import { ZodError } from "zod";

import { ForbiddenError } from "@/lib/authz";

export function unauthorized(): NextResponse {
  return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
}

export function notFound(): NextResponse {
  return NextResponse.json({ error: "Not found" }, { status: 404 });
}

/** Maps an error to a response that names the problem but no internals. */
export function errorResponse(error: unknown): NextResponse {
  if (error instanceof ZodError) {
    // Field names and the messages of our own schemas only.
    // ok: EXP002
    return NextResponse.json({ error: "Invalid request", fields: error.flatten().fieldErrors }, { status: 400 });
  }
  if (error instanceof SyntaxError) {
    return NextResponse.json({ error: "Malformed JSON body" }, { status: 400 });
  }
  if (error instanceof ForbiddenError) {
    // Same answer as a missing row, so ids of other teams cannot be probed.
    return notFound();
  }
  console.error(error);
  return NextResponse.json({ error: "Something went wrong" }, { status: 500 });
}
