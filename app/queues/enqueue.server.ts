/**
 * enqueue(): the one place job ids and dedup rules live. Callers pass a typed JobItem; the queue
 * comes from the catalogue. BullMQ job ids are a convenience (a duplicate add is ignored while
 * the job exists); durable idempotency lives in Postgres unique keys, because a removed job's id
 * can be reused.
 */
import type { JobsOptions } from "bullmq";
import DataLoader from "dataloader";
import { JOB_QUEUE, JobName, QueueName, type JobItem } from "~/queues/jobs";
import { getQueue } from "~/queues/queues.server";
import { gidTail } from "~/lib/gid";

/**
 * Debounce delay of the per-customer and per-order reactions (segment recompute, loyalty points):
 * merges the burst of one purchase (orders/create, orders/paid, checkouts/update). Undebounced,
 * loyalty.sync-order ran twice per purchase: at 20 purchases/s, 2,400 jobs of ~44 ms a minute in the
 * compute queue the segment recomputes share (freshness p95 718 ms once debounced).
 */
export const RECOMPUTE_DEBOUNCE_MS = 250;

/**
 * How long new facts wait before the shop's RFM edges are refreshed. A purchase is scored at once
 * against the current edges; the quintile edges of thousands of customers barely move in minutes,
 * while a rescore reads every stored profile (3.4–3.6 s at 200,000 customers under the freshness
 * bench's load) and, when the edges moved past many customers, rewrites them (44 s for 188,762).
 * When it rewrote everyone, a 60 s delay gave a 90 s freshness run p95 6.9 s against 2.0 s for a
 * 60 s run that ended before it was due. The nightly recompute refreshes the edges too.
 */
export const RESCORE_DELAY_MS = 15 * 60_000;

/** How often a shop whose pixel sends a pre-rotation key may have its config re-synced. */
const PIXEL_KEY_RESYNC_MS = 3_600_000;

/**
 * Per-job BullMQ options: debounce and one-at-a-time rules (deduplication ids `<purpose>-<key>`).
 * `keepLastIfActive`: an add while the job runs schedules exactly one more run after it, so a
 * change arriving mid-recompute is never lost. Explicit options passed to enqueue() win.
 */
function jobOptionsFor(item: JobItem): JobsOptions {
  switch (item.name) {
    case JobName.SegmentsRecomputeCustomer:
      return { delay: RECOMPUTE_DEBOUNCE_MS, deduplication: { id: `rfm-${item.data.shop}-${gidTail(item.data.customerGid)}`, keepLastIfActive: true } };
    case JobName.LoyaltySyncOrder:
      return { delay: RECOMPUTE_DEBOUNCE_MS, deduplication: { id: `points-${item.data.shop}-${gidTail(item.data.orderGid)}`, keepLastIfActive: true } };
    case JobName.LoyaltySyncMetafield:
      // Jobs that found nothing to change enqueue it too (a lost follow-up is repaired that way):
      // one sync per account while queued, and one more if the account changes while it runs.
      return { deduplication: { id: `loyalty-metafield-${item.data.shop}-${item.data.accountId}`, keepLastIfActive: true } };
    case JobName.SegmentsRescoreShop:
      return { delay: RESCORE_DELAY_MS, deduplication: { id: `rescore-${item.data.shop}`, keepLastIfActive: true } };
    case JobName.SegmentsRecomputeShop:
      return { deduplication: { id: `recompute-${item.data.shop}`, keepLastIfActive: true } };
    case JobName.SegmentsMaterializeSegment:
      return { deduplication: { id: `materialize-${item.data.segmentId}`, keepLastIfActive: true } };
    case JobName.SegmentsSyncSegment:
      return { delay: 2_000, deduplication: { id: `sync-${item.data.segmentId}`, keepLastIfActive: true } };
    case JobName.AbandonmentSweepShop:
      // While a sweep of the shop is queued or running, the next minute's one is dropped.
      return { deduplication: { id: `sweep-${item.data.shop}` } };
    case JobName.BackfillRun:
      return { deduplication: { id: `backfill-${item.data.runId}`, keepLastIfActive: true } };
    case JobName.StorefrontSyncShopConfig:
      // Every batch a pixel sends with a pre-rotation key asks for this; pages loaded before the
      // sync keep sending it, so the window outlives the job: one sync an hour per shop at most.
      // Other reasons (install, settings save) are never dropped: they carry new settings.
      return item.data.reason === "pixel-key" ? { deduplication: { id: `pixel-key-${item.data.shop}`, ttl: PIXEL_KEY_RESYNC_MS } } : {};
    case JobName.StorefrontResyncPixelKeys:
      // Queued at every worker boot while the previous secret is set: one sweep a day per generation.
      return { deduplication: { id: `pixel-keys-${item.data.generation}`, ttl: 24 * 3_600_000 } };
    default:
      return {};
  }
}

