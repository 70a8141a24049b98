/**
 * Journey stages on a hand-computed dataset, in a shop whose timezone is not UTC (days are the
 * merchant's days), plus transitions, the funnel over a date range and the customer timeline.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { recomputeCustomers, recomputeShop } from "~/domains/segments/recompute.server";
import { getCustomerTimeline, getJourneyFunnel } from "~/domains/journey/journey.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { customerGid, makeCheckout, makeCustomer, makeOrder, makePixelEvent, makeReview, makeShop, profileOf } from "#test/analytics";

const SHOP = TEST_SHOP;
// 12:00 in New York (EDT, UTC-4) on 2026-06-30. Consideration window: 30 local days from 2026-06-01.
const AS_OF = new Date("2026-06-30T16:00:00Z");

beforeEach(resetDatabase);
afterAll(closeQueues);

/**
 * Scored customers 5..9 by last-order (local) date: 8 (2025-08-15, k1) R1; 5 (06-20, k2) R2;
 * 7 (06-27, k3) R3; 6 and 9 tie on 06-29 (k5) R5. Customer 6's last order is 03:00 UTC on the 30th,
 * still the 29th in New York: read as a UTC date it would break the tie.
 */
async function seed() {
  await makeShop(SHOP, { currency: "USD", timezone: "America/New_York" });
  for (let id = 1; id <= 9; id++) await makeCustomer(SHOP, { id });
  await makeCheckout(SHOP, { customer: 2, createdAt: "2026-06-20T15:00:00Z" });
  await makePixelEvent(SHOP, { customer: 3, name: "product_added_to_cart", occurredAt: "2026-06-25T15:00:00Z" });
  await makePixelEvent(SHOP, { customer: 1, name: "page_viewed", occurredAt: "2026-06-25T15:00:00Z" });
  await makeCheckout(SHOP, { customer: 4, createdAt: "2026-06-01T03:59:00Z" }); // May 31st, 23:59 local: outside
  await makeOrder(SHOP, { customer: 5, processedAt: "2026-06-20T15:00:00Z" });
  await makeOrder(SHOP, { customer: 6, processedAt: "2026-06-10T15:00:00Z" });
  await makeOrder(SHOP, { customer: 6, processedAt: "2026-06-30T03:00:00Z" });
  await makeOrder(SHOP, { customer: 7, processedAt: "2026-06-01T15:00:00Z" });
  await makeOrder(SHOP, { customer: 7, processedAt: "2026-06-27T15:00:00Z" });
  await makeReview(SHOP, { customer: 7, createdAt: "2026-06-28T15:00:00Z" });
  await makeOrder(SHOP, { customer: 8, processedAt: "2025-08-01T15:00:00Z" });
  await makeOrder(SHOP, { customer: 8, processedAt: "2025-08-15T15:00:00Z" });
  await makeOrder(SHOP, { customer: 9, processedAt: "2026-06-02T15:00:00Z" });
  await makeOrder(SHOP, { customer: 9, processedAt: "2026-06-29T15:00:00Z" });
  await makeReview(SHOP, { customer: 9, status: "PENDING", createdAt: "2026-06-29T16:00:00Z" });
}

