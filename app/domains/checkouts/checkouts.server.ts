/**
 * Checkouts, normalized from checkouts/* deliveries. Idempotency key: (shop, token); stale
 * payloads are dropped by updated_at. A completed checkout is linked to its order through
 * order.checkout_token, whichever of the two arrives first.
 */
import type { SqlClient } from "~/db.server";
import { toCheckoutRows, type CheckoutOrigin } from "~/domains/checkouts/checkout-mapping";
import { markCheckoutDeleted, upsertCheckout } from "~/domains/checkouts/checkouts.repo.server";
import { rememberCustomerReference } from "~/domains/customers/customers.server";
import { findBuyerOrderAt, findOrderByCheckoutToken } from "~/domains/orders/orders.server";
import type { CheckoutDeletePayload, CheckoutPayload } from "~/webhooks/payloads";

/**
 * How far from a checkout's completion the history import looks for the buyer's order that
 * completed it: Shopify stamps the order's processed_at and the checkout's completed_at at the
 * same moment; a minute allows for clock rounding, and two orders of one buyer that close are
 * not told apart (the nearer wins).
 */
const IMPORT_ORDER_MATCH_SECONDS = 60;

/**
 * checkouts/create, checkouts/update, and the history import's abandoned checkouts (`origin`
 * "import"). Imported orders carry no checkout token, so an imported checkout that Shopify shows
 * completed is linked to its buyer's order placed at that moment, if there is exactly that one.
 */
export async function applyCheckoutPayload(sql: SqlClient, shop: string, payload: CheckoutPayload, receivedAt: Date, origin: CheckoutOrigin = "webhook") {
  const customerGid = await rememberCustomerReference(sql, shop, payload.customer);
  const { checkout, lineItems } = toCheckoutRows(payload, customerGid, receivedAt, origin);
  const order =
    (await findOrderByCheckoutToken(sql, shop, checkout.token)) ??
    (origin === "import" && checkout.completedAt
      ? await findBuyerOrderAt(sql, shop, { customerGid, email: checkout.email }, checkout.completedAt, IMPORT_ORDER_MATCH_SECONDS)
      : null);
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
