-- AlterTable
ALTER TABLE "AbandonmentDaily" ADD COLUMN     "importedAbandoned" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "CheckoutOutcome" ADD COLUMN     "imported" BOOLEAN NOT NULL DEFAULT false;
