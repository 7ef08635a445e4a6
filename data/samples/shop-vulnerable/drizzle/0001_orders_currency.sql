-- expect: MIG002
ALTER TABLE "orders" DROP COLUMN IF EXISTS "notes";--> statement-breakpoint
-- expect: MIG005
ALTER TABLE "orders" ADD COLUMN "currency" varchar(3) NOT NULL;--> statement-breakpoint
-- expect: MIG006
CREATE INDEX IF NOT EXISTS "products_name_idx" ON "products" USING btree ("name");
