-- AlterTable
ALTER TABLE "AbandonmentSweepState" DROP COLUMN "checkoutWatermark",
DROP COLUMN "orderWatermark",
ADD COLUMN     "changesSince" TIMESTAMP(3);
