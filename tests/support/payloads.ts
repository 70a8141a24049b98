/**
 * Realistic payload variants derived from Shopify's sample bodies (never invented field names).
 * The samples share one voided/cancelled/test order; these helpers give each variant fresh ids
 * and the state a test needs (paid, fulfilled, refunded, guest...).
 */
import { fixture } from "./fixtures";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let counter = 1000;
export const nextId = () => String(++counter * 1_000_003);

const money = (amount: string, currency = "USD") => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

export type OrderVariant = {
  id?: string;
  customerId?: string | null;
  email?: string | null;
  financialStatus?: string;
  fulfillmentStatus?: string | null;
  cancelledAt?: string | null;
  processedAt?: string;
  updatedAt?: string;
  checkoutToken?: string | null;
  subtotal?: string;
  currency?: string;
  test?: boolean;
  refunds?: Json[];
  /** One shipping line (the sample's) at `price`, and what the buyer paid after shipping discounts. */
  shipping?: { price: string; paid?: string };
};

/** An orders/* body: the sample order with fresh ids, paid and live unless told otherwise. */
export function orderPayload(v: OrderVariant = {}): Json {
  const base = fixture<Json>("orders/create");
  const id = v.id ?? nextId();
  const currency = v.currency ?? "USD";
  const subtotal = v.subtotal ?? "404.95";
  const when = v.processedAt ?? "2026-10-01T10:00:00-04:00";
  const order: Json = {
    ...base,
    id: Number(id),
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id.slice(-5)}`,
    email: v.email === undefined ? "jon@example.com" : v.email,
    contact_email: v.email === undefined ? "jon@example.com" : v.email,
    currency,
    presentment_currency: currency,
    financial_status: v.financialStatus ?? "paid",
    fulfillment_status: v.fulfillmentStatus ?? null,
    cancelled_at: v.cancelledAt ?? null,
    cancel_reason: v.cancelledAt ? "customer" : null,
    test: v.test ?? false,
    processed_at: when,
    created_at: when,
    updated_at: v.updatedAt ?? when,
    checkout_token: v.checkoutToken ?? null,
    subtotal_price: subtotal,
    subtotal_price_set: money(subtotal, currency),
    total_price_set: money(subtotal, currency),
    total_line_items_price_set: money(subtotal, currency),
    total_discounts_set: money("0.00", currency),
    total_tax_set: money("0.00", currency),
    total_shipping_price_set: money("0.00", currency),
    line_items: base.line_items.map((li: Json, i: number) => {
      const lineId = nextId();
      return { ...li, id: Number(lineId), admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`, product_id: 7000 + i };
    }),
    refunds: v.refunds ?? [],
  };
  if (v.shipping) {
    const paid = v.shipping.paid ?? v.shipping.price;
    order.total_shipping_price_set = money(v.shipping.price, currency);
    order.shipping_lines = [
      {
        ...base.shipping_lines[0],
        id: Number(nextId()),
        price: v.shipping.price,
        price_set: money(v.shipping.price, currency),
        discounted_price: paid,
        discounted_price_set: money(paid, currency),
        current_discounted_price_set: money(paid, currency),
      },
    ];
  }
  if (v.customerId === null) order.customer = null;
  else {
    const customerId = v.customerId ?? nextId();
    order.customer = {
      ...base.customer,
      id: Number(customerId),
      admin_graphql_api_id: `gid://shopify/Customer/${customerId}`,
      email: v.email === undefined ? "jon@example.com" : v.email,
    };
  }
  return order;
}

/** A refunds/create body for an order, refunding `amount` of line items (and `shipping`, before tax). */
export function refundPayload(orderId: string, amount = "89.99", opts: { id?: string; processedAt?: string; shipping?: string } = {}): Json {
  const base = fixture<Json>("refunds/create");
  const id = opts.id ?? nextId();
  return {
    ...base,
    id: Number(id),
    admin_graphql_api_id: `gid://shopify/Refund/${id}`,
    order_id: Number(orderId),
    processed_at: opts.processedAt ?? "2026-10-05T10:00:00-04:00",
    created_at: opts.processedAt ?? "2026-10-05T10:00:00-04:00",
    refund_line_items: [{ ...base.refund_line_items[0], subtotal_set: money(amount), subtotal: Number(amount), total_tax_set: money("0.00") }],
    refund_shipping_lines: opts.shipping ? [{ subtotal_amount_set: money(opts.shipping) }] : [],
    transactions: [{ ...base.transactions[0], order_id: Number(orderId), amount: opts.shipping ? (Number(amount) + Number(opts.shipping)).toFixed(2) : amount, kind: "refund", status: "success" }],
  };
}

export type CheckoutVariant = {
  token?: string;
  email?: string | null;
  phone?: string | null;
  customerId?: string | null;
  createdAt?: string;
  updatedAt?: string;
  completedAt?: string | null;
  total?: string;
  /** How far the buyer got: the sample has a shipping address but no shipping method or gateway. */
  shippingAddress?: null;
  shippingLines?: unknown[];
  gateway?: string | null;
};

/** A checkouts/create|update body with a fresh token. */
export function checkoutPayload(v: CheckoutVariant = {}): Json {
  const base = fixture<Json>("checkouts/create");
  const token = v.token ?? `tok${nextId()}`;
  const created = v.createdAt ?? "2026-10-01T09:00:00-04:00";
  const checkout: Json = {
    ...base,
    token,
    cart_token: `cart-${token}`,
    name: `#${nextId()}`,
    email: v.email === undefined ? "example@email.com" : v.email,
    phone: v.phone ?? null,
    created_at: created,
    updated_at: v.updatedAt ?? created,
    completed_at: v.completedAt ?? null,
    total_price: v.total ?? base.total_price,
  };
  if (v.shippingAddress === null) checkout.shipping_address = null;
  if (v.shippingLines) checkout.shipping_lines = v.shippingLines;
  if (v.gateway !== undefined) checkout.gateway = v.gateway;
  if (v.customerId === null) checkout.customer = null;
  else if (v.customerId) {
    checkout.customer = { ...base.customer, id: Number(v.customerId), admin_graphql_api_id: `gid://shopify/Customer/${v.customerId}` };
  }
  return checkout;
}

/**
 * A customers/create|update body. `state` is the customer account's: the sample's "disabled" is a
 * record without an account (a guest checkout, an import), "enabled" one the customer can sign in to.
 */
export function customerPayload(v: { id?: string; email?: string; firstName?: string; updatedAt?: string; state?: "disabled" | "invited" | "enabled" | "declined" } = {}): Json {
  const base = fixture<Json>("customers/create");
  const id = v.id ?? nextId();
  return {
    ...base,
    id: Number(id),
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
    email: v.email ?? "bob@biller.com",
    first_name: v.firstName ?? base.first_name,
    state: v.state ?? base.state,
    updated_at: v.updatedAt ?? "2026-10-01T10:00:00-04:00",
    created_at: "2026-09-01T10:00:00-04:00",
  };
}
