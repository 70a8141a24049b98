-- CreateEnum
CREATE TYPE "LoyaltySource" AS ENUM ('ORDER', 'REFUND', 'CANCEL', 'SIGNUP', 'REVIEW', 'REDEMPTION', 'REDEMPTION_FAILED', 'EXPIRY', 'ADJUSTMENT');

-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('PENDING', 'ISSUED', 'FAILED');

-- CreateEnum
CREATE TYPE "ReviewRequestStatus" AS ENUM ('SCHEDULED', 'SENT', 'COMPLETED', 'CAPPED', 'CANCELLED');

-- AlterTable
ALTER TABLE "LoyaltyAccount" ADD COLUMN     "guestEmail" TEXT,
ADD COLUMN     "lastActivityAt" TIMESTAMP(3),
ADD COLUMN     "lifetimeEarned" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nextReleaseAt" TIMESTAMP(3),
ADD COLUMN     "pendingPoints" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "syncedBalance" INTEGER,
ADD COLUMN     "syncedTier" TEXT,
ADD COLUMN     "tier" TEXT;

-- AlterTable
ALTER TABLE "Review" ADD COLUMN     "moderatedAt" TIMESTAMP(3),
ADD COLUMN     "requestKey" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "LoyaltyLedgerEntry" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "source" "LoyaltySource" NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "availableAt" TIMESTAMP(3) NOT NULL,
    "orderGid" TEXT,
    "baseMinor" BIGINT,
    "currency" TEXT,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyLedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyRedemption" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "requestKey" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "valueMinor" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "discountGid" TEXT,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'PENDING',
    "failureReason" TEXT,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltyRedemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewRequest" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "customerGid" TEXT,
    "email" TEXT,
    "productGids" TEXT[],
    "status" "ReviewRequestStatus" NOT NULL DEFAULT 'SCHEDULED',
    "dueAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "remindersSent" INTEGER NOT NULL DEFAULT 0,
    "nextReminderAt" TIMESTAMP(3),
    "outcome" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductRating" (
    "shop" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "ratingSum" INTEGER NOT NULL DEFAULT 0,
    "histogram" INTEGER[] DEFAULT ARRAY[0, 0, 0, 0, 0]::INTEGER[],
    "syncedCount" INTEGER,
    "syncedSum" INTEGER,
    "syncedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductRating_pkey" PRIMARY KEY ("shop","productGid")
);

-- CreateIndex
CREATE INDEX "LoyaltyLedgerEntry_accountId_availableAt_idx" ON "LoyaltyLedgerEntry"("accountId", "availableAt");

-- CreateIndex
CREATE INDEX "LoyaltyLedgerEntry_shop_orderGid_idx" ON "LoyaltyLedgerEntry"("shop", "orderGid");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyLedgerEntry_shop_sourceKey_key" ON "LoyaltyLedgerEntry"("shop", "sourceKey");

-- CreateIndex
CREATE INDEX "LoyaltyRedemption_shop_customerGid_createdAt_idx" ON "LoyaltyRedemption"("shop", "customerGid", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyRedemption_shop_requestKey_key" ON "LoyaltyRedemption"("shop", "requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyRedemption_shop_code_key" ON "LoyaltyRedemption"("shop", "code");

-- CreateIndex
CREATE INDEX "ReviewRequest_shop_customerGid_sentAt_idx" ON "ReviewRequest"("shop", "customerGid", "sentAt");

-- CreateIndex
CREATE INDEX "ReviewRequest_shop_email_sentAt_idx" ON "ReviewRequest"("shop", "email", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewRequest_shop_orderGid_key" ON "ReviewRequest"("shop", "orderGid");

-- CreateIndex
CREATE INDEX "LoyaltyAccount_nextReleaseAt_idx" ON "LoyaltyAccount"("nextReleaseAt");

-- CreateIndex
CREATE INDEX "LoyaltyAccount_shop_lastActivityAt_idx" ON "LoyaltyAccount"("shop", "lastActivityAt");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyAccount_shop_guestEmail_key" ON "LoyaltyAccount"("shop", "guestEmail");

-- CreateIndex
CREATE INDEX "Review_shop_status_createdAt_idx" ON "Review"("shop", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Review_shop_productGid_customerGid_key" ON "Review"("shop", "productGid", "customerGid");

-- CreateIndex
CREATE UNIQUE INDEX "Review_shop_requestKey_key" ON "Review"("shop", "requestKey");
