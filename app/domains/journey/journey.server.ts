/**
 * Facade of the journey model for pages and the report: the funnel over time and a customer's
 * timeline. Reads materialized tables only (stage counts, daily stage flows, histories).
 */
import { funnelFromFlows, type FunnelStep } from "~/domains/journey/funnel";
import { flowTotals, stageCounts, timelineRows, type TimelineRow } from "~/domains/journey/journey.repo.server";

export type { FunnelStep } from "~/domains/journey/funnel";

/**
 * The funnel AWARENESS → ADVOCACY: customers per stage now, and for the date range (shop-local,
 * inclusive) how many entered each stage and how many of those present moved further. Built from
 * JourneyFlowDaily, a few hundred rows whatever the shop's size.
 */
export async function getJourneyFunnel(shop: string, range: { from: string; to: string }): Promise<FunnelStep[]> {
  const [counts, flows] = await Promise.all([stageCounts(shop), flowTotals(shop, range)]);
  return funnelFromFlows(counts, flows.map((f) => ({ fromStage: f.fromStage || null, toStage: f.toStage, before: Number(f.before), during: Number(f.during) })));
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
