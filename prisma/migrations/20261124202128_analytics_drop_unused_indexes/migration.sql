-- DropIndex
DROP INDEX "CustomerProfile_shop_lastOrderAt_customerGid_idx";

-- DropIndex
DROP INDEX "CustomerProfile_shop_searchName_customerGid_idx";

-- DropIndex
DROP INDEX "CustomerProfile_shop_stage_idx";

-- DropIndex
DROP INDEX "JourneyTransition_shop_at_idx";
