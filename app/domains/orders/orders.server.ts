/**
 * Orders, line items and refunds, normalized from orders/* and refunds/create deliveries.
 * Idempotency keys: (shop, orderGid), (shop, lineItemGid), (shop, refundGid). Stale order
 * payloads are dropped by updated_at.
 */
import type { SqlClient } from "~/db.server";
import { rememberCustomerReference } from "~/domains/customers/customers.server";
import { orderCurrency, refundCurrency, toOrderRows, toRefundRow } from "~/domains/orders/order-mapping";
import { findBuyerOrderAt, findOrderCustomerGid, findOrderByCheckoutToken, linkCheckoutToOrder, upsertOrder, upsertRefund } from "~/domains/orders/orders.repo.server";
import { rememberShopCurrency } from "~/domains/shops/shops.server";
import type { OrderPayload, RefundPayload } from "~/webhooks/payloads";

export { findBuyerOrderAt, findOrderByCheckoutToken };

export type OrderOutcome = { outcome: "APPLIED" | "STALE"; customerGid: string | null; orderGid: string };

/** orders/create, orders/paid, orders/updated, orders/cancelled, orders/fulfilled. */
export async function applyOrderPayload(sql: SqlClient, shop: string, payload: OrderPayload, receivedAt: Date): Promise<OrderOutcome> {
  const customerGid = await rememberCustomerReference(sql, shop, payload.customer, payload.buyer_accepts_marketing);
  const { order, lineItems, refunds } = toOrderRows(payload, customerGid, receivedAt);
  await rememberShopCurrency(sql, shop, orderCurrency(payload));
  const outcome = await upsertOrder(sql, shop, order, lineItems);
  // Refunds are facts that never change, so even a stale order payload may add a missing one.
  for (const refund of refunds) await upsertRefund(sql, shop, refund);
  if (outcome === "APPLIED" && order.checkoutToken) {
    await linkCheckoutToOrder(sql, shop, order.checkoutToken, order.orderGid, order.processedAt);
  }
  return { outcome, customerGid, orderGid: order.orderGid };
}

/**
 * refunds/create. The order may not be stored yet; the refund row waits for it by order GID.
 * `fallbackCurrency` (the shop's, when known) is used only if no amount names its currency.
 */
export async function applyRefundPayload(sql: SqlClient, shop: string, payload: RefundPayload, fallbackCurrency: string | null, receivedAt: Date) {
  const refund = toRefundRow(payload, refundCurrency(payload) ?? fallbackCurrency ?? "USD", receivedAt);
  await upsertRefund(sql, shop, refund);
  return { outcome: "APPLIED" as const, orderGid: refund.orderGid, customerGid: await findOrderCustomerGid(sql, shop, refund.orderGid) };
}
