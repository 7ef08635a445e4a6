import { NextResponse } from "next/server";

import { db } from "@/db";
import { products } from "@/db/schema";
import { isAdmin } from "@/lib/auth";

// Used by the admin dashboard's "New product" form.
export async function POST(req: Request) {
  if (!(await isAdmin())) return NextResponse.json({ error: "Forbidden" }, { status: 403 });

  // expect: VAL002
  const [product] = await db.insert(products).values(await req.json()).returning();
  return NextResponse.json(product, { status: 201 });
}
