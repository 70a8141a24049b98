-- AlterTable
ALTER TABLE "Checkout" ADD COLUMN     "lastOpenActivityAt" TIMESTAMP(3);

-- Checkouts still open: their newest payload showed them open. (Completed ones keep the activity
-- the abandonment sweep remembered, CheckoutOutcome.lastActivityAt.)
UPDATE "Checkout" SET "lastOpenActivityAt" = "sourceUpdatedAt" WHERE "completedAt" IS NULL;
