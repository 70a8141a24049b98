/**
 * Intake of web pixel batches, like a webhook's: verify (the shop's pixel key, see
 * pixel-key.server.ts), validate, store idempotently ((shop, eventId) unique: the pixel retries and
 * Shopify may deliver an event twice), then tell analytics which known customers changed. No
 * Shopify calls, no queue work beyond the customer-change follow-ups.
 */
import { db } from "~/db.server";
import { customerChanged } from "~/domains/customers/changes.server";
import { PixelBatchSchema, toPixelRows, type PixelBatch } from "~/domains/pixel/pixel-events";
import { checkPixelKey } from "~/domains/pixel/pixel-key.server";
import { getShop } from "~/domains/shops/shops.server";
import { logger } from "~/lib/logger.server";
import { enqueue } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";

export type VerifiedBatch =
  | { ok: true; batch: PixelBatch; staleKey: boolean }
  | { ok: false; status: 401 | 404 | 422; error: string };

/**
 * Schema, then the shop's key, then the install: nothing is stored or counted before this passes.
 * `staleKey`: the key was made with the previous app secret (a rotation is under way); the batch
 * is good, and the shop's pixel needs refreshPixelKey.
 */
export async function verifyPixelBatch(body: unknown): Promise<VerifiedBatch> {
  const parsed = PixelBatchSchema.safeParse(body);
  if (!parsed.success) return { ok: false, status: 422, error: parsed.error.issues[0]?.message ?? "invalid batch" };
  const key = checkPixelKey(parsed.data.shop, parsed.data.key);
  if (!key) return { ok: false, status: 401, error: "invalid_key" };
  const shop = await getShop(parsed.data.shop);
  if (!shop || shop.uninstalledAt) return { ok: false, status: 404, error: "app_not_installed" };
  return { ok: true, batch: parsed.data, staleKey: key === "previous" };
}

/**
 * Queues the shop's storefront.sync-shop-config so its pixel gets the current key. Deduplicated
 * per shop for an hour (enqueue.server.ts): every page loaded before the sync keeps sending the old
 * key. Best effort: the batch itself is stored either way, and the worker's rotation sweep
 * (storefront.resync-pixel-keys) reaches every shop as well.
 */
export async function refreshPixelKey(shop: string): Promise<void> {
  await enqueue({ name: JobName.StorefrontSyncShopConfig, data: { shop, reason: "pixel-key" } }, {}, 1_000).catch((error: unknown) =>
    logger.warn({ err: error, shop }, "pixel key refresh not queued; the next batch with the old key asks again"),
  );
}

/**
 * Stores a verified batch; events already stored are counted as duplicates, off-shape ones the
 * schema dropped as dropped. Only customers with a
 * newly stored event are recomputed: a resent batch (the pixel retries, or anyone replays one: the
 * key is public) costs no queue work.
 */
export async function storePixelBatch(batch: PixelBatch): Promise<{ stored: number; duplicates: number; dropped: number }> {
  const rows = toPixelRows(batch.shop, batch);
  const stored = await db().pixelEvent.createManyAndReturn({ data: rows, skipDuplicates: true, select: { customerGid: true } });
  const customers = [...new Set(stored.map((r) => r.customerGid).filter((c): c is string => !!c))];
  for (const customerGid of customers) await customerChanged({ shop: batch.shop, customerGid, cause: "pixel" });
  return { stored: stored.length, duplicates: rows.length - stored.length, dropped: batch.dropped };
}
