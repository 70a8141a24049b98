-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "authenticatedAt" TIMESTAMP(3);
