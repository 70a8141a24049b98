-- CreateTable
CREATE TABLE "CustomerProfile" (
    "shop" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "email" TEXT,
    "displayName" TEXT,
    "searchName" TEXT,
    "ordersCount" INTEGER NOT NULL DEFAULT 0,
    "amountSpentMinor" BIGINT NOT NULL DEFAULT 0,
    "currency" TEXT,
    "averageOrderMinor" BIGINT NOT NULL DEFAULT 0,
    "firstOrderAt" TIMESTAMP(3),
    "lastOrderAt" TIMESTAMP(3),
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "acceptsMarketing" BOOLEAN NOT NULL DEFAULT false,
    "abandonedCheckoutsCount" INTEGER NOT NULL DEFAULT 0,
    "lastAbandonedAt" TIMESTAMP(3),
    "pointsBalance" INTEGER NOT NULL DEFAULT 0,
    "hasReviewed" BOOLEAN NOT NULL DEFAULT false,
    "lastReviewAt" TIMESTAMP(3),
    "lastCartActivityAt" TIMESTAMP(3),
    "windowOrders" INTEGER NOT NULL DEFAULT 0,
    "windowSpentMinor" BIGINT NOT NULL DEFAULT 0,
    "lastOrderDate" DATE,
    "rScore" INTEGER,
    "fScore" INTEGER,
    "mScore" INTEGER,
    "rfmGroup" TEXT NOT NULL,
    "rfmRulesVersion" INTEGER NOT NULL,
    "rfmSnapshotId" BIGINT,
    "shopifyRfmGroup" TEXT,
    "shopifyRfmReadAt" TIMESTAMP(3),
    "stage" TEXT NOT NULL,
    "stageRulesVersion" INTEGER NOT NULL,
    "stageSince" TIMESTAMP(3) NOT NULL,
    "stageReason" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerProfile_pkey" PRIMARY KEY ("shop","customerGid")
);

-- CreateTable
CREATE TABLE "RfmSnapshot" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "rulesVersion" INTEGER NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "timezone" TEXT NOT NULL,
    "lookbackDays" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "currency" TEXT,
    "frequencyMode" TEXT NOT NULL,
    "recencyMode" TEXT NOT NULL,
    "monetaryMode" TEXT NOT NULL,
    "singleOrderShare" DOUBLE PRECISION NOT NULL,
    "recencyEdges" DATE[],
    "frequencyEdges" INTEGER[],
    "monetaryEdges" BIGINT[],
    "customersScored" INTEGER NOT NULL,
    "prospects" INTEGER NOT NULL,
    "configKey" TEXT NOT NULL,
    "durationMs" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RfmSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JourneyTransition" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "fromStage" TEXT,
    "toStage" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "rulesVersion" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JourneyTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JourneyFlowDaily" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "fromStage" TEXT NOT NULL,
    "toStage" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "JourneyFlowDaily_pkey" PRIMARY KEY ("shop","day","fromStage","toStage")
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "rule" JSONB NOT NULL,
    "ruleVersion" INTEGER NOT NULL DEFAULT 1,
    "memberCount" INTEGER NOT NULL DEFAULT 0,
    "materializedAt" TIMESTAMP(3),
    "syncMode" TEXT NOT NULL DEFAULT 'NONE',
    "syncTag" TEXT,
    "syncStatus" TEXT NOT NULL DEFAULT 'IDLE',
    "syncError" TEXT,
    "syncedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentMember" (
    "shop" TEXT NOT NULL,
    "segmentId" BIGINT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "ruleVersion" INTEGER NOT NULL,

    CONSTRAINT "SegmentMember_pkey" PRIMARY KEY ("segmentId","customerGid")
);

-- CreateTable
CREATE TABLE "SegmentMemberEvent" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "segmentId" BIGINT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "ruleVersion" INTEGER NOT NULL,
    "facts" JSONB,

    CONSTRAINT "SegmentMemberEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentSizeDaily" (
    "shop" TEXT NOT NULL,
    "segmentId" BIGINT NOT NULL,
    "day" DATE NOT NULL,
    "size" INTEGER NOT NULL,

    CONSTRAINT "SegmentSizeDaily_pkey" PRIMARY KEY ("segmentId","day")
);

-- CreateTable
CREATE TABLE "SegmentSyncState" (
    "shop" TEXT NOT NULL,
    "segmentId" BIGINT NOT NULL,
    "customerGid" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentSyncState_pkey" PRIMARY KEY ("segmentId","customerGid")
);

-- CreateTable
CREATE TABLE "CheckoutOutcome" (
    "shop" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "checkoutRowId" BIGINT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "day" DATE NOT NULL,
    "customerGid" TEXT,
    "buyerKey" TEXT,
    "hasContact" BOOLEAN NOT NULL,
    "currency" TEXT NOT NULL,
    "valueMinor" BIGINT NOT NULL,
    "lastActivityAt" TIMESTAMP(3) NOT NULL,
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),
    "orderGid" TEXT,
    "status" TEXT NOT NULL,
    "abandonedAt" TIMESTAMP(3),
    "recoveredAt" TIMESTAMP(3),
    "recoveredOrderGid" TEXT,
    "recoveredMinor" BIGINT,
    "windowOrderGid" TEXT,
    "windowRecoveredAt" TIMESTAMP(3),
    "windowRecoveredMinor" BIGINT,
    "shopCurrency" TEXT,
    "channel" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "landingPage" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "thresholdMinutes" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CheckoutOutcome_pkey" PRIMARY KEY ("shop","token")
);

