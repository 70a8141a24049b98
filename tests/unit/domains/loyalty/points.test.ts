import { describe, expect, it } from "vitest";
import { earningBaseMinor, isExpired, nextTier, pointsFor, quoteRedemption, redemptionOptions, refundReversal, tierFor } from "~/domains/loyalty/points";
import { loyaltyReaction } from "~/domains/loyalty/reactions";
import { LoyaltySettingsSchema } from "~/domains/loyalty/settings";
import { JobName } from "~/queues/jobs";

const settings = LoyaltySettingsSchema.parse({});

describe("earningBaseMinor", () => {
  const order = { subtotalMinor: 10_000n, taxMinor: 800n, shippingMinor: 500n };
  it("is the net subtotal by default, with tax and shipping only when switched on", () => {
    expect(earningBaseMinor(order, { includeTax: false, includeShipping: false })).toBe(10_000n);
    expect(earningBaseMinor(order, { includeTax: true, includeShipping: false })).toBe(10_800n);
    expect(earningBaseMinor(order, { includeTax: true, includeShipping: true })).toBe(11_300n);
  });
  it("takes the tax out of a tax-inclusive subtotal first, so it counts once or not at all", () => {
    const inclusive = { subtotalMinor: 10_800n, includedTaxMinor: 800n, taxMinor: 800n, shippingMinor: 500n };
    expect(earningBaseMinor(inclusive, { includeTax: false, includeShipping: false })).toBe(10_000n);
    expect(earningBaseMinor(inclusive, { includeTax: true, includeShipping: true })).toBe(11_300n);
  });
  it("never goes below zero (a fully discounted order)", () => {
    expect(earningBaseMinor({ subtotalMinor: -5n, taxMinor: 0n, shippingMinor: 0n }, settings)).toBe(0n);
  });
});

describe("pointsFor", () => {
  it("floors major units × rate, in the currency's minor digits", () => {
    expect(pointsFor(12_345n, "USD", 1)).toBe(123);
    expect(pointsFor(1_999n, "USD", 100)).toBe(1999); // 19.99 × 100 without float loss
    expect(pointsFor(5_000n, "JPY", 0.1)).toBe(500); // JPY has no minor unit
    expect(pointsFor(12_345n, "KWD", 1)).toBe(12); // 3 minor digits
    expect(pointsFor(0n, "USD", 1)).toBe(0);
    expect(pointsFor(10_000n, "USD", 0)).toBe(0);
  });
});

describe("refundReversal", () => {
  it("takes back the refunded share to date, rounded, less what earlier refunds took, capped at what is left", () => {
    expect(refundReversal({ earned: 200, baseMinor: 20_000n, refundedToDateMinor: 5_000n, alreadyReversed: 0 })).toBe(50);
    expect(refundReversal({ earned: 100, baseMinor: 30_000n, refundedToDateMinor: 10_000n, alreadyReversed: 0 })).toBe(33);
    // Two thirds refunded to date: 67 due, 33 already taken.
    expect(refundReversal({ earned: 100, baseMinor: 30_000n, refundedToDateMinor: 20_000n, alreadyReversed: 33 })).toBe(34);
    expect(refundReversal({ earned: 100, baseMinor: 30_000n, refundedToDateMinor: 20_000n, alreadyReversed: 90 })).toBe(0);
    expect(refundReversal({ earned: 100, baseMinor: 30_000n, refundedToDateMinor: 40_000n, alreadyReversed: 20 })).toBe(80);
    expect(refundReversal({ earned: 100, baseMinor: 30_000n, refundedToDateMinor: 0n, alreadyReversed: 0 })).toBe(0);
  });

  it("takes back every point when partial refunds add up to the whole (no rounding leftover)", () => {
    let reversed = 0;
    let toDate = 0n;
    for (const refund of [333n, 333n, 334n]) {
      toDate += refund;
      reversed += refundReversal({ earned: 10, baseMinor: 1_000n, refundedToDateMinor: toDate, alreadyReversed: reversed });
    }
    expect(reversed).toBe(10);
  });
});