/** Deterministic job id per job name (never containing ':', which BullMQ reserves). */
function jobIdFor(item: JobItem): string | undefined {
  switch (item.name) {
    case JobName.WebhooksProcessEvent:
      return `${item.name}-${item.data.eventId}`;
    case JobName.WebhooksRedrive:
    case JobName.WebhooksPrune:
    case JobName.BackfillResumeStalled:
      return undefined; // scheduler-owned ids
    case JobName.ReviewsSendRequest:
      // Delayed days ahead: one job per (request, step), so a re-run schedule never doubles a reminder.
      return `${item.name}-${item.data.requestId}-${item.data.step}`;
  }
}

/**
 * Adds one job. `timeoutMs` bounds the wait: while Redis is unreachable BullMQ waits for the
 * connection indefinitely, and the webhook route must answer Shopify within 5 s whatever happens.
 */
export async function enqueue(item: JobItem, opts: JobsOptions = {}, timeoutMs?: number): Promise<string | undefined> {
  const adding = getQueue(JOB_QUEUE[item.name])
    .add(item.name, item.data, { jobId: jobIdFor(item), ...jobOptionsFor(item), ...opts })
    .then((job) => job.id);
  return withTimeout(adding, item.name, timeoutMs);
}

const bulkAdders = new Map<QueueName, DataLoader<JobItem, string | undefined>>();

/**
 * enqueue() for the webhook hot path: jobs added in the same event-loop tick go to the queue in one
 * addBulk round trip. Plain jobs only (deterministic id, the queue's default options).
 */
export function enqueueBatched(item: JobItem, timeoutMs?: number): Promise<string | undefined> {
  const queueName = JOB_QUEUE[item.name];
  let adder = bulkAdders.get(queueName);
  if (!adder) {
    adder = new DataLoader<JobItem, string | undefined>(
      async (items) => {
        const jobs = await getQueue(queueName).addBulk(items.map((i) => ({ name: i.name, data: i.data, opts: { jobId: jobIdFor(i) } })));
        return jobs.map((j) => j.id);
      },
      { cache: false, maxBatchSize: 200 },
    );
    bulkAdders.set(queueName, adder);
  }
  return withTimeout(adder.load(item), item.name, timeoutMs);
}

async function withTimeout<T>(adding: Promise<T>, what: string, timeoutMs?: number): Promise<T> {
  if (!timeoutMs) return adding;
  adding.catch(() => undefined); // a late failure after the timeout is already reported
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`enqueue of ${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([adding, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Adds many jobs with one round trip per queue (fan-out jobs, follow-ups of a delivery). */
export async function enqueueMany(items: JobItem[]): Promise<void> {
  const byQueue = new Map<QueueName, JobItem[]>();
  for (const item of items) {
    const queueName = JOB_QUEUE[item.name];
    byQueue.set(queueName, [...(byQueue.get(queueName) ?? []), item]);
  }
  await Promise.all(
    [...byQueue].map(([queueName, list]) =>
      getQueue(queueName).addBulk(list.map((item) => ({ name: item.name, data: item.data, opts: { jobId: jobIdFor(item), ...jobOptionsFor(item) } }))),
    ),
  );
}
