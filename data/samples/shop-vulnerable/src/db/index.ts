import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import * as schema from "./schema";

// One connection pool per server instance; `prepare: false` for the transaction pooler.
const client = postgres(process.env.DATABASE_URL!, { prepare: false, max: 10 });

export const db = drizzle(client, { schema });

export * from "./schema";
