-- AlterTable
ALTER TABLE "LoyaltyAccount" ADD COLUMN     "tierReviewAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "LoyaltyAccount_tierReviewAt_idx" ON "LoyaltyAccount"("tierReviewAt");

-- Accounts stored before: due when the oldest entry counted in their 12-month tier window leaves it
-- (the window of points tiers, spend tiers are corrected by that first refresh), and at once when
-- they hold a tier with nothing left in the window (a customer inactive for a year).
UPDATE "LoyaltyAccount" a SET "tierReviewAt" = w.oldest + interval '365 days' + interval '1 millisecond'
FROM (
  SELECT "accountId", min("createdAt") AS oldest FROM "LoyaltyLedgerEntry"
  WHERE "source"::text IN ('ORDER', 'SIGNUP', 'REVIEW', 'REFUND', 'CANCEL')
    AND "createdAt" >= (now() AT TIME ZONE 'UTC') - interval '365 days'
  GROUP BY "accountId"
) w
WHERE w."accountId" = a."id";
UPDATE "LoyaltyAccount" SET "tierReviewAt" = now() AT TIME ZONE 'UTC' WHERE "tier" IS NOT NULL AND "tierReviewAt" IS NULL;
