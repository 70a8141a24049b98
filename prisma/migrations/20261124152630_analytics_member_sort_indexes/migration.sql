-- DropIndex
DROP INDEX "CustomerProfile_shop_searchName_idx";

-- CreateIndex
CREATE INDEX "CustomerProfile_shop_searchName_customerGid_idx" ON "CustomerProfile"("shop", "searchName", "customerGid");

-- CreateIndex
CREATE INDEX "SegmentMember_segmentId_enteredAt_customerGid_idx" ON "SegmentMember"("segmentId", "enteredAt", "customerGid");
