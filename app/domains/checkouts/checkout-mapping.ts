/**
 * Pure: checkouts/create|update payloads to rows. Checkout amounts are in the buyer's
 * (presentment) currency, which is stored next to them.
 */
import { stepOfPayload } from "~/domains/abandonment/abandonment";
import { toGid } from "~/lib/gid";
import { toMinor } from "~/lib/money";
import type { CheckoutPayload } from "~/webhooks/payloads";

export type CheckoutRow = {
  token: string;
  checkoutId: string | null;
  cartToken: string | null;
  customerGid: string | null;
  email: string | null;
  phone: string | null;
  hasContact: boolean;
  /** The furthest checkout step its payloads showed (abandonment.ts CHECKOUT_STEPS). */
  stepReached: number;
  currency: string;
  presentmentCurrency: string | null;
  subtotalMinor: bigint;
  totalMinor: bigint;
  sourceName: string | null;
  source: string | null;
  landingSite: string | null;
  referringSite: string | null;
  deviceId: string | null;
  customerLocale: string | null;
  shopifyCreatedAt: Date;
  sourceUpdatedAt: Date;
  /** updated_at when the payload shows the checkout not completed (activity while open), else null. */
  lastOpenActivityAt: Date | null;
  completedAt: Date | null;
  closedAt: Date | null;
  /** From the history import (Shopify's abandoned checkouts list), not from a checkouts/* webhook. */
  imported: boolean;
};

/** Where a checkout payload comes from: a checkouts/* delivery, or the history import's mapping of one. */
export type CheckoutOrigin = "webhook" | "import";

export type CheckoutLineRow = {
  position: number;
  productGid: string | null;
  variantGid: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  priceMinor: bigint;
};

/**
 * The numeric checkout id: `id` where present; 2026-04 create/update payloads omit it but their
 * `name` is "#<id>" (checkouts/delete, which has only the id, is matched through it).
 */
export function checkoutIdOf(p: { id?: string | null; name?: string | null }): string | null {
  if (p.id) return p.id;
  const fromName = p.name?.replace(/^#/, "");
  return fromName && /^\d+$/.test(fromName) ? fromName : null;
}

export function toCheckoutRows(p: CheckoutPayload, customerGid: string | null, fallbackAt: Date, origin: CheckoutOrigin = "webhook") {
  const currency = p.presentment_currency ?? p.currency;
  const email = (p.email || p.customer?.email)?.toLowerCase() ?? null;
  const phone = p.phone ?? p.customer?.phone ?? null;
  const checkout: CheckoutRow = {
    token: p.token,
    checkoutId: checkoutIdOf(p),
    cartToken: p.cart_token ?? null,
    customerGid,
    email,
    phone,
    // Shopify records an abandoned checkout only once the buyer has entered contact information.
    hasContact: Boolean(email || phone),
    stepReached: stepOfPayload({ email, phone, shippingAddress: p.shipping_address, shippingLines: p.shipping_lines, gateway: p.gateway }),
    currency,
    presentmentCurrency: p.presentment_currency ?? null,
    subtotalMinor: toMinor(p.subtotal_price, currency),
    totalMinor: toMinor(p.total_price, currency),
    sourceName: p.source_name ?? null,
    source: p.source ?? null,
    landingSite: p.landing_site ?? null,
    referringSite: p.referring_site ?? null,
    deviceId: p.device_id ?? null,
    customerLocale: p.customer_locale ?? null,
    shopifyCreatedAt: p.created_at ?? fallbackAt,
    sourceUpdatedAt: p.updated_at ?? fallbackAt,
    lastOpenActivityAt: p.completed_at ? null : p.updated_at ?? fallbackAt,
    completedAt: p.completed_at ?? null,
    closedAt: p.closed_at ?? null,
    imported: origin === "import",
  };
  const lineItems: CheckoutLineRow[] = p.line_items.map((li, position) => ({
    position,
    productGid: li.product_id ? toGid("Product", li.product_id) : null,
    variantGid: li.variant_id ? toGid("ProductVariant", li.variant_id) : null,
    title: li.title,
    variantTitle: li.variant_title ?? null,
    sku: li.sku ?? null,
    quantity: li.quantity,
    priceMinor: toMinor(li.price, currency),
  }));
  return { checkout, lineItems };
}
