-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "shippingMinor" BIGINT NOT NULL DEFAULT 0;
