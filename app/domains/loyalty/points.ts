/**
 * Points arithmetic, pure (no I/O): what an order earns, what a refund takes back, tiers,
 * expiry and what a redemption is worth. Amounts are integer minor units of the shop currency.
 */
import { minorDigits } from "~/lib/money";
import type { LoyaltySettings } from "~/domains/loyalty/settings";

/**
 * `includedTaxMinor`: the tax already inside `subtotalMinor` (a shop whose prices include tax:
 * Shopify's subtotal then holds the line items' tax), 0 otherwise.
 */
export type OrderAmounts = { subtotalMinor: bigint; includedTaxMinor?: bigint; taxMinor: bigint; shippingMinor: bigint };

/**
 * The amount points are earned on: net-of-discount subtotal without tax, plus tax and shipping (as
 * paid, after shipping discounts) when the merchant says so. A refund's share of that base is the
 * same sum of its refunded subtotal, tax and shipping. Tax-inclusive prices earn the same as
 * tax-exclusive ones: their included tax is taken out first, so "include tax" never adds it twice.
 */
export function earningBaseMinor(order: OrderAmounts, s: Pick<LoyaltySettings, "includeTax" | "includeShipping">): bigint {
  let base = order.subtotalMinor - (order.includedTaxMinor ?? 0n);
  if (s.includeTax) base += order.taxMinor;
  if (s.includeShipping) base += order.shippingMinor;
  return base > 0n ? base : 0n;
}

/** Whole points for an amount: floor(amount in major units × rate). Never negative. */
export function pointsFor(baseMinor: bigint, currency: string, pointsPerUnit: number): number {
  if (baseMinor <= 0n || pointsPerUnit <= 0) return 0;
  const major = Number(baseMinor) / 10 ** minorDigits(currency);
  // The epsilon keeps 19.99 × 100 (= 1998.9999…) from losing a point to binary floating point.
  return Math.max(0, Math.floor(major * pointsPerUnit + 1e-9));
}

/**
 * Points a refund takes back: what the refunds so far (this one included) should have reversed in
 * all, the earned points in proportion to the refunded share of the base, rounded to the nearest
 * point, less what earlier refunds took. Rounding the running total, not each refund, makes three
 * refunds of a third take back every point; never more than what is left of the order's points.
 */
export function refundReversal(input: { earned: number; baseMinor: bigint; refundedToDateMinor: bigint; alreadyReversed: number }): number {
  const left = Math.max(0, input.earned - input.alreadyReversed);
  if (left === 0 || input.baseMinor <= 0n || input.refundedToDateMinor <= 0n) return 0;
  const due =
    input.refundedToDateMinor >= input.baseMinor ? input.earned : Math.round((input.earned * Number(input.refundedToDateMinor)) / Number(input.baseMinor));
  return Math.min(left, Math.max(0, due - input.alreadyReversed));
}

/** The highest tier whose threshold the value reaches, or null. */
export function tierFor(value: number, tiers: LoyaltySettings["tiers"]): string | null {
  let best: { name: string; threshold: number } | null = null;
  for (const tier of tiers) if (value >= tier.threshold && (!best || tier.threshold >= best.threshold)) best = tier;
  return best?.name ?? null;
}

/** The next tier above the value and how far it is (for "300 points to Gold"). */
export function nextTier(value: number, tiers: LoyaltySettings["tiers"]): { name: string; missing: number } | null {
  const above = tiers.filter((t) => t.threshold > value).sort((a, b) => a.threshold - b.threshold)[0];
  return above ? { name: above.name, missing: above.threshold - value } : null;
}

/** True when a balance has seen no activity for `months` (0 = expiry off). */
export function isExpired(lastActivityAt: Date | null, months: number, now: Date): boolean {
  if (!months || !lastActivityAt) return false;
  const limit = new Date(lastActivityAt);
  limit.setUTCMonth(limit.getUTCMonth() + months);
  return limit <= now;
}

export type RedemptionQuote = { ok: true; valueMinor: bigint } | { ok: false; reason: "BELOW_MINIMUM" | "NOT_A_MULTIPLE" | "INSUFFICIENT_BALANCE" | "PROGRAM_DISABLED" };

/**
 * What `points` buy: a fixed amount off, in whole steps of redeemPointsPerUnit (500 points at 100
 * per unit = 5.00 off). Refused below the minimum, off-step or above the balance.
 */
export function quoteRedemption(points: number, balance: number, s: LoyaltySettings, currency: string): RedemptionQuote {
  if (!s.enabled) return { ok: false, reason: "PROGRAM_DISABLED" };
  if (points < s.minRedeemPoints) return { ok: false, reason: "BELOW_MINIMUM" };
  if (points % s.redeemPointsPerUnit !== 0) return { ok: false, reason: "NOT_A_MULTIPLE" };
  if (points > balance) return { ok: false, reason: "INSUFFICIENT_BALANCE" };
  const valueMinor = (BigInt(points) * 10n ** BigInt(minorDigits(currency))) / BigInt(s.redeemPointsPerUnit);
  return { ok: true, valueMinor };
}

/** The redemption options a storefront offers: multiples of the minimum up to the balance (at most `max`). */
export function redemptionOptions(balance: number, s: LoyaltySettings, max = 5): number[] {
  const first = Math.ceil(s.minRedeemPoints / s.redeemPointsPerUnit) * s.redeemPointsPerUnit;
  const out: number[] = [];
  for (let p = first; p <= balance && out.length < max; p += first) out.push(p);
  return out;
}