describe("tiers", () => {
  const tiers = [
    { name: "Gold", threshold: 2000 },
    { name: "Silver", threshold: 500 },
  ];
  it("picks the highest tier reached, in any order, and names the next one", () => {
    expect(tierFor(499, tiers)).toBeNull();
    expect(tierFor(500, tiers)).toBe("Silver");
    expect(tierFor(5000, tiers)).toBe("Gold");
    expect(nextTier(700, tiers)).toEqual({ name: "Gold", missing: 1300 });
    expect(nextTier(2000, tiers)).toBeNull();
  });
});

describe("isExpired", () => {
  it("expires after the inactivity months, never when off or without activity", () => {
    const last = new Date("2026-01-15T00:00:00Z");
    expect(isExpired(last, 6, new Date("2026-07-14T00:00:00Z"))).toBe(false);
    expect(isExpired(last, 6, new Date("2026-07-15T00:00:00Z"))).toBe(true);
    expect(isExpired(last, 0, new Date("2030-01-01T00:00:00Z"))).toBe(false);
    expect(isExpired(null, 6, new Date())).toBe(false);
  });
});

describe("quoteRedemption", () => {
  it("values whole steps and refuses below minimum, off-step and over-balance requests", () => {
    expect(quoteRedemption(500, 800, settings, "USD")).toEqual({ ok: true, valueMinor: 500n });
    expect(quoteRedemption(1000, 800, settings, "USD")).toEqual({ ok: false, reason: "INSUFFICIENT_BALANCE" });
    expect(quoteRedemption(400, 800, settings, "USD")).toEqual({ ok: false, reason: "BELOW_MINIMUM" });
    expect(quoteRedemption(550, 800, settings, "USD")).toEqual({ ok: false, reason: "NOT_A_MULTIPLE" });
    expect(quoteRedemption(500, 800, { ...settings, enabled: false }, "USD")).toEqual({ ok: false, reason: "PROGRAM_DISABLED" });
    expect(quoteRedemption(500, 800, settings, "JPY")).toEqual({ ok: true, valueMinor: 5n });
  });
  it("offers multiples of the minimum up to the balance", () => {
    expect(redemptionOptions(1700, settings)).toEqual([500, 1000, 1500]);
    expect(redemptionOptions(499, settings)).toEqual([]);
  });
});

describe("loyaltyReaction", () => {
  it("re-syncs an order's points on order and refund changes, and welcomes new customers", () => {
    const base = { shop: "s.myshopify.com", customerGid: "gid://shopify/Customer/1" };
    expect(loyaltyReaction({ ...base, cause: "order", topic: "orders/paid", orderGid: "gid://shopify/Order/9" })).toEqual([
      { name: JobName.LoyaltySyncOrder, data: { shop: base.shop, orderGid: "gid://shopify/Order/9" } },
    ]);
    expect(loyaltyReaction({ ...base, cause: "refund", topic: "refunds/create", orderGid: "gid://shopify/Order/9" })).toHaveLength(1);
    expect(loyaltyReaction({ ...base, cause: "order", topic: "orders/fulfilled", orderGid: "gid://shopify/Order/9" })).toEqual([]);
    expect(loyaltyReaction({ ...base, cause: "customer", topic: "customers/create", customerState: "enabled" })).toEqual([{ name: JobName.LoyaltyCustomerJoined, data: base }]);
    // A guest who opens an account later: customers/update with the account enabled.
    expect(loyaltyReaction({ ...base, cause: "customer", topic: "customers/update", customerState: "enabled" })).toEqual([{ name: JobName.LoyaltyCustomerJoined, data: base }]);
    expect(loyaltyReaction({ ...base, cause: "checkout" })).toEqual([]);
  });

  it("welcomes no customer record without an account (guest checkout, newsletter sign-up, import)", () => {
    const base = { shop: "s.myshopify.com", customerGid: "gid://shopify/Customer/1", cause: "customer" as const };
    for (const customerState of ["disabled", "invited", "declined", null, undefined]) {
      expect(loyaltyReaction({ ...base, topic: "customers/create", customerState })).toEqual([]);
      expect(loyaltyReaction({ ...base, topic: "customers/update", customerState })).toEqual([]);
    }
  });
});
