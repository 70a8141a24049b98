/**
 * Abandonment statistics on a hand-computed dataset (UTC shop, threshold 60 min, window 5 days),
 * through the real sweep / recompute SQL and the read facades.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import {
  getAbandonmentBreakdown,
  getAbandonmentKpis,
  getAbandonmentTrend,
  getStepFunnels,
  getTopAbandonedProducts,
  listRecoveredCheckouts,
  recomputeAbandonment,
  sweepShop,
} from "~/domains/abandonment/abandonment.server";
import { CHECKOUT_STEPS } from "~/domains/abandonment/abandonment";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { makeCheckout, makeCustomer, makeOrder, makeShop } from "#test/analytics";
import { checkoutPayload, orderPayload, refundPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { sqlTransaction } from "~/db.server";
import { applyCheckoutPayload } from "~/domains/checkouts/checkouts.server";
import { applyOrderPayload } from "~/domains/orders/orders.server";
import { CheckoutPayloadSchema, OrderPayloadSchema } from "~/webhooks/payloads";

const SHOP = TEST_SHOP;
const AS_OF = new Date("2026-06-10T12:00:00Z");
const RANGE = { from: "2026-06-01", to: "2026-06-10" };

beforeEach(resetDatabase);
afterAll(closeQueues);

const outcome = (token: string) => db().checkoutOutcome.findUniqueOrThrow({ where: { shop_token: { shop: SHOP, token } } });

/**
 * c1 completed 30 min after it started: COMPLETED.
 * c2 started 06-01 11:00, completed 06-02 09:00 through the same checkout: counted abandoned at
 *    12:00 (threshold), then RECOVERED by link after 21 h = 1,260 min; order o2 80.00.
 * c3 a guest without email or phone who left: NO_CONTACT (Shopify records nothing).
 * c4 x@example.com abandoned 06-02 (11:00); x buys through another checkout c5 on 06-04:
 *    c5 COMPLETED, and its order o4 (45.00) is window-attributed to c4 (within 5 days).
 * c6 started 30 min before now: OPEN.
 * c7 y abandoned 06-03 11:00; y's order on 06-09 12:00 is 6 days later: outside the window.
 * c8 a phone-only guest, EUR 30.00, from the iPhone channel: ABANDONED (phone is contact info).
 */
async function seed() {
  await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
  await makeCustomer(SHOP, { id: 10, email: "x@example.com" });
  const o1 = await makeOrder(SHOP, { customer: null, email: "a@example.com", processedAt: "2026-06-01T10:30:00Z", checkoutToken: "c1", subtotal: "60.00" });
  await makeCheckout(SHOP, { token: "c1", email: "a@example.com", createdAt: "2026-06-01T10:00:00Z", updatedAt: "2026-06-01T10:30:00Z", completedAt: "2026-06-01T10:30:00Z", orderGid: o1.orderGid, total: "60.00", landingSite: "/?utm_source=newsletter" });
  await makeCheckout(SHOP, { token: "c2", email: "b@example.com", createdAt: "2026-06-01T11:00:00Z", total: "80.00", referringSite: "https://www.google.com/search?q=x", landingSite: "https://shop.example/products/rain-jacket?variant=1", lines: [{ productId: 1, title: "Rain jacket", price: "80.00" }] });
  await makeCheckout(SHOP, { token: "c3", email: null, createdAt: "2026-06-01T12:00:00Z", total: "20.00" });
  await makeCheckout(SHOP, { token: "c4", customer: 10, email: "x@example.com", createdAt: "2026-06-02T10:00:00Z", total: "50.00", lines: [{ productId: 2, title: "Hat", quantity: 2, price: "25.00" }] });
  await makeCheckout(SHOP, { token: "c6", email: "open@example.com", createdAt: "2026-06-10T11:30:00Z", total: "10.00" });
  await makeCheckout(SHOP, { token: "c7", email: "y@example.com", createdAt: "2026-06-03T10:00:00Z", total: "50.00", lines: [{ productId: 2, title: "Hat", price: "50.00" }] });
  await makeCheckout(SHOP, { token: "c8", email: null, phone: "+33600000000", createdAt: "2026-06-05T10:00:00Z", total: "30.00", currency: "EUR", sourceName: "iphone", lines: [{ productId: 3, title: "Mug", price: "30.00" }] });
  await makeOrder(SHOP, { email: "y@example.com", processedAt: "2026-06-09T12:00:00Z", subtotal: "70.00" });
  // Sweep once with c2, c4 still open so their last activity is remembered, as in production.
  await sweepShop(SHOP, { asOf: new Date("2026-06-01T11:10:00Z") });
  const o2 = await makeOrder(SHOP, { email: "b@example.com", processedAt: "2026-06-02T09:00:00Z", checkoutToken: "c2", subtotal: "80.00" });
  await db().checkout.update({ where: { shop_token: { shop: SHOP, token: "c2" } }, data: { completedAt: new Date("2026-06-02T09:00:00Z"), orderGid: o2.orderGid, sourceUpdatedAt: new Date("2026-06-02T09:00:00Z") } });
  const o4 = await makeOrder(SHOP, { customer: 10, email: "x@example.com", processedAt: "2026-06-04T10:20:00Z", checkoutToken: "c5", subtotal: "45.00" });
  await makeCheckout(SHOP, { token: "c5", customer: 10, email: "x@example.com", createdAt: "2026-06-04T10:00:00Z", updatedAt: "2026-06-04T10:20:00Z", completedAt: "2026-06-04T10:20:00Z", orderGid: o4.orderGid, total: "45.00" });
  return { o2, o4 };
}

