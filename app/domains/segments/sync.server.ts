/**
 * Sync back to Shopify (merchant opt-in per segment): membership written as a customer tag (TAG)
 * or into the app-owned customer metafield `$app:journey.segments` (METAFIELD, a list of the
 * customer's synced segment names), so Shopify segments, Flow and email tools can use it.
 *
 * - Idempotent: SegmentSyncState records what Shopify holds; each run writes only the difference
 *   (tagsAdd/tagsRemove are idempotent on Shopify's side too, and the metafield value is always
 *   recomputed whole), so a retried or duplicated job changes nothing twice.
 * - Within cost limits: calls go one at a time (metafields 25 per call); a THROTTLED answer waits
 *   the time Shopify's restore rate needs, then retries; a run stops after its time budget and
 *   asks to be re-enqueued (resumes from the state table); other failures go to BullMQ's
 *   exponential backoff; terminal ones (uninstalled, 401/403...) stop the segment's sync.
 */
import { adminFor, adminQuery, assertNoUserErrors, ShopifyThrottledError, ShopifyUserError, type AdminGraphql } from "~/shopify/admin.server";
import { CustomerTagsAdd } from "~/shopify/operations/CustomerTagsAdd";
import { CustomerTagsRemove } from "~/shopify/operations/CustomerTagsRemove";
import { MetafieldsDelete } from "~/shopify/operations/MetafieldsDelete";
import { MetafieldsSet } from "~/shopify/operations/MetafieldsSet";
import { findSegmentAnyState } from "~/domains/segments/segments.repo.server";
import { forgetSynced, metafieldSegmentNames, nextSyncWork, recordSynced, setSyncStatus, type SyncWork } from "~/domains/segments/sync.repo.server";

export const SEGMENTS_METAFIELD = { namespace: "$app:journey", key: "segments", type: "list.single_line_text_field" } as const;

type UserErrors = { field?: string[] | null; message: string; code?: string | null }[];

export type SyncOptions = { admin?: AdminGraphql; budgetMs?: number; batchSize?: number; sleep?: (ms: number) => Promise<void>; maxThrottleWaits?: number };
export type SyncRunResult = { status: "DONE" | "MORE" | "NOTHING"; added: number; removed: number; failed: number };

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs one Admin call, waiting out THROTTLED answers (up to `max` times, at most 10 s each). */
async function throttled<T>(call: () => Promise<T>, sleep: (ms: number) => Promise<void>, max: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ShopifyThrottledError) || attempt >= max) throw error;
      await sleep(Math.min(error.retryAfterMs, 10_000));
    }
  }
}

/**
 * Writes one segment's membership to Shopify until done or out of budget. Idempotency key:
 * SegmentSyncState (segmentId, customerGid). Called by segments.sync-segment.
 */
export async function syncSegment(shop: string, segmentId: bigint, opts: SyncOptions = {}): Promise<SyncRunResult> {
  const segment = await findSegmentAnyState(shop, segmentId);
  if (!segment) return { status: "NOTHING", added: 0, removed: 0, failed: 0 };
  const mode = segment.deletedAt || segment.syncMode === "NONE" ? null : segment.syncMode;
  const value = mode === "TAG" ? segment.syncTag : mode === "METAFIELD" ? segment.name : null;
  const sleep = opts.sleep ?? wait;
  const maxWaits = opts.maxThrottleWaits ?? 5;
  const deadline = Date.now() + (opts.budgetMs ?? 20_000);
  const result: SyncRunResult = { status: "DONE", added: 0, removed: 0, failed: 0 };
  let admin = opts.admin;
  await setSyncStatus(segmentId, { syncStatus: "RUNNING", syncError: null });
  const call = async (query: string, variables: Record<string, unknown>, pick: (data: Record<string, unknown>) => UserErrors) => {
    admin ??= await adminFor(shop);
    const data = await throttled(() => adminQuery<Record<string, unknown>>(admin!, query, variables), sleep, maxWaits);
    assertNoUserErrors(pick(data));
  };
  const apply = async (work: SyncWork) => {
    try {
      if (work.stateMode === "FAILED" || (work.action === "REMOVE" && work.stateMode === null)) {
        await forgetSynced(segmentId, work.customerGid);
      } else if (work.action === "REMOVE" && work.stateMode === "TAG") {
        await call(CustomerTagsRemove, { id: work.customerGid, tags: [work.stateValue] }, (d) => (d.tagsRemove as { userErrors: UserErrors }).userErrors);
        await forgetSynced(segmentId, work.customerGid);
      } else if (work.action === "ADD" && mode === "TAG") {
        await call(CustomerTagsAdd, { id: work.customerGid, tags: [value] }, (d) => (d.tagsAdd as { userErrors: UserErrors }).userErrors);
        await recordSynced(shop, segmentId, work.customerGid, "TAG", value!);
      } else {
        // METAFIELD (add or remove): the value is every synced segment the customer is in now.
        if (work.action === "REMOVE") await forgetSynced(segmentId, work.customerGid);
        const names = await metafieldSegmentNames(shop, work.customerGid);
        if (names.length) {
          await call(
            MetafieldsSet,
            { metafields: [{ ownerId: work.customerGid, namespace: SEGMENTS_METAFIELD.namespace, key: SEGMENTS_METAFIELD.key, type: SEGMENTS_METAFIELD.type, value: JSON.stringify(names) }] },
            (d) => (d.metafieldsSet as { userErrors: UserErrors }).userErrors,
          );
        } else {
          await call(
            MetafieldsDelete,
            { metafields: [{ ownerId: work.customerGid, namespace: SEGMENTS_METAFIELD.namespace, key: SEGMENTS_METAFIELD.key }] },
            (d) => (d.metafieldsDelete as { userErrors: UserErrors }).userErrors,
          );
        }
        if (work.action === "ADD") await recordSynced(shop, segmentId, work.customerGid, "METAFIELD", value!);
      }
      if (work.action === "ADD") result.added++;
      else result.removed++;
    } catch (error) {
      if (!(error instanceof ShopifyUserError)) throw error;
      // Shopify refuses this customer (deleted there, say): remember, do not retry every run.
      result.failed++;
      if (work.action === "ADD") await recordSynced(shop, segmentId, work.customerGid, "FAILED", error.message.slice(0, 500));
      else await forgetSynced(segmentId, work.customerGid);
    }
  };
  try {
    for (;;) {
      const batch = await nextSyncWork(segmentId, mode, value, opts.batchSize ?? 50);
      if (batch.length === 0) break;
      for (const work of batch) await apply(work);
      if (Date.now() > deadline) {
        result.status = "MORE";
        await setSyncStatus(segmentId, { syncStatus: "PENDING" });
        return result;
      }
    }
    await setSyncStatus(segmentId, { syncStatus: "IDLE", syncError: null, syncedAt: new Date() });
    return result;
  } catch (error) {
    await setSyncStatus(segmentId, { syncStatus: "FAILED", syncError: error instanceof Error ? error.message.slice(0, 500) : String(error) });
    throw error;
  }
}
