/**
 * RFM on small hand-computed datasets, through the real SQL (segments.recompute-shop's path).
 * Every expected score below is worked out in the comments from PRODUCT.md's definitions.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { recomputeCustomers, recomputeShop, rescoreShop } from "~/domains/segments/recompute.server";
import { explainCustomer } from "~/domains/segments/profiles.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { makeCustomer, makeOrder, makeShop, profileOf } from "#test/analytics";

const SHOP = TEST_SHOP;
// Shop-local "today" is 2026-06-30 (UTC shop); the 365-day window starts 2025-07-01.
const AS_OF = new Date("2026-06-30T12:00:00Z");

beforeEach(resetDatabase);
afterAll(closeQueues);

/**
 * Six scored customers (n = 6) and two prospects:
 *   A: 4 paid orders of 50.00 (last 2026-06-29) + one order recorded in EUR shop money (a former
 *      shop currency): F counts it (5), M does not (200.00).
 *   B: 1 order 100.00 on 2026-06-29 (presented in EUR, shop money USD: counts), + a test order.
 *   C: 2 orders of 100.00 (last 2026-03-01), 30.00 refunded → M 170.00.
 *   D: 1 order 2025-12-01.  E: 1 order 2025-07-01 (first day of the window: inside).
 *   F: 1 order 2025-06-30 (the day before the window): scored on R; F = 0, M = 0, so F 1 and M 1
 *      without being compared on F and M (n = 5 there: A to E).
 *   G: no orders.  H: only a refunded, a cancelled and a test order.
 * One-order share (F = 1) among the window's 5: B, D, E = 3/5 = 60% > 40% → F uses fixed
 * breakpoints 1,2,3,4-5,6+.
 * R by last-order date, ascending k: F 1, E 2, D 3, C 4, A and B tie at 6 → ceil(5k/6): 1,2,3,4,5,5.
 * M among the window's 5, ascending: B D E 100 (k3), C 170 (k4), A 200 (k5) → 3, 3, 3, 4, 5.
 */
async function seedGrid() {
  await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
  for (const id of ["A", "B", "C", "D", "E", "F", "G", "H"].map((_, i) => i + 1)) await makeCustomer(SHOP, { id });
  for (const d of ["2026-04-01", "2026-05-01", "2026-06-01", "2026-06-29"]) await makeOrder(SHOP, { customer: 1, processedAt: `${d}T10:00:00Z`, subtotal: "50.00" });
  await makeOrder(SHOP, { customer: 1, processedAt: "2026-06-15T10:00:00Z", subtotal: "999.00", currency: "EUR" });
  await makeOrder(SHOP, { customer: 2, processedAt: "2026-06-29T20:00:00Z", presentmentCurrency: "EUR" });
  await makeOrder(SHOP, { customer: 2, processedAt: "2026-06-20T10:00:00Z", subtotal: "500.00", test: true });
  await makeOrder(SHOP, { customer: 3, processedAt: "2026-02-01T10:00:00Z" });
  await makeOrder(SHOP, { customer: 3, processedAt: "2026-03-01T10:00:00Z", financialStatus: "partially_refunded", refunds: ["30.00"] });
  await makeOrder(SHOP, { customer: 4, processedAt: "2025-12-01T10:00:00Z" });
  await makeOrder(SHOP, { customer: 5, processedAt: "2025-07-01T00:00:00Z" });
  await makeOrder(SHOP, { customer: 6, processedAt: "2025-06-30T23:59:59Z" });
  await makeOrder(SHOP, { customer: 8, processedAt: "2026-06-01T10:00:00Z", financialStatus: "refunded", refunds: ["100.00"] });
  await makeOrder(SHOP, { customer: 8, processedAt: "2026-06-02T10:00:00Z", cancelled: true, financialStatus: "voided" });
  await makeOrder(SHOP, { customer: 8, processedAt: "2026-06-03T10:00:00Z", test: true });
  // A guest order (no customer) belongs to nobody.
  await makeOrder(SHOP, { customer: null, email: "guest@example.net", processedAt: "2026-06-29T10:00:00Z", subtotal: "5000.00" });
}

