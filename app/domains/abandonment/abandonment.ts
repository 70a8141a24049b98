/**
 * Checkout abandonment, as PRODUCT.md defines it, written once as the SQL expressions that
 * classify every checkout (generated here, run by the repo). Pure.
 *
 * - Inactivity clock: starts at the checkout's last update while it was open: the latest
 *   updated_at of its checkouts/* payloads that showed it not completed, in whatever order they
 *   arrived (Checkout.lastOpenActivityAt), frozen once it is counted abandoned
 *   (CheckoutOutcome.lastActivityAt); for history imported completed, where no open update was
 *   ever seen, its creation time.
 * - COMPLETED   an order completed it within the threshold (default 60 min) of that activity.
 * - OPEN        not completed, and the threshold has not passed yet.
 * - NO_CONTACT  the threshold passed without contact information: Shopify records no abandoned
 *               checkout then, and neither do we (counted as started, not as abandoned).
 * - ABANDONED   the threshold passed with contact information and no completion.
 * - EXCLUDED    a channel Shopify records no abandoned checkouts for (trackedChannelSql: point of
 *               sale, draft orders): never abandoned or recovered, in no count and not in the rate.
 * - RECOVERED   counted abandoned, then completed by a qualifying order (segments/facts.ts: paid,
 *               not a test, not cancelled, not wholly refunded): link-attributed recovery (Shopify's
 *               rule: the buyer came back to this very checkout, i.e. through its recovery link).
 *               Completed by any other order (a test order, one never paid or since cancelled or
 *               refunded) it stays ABANDONED: both attributions count the same orders, and
 *               recovered revenue only ever comes from qualifying ones. It becomes RECOVERED once
 *               its order qualifies (orders/paid), and back if the order is cancelled or refunded.
 * - Window-attributed recovery (reported side by side): the buyer's first qualifying order within
 *   N days (default 5) after abandonment, whichever checkout it came from. The buyer is the
 *   lower-case email (where recovery messages go), else the customer account. An order is credited
 *   to one abandoned checkout only: the one it completed if that was abandoned, else the buyer's
 *   most recent abandonment before it.
 * - Rate = abandoned ÷ checkouts started in the period (always shown with its denominator). A
 *   checkout counts on the shop-local day it started. Both counts are of checkouts webhooks
 *   delivered: the history import holds only what Shopify lists as abandoned, never the checkouts
 *   completed meanwhile, so its checkouts (Checkout.imported) are counted beside the rate (value,
 *   products, recoveries), never in it; a day only the import filled has no rate. An imported
 *   checkout Shopify shows completed is linked to its buyer's order placed at that moment.
 * - Money: a checkout's value is in its own (presentment) currency and is reported per currency,
 *   never converted; recovered revenue is the recovering order's total in shop money.
 */
import { z } from "zod";
import { raw, sql, utc, type Sql } from "~/lib/sql";

export const CHECKOUT_STATUSES = ["OPEN", "COMPLETED", "ABANDONED", "RECOVERED", "NO_CONTACT", "EXCLUDED"] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export const AbandonmentSettingsSchema = z.object({
  /** Minutes without activity after which a checkout with contact info counts as abandoned. */
  thresholdMinutes: z.number().int().min(5).max(10_080).default(60),
  /** Days after abandonment in which any order of the buyer counts as a (window) recovery. */
  attributionWindowDays: z.number().int().min(1).max(60).default(5),
});
export type AbandonmentSettings = z.infer<typeof AbandonmentSettingsSchema>;

/**
 * The source_name values of checkouts Shopify never lists as abandoned: it records abandoned
 * checkouts for the Online Store, Buy Button and Plus Wholesale channels only, not for the point
 * of sale ("pos") nor for draft orders ("shopify_draft_order", sent to the buyer as an invoice).
 */
const UNTRACKED_SOURCE_NAMES = ["pos", "shopify_draft_order"] as const;

/**
 * The checkout belongs to a channel abandonment is counted for, as SQL over what checkouts/*
 * payloads carry: not one of UNTRACKED_SOURCE_NAMES, and no POS device id (the point of sale's
 * mark). Other channels (app ids, mobile apps) cannot be told
 * apart from the storefront's Buy Button or Wholesale by the payload, so they are counted.
 */
export function trackedChannelSql(c: { sourceName: Sql; deviceId: Sql }): Sql {
  return sql`(lower(COALESCE(${c.sourceName}, '')) NOT IN (${raw(UNTRACKED_SOURCE_NAMES.map((n) => `'${n}'`).join(", "))}) AND ${c.deviceId} IS NULL)`;
}

