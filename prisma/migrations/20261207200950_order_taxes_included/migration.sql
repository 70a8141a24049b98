-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "lineItemsTaxMinor" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "taxesIncluded" BOOLEAN NOT NULL DEFAULT false;
