-- AlterTable
ALTER TABLE "WebhookEvent" ALTER COLUMN "payload" SET DATA TYPE JSON;