describe("abandonment: classification and attribution", () => {
  it("classifies each checkout as the definitions say", async () => {
    const { o2, o4 } = await seed();
    const result = await sweepShop(SHOP, { asOf: AS_OF });
    expect(result.mode).toBe("INCREMENTAL");
    expect(await outcome("c1")).toMatchObject({ status: "COMPLETED", abandonedAt: null });
    expect(await outcome("c2")).toMatchObject({
      status: "RECOVERED",
      abandonedAt: new Date("2026-06-01T12:00:00Z"),
      recoveredAt: new Date("2026-06-02T09:00:00Z"),
      recoveredOrderGid: o2.orderGid,
      recoveredMinor: 8000n,
      windowOrderGid: o2.orderGid,
      windowRecoveredMinor: 8000n,
    });
    expect(await outcome("c3")).toMatchObject({ status: "NO_CONTACT", abandonedAt: null, hasContact: false });
    expect(await outcome("c4")).toMatchObject({ status: "ABANDONED", recoveredAt: null, windowOrderGid: o4.orderGid, windowRecoveredMinor: 4500n });
    expect(await outcome("c5")).toMatchObject({ status: "COMPLETED", windowOrderGid: null });
    expect(await outcome("c6")).toMatchObject({ status: "OPEN" });
    expect(await outcome("c7")).toMatchObject({ status: "ABANDONED", windowOrderGid: null });
    expect(await outcome("c8")).toMatchObject({ status: "ABANDONED", currency: "EUR", device: "mobile_app", channel: "iphone" });
    expect(await outcome("c1")).toMatchObject({ source: "newsletter", landingPage: "/" });
    expect(await outcome("c2")).toMatchObject({ source: "google.com", landingPage: "/products/rain-jacket", device: "web" });
  });

  it("reports KPIs with the denominator, values per currency and both attributions side by side", async () => {
    await seed();
    await sweepShop(SHOP, { asOf: AS_OF });
    const kpis = await getAbandonmentKpis(SHOP, RANGE);
    expect(kpis).toMatchObject({ started: 8, withContact: 7, completed: 3, open: 1, noContact: 1, abandoned: 4 });
    expect(kpis.abandonmentRate).toEqual({ rate: 4 / 8, abandoned: 4, started: 8 });
    expect(kpis.abandonedValue).toEqual([
      { currency: "USD", minor: 18000n },
      { currency: "EUR", minor: 3000n },
    ]);
    expect(kpis.recovered).toMatchObject({
      shopCurrency: "USD",
      link: { checkouts: 1, revenueMinor: 8000n, rate: 1 / 4 },
      window: { checkouts: 2, revenueMinor: 12500n, rate: 2 / 4, days: 5 },
      medianMinutesToRecover: 1260,
    });
    const trend = await getAbandonmentTrend(SHOP, RANGE);
    expect(trend).toHaveLength(10);
    expect(trend[0]).toMatchObject({ day: "2026-06-01", started: 3, abandoned: 1, rate: 1 / 3, recoveredLink: 1, recoveredLinkMinor: 8000n });
    expect(trend[6]).toMatchObject({ day: "2026-06-07", started: 0, rate: null });
  });

  it("breaks abandonment down by device and source, and ranks abandoned products", async () => {
    await seed();
    await sweepShop(SHOP, { asOf: AS_OF });
    const devices = await getAbandonmentBreakdown(SHOP, RANGE, "device");
    expect(devices).toEqual([
      { value: "web", started: 7, withContact: 6, completed: 3, abandoned: 3, recoveredLink: 1, rate: 3 / 7 },
      { value: "mobile_app", started: 1, withContact: 1, completed: 0, abandoned: 1, recoveredLink: 0, rate: 1 },
    ]);
    const sources = await getAbandonmentBreakdown(SHOP, RANGE, "source");
    expect(sources.map((s) => s.value).sort()).toEqual(["direct", "google.com", "newsletter"]);
    const products = await getTopAbandonedProducts(SHOP, RANGE);
    expect(products[0]).toMatchObject({ productGid: "gid://shopify/Product/2", title: "Hat", checkouts: 2, quantity: 3, valueMinor: 10000n, currency: "USD" });
    expect(products.map((p) => p.title)).toEqual(["Hat", "Rain jacket", "Mug"]);
  });

  it("drops a product's day row once none of its checkouts counts as abandoned any more", async () => {
    await seed();
    await sweepShop(SHOP, { asOf: AS_OF });
    // At a 24 h threshold c2 (completed after 22 h) was never abandoned: its rain jacket goes.
    await db().shop.update({ where: { shop: SHOP }, data: { settings: { abandonment: { thresholdMinutes: 1440, attributionWindowDays: 5 } } } });
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect((await getTopAbandonedProducts(SHOP, RANGE)).map((p) => p.title)).toEqual(["Hat", "Mug"]);
  });

  it("lists recovered checkouts, newest first, per attribution", async () => {
    const { o2, o4 } = await seed();
    await sweepShop(SHOP, { asOf: AS_OF });
    const link = await listRecoveredCheckouts(SHOP, { attribution: "link" });
    expect(link.checkouts.map((c) => [c.token, c.orderGid, c.minutesToRecover])).toEqual([["c2", o2.orderGid, 1260]]);
    const window = await listRecoveredCheckouts(SHOP, { attribution: "window", limit: 1 });
    expect(window.checkouts.map((c) => c.orderGid)).toEqual([o4.orderGid]);
    const next = await listRecoveredCheckouts(SHOP, { attribution: "window", limit: 1, after: window.nextCursor! });
    expect(next.checkouts.map((c) => c.orderGid)).toEqual([o2.orderGid]);
    expect(next.nextCursor).toBeNull();
  });

  it("counts an open checkout as abandoned once its threshold passes, at the next sweep", async () => {
    await seed();
    await sweepShop(SHOP, { asOf: AS_OF });
    const later = await sweepShop(SHOP, { asOf: new Date("2026-06-10T13:00:00Z") });
    expect(later.checkouts).toBe(1);
    expect(await outcome("c6")).toMatchObject({ status: "ABANDONED", abandonedAt: new Date("2026-06-10T12:30:00Z") });
  });

  it("uses the shop's threshold: at 24 h, c2 (completed after 22 h) was never abandoned", async () => {
    await seed();
    await db().shop.update({ where: { shop: SHOP }, data: { settings: { abandonment: { thresholdMinutes: 1440, attributionWindowDays: 5 } } } });
    const result = await sweepShop(SHOP, { asOf: AS_OF });
    expect(result.mode).toBe("FULL"); // a settings change recomputes everything
    expect(await outcome("c2")).toMatchObject({ status: "COMPLETED", abandonedAt: null });
  });

  it("is idempotent: a second sweep and a full recompute change nothing", async () => {
    await seed();
    await sweepShop(SHOP, { asOf: AS_OF });
    const snapshot = async () => ({
      outcomes: await db().checkoutOutcome.findMany({ where: { shop: SHOP }, orderBy: { token: "asc" }, omit: { computedAt: true } }),
      daily: await db().abandonmentDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { currency: "asc" }], omit: { computedAt: true } }),
      breakdowns: await db().abandonmentBreakdownDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { dimension: "asc" }, { value: "asc" }] }),
      products: await db().abandonedProductDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { productKey: "asc" }] }),
      steps: await db().abandonmentStepDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { dimension: "asc" }, { value: "asc" }, { step: "asc" }] }),
    });
    const once = await snapshot();
    expect((await sweepShop(SHOP, { asOf: AS_OF })).checkouts).toBe(0);
    expect(await snapshot()).toEqual(once);
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect(await snapshot()).toEqual(once);
  });

  it("clears a window attribution whose order no longer qualifies, and keeps the others", async () => {
    const { o4 } = await seed();
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect(await outcome("c4")).toMatchObject({ windowOrderGid: o4.orderGid });
    await db().order.update({ where: { shop_orderGid: { shop: SHOP, orderGid: o4.orderGid } }, data: { cancelledAt: new Date("2026-06-05T00:00:00Z") } });
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect(await outcome("c4")).toMatchObject({ windowOrderGid: null, windowRecoveredAt: null, windowRecoveredMinor: null });
    expect(await outcome("c2")).toMatchObject({ windowRecoveredMinor: 8000n });
  });

  it("reports the customers whose abandonment facts changed, and only them", async () => {
    await seed();
    const result = await sweepShop(SHOP, { asOf: AS_OF });
    expect(result.customers).toEqual(["gid://shopify/Customer/10"]);
    // A checkout completed within the threshold changes no customer fact: no recompute queued.
    await makeCustomer(SHOP, { id: 11 });
    const o = await makeOrder(SHOP, { customer: 11, processedAt: "2026-06-10T10:10:00Z", checkoutToken: "c9", subtotal: "20.00" });
    await makeCheckout(SHOP, { token: "c9", customer: 11, createdAt: "2026-06-10T10:00:00Z", updatedAt: "2026-06-10T10:10:00Z", completedAt: "2026-06-10T10:10:00Z", orderGid: o.orderGid, total: "20.00" });
    const later = await sweepShop(SHOP, { asOf: AS_OF });
    expect(later.checkouts).toBe(1);
    expect(later.customers).toEqual([]);
  });
});

