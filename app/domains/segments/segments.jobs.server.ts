/**
 * Job handlers of the segments feature. Each is safe to run twice (see the JSDoc of its JobName
 * in queues/jobs.ts for the idempotency key); each returns a literal outcome tests assert on.
 */
import { createHash } from "node:crypto";
import { terminalAware } from "~/shopify/admin.server";
import { enqueue, enqueueMany } from "~/queues/enqueue.server";
import { JOB_QUEUE, JobName, type JobHandler, type JobItem } from "~/queues/jobs";
import { listScheduleIds, removeSchedule, upsertCronSchedule } from "~/queues/schedulers.server";
import { logger } from "~/lib/logger.server";
import { safeTimeZone } from "~/lib/calendar";
import { recomputeAbandonment } from "~/domains/abandonment/abandonment.server";
import { materializeSegment, recomputeCustomers, recomputeShop, rescoreShop } from "~/domains/segments/recompute.server";
import type { MembershipDelta } from "~/domains/segments/segments.repo.server";
import { listInstalledShops } from "~/domains/segments/shops.repo.server";
import { syncSegment } from "~/domains/segments/sync.server";
import { clearFailedSync, syncedSegmentIds } from "~/domains/segments/sync.repo.server";

/** Sync jobs for the synced segments whose membership just changed. */
async function syncFollowUps(shop: string, deltas: MembershipDelta[]): Promise<JobItem[]> {
  const changed = deltas.filter((d) => d.entered || d.exited).map((d) => d.segmentId);
  const ids = await syncedSegmentIds(shop, changed);
  return ids.map((id) => ({ name: JobName.SegmentsSyncSegment, data: { shop, segmentId: id.toString() } }));
}

export const handleSegmentsRecomputeCustomer: JobHandler<JobName.SegmentsRecomputeCustomer> = async ({ shop, customerGid }) => {
  const result = await recomputeCustomers(shop, [customerGid]);
  if (result.mode === "FULL") {
    await enqueueMany(await syncFollowUps(shop, result.result.memberships));
    return "FULL_RECOMPUTE";
  }
  const followUps = await syncFollowUps(shop, result.memberships);
  // New facts move the shop's quintiles a little: a debounced rescore catches up the edges.
  if (result.changed) followUps.push({ name: JobName.SegmentsRescoreShop, data: { shop } });
  await enqueueMany(followUps);
  if (result.removed.length) return "REMOVED";
  return result.changed ? "UPDATED" : "UNCHANGED";
};

export const handleSegmentsRescoreShop: JobHandler<JobName.SegmentsRescoreShop> = async ({ shop }) => {
  const result = await rescoreShop(shop);
  if (!result) return "EDGES_UNCHANGED";
  await enqueueMany(await syncFollowUps(shop, result.memberships));
  return result.changed ? `RESCORED_${result.changed}` : "UNCHANGED";
};

export const handleSegmentsRecomputeShop: JobHandler<JobName.SegmentsRecomputeShop> = async ({ shop, reason }) => {
  const installed = await listInstalledShops([shop]);
  if (!installed.length) return "SHOP_NOT_INSTALLED";
  // Abandonment first: its outcomes are facts of the profiles (abandoned checkouts count, date).
  if (reason === "nightly" || reason === "backfill") await recomputeAbandonment(shop);
  const result = await recomputeShop(shop);
  await enqueueMany(await syncFollowUps(shop, result.memberships));
  logger.info({ shop, reason, ...result, memberships: result.memberships.length, snapshotId: result.snapshotId.toString() }, "shop recomputed");
  return `RECOMPUTED_${result.scored}`;
};

export const handleSegmentsMaterializeSegment: JobHandler<JobName.SegmentsMaterializeSegment> = async ({ shop, segmentId }) => {
  const delta = await materializeSegment(shop, BigInt(segmentId));
  if (!delta) return "MISSING";
  // Always offer the sync a look: a rule change, a deletion or a new sync mode all end there.
  await clearFailedSync(BigInt(segmentId));
  await enqueue({ name: JobName.SegmentsSyncSegment, data: { shop, segmentId } });
  return delta.entered || delta.exited ? "MATERIALIZED" : "UNCHANGED";
};

export const handleSegmentsSyncSegment: JobHandler<JobName.SegmentsSyncSegment> = async ({ shop, segmentId }) => {
  const result = await terminalAware(() => syncSegment(shop, BigInt(segmentId)));
  if (result.status === "MORE") {
    // Out of this run's budget: continue in a fresh job (progress is in SegmentSyncState).
    await enqueue({ name: JobName.SegmentsSyncSegment, data: { shop, segmentId } }, { delay: 1_000 });
  }
  return result.status === "NOTHING" ? "MISSING" : result.status === "MORE" ? "CONTINUES" : `SYNCED_${result.added}_${result.removed}`;
};

/** Spread nightly runs over 02:00-04:59 shop time, stable per shop. */
export function nightlyPattern(shop: string): string {
  const h = createHash("sha256").update(shop).digest().readUInt32BE(0);
  return `${h % 60} ${2 + (Math.floor(h / 60) % 3)} * * *`;
}

const NIGHTLY_PREFIX = "segments-nightly-";

/**
 * One BullMQ job scheduler per installed shop (`segments-nightly-<shop>`) for the nightly full
 * recompute, at a quiet hour of the shop's timezone; schedulers of shops no longer installed are
 * removed. Idempotent: upserts by scheduler id.
 */
export const handleSegmentsScheduleShops: JobHandler<JobName.SegmentsScheduleShops> = async () => {
  const shops = await listInstalledShops();
  for (const s of shops) {
    await upsertCronSchedule({
      id: `${NIGHTLY_PREFIX}${s.shop}`,
      pattern: nightlyPattern(s.shop),
      tz: safeTimeZone(s.ianaTimezone),
      job: { name: JobName.SegmentsRecomputeShop, data: { shop: s.shop, reason: "nightly" } },
    });
  }
  const wanted = new Set(shops.map((s) => `${NIGHTLY_PREFIX}${s.shop}`));
  let removed = 0;
  const queue = JOB_QUEUE[JobName.SegmentsRecomputeShop];
  for (const id of await listScheduleIds(queue, NIGHTLY_PREFIX)) {
    if (!wanted.has(id)) {
      await removeSchedule(queue, id);
      removed++;
    }
  }
  return `SCHEDULED_${shops.length}_REMOVED_${removed}`;
};

export const segmentJobs = {
  [JobName.SegmentsRecomputeCustomer]: handleSegmentsRecomputeCustomer,
  [JobName.SegmentsRescoreShop]: handleSegmentsRescoreShop,
  [JobName.SegmentsRecomputeShop]: handleSegmentsRecomputeShop,
  [JobName.SegmentsMaterializeSegment]: handleSegmentsMaterializeSegment,
  [JobName.SegmentsSyncSegment]: handleSegmentsSyncSegment,
  [JobName.SegmentsScheduleShops]: handleSegmentsScheduleShops,
} satisfies { [N in JobName]?: JobHandler<N> };
