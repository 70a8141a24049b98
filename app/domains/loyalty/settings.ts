/**
 * The loyalty program's merchant settings (Shop.settings.loyalty). Every field has a default, so a
 * fresh install runs a sensible program: 1 point per unit of shop currency on the net subtotal,
 * 30 days pending (a typical return window), 100 points = 1 unit off.
 */
import { z } from "zod";

export const TierSchema = z.object({
  name: z.string().trim().min(1).max(40),
  /** Points earned in the last 12 months, or net spend in major units of the shop currency. */
  threshold: z.number().int().min(0).max(100_000_000),
});

export const LoyaltySettingsSchema = z.object({
  enabled: z.boolean().default(true),
  /**
   * When the program started (set on install): orders placed before it never earn. Shopify sends
   * orders/updated for old orders too (a bulk tag edit, a late fulfilment or refund), and without
   * this each would credit points for a purchase made before the program existed. Null: every
   * order earns (a shop that was never installed through Shopify, such as the local demo).
   */
  earnFrom: z.iso.datetime({ offset: true }).nullable().default(null),
  /** Points per 1 unit of shop currency (1 = one point per dollar). */
  pointsPerUnit: z.number().min(0).max(1000).default(1),
  /** Count tax and shipping in the amount points are earned on (off: net-of-discount subtotal). */
  includeTax: z.boolean().default(false),
  includeShipping: z.boolean().default(false),
  signupBonus: z.number().int().min(0).max(100_000).default(100),
  /** Points for a published review, whatever its rating (a rating-conditional incentive is never offered). */
  reviewBonus: z.number().int().min(0).max(100_000).default(50),
  /** Order points stay pending this many days (default: a 30-day return window). */
  pendingDays: z.number().int().min(0).max(365).default(30),
  /** A balance expires after this many months without earning or redeeming; 0 = never. */
  expiryMonths: z.number().int().min(0).max(60).default(12),
  /** Points that buy 1 unit of shop currency off. */
  redeemPointsPerUnit: z.number().int().min(1).max(100_000).default(100),
  minRedeemPoints: z.number().int().min(1).max(1_000_000).default(500),
  /** Days a redeemed discount code stays valid. */
  codeValidityDays: z.number().int().min(1).max(365).default(90),
  tierBasis: z.enum(["points", "spend"]).default("points"),
  tiers: z
    .array(TierSchema)
    .max(5)
    .default([
      { name: "Silver", threshold: 500 },
      { name: "Gold", threshold: 2000 },
    ]),
});

export type LoyaltySettings = z.infer<typeof LoyaltySettingsSchema>;
