/**
 * WebhookEvent rows: the durable record of every verified delivery. Redis holds only their ids.
 */
import type { WebhookStatus } from "@prisma/client";
import { db, type Db } from "~/db.server";

export type NewDelivery = {
  webhookId: string;
  eventId: string | null;
  shop: string;
  topic: string;
  apiVersion: string;
  triggeredAt: Date | null;
  /** The raw body when it is JSON; stored as jsonb straight from the text, so ids stay exact. */
  payloadText: string | null;
  rawBody: string | null;
  status: Extract<WebhookStatus, "RECEIVED" | "SKIPPED" | "REJECTED">;
  outcome: string | null;
};

export type StoredDelivery = { id: bigint; status: WebhookStatus; inserted: boolean };

/**
 * Inserts the delivery unless its webhook id is already stored (a duplicate delivery), in one
 * statement, and returns the row either way.
 */
export async function insertDelivery(d: NewDelivery): Promise<StoredDelivery> {
  const inserted = await db().$queryRaw<{ id: bigint; status: WebhookStatus }[]>`
    INSERT INTO "WebhookEvent" ("webhookId", "eventId", "shop", "topic", "apiVersion", "triggeredAt",
                                "payload", "rawBody", "status", "outcome", "processedAt")
    VALUES (${d.webhookId}, ${d.eventId}, ${d.shop}, ${d.topic}, ${d.apiVersion}, ${d.triggeredAt},
            ${d.payloadText}::jsonb, ${d.rawBody}, ${d.status}::"WebhookStatus", ${d.outcome},
            ${d.status === "RECEIVED" ? null : new Date()})
    ON CONFLICT ("webhookId") DO NOTHING
    RETURNING "id", "status"`;
  if (inserted[0]) return { ...inserted[0], inserted: true };
  const existing = await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: d.webhookId }, select: { id: true, status: true } });
  return { ...existing, inserted: false };
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

export async function getDelivery(id: bigint, tx: Db = db()): Promise<DeliveryForProcessing | null> {
  const rows = await tx.$queryRaw<DeliveryForProcessing[]>`
    SELECT "id", "shop", "topic", "apiVersion", "triggeredAt", "receivedAt", "status", "payload"::text AS "payloadText"
    FROM "WebhookEvent" WHERE "id" = ${id}`;
  return rows[0] ?? null;
}

/**
 * Locks the delivery row for the rest of the transaction, so two workers given the same id (a
 * stalled job re-run next to its original) apply it once: the second sees it is no longer RECEIVED.
 */
export async function lockDelivery(tx: Db, id: bigint): Promise<WebhookStatus | null> {
  const rows = await tx.$queryRaw<{ status: WebhookStatus }[]>`SELECT "status" FROM "WebhookEvent" WHERE "id" = ${id} FOR UPDATE`;
  return rows[0]?.status ?? null;
}

export async function finishDelivery(
  tx: Db,
  id: bigint,
  result: { status: Extract<WebhookStatus, "PROCESSED" | "SKIPPED" | "REJECTED">; outcome: string; customerGid?: string | null },
): Promise<void> {
  // updateMany: shop/redact deletes the shop's deliveries, this one included.
  await tx.webhookEvent.updateMany({
    where: { id },
    data: {
      status: result.status,
      outcome: result.outcome,
      customerGid: result.customerGid ?? undefined,
      processedAt: new Date(),
      attempts: { increment: 1 },
      lastError: null,
    },
  });
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

/** Deletes finished deliveries older than `before`; returns how many. */
export async function pruneFinished(before: Date): Promise<number> {
  const { count } = await db().webhookEvent.deleteMany({
    where: { status: { in: ["PROCESSED", "SKIPPED", "REJECTED"] }, receivedAt: { lt: before } },
  });
  return count;
}
