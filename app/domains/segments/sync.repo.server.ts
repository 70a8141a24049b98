/** What we have written to Shopify per synced segment member (SegmentSyncState), and its diff. */
import { db } from "~/db.server";
import { render, sql } from "~/lib/sql";

export type SyncWork = { customerGid: string; action: "ADD" | "REMOVE"; stateMode: string | null; stateValue: string | null };

/**
 * The next members to write: removals first (rows we wrote that are no longer wanted, or wanted
 * differently: a renamed tag is removed, then added), then additions. `mode` null: nothing wanted
 * (sync off, segment deleted). FAILED rows (Shopify refused that customer) are not retried until
 * the membership or the sync settings change.
 */
export async function nextSyncWork(segmentId: bigint, mode: string | null, value: string | null, limit: number): Promise<SyncWork[]> {
  const removals = await db().$queryRawUnsafe<SyncWork[]>(
    ...render(sql`SELECT s."customerGid", 'REMOVE' AS action, s.mode AS "stateMode", s.value AS "stateValue"
      FROM "SegmentSyncState" s
      WHERE s."segmentId" = ${segmentId} AND (
        ${mode}::text IS NULL
        OR NOT EXISTS (SELECT 1 FROM "SegmentMember" m WHERE m."segmentId" = s."segmentId" AND m."customerGid" = s."customerGid")
        OR (s.mode <> 'FAILED' AND (s.mode, s.value) IS DISTINCT FROM (${mode}::text, ${value}::text)))
      ORDER BY s."customerGid" LIMIT ${limit}`),
  );
  if (removals.length || mode === null) return removals;
  return db().$queryRawUnsafe<SyncWork[]>(
    ...render(sql`SELECT m."customerGid", 'ADD' AS action, NULL AS "stateMode", NULL AS "stateValue"
      FROM "SegmentMember" m
      WHERE m."segmentId" = ${segmentId}
        AND NOT EXISTS (SELECT 1 FROM "SegmentSyncState" s WHERE s."segmentId" = m."segmentId" AND s."customerGid" = m."customerGid")
      ORDER BY m."customerGid" LIMIT ${limit}`),
  );
}

export async function recordSynced(shop: string, segmentId: bigint, customerGid: string, mode: string, value: string) {
  await db().segmentSyncState.upsert({
    where: { segmentId_customerGid: { segmentId, customerGid } },
    create: { shop, segmentId, customerGid, mode, value, syncedAt: new Date() },
    update: { mode, value, syncedAt: new Date() },
  });
}

export async function forgetSynced(segmentId: bigint, customerGid: string) {
  await db().segmentSyncState.deleteMany({ where: { segmentId, customerGid } });
}

/** Names of the live METAFIELD-synced segments a customer belongs to (the metafield's value). */
export async function metafieldSegmentNames(shop: string, customerGid: string): Promise<string[]> {
  const rows = await db().segment.findMany({
    where: { shop, deletedAt: null, syncMode: "METAFIELD", id: { in: (await db().segmentMember.findMany({ where: { shop, customerGid }, select: { segmentId: true } })).map((m) => m.segmentId) } },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => r.name);
}

export async function setSyncStatus(segmentId: bigint, data: { syncStatus: string; syncError?: string | null; syncedAt?: Date }) {
  await db().segment.update({ where: { id: segmentId }, data });
}

/** Segments whose members should be (re)written after membership changes. */
export async function syncedSegmentIds(shop: string, ids: bigint[]): Promise<bigint[]> {
  if (!ids.length) return [];
  const rows = await db().segment.findMany({ where: { shop, id: { in: ids }, syncMode: { not: "NONE" } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** Forget FAILED rows so a changed sync setting retries those customers. */
export async function clearFailedSync(segmentId: bigint) {
  await db().segmentSyncState.deleteMany({ where: { segmentId, mode: "FAILED" } });
}
