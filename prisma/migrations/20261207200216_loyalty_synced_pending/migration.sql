-- AlterTable
ALTER TABLE "LoyaltyAccount" ADD COLUMN     "syncedPending" INTEGER;