describe("RFM scoring (segments.recompute-shop)", () => {
  it("scores the hand-computed grid: ties together, fixed F breakpoints, window edges, refunds, currencies", async () => {
    await seedGrid();
    const result = await recomputeShop(SHOP, { asOf: AS_OF });
    expect(result.scored).toBe(6);
    expect(result.prospects).toBe(2);
    const expected: Record<number, [number, number, number, string]> = {
      1: [5, 4, 5, "CHAMPIONS"],
      2: [5, 1, 3, "NEW"],
      3: [4, 2, 4, "POTENTIAL_LOYALISTS"],
      4: [3, 1, 3, "ABOUT_TO_SLEEP"],
      5: [2, 1, 3, "HIBERNATING"],
      6: [1, 1, 1, "LOST"],
    };
    for (const [id, [r, f, m, group]] of Object.entries(expected)) {
      const p = await profileOf(SHOP, id);
      expect({ id, r: p?.rScore, f: p?.fScore, m: p?.mScore, group: p?.rfmGroup }).toEqual({ id, r, f, m, group });
    }
    for (const id of [7, 8]) expect(await profileOf(SHOP, id)).toMatchObject({ rfmGroup: "PROSPECTS", rScore: null, fScore: null, mScore: null, ordersCount: 0 });
    expect(await profileOf(SHOP, 1)).toMatchObject({ ordersCount: 5, windowOrders: 5, amountSpentMinor: 20000n, windowSpentMinor: 20000n });
    expect(await profileOf(SHOP, 3)).toMatchObject({ ordersCount: 2, amountSpentMinor: 17000n, averageOrderMinor: 8500n });
    expect(await profileOf(SHOP, 6)).toMatchObject({ ordersCount: 1, windowOrders: 0, windowSpentMinor: 0n, amountSpentMinor: 10000n });
    expect(await profileOf(SHOP, 5)).toMatchObject({ windowOrders: 1 });

    const snapshot = await db().rfmSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    expect(snapshot).toMatchObject({ frequencyMode: "FIXED", recencyMode: "QUINTILES", monetaryMode: "QUINTILES", singleOrderShare: 0.6, customersScored: 6, windowCustomers: 5 });
    expect(snapshot.frequencyEdges).toEqual([2, 3, 4, 6]);
    expect(snapshot.monetaryEdges).toEqual([10000n, 10000n, 17000n, 20000n]);
    expect(snapshot.recencyEdges.map((d) => d.toISOString().slice(0, 10))).toEqual(["2025-07-01", "2025-12-01", "2026-03-01", "2026-06-29"]);
  });

  it("compares F and M among customers with orders in the window: lapsed ones score 1 and fill no quintile", async () => {
    // 10 scored customers: 6 whose only orders are older than the window (F = 0, M = 0), and in the
    // window 7 (one order yesterday, 100.00), 8 (one order, in a former shop currency: M = 0), 9
    // (two orders, 200.00) and 10 (three, 300.00).
    // Among the window's 4, one-order share 2/4 = 50% > 40% → fixed F breakpoints: 7 and 8 F 1.
    //   (Among all 10 it was 2/10: quintiles, F edges [0, 0, 1, 2], and 7 was R5 F4, Champions.)
    // M among the 4: 8 0 (k1), 7 100 (k2), 9 200 (k3), 10 300 (k4) → ceil(5k/4) = 2, 3, 4, 5: edges
    //   [0, 100, 200, 300], so M = 0 would earn 2; the lapsed ones score 1 all the same.
    // R among all 10: 7 the latest → R 5 → NEW.
    await makeShop(SHOP);
    for (let id = 1; id <= 10; id++) await makeCustomer(SHOP, { id });
    for (let id = 1; id <= 6; id++) await makeOrder(SHOP, { customer: id, processedAt: `2025-0${id}-10T10:00:00Z` });
    await makeOrder(SHOP, { customer: 7, processedAt: "2026-06-29T10:00:00Z" });
    await makeOrder(SHOP, { customer: 8, processedAt: "2026-05-01T10:00:00Z", currency: "EUR" });
    for (const d of ["2026-01-10", "2026-04-10"]) await makeOrder(SHOP, { customer: 9, processedAt: `${d}T10:00:00Z` });
    for (const d of ["2025-10-10", "2026-02-10", "2026-03-10"]) await makeOrder(SHOP, { customer: 10, processedAt: `${d}T10:00:00Z` });
    const result = await recomputeShop(SHOP, { asOf: AS_OF });
    expect(result.scored).toBe(10);
    const snapshot = await db().rfmSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    expect(snapshot).toMatchObject({ customersScored: 10, windowCustomers: 4, singleOrderShare: 0.5, frequencyMode: "FIXED" });
    expect(snapshot.monetaryEdges).toEqual([0n, 10000n, 20000n, 30000n]);
    expect(await profileOf(SHOP, 7)).toMatchObject({ rScore: 5, fScore: 1, mScore: 3, rfmGroup: "NEW" });
    expect(await profileOf(SHOP, 8)).toMatchObject({ fScore: 1, mScore: 2 });
    for (let id = 1; id <= 6; id++) expect(await profileOf(SHOP, id)).toMatchObject({ windowOrders: 0, fScore: 1, mScore: 1 });
    // The incremental path scores a lapsed customer the same way against the stored edges.
    await db().customerProfile.update({ where: { shop_customerGid: { shop: SHOP, customerGid: "gid://shopify/Customer/6" } }, data: { mScore: 4 } });
    await recomputeCustomers(SHOP, ["gid://shopify/Customer/6"], { asOf: AS_OF });
    expect(await profileOf(SHOP, 6)).toMatchObject({ fScore: 1, mScore: 1 });
    // The explanation says so, and counts whom F and M compare.
    const explained = await explainCustomer(SHOP, "gid://shopify/Customer/6", { asOf: AS_OF });
    expect(explained?.rfm).toMatchObject({ noOrderInWindow: true, snapshot: { customersScored: 10, windowCustomers: 4 } });
    expect((await explainCustomer(SHOP, "gid://shopify/Customer/7", { asOf: AS_OF }))?.rfm.noOrderInWindow).toBe(false);
  });

  it("counts spend net of the tax a tax-inclusive subtotal holds (M, amount spent, average order, each order's net)", async () => {
    // 1: prices include tax. 120.00 holding 20.00 of tax, 60.00 of it refunded holding 10.00 → 50.00;
    //    24.00 holding 4.00 → 20.00. Spend 70.00, average 35.00.
    // 2: tax on top of prices: the 100.00 subtotal holds none of its 8.00 tax → 100.00.
    await makeShop(SHOP);
    for (const id of [1, 2]) await makeCustomer(SHOP, { id });
    await makeOrder(SHOP, { customer: 1, processedAt: "2026-06-01T10:00:00Z", subtotal: "120.00", taxesIncluded: true, lineItemsTax: "20.00", financialStatus: "partially_refunded", refunds: ["60.00"], refundTaxes: ["10.00"] });
    await makeOrder(SHOP, { customer: 1, processedAt: "2026-06-10T10:00:00Z", subtotal: "24.00", taxesIncluded: true, lineItemsTax: "4.00" });
    await makeOrder(SHOP, { customer: 2, processedAt: "2026-06-10T10:00:00Z", subtotal: "100.00", lineItemsTax: "8.00" });
    await recomputeShop(SHOP, { asOf: AS_OF });
    expect(await profileOf(SHOP, 1)).toMatchObject({ amountSpentMinor: 7000n, windowSpentMinor: 7000n, averageOrderMinor: 3500n, mScore: 3 });
    expect(await profileOf(SHOP, 2)).toMatchObject({ amountSpentMinor: 10000n, windowSpentMinor: 10000n, mScore: 5 });
    const explained = await explainCustomer(SHOP, "gid://shopify/Customer/1", { asOf: AS_OF });
    expect(explained?.orders.map((o) => o.netMinor)).toEqual([2000n, 5000n]);
  });

  it("uses quintiles of F when at most 40% of customers bought once", async () => {
    // F = 1, 2, 2, 3, 5 (share 1/5): k = 1, 3, 3, 4, 5 → ceil(5k/5) = 1, 3, 3, 4, 5.
    await makeShop(SHOP);
    const counts = [1, 2, 2, 3, 5];
    for (const [i, n] of counts.entries()) {
      await makeCustomer(SHOP, { id: i + 1 });
      for (let k = 0; k < n; k++) await makeOrder(SHOP, { customer: i + 1, processedAt: `2026-06-${String(10 + k).padStart(2, "0")}T10:00:00Z` });
    }
    await recomputeShop(SHOP, { asOf: AS_OF });
    const f = await Promise.all(counts.map((_, i) => profileOf(SHOP, i + 1).then((p) => p?.fScore)));
    expect(f).toEqual([1, 3, 3, 4, 5]);
    const snapshot = await db().rfmSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    expect(snapshot.frequencyMode).toBe("QUINTILES");
    expect(snapshot.frequencyEdges).toEqual([2, 2, 3, 5]);
  });

  it("gives the same scores whatever order the rows were inserted in", async () => {
    await seedGrid();
    await recomputeShop(SHOP, { asOf: AS_OF });
    const forward = await db().customerProfile.findMany({ where: { shop: SHOP }, orderBy: { customerGid: "asc" }, select: { customerGid: true, rScore: true, fScore: true, mScore: true, rfmGroup: true } });
    await resetDatabase();
    // Same data, customers and orders created in reverse.
    await makeShop(SHOP);
    const orders = await (async () => {
      await seedGrid();
      return db().order.findMany({ where: { shop: SHOP } });
    })();
    await resetDatabase();
    await makeShop(SHOP);
    for (let id = 8; id >= 1; id--) await makeCustomer(SHOP, { id });
    for (const o of orders.reverse()) {
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = o;
      await db().order.create({ data: rest });
    }
    await db().refund.create({ data: { shop: SHOP, refundGid: "gid://shopify/Refund/r1", orderGid: orders.find((o) => o.financialStatus === "partially_refunded")!.orderGid, currency: "USD", subtotalMinor: 3000n, taxMinor: 0n, totalMinor: 3000n, processedAt: AS_OF } });
    await db().refund.create({ data: { shop: SHOP, refundGid: "gid://shopify/Refund/r2", orderGid: orders.find((o) => o.financialStatus === "refunded")!.orderGid, currency: "USD", subtotalMinor: 10000n, taxMinor: 0n, totalMinor: 10000n, processedAt: AS_OF } });
    await recomputeShop(SHOP, { asOf: AS_OF });
    const backward = await db().customerProfile.findMany({ where: { shop: SHOP }, orderBy: { customerGid: "asc" }, select: { customerGid: true, rScore: true, fScore: true, mScore: true, rfmGroup: true } });
    expect(backward).toEqual(forward);
  });

  it("handles a shop with no orders: everyone a prospect, no edges", async () => {
    await makeShop(SHOP);
    await makeCustomer(SHOP, { id: 1 });
    const result = await recomputeShop(SHOP, { asOf: AS_OF });
    expect(result).toMatchObject({ scored: 0, prospects: 1 });
    expect(await profileOf(SHOP, 1)).toMatchObject({ rfmGroup: "PROSPECTS", stage: "AWARENESS" });
    const snapshot = await db().rfmSnapshot.findFirstOrThrow({ where: { shop: SHOP } });
    expect(snapshot.frequencyEdges).toEqual([]);
  });

  it("runs twice with the same result and rewrites nothing the second time", async () => {
    await seedGrid();
    await recomputeShop(SHOP, { asOf: AS_OF });
    const before = await db().customerProfile.findMany({ where: { shop: SHOP }, orderBy: { customerGid: "asc" } });
    const again = await recomputeShop(SHOP, { asOf: AS_OF });
    expect(again.changed).toBe(0);
    expect(again.transitions).toBe(0);
    expect(await db().customerProfile.findMany({ where: { shop: SHOP }, orderBy: { customerGid: "asc" } })).toEqual(before);
  });

  it("scores one changed customer against the snapshot's edges (incremental path)", async () => {
    await seedGrid();
    await recomputeShop(SHOP, { asOf: AS_OF });
    // D orders again today: last order 2026-06-30 ≥ R edge 2026-06-29 → R 5; F 2 → fixed F 2 → POTENTIAL_LOYALISTS.
    await makeOrder(SHOP, { customer: 4, processedAt: "2026-06-30T09:00:00Z" });
    const result = await recomputeCustomers(SHOP, ["gid://shopify/Customer/4"], { asOf: AS_OF });
    expect(result.mode).toBe("INCREMENTAL");
    expect(await profileOf(SHOP, 4)).toMatchObject({ rScore: 5, fScore: 2, mScore: 5, rfmGroup: "POTENTIAL_LOYALISTS", ordersCount: 2 });
  });

  it("recomputes the whole shop for its first buyer when the latest snapshot scored nobody", async () => {
    // The nightly run saw only customers without orders: a snapshot without edges.
    await makeShop(SHOP);
    for (const id of [1, 2]) await makeCustomer(SHOP, { id });
    expect(await recomputeShop(SHOP, { asOf: AS_OF })).toMatchObject({ scored: 0 });
    // A customer event without an order stays incremental: a prospect whatever the edges.
    expect(await recomputeCustomers(SHOP, ["gid://shopify/Customer/2"], { asOf: AS_OF })).toMatchObject({ mode: "INCREMENTAL" });
    // The first order is scored at once, not a prospect until the rescore: alone, the most recent
    // (R5); the one customer bought once (share 1 > 40%), so F uses the fixed breakpoints: F1 → NEW.
    await makeOrder(SHOP, { customer: 1, processedAt: "2026-06-30T09:00:00Z" });
    const result = await recomputeCustomers(SHOP, ["gid://shopify/Customer/1"], { asOf: AS_OF });
    expect(result.mode).toBe("FULL");
    expect(await profileOf(SHOP, 1)).toMatchObject({ rScore: 5, fScore: 1, rfmGroup: "NEW", ordersCount: 1 });
    expect(await db().rfmSnapshot.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { id: "desc" } })).toMatchObject({ customersScored: 1 });
  });

  it("rescores in chunks when new facts moved the edges, ending where a full recompute ends", async () => {
    await seedGrid();
    await recomputeShop(SHOP, { asOf: AS_OF });
    // D and E order today: the recency distribution shifts, so the R edges move.
    for (const id of [4, 5]) await makeOrder(SHOP, { customer: id, processedAt: "2026-06-30T09:00:00Z" });
    await recomputeCustomers(SHOP, ["gid://shopify/Customer/4", "gid://shopify/Customer/5"], { asOf: AS_OF });
    const scores = () => db().customerProfile.findMany({ where: { shop: SHOP }, orderBy: { customerGid: "asc" }, select: { customerGid: true, rScore: true, fScore: true, mScore: true, rfmGroup: true, stage: true } });
    const result = await rescoreShop(SHOP, { asOf: AS_OF, chunk: 3 });
    expect(result).not.toBeNull();
    expect(result!.changed).toBeGreaterThan(3); // the customers the new edges moved, more than one chunk of them
    const rescored = await scores();
    expect(await rescoreShop(SHOP, { asOf: AS_OF, chunk: 3 })).toBeNull(); // edges settled: nothing to do
    await recomputeShop(SHOP, { asOf: AS_OF });
    expect(await scores()).toEqual(rescored);
  });

  it("explains a customer: values, quintile edges, the grid cell, Shopify's group next to ours", async () => {
    await seedGrid();
    await recomputeShop(SHOP, { asOf: AS_OF });
    await db().customerProfile.update({
      where: { shop_customerGid: { shop: SHOP, customerGid: "gid://shopify/Customer/3" } },
      data: { shopifyRfmGroup: "ACTIVE", shopifyRfmReadAt: AS_OF },
    });
    const explained = await explainCustomer(SHOP, "gid://shopify/Customer/3", { asOf: AS_OF });
    expect(explained?.rfm).toMatchObject({
      group: "POTENTIAL_LOYALISTS",
      scores: { r: 4, f: 2, m: 4 },
      values: { recencyDays: 121, windowOrders: 2, windowSpentMinor: 17000n },
      cell: { r: [4, 5], f: [2, 3] },
      shopify: { group: "ACTIVE", closestToOurs: "ACTIVE", agrees: true },
    });
    // R 4 covers last orders 2026-03-01 .. 2026-06-28: 2 to 121 days ago.
    expect(explained?.rfm.edges?.recencyDays.find((b) => b.score === 4)).toEqual({ score: 4, minDays: 2, maxDays: 121 });
    expect(explained?.orders.map((o) => o.excludedBecause)).toEqual([null, null]);
    // Per order, the net figure M counts (100.00 - 30.00 refunded), summing to M's 170.00.
    expect(explained?.orders.map((o) => [o.netMinor, o.spendExcludedBecause])).toEqual([[7000n, null], [10000n, null]]);
    // A's order recorded in EUR counts for R and F (5 orders) but not for spend, and says so.
    const a = await explainCustomer(SHOP, "gid://shopify/Customer/1", { asOf: AS_OF });
    expect(a?.orders.filter((o) => o.spendExcludedBecause).map((o) => [o.currency, o.netMinor, o.excludedBecause, o.spendExcludedBecause])).toEqual([["EUR", 99900n, null, "OTHER_CURRENCY"]]);
    expect(a?.orders.filter((o) => !o.excludedBecause && !o.spendExcludedBecause).reduce((sum, o) => sum + o.netMinor, 0n)).toBe(a?.rfm.values.windowSpentMinor);
    const h = await explainCustomer(SHOP, "gid://shopify/Customer/8", { asOf: AS_OF });
    expect(h?.orders.map((o) => o.excludedBecause).sort()).toEqual(["CANCELLED", "REFUNDED", "TEST"]);
  });

  it("explains an order placed since midnight as 0 days ago, before the nightly run (never -1)", async () => {
    await seedGrid();
    const yesterday = new Date("2026-06-29T12:00:00Z");
    await recomputeShop(SHOP, { asOf: yesterday });
    // D orders at 00:30 today; the incremental path scores D against yesterday's edges.
    await makeOrder(SHOP, { customer: 4, processedAt: "2026-06-30T00:30:00Z" });
    await recomputeCustomers(SHOP, ["gid://shopify/Customer/4"], { asOf: new Date("2026-06-30T00:31:00Z") });
    const explained = await explainCustomer(SHOP, "gid://shopify/Customer/4", { asOf: new Date("2026-06-30T01:00:00Z") });
    expect(explained?.rfm.values).toMatchObject({ recencyDays: 0, lastOrderDate: "2026-06-30" });
    expect(explained?.rfm.scores.r).toBe(5);
    // Yesterday's R 5 edge, 2026-06-29, is 1 day ago today.
    expect(explained?.rfm.edges?.recencyDays.find((b) => b.score === 5)).toEqual({ score: 5, minDays: 0, maxDays: 1 });
  });
});
