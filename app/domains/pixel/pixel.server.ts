/**
 * Intake of web pixel batches, like a webhook's: verify (the shop's pixel key, see
 * pixel-key.server.ts), validate, store idempotently ((shop, eventId) unique: the pixel retries and
 * Shopify may deliver an event twice), then tell analytics which known customers changed. No
 * Shopify calls, no queue work beyond the customer-change follow-ups.
 */
import { db } from "~/db.server";
import { customerChanged } from "~/domains/customers/changes.server";
import { PixelBatchSchema, toPixelRows, type PixelBatch } from "~/domains/pixel/pixel-events";
import { verifyPixelKey } from "~/domains/pixel/pixel-key.server";
import { getShop } from "~/domains/shops/shops.server";

export type VerifiedBatch = { ok: true; batch: PixelBatch } | { ok: false; status: 401 | 404 | 422; error: string };

/** Schema, then the shop's key, then the install: nothing is stored or counted before this passes. */
export async function verifyPixelBatch(body: unknown): Promise<VerifiedBatch> {
  const parsed = PixelBatchSchema.safeParse(body);
  if (!parsed.success) return { ok: false, status: 422, error: parsed.error.issues[0]?.message ?? "invalid batch" };
  if (!verifyPixelKey(parsed.data.shop, parsed.data.key)) return { ok: false, status: 401, error: "invalid_key" };
  const shop = await getShop(parsed.data.shop);
  if (!shop || shop.uninstalledAt) return { ok: false, status: 404, error: "app_not_installed" };
  return { ok: true, batch: parsed.data };
}

/**
 * Stores a verified batch; events already stored are counted as duplicates. Only customers with a
 * newly stored event are recomputed: a resent batch (the pixel retries, or anyone replays one: the
 * key is public) costs no queue work.
 */
export async function storePixelBatch(batch: PixelBatch): Promise<{ stored: number; duplicates: number }> {
  const rows = toPixelRows(batch.shop, batch);
  const stored = await db().pixelEvent.createManyAndReturn({ data: rows, skipDuplicates: true, select: { customerGid: true } });
  const customers = [...new Set(stored.map((r) => r.customerGid).filter((c): c is string => !!c))];
  for (const customerGid of customers) await customerChanged({ shop: batch.shop, customerGid, cause: "pixel" });
  return { stored: stored.length, duplicates: rows.length - stored.length };
}
