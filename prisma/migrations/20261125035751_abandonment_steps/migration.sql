-- AlterTable
ALTER TABLE "CheckoutOutcome" ADD COLUMN     "stepReached" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "AbandonmentStepDaily" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "dimension" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "started" INTEGER NOT NULL,
    "stopped" INTEGER NOT NULL,
    "abandoned" INTEGER NOT NULL,
    "noContact" INTEGER NOT NULL,

    CONSTRAINT "AbandonmentStepDaily_pkey" PRIMARY KEY ("shop","day","dimension","value","step")
);
