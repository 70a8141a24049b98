-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('PENDING', 'PUBLISHED', 'REJECTED');

-- CreateTable
CREATE TABLE "LoyaltyAccount" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerGid" TEXT,
    "email" TEXT,
    "pointsBalance" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LoyaltyAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "customerGid" TEXT,
    "email" TEXT,
    "authorName" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "title" TEXT,
    "body" TEXT NOT NULL,
    "status" "ReviewStatus" NOT NULL DEFAULT 'PENDING',
    "verifiedBuyer" BOOLEAN NOT NULL DEFAULT false,
    "orderGid" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PixelEvent" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "customerGid" TEXT,
    "checkoutToken" TEXT,
    "cartToken" TEXT,
    "productGid" TEXT,
    "url" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PixelEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LoyaltyAccount_shop_email_idx" ON "LoyaltyAccount"("shop", "email");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyAccount_shop_customerGid_key" ON "LoyaltyAccount"("shop", "customerGid");

-- CreateIndex
CREATE INDEX "Review_shop_productGid_status_idx" ON "Review"("shop", "productGid", "status");

-- CreateIndex
CREATE INDEX "Review_shop_customerGid_idx" ON "Review"("shop", "customerGid");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_clientId_occurredAt_idx" ON "PixelEvent"("shop", "clientId", "occurredAt");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_customerGid_occurredAt_idx" ON "PixelEvent"("shop", "customerGid", "occurredAt");

-- CreateIndex
CREATE INDEX "PixelEvent_shop_name_occurredAt_idx" ON "PixelEvent"("shop", "name", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "PixelEvent_shop_eventId_key" ON "PixelEvent"("shop", "eventId");
