/** Job handlers of abandonment statistics. Safe to run twice; outcomes are literals. */
import { enqueueMany } from "~/queues/enqueue.server";
import { JobName, type JobHandler, type JobItem } from "~/queues/jobs";
import { listShopsToSweep, sweepShop } from "~/domains/abandonment/abandonment.server";

/** Customers whose abandonment facts changed get their profile recomputed (debounced). */
function profileFollowUps(shop: string, customers: string[]): JobItem[] {
  return customers.map((customerGid) => ({ name: JobName.SegmentsRecomputeCustomer, data: { shop, customerGid } }));
}

/** abandonment.sweep (every minute): one sweep-shop job per shop with checkouts. */
export const handleAbandonmentSweep: JobHandler<JobName.AbandonmentSweep> = async () => {
  const shops = await listShopsToSweep();
  await enqueueMany(shops.map((shop) => ({ name: JobName.AbandonmentSweepShop, data: { shop } })));
  return `QUEUED_${shops.length}`;
};

export const handleAbandonmentSweepShop: JobHandler<JobName.AbandonmentSweepShop> = async ({ shop }) => {
  const result = await sweepShop(shop);
  // A full run (first sweep, new settings) may have changed anyone: recompute the shop's profiles.
  await enqueueMany(result.mode === "FULL" ? [{ name: JobName.SegmentsRecomputeShop, data: { shop, reason: "settings" } }] : profileFollowUps(shop, result.customers));
  return result.mode === "FULL" ? "FULL_RECOMPUTE" : result.checkouts ? `SWEPT_${result.checkouts}` : "UNCHANGED";
};

export const abandonmentJobs = {
  [JobName.AbandonmentSweep]: handleAbandonmentSweep,
  [JobName.AbandonmentSweepShop]: handleAbandonmentSweepShop,
} satisfies { [N in JobName]?: JobHandler<N> };
