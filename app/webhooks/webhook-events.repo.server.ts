/**
 * WebhookEvent rows: the durable record of every verified delivery. Redis holds only their ids.
 */
import type { WebhookStatus } from "@prisma/client";
import DataLoader from "dataloader";
import { db, isDatabaseUnavailable, sqlPool, type SqlClient } from "~/db.server";

export type NewDelivery = {
  webhookId: string;
  eventId: string | null;
  shop: string;
  topic: string;
  apiVersion: string;
  triggeredAt: Date | null;
  /** The raw body when it is JSON; stored verbatim (json, not jsonb), so ids stay exact. */
  payloadText: string | null;
  rawBody: string | null;
  status: Extract<WebhookStatus, "RECEIVED" | "SKIPPED" | "REJECTED">;
  outcome: string | null;
};

export type StoredDelivery = { id: bigint; status: WebhookStatus; inserted: boolean };

type InsertedRow = { id: string; status: WebhookStatus; webhookId: string };

const COLUMNS = 11;

/** One multi-row INSERT through plain pg (see sqlPool() for why not Prisma here). */
async function insertRows(ds: readonly NewDelivery[]): Promise<StoredDelivery[]> {
  const values: unknown[] = [];
  const tuples = ds.map((d, i) => {
    values.push(d.webhookId, d.eventId, d.shop, d.topic, d.apiVersion, d.triggeredAt, d.payloadText, d.rawBody, d.status, d.outcome, d.status === "RECEIVED" ? null : new Date());
    const p = (k: number) => `$${i * COLUMNS + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::json, ${p(8)}, ${p(9)}::"WebhookStatus", ${p(10)}, ${p(11)})`;
  });
  const { rows: inserted } = await sqlPool().query<InsertedRow>(
    `INSERT INTO "WebhookEvent" ("webhookId", "eventId", "shop", "topic", "apiVersion", "triggeredAt",
                                 "payload", "rawBody", "status", "outcome", "processedAt")
     VALUES ${tuples.join(", ")}
     ON CONFLICT ("webhookId") DO NOTHING
     RETURNING "id", "status", "webhookId"`,
    values,
  );
  const byWebhookId = new Map<string, StoredDelivery>(inserted.map((r) => [r.webhookId, { id: BigInt(r.id), status: r.status, inserted: true }]));
  const duplicates = ds.filter((d) => !byWebhookId.has(d.webhookId)).map((d) => d.webhookId);
  if (duplicates.length) {
    const existing = await db().webhookEvent.findMany({ where: { webhookId: { in: duplicates } }, select: { id: true, status: true, webhookId: true } });
    for (const r of existing) byWebhookId.set(r.webhookId, { id: r.id, status: r.status, inserted: false });
  }
  return ds.map((d) => byWebhookId.get(d.webhookId)!);
}

/**
 * Deliveries arriving together are written with one multi-row INSERT (one round trip, one commit):
 * DataLoader collects the calls of one event-loop tick. Each caller still awaits its own row, so a
 * delivery is acknowledged only once it is stored. If a batch fails for a reason other than the
 * database being down, its rows are retried one by one so one bad row cannot fail its neighbours.
 */
const batcher = new DataLoader<NewDelivery, StoredDelivery>(
  async (ds) => {
    try {
      return await insertRows(ds);
    } catch (error) {
      if (ds.length === 1 || isDatabaseUnavailable(error)) throw error;
      return Promise.all(ds.map((d) => insertRows([d]).then((r) => r[0]!, (e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    }
  },
  { cache: false, maxBatchSize: 100 },
);

/** Stores the delivery unless its webhook id is already stored (a duplicate), and returns the row either way. */
export function insertDelivery(d: NewDelivery): Promise<StoredDelivery> {
  return batcher.load(d);
}

export type DeliveryForProcessing = {
  id: bigint;
  shop: string;
  topic: string;
  apiVersion: string;
  triggeredAt: Date | null;
  receivedAt: Date;
  status: WebhookStatus;
  /** jsonb rendered as text by Postgres: parse it with parseJsonLossless to keep ids exact. */
  payloadText: string | null;
};

export async function getDelivery(sql: SqlClient, id: bigint): Promise<DeliveryForProcessing | null> {
  const rows = await sql.query<DeliveryForProcessing>(
    `SELECT "id", "shop", "topic", "apiVersion", "triggeredAt", "receivedAt", "status", "payload"::text AS "payloadText"
     FROM "WebhookEvent" WHERE "id" = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/**
 * Locks the delivery row for the rest of the transaction, so two workers given the same id (a
 * stalled job re-run next to its original) apply it once: the second sees it is no longer RECEIVED.
 */
export async function lockDelivery(sql: SqlClient, id: bigint): Promise<WebhookStatus | null> {
  const rows = await sql.query<{ status: WebhookStatus }>(`SELECT "status" FROM "WebhookEvent" WHERE "id" = $1 FOR UPDATE`, [id]);
  return rows[0]?.status ?? null;
}

/** Marks the delivery done. A missing row is fine: shop/redact deletes the shop's deliveries, this one included. */
export async function finishDelivery(
  sql: SqlClient,
  id: bigint,
  result: { status: Extract<WebhookStatus, "PROCESSED" | "SKIPPED" | "REJECTED">; outcome: string; customerGid?: string | null },
): Promise<void> {
  await sql.query(
    `UPDATE "WebhookEvent" SET "status" = $2::"WebhookStatus", "outcome" = $3, "customerGid" = COALESCE($4, "customerGid"),
            "processedAt" = now(), "attempts" = "attempts" + 1, "lastError" = NULL
     WHERE "id" = $1`,
    [id, result.status, result.outcome, result.customerGid ?? null],
  );
}

export async function recordDeliveryFailure(id: bigint, error: string, final: boolean): Promise<void> {
  await db().webhookEvent.update({
    where: { id },
    data: { attempts: { increment: 1 }, lastError: error.slice(0, 2000), ...(final ? { status: "FAILED" } : {}) },
  });
}

/** RECEIVED deliveries older than `before`: their enqueue was lost or is overdue. */
export async function listStaleReceived(before: Date, limit: number): Promise<bigint[]> {
  const rows = await db().webhookEvent.findMany({
    where: { status: "RECEIVED", receivedAt: { lt: before } },
    select: { id: true },
    orderBy: { receivedAt: "asc" },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/**
 * Deletes finished deliveries older than `before`; returns how many. FAILED ones too: their raw
 * payloads hold personal data, and a month is long enough for an operator to look at them.
 */
export async function pruneFinished(before: Date): Promise<number> {
  const { count } = await db().webhookEvent.deleteMany({
    where: { status: { in: ["PROCESSED", "SKIPPED", "REJECTED", "FAILED"] }, receivedAt: { lt: before } },
  });
  return count;
}
