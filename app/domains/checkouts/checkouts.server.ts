/**
 * Checkouts, normalized from checkouts/* deliveries. Idempotency key: (shop, token); stale
 * payloads are dropped by updated_at. A completed checkout is linked to its order through
 * order.checkout_token, whichever of the two arrives first.
 */
import type { SqlClient } from "~/db.server";
import { toCheckoutRows } from "~/domains/checkouts/checkout-mapping";
import { markCheckoutDeleted, upsertCheckout } from "~/domains/checkouts/checkouts.repo.server";
import { rememberCustomerReference } from "~/domains/customers/customers.server";
import { findOrderByCheckoutToken } from "~/domains/orders/orders.server";
import type { CheckoutDeletePayload, CheckoutPayload } from "~/webhooks/payloads";

/** checkouts/create, checkouts/update. */
export async function applyCheckoutPayload(sql: SqlClient, shop: string, payload: CheckoutPayload, receivedAt: Date) {
  const customerGid = await rememberCustomerReference(sql, shop, payload.customer);
  const { checkout, lineItems } = toCheckoutRows(payload, customerGid, receivedAt);
  const order = await findOrderByCheckoutToken(sql, shop, checkout.token);
  const outcome = await upsertCheckout(
    sql,
    shop,
    { ...checkout, orderGid: order?.orderGid ?? null, completedAt: checkout.completedAt ?? order?.processedAt ?? null },
    lineItems,
  );
  return { outcome, customerGid };
}

/** checkouts/delete. Idempotent: marking twice sets the same flag. */
export async function applyCheckoutDeleted(sql: SqlClient, shop: string, payload: CheckoutDeletePayload, at: Date) {
  const count = await markCheckoutDeleted(sql, shop, { checkoutId: payload.id, token: payload.token ?? null, cartToken: payload.cart_token ?? null }, at);
  return count > 0 ? ("DELETED" as const) : ("NOT_FOUND" as const);
}
