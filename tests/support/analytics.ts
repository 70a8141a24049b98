/**
 * Factories for analytics tests: real rows in the normalized tables (Customer, Order, Refund,
 * Checkout, storefront contract tables), with only the fields the definitions read set on
 * purpose and everything else realistic. Amounts are given in major units ("100.00").
 */
import type { Prisma } from "@prisma/client";
import { db } from "~/db.server";
import { toMinor } from "~/lib/money";

let seq = 1;
const next = () => seq++;
const at = (iso: string | Date) => (iso instanceof Date ? iso : new Date(iso));

export async function makeShop(shop: string, opts: { currency?: string; timezone?: string; settings?: Record<string, unknown> } = {}) {
  return db().shop.upsert({
    where: { shop },
    create: { shop, currency: opts.currency ?? "USD", ianaTimezone: opts.timezone ?? "UTC", settings: (opts.settings ?? {}) as Prisma.InputJsonValue },
    update: { currency: opts.currency ?? "USD", ianaTimezone: opts.timezone ?? "UTC", settings: (opts.settings ?? {}) as Prisma.InputJsonValue },
  });
}

export const customerGid = (id: string | number) => `gid://shopify/Customer/${id}`;

export async function makeCustomer(
  shop: string,
  c: { id: string | number; email?: string | null; firstName?: string; lastName?: string; tags?: string[]; acceptsMarketing?: boolean; createdAt?: string; deleted?: boolean },
) {
  return db().customer.create({
    data: {
      shop,
      customerGid: customerGid(c.id),
      email: c.email === undefined ? `c${c.id}@example.com` : c.email,
      firstName: c.firstName ?? `First${c.id}`,
      lastName: c.lastName ?? `Last${c.id}`,
      tags: c.tags ?? [],
      acceptsMarketing: c.acceptsMarketing ?? false,
      shopifyCreatedAt: at(c.createdAt ?? "2025-01-01T00:00:00Z"),
      deletedAt: c.deleted ? new Date() : null,
    },
  });
}

export type OrderSpec = {
  id?: number;
  customer?: string | number | null;
  email?: string | null;
  processedAt: string;
  subtotal?: string;
  total?: string;
  currency?: string;
  presentmentCurrency?: string;
  financialStatus?: string;
  cancelled?: boolean;
  test?: boolean;
  /** Refunded line subtotals (major units), with their tax in refundTaxes where given. */
  refunds?: string[];
  refundTaxes?: string[];
  /** Prices include tax: `subtotal` then holds `lineItemsTax` (Shopify's taxes_included). */
  taxesIncluded?: boolean;
  lineItemsTax?: string;
  checkoutToken?: string | null;
  name?: string;
};

export async function makeOrder(shop: string, o: OrderSpec) {
  const id = o.id ?? 9_000_000 + next();
  const currency = o.currency ?? "USD";
  const subtotal = toMinor(o.subtotal ?? "100.00", currency);
  const orderGid = `gid://shopify/Order/${id}`;
  const order = await db().order.create({
    data: {
      shop,
      orderGid,
      name: o.name ?? `#${id}`,
      orderNumber: id,
      customerGid: o.customer === null || o.customer === undefined ? null : customerGid(o.customer),
      email: o.email === undefined ? (o.customer ? `c${o.customer}@example.com` : null) : o.email,
      currency,
      presentmentCurrency: o.presentmentCurrency ?? currency,
      lineItemsMinor: subtotal,
      discountsMinor: 0n,
      subtotalMinor: subtotal,
      taxesIncluded: o.taxesIncluded ?? false,
      lineItemsTaxMinor: toMinor(o.lineItemsTax ?? "0.00", currency),
      taxMinor: toMinor(o.lineItemsTax ?? "0.00", currency),
      shippingMinor: 0n,
      totalMinor: o.total ? toMinor(o.total, currency) : subtotal,
      financialStatus: o.financialStatus ?? "paid",
      cancelledAt: o.cancelled ? at(o.processedAt) : null,
      test: o.test ?? false,
      processedAt: at(o.processedAt),
      shopifyCreatedAt: at(o.processedAt),
      sourceUpdatedAt: at(o.processedAt),
      checkoutToken: o.checkoutToken ?? null,
    },
  });
  for (const [i, amount] of (o.refunds ?? []).entries()) {
    await db().refund.create({
      data: {
        shop,
        refundGid: `gid://shopify/Refund/${id}${i}`,
        orderGid,
        currency,
        subtotalMinor: toMinor(amount, currency),
        taxMinor: toMinor(o.refundTaxes?.[i] ?? "0.00", currency),
        totalMinor: toMinor(amount, currency),
        processedAt: at(o.processedAt),
      },
    });
  }
  return order;
}

