-- CreateIndex
CREATE INDEX "PixelEvent_shop_checkoutToken_idx" ON "PixelEvent"("shop", "checkoutToken");
