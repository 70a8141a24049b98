/**
 * zod schemas for the webhook payload fields the app reads, per topic (REST-style JSON, API
 * 2026-04). Unknown fields are ignored. Ids may be numbers or, above 2^53, strings
 * (lib/json.ts keeps them exact); we normalize them to strings.
 */
import { z } from "zod";

const id = z.union([z.number(), z.string()]).transform((v) => String(v));
const optionalId = id.nullish();
const text = z.string().nullish();
const timestamp = z
  .string()
  .nullish()
  .transform((v, ctx) => {
    if (!v) return null;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `not a timestamp: ${v}` });
      return z.NEVER;
    }
    return d;
  });
const amount = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount"), z.number()]).nullish();
const money = z.object({ amount: amount, currency_code: z.string().nullish() }).nullish();
/** Shopify's `*_set` pair; shop_money is in the shop's currency, which is what we report in. */
const moneySet = z.object({ shop_money: money, presentment_money: money }).nullish();

export const CustomerRefSchema = z.object({
  id: optionalId,
  admin_graphql_api_id: text,
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  state: text,
  verified_email: z.boolean().nullish(),
  created_at: timestamp,
  updated_at: timestamp,
});

const RefundLineItemSchema = z.object({
  subtotal: amount,
  subtotal_set: moneySet,
  total_tax: amount,
  total_tax_set: moneySet,
});

const TransactionSchema = z.object({
  kind: text,
  status: text,
  amount: amount,
  currency: text,
});

export const RefundPayloadSchema = z.object({
  id: id,
  admin_graphql_api_id: text,
  order_id: id,
  created_at: timestamp,
  processed_at: timestamp,
  refund_line_items: z.array(RefundLineItemSchema).default([]),
  refund_shipping_lines: z
    .array(z.object({ subtotal_amount_set: moneySet }))
    .nullish()
    .transform((v) => v ?? []),
  transactions: z.array(TransactionSchema).default([]),
});
export type RefundPayload = z.infer<typeof RefundPayloadSchema>;

const OrderLineItemSchema = z.object({
  id: id,
  admin_graphql_api_id: text,
  product_id: optionalId,
  variant_id: optionalId,
  title: z.string().nullish().transform((v) => v ?? ""),
  variant_title: text,
  sku: text,
  quantity: z.number().int(),
  price: amount,
  price_set: moneySet,
  total_discount: amount,
  total_discount_set: moneySet,
  discount_allocations: z.array(z.object({ amount: amount, amount_set: moneySet })).default([]),
  /** The line's taxes, after discounts; part of the subtotal when the order's taxes_included. */
  tax_lines: z
    .array(z.object({ price: amount, price_set: moneySet }))
    .nullish()
    .transform((v) => v ?? []),
});

export const OrderPayloadSchema = z.object({
  id: id,
  admin_graphql_api_id: text,
  name: text,
  order_number: z.number().int().nullish(),
  email: text,
  contact_email: text,
  phone: text,
  currency: z.string(),
  presentment_currency: text,
  total_line_items_price: amount,
  total_line_items_price_set: moneySet,
  total_discounts: amount,
  total_discounts_set: moneySet,
  subtotal_price: amount,
  subtotal_price_set: moneySet,
  /** Prices include tax: subtotal_price (and refund line subtotals) then hold the line items' tax. */
  taxes_included: z.boolean().nullish(),
  total_tax: amount,
  total_tax_set: moneySet,
  /** Shipping before shipping discounts (a free-shipping code leaves it at the list price). */
  total_shipping_price_set: moneySet,
  /** What the buyer paid for each shipping line: `discounted_price_set` is after shipping discounts. */
  shipping_lines: z.array(z.object({ discounted_price: amount, discounted_price_set: moneySet })).nullish(),
  total_price: amount,
  total_price_set: moneySet,
  financial_status: text,
  fulfillment_status: text,
  cancelled_at: timestamp,
  cancel_reason: text,
  closed_at: timestamp,
  test: z.boolean().nullish(),
  buyer_accepts_marketing: z.boolean().nullish(),
  tags: text,
  processed_at: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
  checkout_token: text,
  cart_token: text,
  source_name: text,
  landing_site: text,
  referring_site: text,
  client_details: z.object({ user_agent: text }).nullish(),
  customer: CustomerRefSchema.nullish(),
  line_items: z.array(OrderLineItemSchema).default([]),
  refunds: z.array(RefundPayloadSchema).nullish().transform((v) => v ?? []),
  fulfillments: z
    .array(z.object({ created_at: timestamp, status: text }))
    .nullish()
    .transform((v) => v ?? []),
});
export type OrderPayload = z.infer<typeof OrderPayloadSchema>;

