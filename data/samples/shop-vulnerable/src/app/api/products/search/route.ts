import { sql } from "drizzle-orm";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";

import { db } from "@/db";

const querySchema = z.object({ q: z.string().trim().min(2).max(100) });

// Search box of the storefront header (declared public in archtools.toml).
// ok: ATH001
export async function GET(req: NextRequest) {
  const parsed = querySchema.safeParse({ q: req.nextUrl.searchParams.get("q") });
  if (!parsed.success) return NextResponse.json({ results: [] });

  const term = parsed.data.q;
  // expect: INJ001
  const results = await db.execute(sql.raw(`SELECT id, slug, name, price FROM products WHERE deleted_at IS NULL AND name ILIKE '%${term}%' ORDER BY name LIMIT 20`));
  return NextResponse.json({ results });
}