describe("journey stages", () => {
  it("stages each customer by the first rule that holds, with its reason", async () => {
    await seed();
    await recomputeShop(SHOP, { asOf: AS_OF });
    const expected: Record<number, [string, string]> = {
      1: ["AWARENESS", "AWARENESS_KNOWN_CONTACT"],
      2: ["CONSIDERATION", "CONSIDERATION_CART"],
      3: ["CONSIDERATION", "CONSIDERATION_CART"],
      4: ["AWARENESS", "AWARENESS_KNOWN_CONTACT"],
      5: ["PURCHASE", "PURCHASE_ONE_ORDER"],
      6: ["RETENTION", "RETENTION_REPEAT_RECENT"],
      7: ["ADVOCACY", "ADVOCACY_REVIEW"],
      8: ["PURCHASE", "PURCHASE_LAPSED_REPEAT"],
      9: ["RETENTION", "RETENTION_REPEAT_RECENT"],
    };
    for (const [id, [stage, reason]] of Object.entries(expected)) {
      const p = await profileOf(SHOP, id);
      expect({ id, stage: p?.stage, reason: p?.stageReason }).toEqual({ id, stage, reason });
    }
    expect((await profileOf(SHOP, 6))?.lastOrderDate?.toISOString().slice(0, 10)).toBe("2026-06-29");
    expect((await profileOf(SHOP, 6))?.rScore).toBe(5);
    expect((await profileOf(SHOP, 7))?.rScore).toBe(3);
    expect(await profileOf(SHOP, 7)).toMatchObject({ hasReviewed: true });
    expect(await profileOf(SHOP, 9)).toMatchObject({ hasReviewed: false });
  });

  it("records one transition per change, dated by the fact that caused it", async () => {
    await seed();
    await recomputeShop(SHOP, { asOf: AS_OF });
    expect(await db().journeyTransition.count({ where: { shop: SHOP } })).toBe(9);
    // Customer 5 orders again: PURCHASE → RETENTION at the order's time.
    await makeOrder(SHOP, { customer: 5, processedAt: "2026-06-30T14:00:00Z" });
    await recomputeCustomers(SHOP, [customerGid(5)], { asOf: AS_OF });
    const moves = await db().journeyTransition.findMany({ where: { shop: SHOP, customerGid: customerGid(5) }, orderBy: { id: "asc" } });
    expect(moves.map((m) => [m.fromStage, m.toStage, m.reason])).toEqual([
      [null, "PURCHASE", "PURCHASE_ONE_ORDER"],
      ["PURCHASE", "RETENTION", "RETENTION_REPEAT_RECENT"],
    ]);
    expect(moves[1]!.at.toISOString()).toBe("2026-06-30T14:00:00.000Z");
    expect(await profileOf(SHOP, 5)).toMatchObject({ stage: "RETENTION", stageSince: new Date("2026-06-30T14:00:00Z") });
    // Running it again records nothing new.
    await recomputeCustomers(SHOP, [customerGid(5)], { asOf: AS_OF });
    expect(await db().journeyTransition.count({ where: { shop: SHOP, customerGid: customerGid(5) } })).toBe(2);
  });

  it("draws the funnel over a date range from the recorded flows", async () => {
    await seed();
    await recomputeShop(SHOP, { asOf: AS_OF });
    await makeOrder(SHOP, { customer: 5, processedAt: "2026-06-30T14:00:00Z" });
    await recomputeCustomers(SHOP, [customerGid(5)], { asOf: AS_OF });
    const funnel = await getJourneyFunnel(SHOP, { from: "2026-06-30", to: "2026-06-30" });
    const purchase = funnel.find((s) => s.stage === "PURCHASE")!;
    const retention = funnel.find((s) => s.stage === "RETENTION")!;
    expect(funnel.map((s) => [s.stage, s.customers])).toEqual([
      ["AWARENESS", 2],
      ["CONSIDERATION", 2],
      ["PURCHASE", 1],
      ["RETENTION", 3],
      ["ADVOCACY", 1],
    ]);
    // Customer 5 entered PURCHASE on June 20th (before the range) and advanced on the 30th.
    expect(purchase).toMatchObject({ atStart: 1, advanced: 1, conversion: { advanced: 1, base: 2, rate: 0.5 } });
    expect(retention.entered).toBeGreaterThanOrEqual(1);
  });

  it("tells a customer's story on the timeline, newest first", async () => {
    await seed();
    await recomputeShop(SHOP, { asOf: AS_OF });
    const events = await getCustomerTimeline(SHOP, customerGid(7));
    expect(events.map((e) => e.kind)).toEqual(["STAGE_CHANGED", "REVIEW_PUBLISHED", "ORDER_PLACED", "ORDER_PLACED"]);
    expect(events[0]!.detail).toMatchObject({ from: null, to: "ADVOCACY", reason: "ADVOCACY_REVIEW" });
  });
});
