-- AlterTable
ALTER TABLE "Checkout" ADD COLUMN     "stepReached" INTEGER NOT NULL DEFAULT 0;