describe("abandonment: which orders recover", () => {
  /**
   * Four checkouts, each counted abandoned at 11:00 (started 10:00, swept while open), then
   * completed through their own checkout the next day by: a paid order (r-paid), a test order
   * (r-test), an order cancelled since (r-cancelled), an order not paid (r-pending). Only the paid
   * order recovers, link- and window-attributed alike; the others leave the checkout abandoned.
   */
  async function seedRecoveries() {
    await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
    const kinds = { "r-paid": {}, "r-test": { test: true }, "r-cancelled": { cancelled: true }, "r-pending": { financialStatus: "pending" } };
    for (const token of Object.keys(kinds)) await makeCheckout(SHOP, { token, email: `${token}@example.com`, createdAt: "2026-06-01T10:00:00Z", total: "70.00" });
    await sweepShop(SHOP, { asOf: new Date("2026-06-01T10:10:00Z") });
    const orders: Record<string, string> = {};
    for (const [token, kind] of Object.entries(kinds)) {
      const o = await makeOrder(SHOP, { email: `${token}@example.com`, processedAt: "2026-06-02T09:00:00Z", checkoutToken: token, subtotal: "70.00", ...kind });
      await db().checkout.update({ where: { shop_token: { shop: SHOP, token } }, data: { completedAt: o.processedAt, orderGid: o.orderGid, sourceUpdatedAt: o.processedAt } });
      orders[token] = o.orderGid;
    }
    return orders;
  }

  it("counts a link recovery only for an order that qualifies, as window attribution does", async () => {
    const orders = await seedRecoveries();
    await sweepShop(SHOP, { asOf: AS_OF });
    expect(await outcome("r-paid")).toMatchObject({ status: "RECOVERED", recoveredOrderGid: orders["r-paid"], recoveredMinor: 7000n, windowRecoveredMinor: 7000n });
    for (const token of ["r-test", "r-cancelled", "r-pending"]) {
      expect(await outcome(token)).toMatchObject({ status: "ABANDONED", abandonedAt: new Date("2026-06-01T11:00:00Z"), recoveredAt: null, recoveredOrderGid: null, recoveredMinor: null, windowOrderGid: null });
    }
    const kpis = await getAbandonmentKpis(SHOP, RANGE);
    expect(kpis.abandoned).toBe(4);
    expect(kpis.recovered.link).toEqual({ checkouts: 1, revenueMinor: 7000n, rate: 1 / 4 });
    expect(kpis.recovered.window).toMatchObject({ checkouts: 1, revenueMinor: 7000n });
    // The nightly recompute agrees.
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect((await getAbandonmentKpis(SHOP, RANGE)).recovered.link).toEqual({ checkouts: 1, revenueMinor: 7000n, rate: 1 / 4 });
  });
});

