/**
 * Facade of the journey model for pages and the report: the funnel over time and a customer's
 * timeline. Reads materialized tables only (stage counts, daily stage flows, histories).
 */
import { STAGES, type Stage } from "~/domains/journey/stages";
import { flowTotals, stageCounts, timelineRows, type TimelineRow } from "~/domains/journey/journey.repo.server";

export type FunnelStep = {
  stage: Stage;
  /** Customers in the stage now. */
  customers: number;
  /** In the stage at the start of the range (from recorded transitions). */
  atStart: number;
  /** Customers who entered the stage during the range. */
  entered: number;
  /** Customers who moved from this stage to a later one during the range. */
  advanced: number;
  /** advanced ÷ (atStart + entered), with both numbers; null for the last stage or nobody there. */
  conversion: { rate: number | null; advanced: number; base: number } | null;
};

/**
 * The funnel AWARENESS → ADVOCACY: customers per stage now, and for the date range (shop-local,
 * inclusive) how many entered each stage and how many of those present moved further. Built from
 * JourneyFlowDaily, a few hundred rows whatever the shop's size.
 */
export async function getJourneyFunnel(shop: string, range: { from: string; to: string }): Promise<FunnelStep[]> {
  const [counts, flows] = await Promise.all([stageCounts(shop), flowTotals(shop, range)]);
  const index = (s: string) => STAGES.indexOf(s as Stage);
  const atStart = new Map<string, number>();
  const entered = new Map<string, number>();
  const advanced = new Map<string, number>();
  for (const f of flows) {
    const before = Number(f.before);
    const during = Number(f.during);
    atStart.set(f.toStage, (atStart.get(f.toStage) ?? 0) + before);
    if (f.fromStage) atStart.set(f.fromStage, (atStart.get(f.fromStage) ?? 0) - before);
    entered.set(f.toStage, (entered.get(f.toStage) ?? 0) + during);
    if (f.fromStage && index(f.toStage) > index(f.fromStage)) advanced.set(f.fromStage, (advanced.get(f.fromStage) ?? 0) + during);
  }
  return STAGES.map((stage, i) => {
    const base = Math.max(0, atStart.get(stage) ?? 0) + (entered.get(stage) ?? 0);
    const moved = advanced.get(stage) ?? 0;
    return {
      stage,
      customers: counts.get(stage) ?? 0,
      atStart: Math.max(0, atStart.get(stage) ?? 0),
      entered: entered.get(stage) ?? 0,
      advanced: moved,
      conversion: i === STAGES.length - 1 ? null : { rate: base > 0 ? moved / base : null, advanced: moved, base },
    };
  });
}

export type TimelineEvent = TimelineRow;

/**
 * A customer's journey for support staff, newest first: checkouts started, abandoned and
 * recovered, orders placed, cancelled and refunded, stage changes (with the rule's reason code),
 * segment entries and exits (with the facts the rule saw), loyalty points and published reviews.
 */
export async function getCustomerTimeline(shop: string, customerGid: string, limit = 200): Promise<TimelineEvent[]> {
  return timelineRows(shop, customerGid, Math.min(Math.max(limit, 1), 1000));
}