/**
 * Column expressions of a checkout the classification reads. `recoveryQualifies`: the order that
 * completed it qualifies (read only for checkouts completed after their deadline, see
 * completedLateSql). `tracked`: trackedChannelSql.
 */
export type CheckoutColumns = { lastActivityAt: Sql; completedAt: Sql; hasContact: Sql; recoveryQualifies: Sql; tracked: Sql };

/** When a checkout counts as abandoned if nothing happens: its last activity plus the threshold. */
function deadlineSql(lastActivityAt: Sql, thresholdMinutes: number): Sql {
  return sql`(${lastActivityAt} + make_interval(mins => ${thresholdMinutes}::int))`;
}

/** The checkout completed after its deadline: the only case whose order's qualification matters. */
export function completedLateSql(c: Pick<CheckoutColumns, "lastActivityAt" | "completedAt">, thresholdMinutes: number): Sql {
  return sql`(${c.completedAt} > ${deadlineSql(c.lastActivityAt, thresholdMinutes)})`;
}

/** Status and abandonment time of a checkout at `asOf`, as SQL. */
export function classifySql(c: CheckoutColumns, thresholdMinutes: number, asOf: Date): { status: Sql; abandonedAt: Sql } {
  const deadline = deadlineSql(c.lastActivityAt, thresholdMinutes);
  const now = utc(asOf);
  const status = sql`(CASE
    WHEN NOT ${c.tracked} THEN 'EXCLUDED'
    WHEN ${c.completedAt} IS NOT NULL AND ${c.completedAt} <= ${deadline} THEN 'COMPLETED'
    WHEN ${c.completedAt} IS NULL AND ${now} < ${deadline} THEN 'OPEN'
    WHEN ${c.completedAt} IS NULL AND NOT ${c.hasContact} THEN 'NO_CONTACT'
    WHEN ${c.completedAt} IS NOT NULL AND ${c.recoveryQualifies} THEN 'RECOVERED'
    ELSE 'ABANDONED' END)`;
  // A checkout that completed always had contact details at the end, whatever the payload said.
  const abandonedAt = sql`(CASE WHEN ${c.tracked} AND ((${c.completedAt} IS NOT NULL AND ${c.completedAt} > ${deadline})
    OR (${c.completedAt} IS NULL AND ${now} >= ${deadline} AND ${c.hasContact})) THEN ${deadline} END)`;
  return { status, abandonedAt };
}

/**
 * Breakdown dimensions, from the fields checkouts/* payloads carry:
 * - channel: source_name (web, iphone, android, an app id; pos and draft orders are EXCLUDED), else "unknown";
 * - source: utm_source of the landing URL, else the referring site's host (www. dropped), else "direct";
 * - landingPage: the landing URL's path without query or fragment, else "(none)";
 * - device: "mobile_app" (source_name iphone/android, Shopify's mobile channels), "web" (source_name
 *   web), else "other" (point-of-sale checkouts never get here: they are EXCLUDED). checkouts/*
 *   carry no user agent, so phone versus desktop browsers cannot be told apart from webhooks alone.
 */
export function dimensionSql(c: { sourceName: Sql; landingSite: Sql; referringSite: Sql }) {
  const utm = sql`substring(${c.landingSite} from '[?&]utm_source=([^&#]+)')`;
  const refHost = sql`regexp_replace(lower(substring(${c.referringSite} from '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)')), '^www\\.', '')`;
  const path = sql`regexp_replace(regexp_replace(${c.landingSite}, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]+', ''), '[?#].*$', '')`;
  return {
    channel: sql`left(COALESCE(NULLIF(lower(${c.sourceName}), ''), 'unknown'), 100)`,
    source: sql`left(COALESCE(NULLIF(lower(${utm}), ''), NULLIF(${refHost}, ''), 'direct'), 200)`,
    landingPage: sql`left(COALESCE(NULLIF(${path}, ''), '(none)'), 200)`,
    device: sql`(CASE WHEN lower(${c.sourceName}) IN ('iphone', 'android') THEN 'mobile_app'
      WHEN lower(${c.sourceName}) = 'web' THEN 'web' ELSE 'other' END)`,
  };
}

/**
 * Checkout steps, in the order Shopify's checkout asks for them. A checkout's step is the furthest
 * one it reached: the larger of what its checkouts/* payloads show (contact, a shipping address, a
 * shipping method, a payment gateway) and the web pixel's step events for its token (the pixel sees
 * a step the moment it is submitted, webhooks only when the checkout is next saved). A completed
 * checkout went through payment whatever its payloads showed (express checkouts skip the forms).
 *
 * Reconciled with Shopify: it lists an abandoned checkout only once contact information exists, so
 * checkouts that stopped at "started" are ours alone (NO_CONTACT, not counted abandoned); those
 * that stopped at "contact" or later are the ones Shopify's abandoned checkouts list holds.
 */
