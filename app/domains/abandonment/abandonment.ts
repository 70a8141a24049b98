/**
 * Checkout abandonment, as PRODUCT.md defines it, written once as the SQL expressions that
 * classify every checkout (generated here, run by the repo). Pure.
 *
 * - Inactivity clock: starts at the checkout's last update seen before it completed
 *   (CheckoutOutcome.lastActivityAt; for history imported in one go, where no intermediate update
 *   was ever seen, its creation time).
 * - COMPLETED   an order completed it within the threshold (default 60 min) of that activity.
 * - OPEN        not completed, and the threshold has not passed yet.
 * - NO_CONTACT  the threshold passed without contact information: Shopify records no abandoned
 *               checkout then, and neither do we (counted as started, not as abandoned).
 * - ABANDONED   the threshold passed with contact information and no completion.
 * - RECOVERED   counted abandoned, then completed: link-attributed recovery (Shopify's rule: the
 *               buyer came back to this very checkout, i.e. through its recovery link).
 * - Window-attributed recovery (reported side by side): the buyer's first qualifying order within
 *   N days (default 5) after abandonment, whichever checkout it came from. The buyer is the
 *   lower-case email (where recovery messages go), else the customer account. An order is credited
 *   to one abandoned checkout only: the one it completed if that was abandoned, else the buyer's
 *   most recent abandonment before it.
 * - Rate = abandoned ÷ checkouts started in the period (always shown with its denominator). A
 *   checkout counts on the shop-local day it started.
 * - Money: a checkout's value is in its own (presentment) currency and is reported per currency,
 *   never converted; recovered revenue is the recovering order's total in shop money.
 */
import { z } from "zod";
import { raw, sql, utc, type Sql } from "~/lib/sql";

export const CHECKOUT_STATUSES = ["OPEN", "COMPLETED", "ABANDONED", "RECOVERED", "NO_CONTACT"] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export const AbandonmentSettingsSchema = z.object({
  /** Minutes without activity after which a checkout with contact info counts as abandoned. */
  thresholdMinutes: z.number().int().min(5).max(10_080).default(60),
  /** Days after abandonment in which any order of the buyer counts as a (window) recovery. */
  attributionWindowDays: z.number().int().min(1).max(60).default(5),
});
export type AbandonmentSettings = z.infer<typeof AbandonmentSettingsSchema>;

/** Column expressions of a checkout the classification reads. */
export type CheckoutColumns = { lastActivityAt: Sql; completedAt: Sql; hasContact: Sql };

/** Status and abandonment time of a checkout at `asOf`, as SQL. */
export function classifySql(c: CheckoutColumns, thresholdMinutes: number, asOf: Date): { status: Sql; abandonedAt: Sql } {
  const deadline = sql`(${c.lastActivityAt} + make_interval(mins => ${thresholdMinutes}::int))`;
  const now = utc(asOf);
  const status = sql`(CASE
    WHEN ${c.completedAt} IS NOT NULL AND ${c.completedAt} <= ${deadline} THEN 'COMPLETED'
    WHEN ${c.completedAt} IS NULL AND ${now} < ${deadline} THEN 'OPEN'
    WHEN ${c.completedAt} IS NULL AND NOT ${c.hasContact} THEN 'NO_CONTACT'
    WHEN ${c.completedAt} IS NOT NULL THEN 'RECOVERED'
    ELSE 'ABANDONED' END)`;
  // A checkout that completed always had contact details at the end, whatever the payload said.
  const abandonedAt = sql`(CASE WHEN (${c.completedAt} IS NOT NULL AND ${c.completedAt} > ${deadline})
    OR (${c.completedAt} IS NULL AND ${now} >= ${deadline} AND ${c.hasContact}) THEN ${deadline} END)`;
  return { status, abandonedAt };
}

/**
 * Breakdown dimensions, from the fields checkouts/* payloads carry:
 * - channel: source_name (web, pos, iphone, android, shopify_draft_order, an app id), else "unknown";
 * - source: utm_source of the landing URL, else the referring site's host (www. dropped), else "direct";
 * - landingPage: the landing URL's path without query or fragment, else "(none)";
 * - device: "pos" (source_name pos or a POS device id), "mobile_app" (source_name iphone/android,
 *   Shopify's mobile channels), "web" (source_name web), else "other". checkouts/* carry no user
 *   agent, so phone versus desktop browsers cannot be told apart from webhooks alone.
 */
export function dimensionSql(c: { sourceName: Sql; landingSite: Sql; referringSite: Sql; deviceId: Sql }) {
  const utm = sql`substring(${c.landingSite} from '[?&]utm_source=([^&#]+)')`;
  const refHost = sql`regexp_replace(lower(substring(${c.referringSite} from '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)')), '^www\\.', '')`;
  const path = sql`regexp_replace(regexp_replace(${c.landingSite}, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]+', ''), '[?#].*$', '')`;
  return {
    channel: sql`left(COALESCE(NULLIF(lower(${c.sourceName}), ''), 'unknown'), 100)`,
    source: sql`left(COALESCE(NULLIF(lower(${utm}), ''), NULLIF(${refHost}, ''), 'direct'), 200)`,
    landingPage: sql`left(COALESCE(NULLIF(${path}, ''), '(none)'), 200)`,
    device: sql`(CASE WHEN lower(${c.sourceName}) = 'pos' OR ${c.deviceId} IS NOT NULL THEN 'pos'
      WHEN lower(${c.sourceName}) IN ('iphone', 'android') THEN 'mobile_app'
      WHEN lower(${c.sourceName}) = 'web' THEN 'web' ELSE 'other' END)`,
  };
}

export const BREAKDOWN_DIMENSIONS = ["channel", "source", "landingPage", "device"] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** Who a checkout or an order belongs to for window attribution: lower-case email, else customer. */
export function buyerKeySql(email: Sql, customerGid: Sql): Sql {
  return sql`COALESCE(NULLIF(lower(${email}), ''), ${customerGid})`;
}

/** Median of a list of integers (minutes), or null. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** abandoned ÷ started, with its denominator; null when nothing started. */
export function abandonmentRate(abandoned: number, started: number): { rate: number | null; abandoned: number; started: number } {
  return { rate: started > 0 ? abandoned / started : null, abandoned, started };
}

export const STATUS_SQL_LIST = raw(CHECKOUT_STATUSES.map((s) => `'${s}'`).join(", "));