-- CreateTable
CREATE TABLE "AbandonmentDaily" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "currency" TEXT NOT NULL,
    "started" INTEGER NOT NULL,
    "withContact" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    "open" INTEGER NOT NULL,
    "abandoned" INTEGER NOT NULL,
    "noContact" INTEGER NOT NULL,
    "abandonedValueMinor" BIGINT NOT NULL,
    "recoveredLink" INTEGER NOT NULL,
    "recoveredLinkMinor" BIGINT NOT NULL,
    "recoveredWindow" INTEGER NOT NULL,
    "recoveredWindowMinor" BIGINT NOT NULL,
    "shopCurrency" TEXT,
    "recoveryMinutes" INTEGER[],
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AbandonmentDaily_pkey" PRIMARY KEY ("shop","day","currency")
);

-- CreateTable
CREATE TABLE "AbandonmentBreakdownDaily" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "dimension" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "started" INTEGER NOT NULL,
    "withContact" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    "abandoned" INTEGER NOT NULL,
    "recoveredLink" INTEGER NOT NULL,

    CONSTRAINT "AbandonmentBreakdownDaily_pkey" PRIMARY KEY ("shop","day","dimension","value")
);

-- CreateTable
CREATE TABLE "AbandonedProductDaily" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "productKey" TEXT NOT NULL,
    "productGid" TEXT,
    "title" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "checkouts" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "valueMinor" BIGINT NOT NULL,

    CONSTRAINT "AbandonedProductDaily_pkey" PRIMARY KEY ("shop","day","productKey","currency")
);

-- CreateTable
CREATE TABLE "AbandonmentSweepState" (
    "shop" TEXT NOT NULL,
    "checkoutWatermark" BIGINT NOT NULL DEFAULT 0,
    "orderWatermark" BIGINT NOT NULL DEFAULT 0,
    "configKey" TEXT NOT NULL,
    "lastSweepAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AbandonmentSweepState_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "BackfillRun" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "bulkOperationGid" TEXT,
    "bulkStatus" TEXT,
    "resultUrl" TEXT,
    "linesDone" INTEGER NOT NULL DEFAULT 0,
    "objectsImported" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BackfillRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerProfile_shop_rfmGroup_windowSpentMinor_idx" ON "CustomerProfile"("shop", "rfmGroup", "windowSpentMinor");

-- CreateIndex
CREATE INDEX "CustomerProfile_shop_stage_idx" ON "CustomerProfile"("shop", "stage");

-- CreateIndex
CREATE INDEX "CustomerProfile_shop_email_idx" ON "CustomerProfile"("shop", "email");

-- CreateIndex
CREATE INDEX "CustomerProfile_shop_searchName_idx" ON "CustomerProfile"("shop", "searchName");

-- CreateIndex
CREATE INDEX "CustomerProfile_shop_amountSpentMinor_customerGid_idx" ON "CustomerProfile"("shop", "amountSpentMinor", "customerGid");

-- CreateIndex
CREATE INDEX "CustomerProfile_shop_lastOrderAt_customerGid_idx" ON "CustomerProfile"("shop", "lastOrderAt", "customerGid");

-- CreateIndex
CREATE INDEX "RfmSnapshot_shop_id_idx" ON "RfmSnapshot"("shop", "id");

-- CreateIndex
CREATE INDEX "JourneyTransition_shop_customerGid_at_idx" ON "JourneyTransition"("shop", "customerGid", "at");

-- CreateIndex
CREATE INDEX "JourneyTransition_shop_at_idx" ON "JourneyTransition"("shop", "at");

-- CreateIndex
CREATE INDEX "Segment_shop_deletedAt_idx" ON "Segment"("shop", "deletedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Segment_shop_name_key" ON "Segment"("shop", "name");

-- CreateIndex
CREATE INDEX "SegmentMember_shop_customerGid_idx" ON "SegmentMember"("shop", "customerGid");

-- CreateIndex
CREATE INDEX "SegmentMemberEvent_shop_customerGid_at_idx" ON "SegmentMemberEvent"("shop", "customerGid", "at");

-- CreateIndex
CREATE INDEX "SegmentMemberEvent_segmentId_at_idx" ON "SegmentMemberEvent"("segmentId", "at");

-- CreateIndex
CREATE INDEX "SegmentSizeDaily_shop_day_idx" ON "SegmentSizeDaily"("shop", "day");

-- CreateIndex
CREATE INDEX "SegmentSyncState_shop_customerGid_idx" ON "SegmentSyncState"("shop", "customerGid");

-- CreateIndex
CREATE INDEX "CheckoutOutcome_shop_day_idx" ON "CheckoutOutcome"("shop", "day");

-- CreateIndex
CREATE INDEX "CheckoutOutcome_shop_status_abandonedAt_idx" ON "CheckoutOutcome"("shop", "status", "abandonedAt");

-- CreateIndex
CREATE INDEX "CheckoutOutcome_shop_customerGid_idx" ON "CheckoutOutcome"("shop", "customerGid");

-- CreateIndex
CREATE INDEX "CheckoutOutcome_shop_buyerKey_idx" ON "CheckoutOutcome"("shop", "buyerKey");

-- CreateIndex
CREATE INDEX "CheckoutOutcome_shop_recoveredAt_idx" ON "CheckoutOutcome"("shop", "recoveredAt");

-- CreateIndex
CREATE INDEX "BackfillRun_shop_startedAt_idx" ON "BackfillRun"("shop", "startedAt");
