-- For the nightly job that deletes expired invitations.
-- CONCURRENTLY cannot run inside a transaction block, so this statement is alone in its migration.
-- ok: MIG006, MIG009
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Invitation_expiresAt_idx" ON "Invitation"("expiresAt");
