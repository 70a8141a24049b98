-- AlterTable
ALTER TABLE "Checkout" ADD COLUMN     "imported" BOOLEAN NOT NULL DEFAULT false;

-- Checkouts stored before this column: rows of the history import are the ones with neither a
-- channel nor a cart token (AbandonedCheckout has neither field, webhook payloads carry both).
UPDATE "Checkout" SET "imported" = true WHERE "sourceName" IS NULL AND "cartToken" IS NULL;