export type CheckoutSpec = {
  token?: string;
  customer?: string | number | null;
  email?: string | null;
  phone?: string | null;
  createdAt: string;
  updatedAt?: string;
  completedAt?: string | null;
  orderGid?: string | null;
  total?: string;
  currency?: string;
  sourceName?: string | null;
  landingSite?: string | null;
  referringSite?: string | null;
  deviceId?: string | null;
  /** The furthest step its payloads showed (abandonment.ts CHECKOUT_STEPS index). */
  step?: number;
  /** Known only from the history import (Shopify's abandoned checkouts list). */
  imported?: boolean;
  lines?: { productId?: number | null; title: string; quantity?: number; price: string }[];
};

export async function makeCheckout(shop: string, c: CheckoutSpec) {
  const token = c.token ?? `tok${next()}`;
  const currency = c.currency ?? "USD";
  const email = c.email === undefined ? (c.customer ? `c${c.customer}@example.com` : `guest${next()}@example.net`) : c.email;
  const total = toMinor(c.total ?? "50.00", currency);
  return db().checkout.create({
    data: {
      shop,
      token,
      customerGid: c.customer === null || c.customer === undefined ? null : customerGid(c.customer),
      email,
      phone: c.phone ?? null,
      hasContact: Boolean(email || c.phone),
      stepReached: c.step ?? 0,
      currency,
      presentmentCurrency: currency,
      subtotalMinor: total,
      totalMinor: total,
      sourceName: c.sourceName === undefined ? "web" : c.sourceName,
      landingSite: c.landingSite ?? null,
      referringSite: c.referringSite ?? null,
      deviceId: c.deviceId ?? null,
      shopifyCreatedAt: at(c.createdAt),
      sourceUpdatedAt: at(c.updatedAt ?? c.createdAt),
      // As the webhook path stores it: the checkouts/create payload showed it open at creation.
      lastOpenActivityAt: c.completedAt ? at(c.createdAt) : at(c.updatedAt ?? c.createdAt),
      completedAt: c.completedAt ? at(c.completedAt) : null,
      orderGid: c.orderGid ?? null,
      imported: c.imported ?? false,
      lineItems: {
        create: (c.lines ?? [{ productId: 1, title: "Thing", price: c.total ?? "50.00" }]).map((li, position) => ({
          shop,
          position,
          productGid: li.productId === null ? null : `gid://shopify/Product/${li.productId ?? 1}`,
          title: li.title,
          quantity: li.quantity ?? 1,
          priceMinor: toMinor(li.price, currency),
        })),
      },
    },
  });
}

export async function makeReview(shop: string, r: { customer: string | number; status?: "PUBLISHED" | "PENDING" | "REJECTED"; createdAt: string }) {
  return db().review.create({
    data: {
      shop,
      productGid: "gid://shopify/Product/1",
      customerGid: customerGid(r.customer),
      authorName: "A",
      rating: 5,
      body: "Great",
      status: r.status ?? "PUBLISHED",
      createdAt: at(r.createdAt),
      publishedAt: r.status === undefined || r.status === "PUBLISHED" ? at(r.createdAt) : null,
    },
  });
}

export async function makeLoyalty(shop: string, customer: string | number, pointsBalance: number) {
  return db().loyaltyAccount.create({ data: { shop, customerGid: customerGid(customer), pointsBalance } });
}

export async function makePixelEvent(shop: string, e: { customer?: string | number | null; name: string; occurredAt: string }) {
  const n = next();
  return db().pixelEvent.create({
    data: {
      shop,
      eventId: `ev${n}`,
      name: e.name,
      clientId: `client${n}`,
      customerGid: e.customer ? customerGid(e.customer) : null,
      occurredAt: at(e.occurredAt),
    },
  });
}

export async function profileOf(shop: string, customer: string | number) {
  return db().customerProfile.findUnique({ where: { shop_customerGid: { shop, customerGid: customerGid(customer) } } });
}