const CheckoutLineItemSchema = z.object({
  product_id: optionalId,
  variant_id: optionalId,
  title: z.string().nullish().transform((v) => v ?? ""),
  variant_title: text,
  sku: text,
  quantity: z.number().int(),
  price: amount,
});

export const CheckoutPayloadSchema = z.object({
  id: optionalId,
  token: z.string().min(1),
  cart_token: text,
  name: text,
  email: text,
  phone: text,
  currency: z.string(),
  presentment_currency: text,
  subtotal_price: amount,
  total_price: amount,
  created_at: timestamp,
  updated_at: timestamp,
  completed_at: timestamp,
  closed_at: timestamp,
  source_name: text,
  source: text,
  landing_site: text,
  referring_site: text,
  device_id: optionalId,
  customer_locale: text,
  customer: CustomerRefSchema.nullish(),
  line_items: z.array(CheckoutLineItemSchema).default([]),
  // How far the buyer got (abandonment by step): only their presence is read, never stored.
  shipping_address: z.record(z.string(), z.unknown()).nullish(),
  shipping_lines: z.array(z.unknown()).nullish(),
  gateway: text,
});
export type CheckoutPayload = z.infer<typeof CheckoutPayloadSchema>;

/** checkouts/delete carries the numeric id and cart token, not the checkout token. */
export const CheckoutDeletePayloadSchema = z.object({ id: id, token: text, cart_token: text });
export type CheckoutDeletePayload = z.infer<typeof CheckoutDeletePayloadSchema>;

export const CustomerPayloadSchema = CustomerRefSchema.extend({
  id: id,
  tags: text,
  locale: text,
  email_marketing_consent: z.object({ state: text }).nullish(),
});
export type CustomerPayload = z.infer<typeof CustomerPayloadSchema>;

export const CustomerDeletePayloadSchema = z.object({ id: id, admin_graphql_api_id: text });

/** The shop object (app/uninstalled). Its domain fields may be null: the header is authoritative. */
export const ShopPayloadSchema = z.object({
  name: text,
  email: text,
  currency: text,
  iana_timezone: text,
});

export const ScopesUpdatePayloadSchema = z.object({
  current: z.array(z.string()).default([]),
});

const complianceCustomer = z.object({ id: optionalId, email: text, phone: text });

export const DataRequestPayloadSchema = z.object({
  customer: complianceCustomer,
  orders_requested: z.array(id).default([]),
  data_request: z.object({ id: id }).nullish(),
});
export type DataRequestPayload = z.infer<typeof DataRequestPayloadSchema>;

export const CustomerRedactPayloadSchema = z.object({
  customer: complianceCustomer,
  orders_to_redact: z.array(id).default([]),
});
export type CustomerRedactPayload = z.infer<typeof CustomerRedactPayloadSchema>;

export const ShopRedactPayloadSchema = z.object({ shop_domain: text });

/** "tag1, tag2" -> ["tag1", "tag2"] */
export function splitTags(tags: string | null | undefined): string[] {
  return (tags ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The first issue of a zod error, readable in a REJECTED outcome ("line_items.0.quantity: ..."). */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid payload";
}
