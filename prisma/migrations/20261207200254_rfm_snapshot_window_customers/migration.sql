-- AlterTable
ALTER TABLE "RfmSnapshot" ADD COLUMN     "windowCustomers" INTEGER NOT NULL DEFAULT 0;