export const CHECKOUT_STEPS = ["started", "contact", "address", "shipping", "payment"] as const;
export type CheckoutStep = (typeof CHECKOUT_STEPS)[number];
export const PAYMENT_STEP = CHECKOUT_STEPS.indexOf("payment");

/** The standard web pixel events that mark a checkout step as reached. */
export const PIXEL_STEP_EVENTS = {
  checkout_started: CHECKOUT_STEPS.indexOf("started"),
  checkout_contact_info_submitted: CHECKOUT_STEPS.indexOf("contact"),
  checkout_address_info_submitted: CHECKOUT_STEPS.indexOf("address"),
  checkout_shipping_info_submitted: CHECKOUT_STEPS.indexOf("shipping"),
  payment_info_submitted: PAYMENT_STEP,
} as const;

/** The fields of a checkouts/* payload that show how far the buyer got. */
export type CheckoutProgress = {
  email?: string | null;
  phone?: string | null;
  shippingAddress?: unknown;
  shippingLines?: readonly unknown[] | null;
  gateway?: string | null;
};

/** The furthest step a checkouts/* payload shows (an index into CHECKOUT_STEPS). */
export function stepOfPayload(p: CheckoutProgress): number {
  if (p.gateway) return PAYMENT_STEP;
  if (p.shippingLines?.length) return CHECKOUT_STEPS.indexOf("shipping");
  if (p.shippingAddress) return CHECKOUT_STEPS.indexOf("address");
  if (p.email || p.phone) return CHECKOUT_STEPS.indexOf("contact");
  return 0;
}

/** The step a pixel event name marks, as SQL over its column (null for other events). */
export function pixelStepSql(name: Sql): Sql {
  return sql`(CASE ${name} ${raw(Object.entries(PIXEL_STEP_EVENTS).map(([event, step]) => `WHEN '${event}' THEN ${step}`).join(" "))} END)`;
}

/**
 * A checkout's furthest step, as SQL: payment once completed; frozen at what it was when the
 * checkout was counted abandoned (the completing payload of a recovery shows every step, the
 * abandonment did not get that far); else the furthest of its payloads, its pixel events and its
 * contact information.
 */
export function stepReachedSql(c: { status: Sql; storedStatus: Sql; storedStep: Sql; payloadStep: Sql; pixelStep: Sql; hasContact: Sql }): Sql {
  return sql`(CASE WHEN ${c.status} = 'COMPLETED' THEN ${PAYMENT_STEP}
    WHEN ${c.storedStatus} IN ('ABANDONED', 'RECOVERED') THEN ${c.storedStep}
    ELSE GREATEST(${c.payloadStep}, ${c.pixelStep}, CASE WHEN ${c.hasContact} THEN ${CHECKOUT_STEPS.indexOf("contact")} ELSE 0 END) END)::int`;
}

export const PIXEL_STEP_EVENT_LIST = raw(Object.keys(PIXEL_STEP_EVENTS).map((e) => `'${e}'`).join(", "));

/** How the step funnel can be split: the whole funnel, or one per device, channel or source. */
export const STEP_SPLIT_DIMENSIONS = ["device", "channel", "source"] as const;
export const STEP_SPLITS = ["all", ...STEP_SPLIT_DIMENSIONS] as const;
export type StepSplit = (typeof STEP_SPLITS)[number];

/** Checkouts whose furthest step is `step`: all of them, those that stopped there, and of those the abandoned and the contactless. */
export type StepCounts = { step: number; started: number; stopped: number; abandoned: number; noContact: number };
export type FunnelStep = Omit<StepCounts, "started"> & { reached: number; dropOff: number | null };

/**
 * The step funnel from counts of checkouts by furthest step: how many reached each step (got at
 * least that far, completed ones included) and how many stopped there (not completed: abandoned,
 * recovered later, or without contact), with the drop-off (stopped ÷ reached).
 */
export function stepFunnel(rows: readonly StepCounts[]): FunnelStep[] {
  const total = (k: keyof Omit<StepCounts, "step">, keep: (step: number) => boolean) => rows.reduce((n, r) => n + (keep(r.step) ? r[k] : 0), 0);
  return CHECKOUT_STEPS.map((_, step) => {
    const here = (k: keyof Omit<StepCounts, "step">) => total(k, (s) => s === step);
    const reached = total("started", (s) => s >= step);
    return { step, reached, stopped: here("stopped"), abandoned: here("abandoned"), noContact: here("noContact"), dropOff: reached ? here("stopped") / reached : null };
  });
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
