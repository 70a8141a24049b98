-- CreateIndex
CREATE INDEX "Checkout_shop_updatedAt_idx" ON "Checkout"("shop", "updatedAt");

-- CreateIndex
CREATE INDEX "Order_shop_updatedAt_idx" ON "Order"("shop", "updatedAt");

-- CreateIndex
CREATE INDEX "Refund_shop_createdAt_idx" ON "Refund"("shop", "createdAt");
