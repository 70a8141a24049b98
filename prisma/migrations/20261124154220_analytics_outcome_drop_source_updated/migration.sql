-- AlterTable
ALTER TABLE "CheckoutOutcome" DROP COLUMN "sourceUpdatedAt";