describe("abandonment: the channels Shopify records abandoned checkouts for", () => {
  it("leaves point-of-sale and draft-order checkouts out: never abandoned or recovered, not in the rate", async () => {
    await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
    const left = { createdAt: "2026-06-01T10:00:00Z", total: "40.00" };
    await makeCheckout(SHOP, { token: "web", email: "web@example.com", ...left });
    await makeCheckout(SHOP, { token: "pos", email: "pos@example.com", sourceName: "pos", ...left });
    await makeCheckout(SHOP, { token: "pos-device", email: "device@example.com", sourceName: null, deviceId: "7", ...left });
    await makeCheckout(SHOP, { token: "draft", email: "draft@example.com", sourceName: "shopify_draft_order", ...left });
    await sweepShop(SHOP, { asOf: new Date("2026-06-01T10:10:00Z") });
    // The POS cart is paid a day later through the same checkout: no recovery either.
    const o = await makeOrder(SHOP, { email: "pos@example.com", processedAt: "2026-06-02T09:00:00Z", checkoutToken: "pos", subtotal: "40.00" });
    await db().checkout.update({ where: { shop_token: { shop: SHOP, token: "pos" } }, data: { completedAt: o.processedAt, orderGid: o.orderGid, sourceUpdatedAt: o.processedAt } });
    await sweepShop(SHOP, { asOf: AS_OF });

    expect(await outcome("web")).toMatchObject({ status: "ABANDONED" });
    for (const token of ["pos", "pos-device", "draft"]) {
      expect(await outcome(token)).toMatchObject({ status: "EXCLUDED", abandonedAt: null, recoveredAt: null, recoveredMinor: null, windowOrderGid: null });
    }
    const kpis = await getAbandonmentKpis(SHOP, RANGE);
    expect(kpis).toMatchObject({ started: 1, withContact: 1, completed: 0, abandoned: 1, abandonmentRate: { rate: 1, abandoned: 1, started: 1 } });
    expect(kpis.abandonedValue).toEqual([{ currency: "USD", minor: 4000n }]);
    expect(kpis.recovered.link.checkouts).toBe(0);
    expect((await getAbandonmentBreakdown(SHOP, RANGE, "channel")).map((r) => r.value)).toEqual(["web"]);
    const [all] = await getStepFunnels(SHOP, RANGE, "all");
    expect(all!.steps[0]!.reached).toBe(1);
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect((await outcome("pos")).status).toBe("EXCLUDED");
  });
});

