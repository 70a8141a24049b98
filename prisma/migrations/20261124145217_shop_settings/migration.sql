-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}';
