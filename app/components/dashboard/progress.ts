/**
 * Progress figures for the dashboard's "data state" card: how far a history backfill and a
 * segment's sync to Shopify have got, as a 0-100 value for a progress bar. Pure.
 */

/** The backfill's phases in order (app/domains/backfill/backfill.ts BACKFILL_PHASES). */
const PHASES = ["CUSTOMERS", "ORDERS", "ABANDONED_CHECKOUTS", "RECOMPUTE", "DONE"] as const;
const WORK_PHASES = PHASES.length - 1;

export type BackfillState = { status: string; phase: string; imported: Record<string, number> };

/**
 * Each of the four working phases is a quarter of the bar. Inside an import phase, the share of
 * objects applied out of those Shopify reported (`<phase>Seen`, known once the bulk query ran);
 * before that, the phase counts as just started.
 */
export function backfillPercent(state: BackfillState): number {
  if (state.status === "COMPLETED" || state.phase === "DONE") return 100;
  const index = Math.max(0, PHASES.indexOf(state.phase as (typeof PHASES)[number]));
  const key = state.phase.toLowerCase();
  const seen = state.imported[`${key}Seen`] ?? 0;
  const done = state.imported[key] ?? 0;
  const within = seen > 0 ? Math.min(1, done / seen) : 0;
  return Math.round(((index + within) / WORK_PHASES) * 100);
}

/** Members whose Shopify tag or metafield is written, out of the segment's size. */
export function syncPercent(syncedMembers: number, memberCount: number): number {
  if (memberCount <= 0) return 100;
  return Math.min(100, Math.round((syncedMembers / memberCount) * 100));
}

/** A sync that is queued or running shows a bar; idle and failed ones show a badge only. */
export const isSyncActive = (status: string) => status === "PENDING" || status === "RUNNING";