describe("abandonment: the minute sweep sees every change", () => {
  const at = (iso: string) => new Date(iso);

  it("follows an order stored earlier that is paid, cancelled or refunded, between nightly runs", async () => {
    await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
    // w1 is recovered (window) by w's order through another checkout; l1 through its own (link).
    await makeCheckout(SHOP, { token: "w1", email: "w@example.com", createdAt: "2026-06-01T10:00:00Z", total: "45.00" });
    await makeCheckout(SHOP, { token: "l1", email: "l@example.com", createdAt: "2026-06-01T10:00:00Z", total: "45.00" });
    await sweepShop(SHOP, { asOf: at("2026-06-01T12:00:00Z") });
    const w = orderPayload({ id: "7001", email: "w@example.com", financialStatus: "pending", processedAt: "2026-06-02T09:00:00Z", subtotal: "45.00" });
    const l = orderPayload({ id: "7002", email: "l@example.com", financialStatus: "pending", processedAt: "2026-06-02T09:00:00Z", subtotal: "45.00", checkoutToken: "l1" });
    await deliverAndProcess("orders/create", w);
    await deliverAndProcess("orders/create", l);
    await sweepShop(SHOP, { asOf: AS_OF });
    expect(await outcome("w1")).toMatchObject({ status: "ABANDONED", windowOrderGid: null });
    expect(await outcome("l1")).toMatchObject({ status: "ABANDONED", recoveredOrderGid: null });

    // orders/paid: both now qualify.
    await deliverAndProcess("orders/paid", { ...w, financial_status: "paid", updated_at: "2026-06-02T09:05:00Z" });
    await deliverAndProcess("orders/paid", { ...l, financial_status: "paid", updated_at: "2026-06-02T09:05:00Z" });
    await sweepShop(SHOP, { asOf: AS_OF });
    expect(await outcome("w1")).toMatchObject({ status: "ABANDONED", windowOrderGid: "gid://shopify/Order/7001", windowRecoveredMinor: 4500n });
    expect(await outcome("l1")).toMatchObject({ status: "RECOVERED", recoveredOrderGid: "gid://shopify/Order/7002", recoveredMinor: 4500n });

    // w's order is cancelled; l's is wholly refunded (refunds/create alone, the order row unchanged).
    await deliverAndProcess("orders/cancelled", { ...w, financial_status: "paid", cancelled_at: "2026-06-03T09:00:00Z", cancel_reason: "customer", updated_at: "2026-06-03T09:00:00Z" });
    await deliverAndProcess("refunds/create", refundPayload("7002", "45.00", { processedAt: "2026-06-03T09:00:00Z" }));
    await sweepShop(SHOP, { asOf: AS_OF });
    expect(await outcome("w1")).toMatchObject({ windowOrderGid: null, windowRecoveredMinor: null });
    expect(await outcome("l1")).toMatchObject({ status: "ABANDONED", recoveredOrderGid: null, recoveredMinor: null, windowOrderGid: null });
    const kpis = await getAbandonmentKpis(SHOP, RANGE);
    expect(kpis.recovered.link.checkouts + kpis.recovered.window.checkouts).toBe(0);
  });

  it("judges a completion against the last update before it, even when both arrive between two sweeps", async () => {
    await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
    const checkout = (token: string, updatedAt: string, completedAt: string | null = null) =>
      checkoutPayload({ token, customerId: null, email: `${token}@example.com`, createdAt: "2026-06-01T10:00:00Z", updatedAt, completedAt });
    for (const token of ["in-order", "reordered"]) await deliverAndProcess("checkouts/create", checkout(token, "2026-06-01T10:00:00Z"));
    await sweepShop(SHOP, { asOf: at("2026-06-01T10:10:00Z") });
    // in-order: the buyer's update at 10:50, then the order and the completed checkout at 11:05.
    await deliverAndProcess("checkouts/update", checkout("in-order", "2026-06-01T10:50:00Z"));
    await deliverAndProcess("orders/create", orderPayload({ id: "7201", email: "in-order@example.com", processedAt: "2026-06-01T11:05:00Z", checkoutToken: "in-order" }));
    await deliverAndProcess("checkouts/update", checkout("in-order", "2026-06-01T11:05:00Z", "2026-06-01T11:05:00Z"));
    // reordered: the same, the 10:50 update delivered last (stale by then).
    await deliverAndProcess("orders/create", orderPayload({ id: "7202", email: "reordered@example.com", processedAt: "2026-06-01T11:05:00Z", checkoutToken: "reordered" }));
    await deliverAndProcess("checkouts/update", checkout("reordered", "2026-06-01T11:05:00Z", "2026-06-01T11:05:00Z"));
    expect((await deliverAndProcess("checkouts/update", checkout("reordered", "2026-06-01T10:50:00Z"))).outcome).toBe("STALE");
    await sweepShop(SHOP, { asOf: at("2026-06-01T11:10:00Z") });
    for (const token of ["in-order", "reordered"]) {
      expect(await outcome(token)).toMatchObject({ status: "COMPLETED", lastActivityAt: at("2026-06-01T10:50:00Z"), abandonedAt: null, recoveredAt: null });
    }
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect((await outcome("in-order")).status).toBe("COMPLETED");
  });

  /**
   * A delivery's transaction that is slow to commit: its row takes its id (and its updatedAt)
   * before a faster delivery's, and becomes visible after a sweep has looked past both.
   */
  async function committedLate(write: Parameters<typeof sqlTransaction>[0], meanwhile: () => Promise<unknown>) {
    let release!: () => void;
    let written!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const wrote = new Promise<void>((r) => (written = r));
    const slow = sqlTransaction(async (sql) => {
      const result = await write(sql);
      written();
      await gate;
      return result;
    });
    await wrote;
    try {
      await meanwhile();
    } finally {
      release();
      await slow;
    }
  }

  it("classifies a checkout that a slow transaction committed after a sweep had seen a later one", async () => {
    await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
    await sweepShop(SHOP, { asOf: AS_OF });
    const body = (token: string) => CheckoutPayloadSchema.parse(checkoutPayload({ token, customerId: null, email: `${token}@example.com`, createdAt: "2026-06-05T10:00:00Z" }));
    await committedLate(
      (sql) => applyCheckoutPayload(sql, SHOP, body("slow"), new Date()),
      async () => {
        await sqlTransaction((sql) => applyCheckoutPayload(sql, SHOP, body("fast"), new Date()));
        await sweepShop(SHOP, { asOf: AS_OF });
      },
    );
    expect(await outcome("fast")).toMatchObject({ status: "ABANDONED" });
    const next = await sweepShop(SHOP, { asOf: AS_OF });
    expect(next.mode).toBe("INCREMENTAL");
    expect(await outcome("slow")).toMatchObject({ status: "ABANDONED", abandonedAt: at("2026-06-05T11:00:00Z") });
    expect((await getAbandonmentKpis(SHOP, RANGE)).abandoned).toBe(2);
  });

  it("attributes an order that a slow transaction committed after a sweep had seen a later one", async () => {
    await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
    await makeCheckout(SHOP, { token: "a1", email: "slow@example.com", createdAt: "2026-06-01T10:00:00Z" });
    await sweepShop(SHOP, { asOf: AS_OF });
    const order = (id: string, email: string) => OrderPayloadSchema.parse(orderPayload({ id, email, customerId: null, processedAt: "2026-06-02T09:00:00Z", subtotal: "30.00" }));
    await committedLate(
      (sql) => applyOrderPayload(sql, SHOP, order("7101", "slow@example.com"), new Date()),
      async () => {
        await sqlTransaction((sql) => applyOrderPayload(sql, SHOP, order("7102", "fast@example.com"), new Date()));
        await sweepShop(SHOP, { asOf: AS_OF });
      },
    );
    await sweepShop(SHOP, { asOf: AS_OF });
    expect(await outcome("a1")).toMatchObject({ status: "ABANDONED", windowOrderGid: "gid://shopify/Order/7101", windowRecoveredMinor: 3000n });
  });
});

