/**
 * Journey (lifecycle) stages, as PRODUCT.md defines them, written once as an ordered rule table
 * (first match wins) from which the SQL that stages a whole shop is generated. Pure.
 *
 *   ADVOCACY       Retention + a published review inside the RFM lookback window. (Referrals
 *                  count too once a referral source exists; none does yet.)
 *   RETENTION      two or more qualifying orders and R >= 3.
 *   PURCHASE       exactly one qualifying order. Also: two or more orders but R <= 2 (a lapsed
 *                  repeat buyer). The definitions leave that case open; such a customer has
 *                  purchased but is no longer retained, so they fall back to the furthest stage
 *                  they still satisfy, with their own reason code.
 *   CONSIDERATION  no qualifying order, and a checkout started or an add-to-cart (web pixel) in
 *                  the last N days (journey.considerationDays, default 30).
 *   AWARENESS      a known contact with none of the above. Anonymous pixel visitors have no
 *                  customer record and are not staged.
 *
 * Every change is recorded (JourneyTransition: from, to, at, reason, rules version). `at` is when
 * the facts made the stage true (the order, the review, the cart) for forward moves, and the
 * recompute time for moves back (a lapse is noticed, not dated).
 */
import { z } from "zod";
import { raw, sql, utc, type Sql } from "~/lib/sql";

export const STAGE_RULES_VERSION = 1;

export const STAGES = ["AWARENESS", "CONSIDERATION", "PURCHASE", "RETENTION", "ADVOCACY"] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_REASONS = [
  "ADVOCACY_REVIEW",
  "RETENTION_REPEAT_RECENT",
  "PURCHASE_ONE_ORDER",
  "PURCHASE_LAPSED_REPEAT",
  "CONSIDERATION_CART",
  "AWARENESS_KNOWN_CONTACT",
] as const;
export type StageReason = (typeof STAGE_REASONS)[number];

export const JourneySettingsSchema = z.object({
  /** Cart activity of the last N days makes a customer without orders "considering". */
  considerationDays: z.number().int().min(1).max(365).default(30),
});
export type JourneySettings = z.infer<typeof JourneySettingsSchema>;

/** Column expressions of one customer's facts (and its R score) that the rules read. */
export type StageColumns = {
  ordersCount: Sql;
  rScore: Sql;
  lastReviewAt: Sql;
  lastCartActivityAt: Sql;
  firstOrderAt: Sql;
  lastOrderAt: Sql;
  customerSince: Sql;
};
export type StageParams = { windowStart: Date; considerationStart: Date; asOf: Date };

type StageRule = { stage: Stage; reason: StageReason; when: (c: StageColumns, p: StageParams) => Sql; at: (c: StageColumns, p: StageParams) => Sql };

const ts = (d: Date) => utc(d);

export const STAGE_RULES: readonly StageRule[] = [
  {
    stage: "ADVOCACY",
    reason: "ADVOCACY_REVIEW",
    when: (c, p) => sql`${c.ordersCount} >= 2 AND ${c.rScore} >= 3 AND ${c.lastReviewAt} >= ${ts(p.windowStart)}`,
    at: (c) => sql`GREATEST(${c.lastReviewAt}, ${c.lastOrderAt})`,
  },
  {
    stage: "RETENTION",
    reason: "RETENTION_REPEAT_RECENT",
    when: (c) => sql`${c.ordersCount} >= 2 AND ${c.rScore} >= 3`,
    at: (c) => c.lastOrderAt,
  },
  { stage: "PURCHASE", reason: "PURCHASE_ONE_ORDER", when: (c) => sql`${c.ordersCount} = 1`, at: (c) => c.firstOrderAt },
  { stage: "PURCHASE", reason: "PURCHASE_LAPSED_REPEAT", when: (c) => sql`${c.ordersCount} >= 2`, at: (_c, p) => ts(p.asOf) },
  {
    stage: "CONSIDERATION",
    reason: "CONSIDERATION_CART",
    when: (c, p) => sql`${c.lastCartActivityAt} >= ${ts(p.considerationStart)}`,
    at: (c) => c.lastCartActivityAt,
  },
  { stage: "AWARENESS", reason: "AWARENESS_KNOWN_CONTACT", when: () => raw("TRUE"), at: (c) => c.customerSince },
];

function caseOf(c: StageColumns, p: StageParams, pick: (rule: StageRule) => Sql): Sql {
  const arms = STAGE_RULES.map((rule) => sql`WHEN ${rule.when(c, p)} THEN ${pick(rule)}`);
  return sql`(CASE ${arms.reduce((acc, arm) => sql`${acc} ${arm}`, raw(""))} END)`;
}

/** The stage, its reason code and when it became true, as SQL expressions over `c`. */
export function stageSql(c: StageColumns, p: StageParams): { stage: Sql; reason: Sql; at: Sql } {
  return {
    stage: caseOf(c, p, (r) => raw(`'${r.stage}'`)),
    reason: caseOf(c, p, (r) => raw(`'${r.reason}'`)),
    at: sql`LEAST(COALESCE(${caseOf(c, p, (r) => r.at(c, p))}, ${ts(p.asOf)}), ${ts(p.asOf)})`,
  };
}

/** Position in the funnel (AWARENESS 0 ... ADVOCACY 4), as SQL over a stage expression. */
export function stageIndexSql(stage: Sql): Sql {
  return sql`array_position(ARRAY[${raw(STAGES.map((s) => `'${s}'`).join(", "))}]::text[], ${stage})`;
}

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}
