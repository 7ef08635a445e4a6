import { eq } from "drizzle-orm";
import { NextResponse } from "next/server";
import { z } from "zod";

import { db } from "@/db";
import { products } from "@/db/schema";
import { isAdmin } from "@/lib/auth";

const paramsSchema = z.object({ id: z.string().uuid() });

// expect: TYP001
export async function DELETE(_req: Request, { params }: any) {
  if (!(await isAdmin())) return NextResponse.json({ error: "Forbidden" }, { status: 403 });
  const { id } = paramsSchema.parse(params);

  // expect: DATA001, AUD001
  const [deleted] = await db.delete(products).where(eq(products.id, id)).returning({ id: products.id });
  if (!deleted) return NextResponse.json({ error: "Not found" }, { status: 404 });
  return new NextResponse(null, { status: 204 });
}