describe("abandonment by step", () => {
  const step = (name: (typeof CHECKOUT_STEPS)[number]) => CHECKOUT_STEPS.indexOf(name);
  const pixel = (token: string, name: string, occurredAt: string) =>
    db().pixelEvent.create({ data: { shop: SHOP, eventId: `${token}-${name}`, name, clientId: "client", checkoutToken: token, occurredAt: new Date(occurredAt) } });

  /**
   * s1 left at the shipping method (its payloads showed one): ABANDONED at shipping.
   * s2 a guest who gave nothing: NO_CONTACT at started (not in Shopify's abandoned list).
   * s3 payloads show contact only, the pixel saw the address submitted: ABANDONED at address.
   * s4 completed within the threshold (payloads showed contact only): COMPLETED, counted at payment.
   * s5 counted abandoned at the address, then completed through its recovery link with a payload
   *    showing every step: RECOVERED, still a stop at the address.
   * s6 from the iPhone app, contact only: ABANDONED at contact.
   */
  async function seedSteps() {
    await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
    await makeCheckout(SHOP, { token: "s1", email: "s1@example.com", createdAt: "2026-06-01T10:00:00Z", step: step("shipping") });
    await makeCheckout(SHOP, { token: "s2", email: null, createdAt: "2026-06-01T10:00:00Z" });
    await makeCheckout(SHOP, { token: "s3", email: "s3@example.com", createdAt: "2026-06-01T10:00:00Z", step: step("contact") });
    await pixel("s3", "checkout_contact_info_submitted", "2026-06-01T10:01:00Z");
    await pixel("s3", "checkout_address_info_submitted", "2026-06-01T10:02:00Z");
    const o4 = await makeOrder(SHOP, { customer: null, email: "s4@example.com", processedAt: "2026-06-01T10:20:00Z", checkoutToken: "s4", subtotal: "50.00" });
    await makeCheckout(SHOP, { token: "s4", email: "s4@example.com", createdAt: "2026-06-01T10:00:00Z", updatedAt: "2026-06-01T10:20:00Z", completedAt: "2026-06-01T10:20:00Z", orderGid: o4.orderGid, step: step("contact") });
    await makeCheckout(SHOP, { token: "s5", email: "s5@example.com", createdAt: "2026-06-01T10:00:00Z", step: step("address") });
    await makeCheckout(SHOP, { token: "s6", email: "s6@example.com", createdAt: "2026-06-01T10:00:00Z", sourceName: "iphone", step: step("contact") });
    // The sweep after s5's threshold (11:00) counts it abandoned at the address.
    await sweepShop(SHOP, { asOf: new Date("2026-06-01T11:05:00Z") });
    const o5 = await makeOrder(SHOP, { customer: null, email: "s5@example.com", processedAt: "2026-06-02T09:00:00Z", checkoutToken: "s5", subtotal: "50.00" });
    await db().checkout.update({
      where: { shop_token: { shop: SHOP, token: "s5" } },
      data: { completedAt: new Date("2026-06-02T09:00:00Z"), orderGid: o5.orderGid, sourceUpdatedAt: new Date("2026-06-02T09:00:00Z"), stepReached: step("payment") },
    });
    await sweepShop(SHOP, { asOf: AS_OF });
  }

  it("records the furthest step of each checkout from its payloads and the pixel, frozen once abandoned", async () => {
    await seedSteps();
    const of = async (token: string) => {
      const o = await outcome(token);
      return [o.status, CHECKOUT_STEPS[o.stepReached]];
    };
    expect(await of("s1")).toEqual(["ABANDONED", "shipping"]);
    expect(await of("s2")).toEqual(["NO_CONTACT", "started"]);
    expect(await of("s3")).toEqual(["ABANDONED", "address"]);
    expect(await of("s4")).toEqual(["COMPLETED", "payment"]);
    expect(await of("s5")).toEqual(["RECOVERED", "address"]);
    expect(await of("s6")).toEqual(["ABANDONED", "contact"]);
  });

  it("reports where checkouts stop, whole and by device, reconciled with the abandoned count", async () => {
    await seedSteps();
    const [all] = await getStepFunnels(SHOP, RANGE, "all");
    expect(all!.value).toBe("");
    expect(all!.steps.map((s) => [CHECKOUT_STEPS[s.step], s.reached, s.stopped, s.abandoned, s.noContact])).toEqual([
      ["started", 6, 1, 0, 1],
      ["contact", 5, 1, 1, 0],
      ["address", 4, 2, 2, 0],
      ["shipping", 2, 1, 1, 0],
      ["payment", 1, 0, 0, 0],
    ]);
    // Stops from contact on are exactly the checkouts counted abandoned (Shopify's list).
    const kpis = await getAbandonmentKpis(SHOP, RANGE);
    expect(all!.steps.reduce((n, s) => n + s.abandoned, 0)).toBe(kpis.abandoned);
    expect(all!.steps[0]!.noContact).toBe(kpis.noContact);

    const devices = await getStepFunnels(SHOP, RANGE, "device");
    expect(devices.map((d) => [d.value, d.started, d.steps.map((s) => s.stopped)])).toEqual([
      ["web", 5, [1, 0, 2, 1, 0]],
      ["mobile_app", 1, [0, 1, 0, 0, 0]],
    ]);
    expect(await getStepFunnels(SHOP, RANGE, "landing" as never)).toEqual([]);
  });

  it("runs twice with the same result: a second sweep and a full recompute keep every step", async () => {
    await seedSteps();
    const steps = () => db().abandonmentStepDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { dimension: "asc" }, { value: "asc" }, { step: "asc" }] });
    const once = await steps();
    expect(once.length).toBeGreaterThan(0);
    expect((await sweepShop(SHOP, { asOf: AS_OF })).checkouts).toBe(0);
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    expect(await steps()).toEqual(once);
  });
});
