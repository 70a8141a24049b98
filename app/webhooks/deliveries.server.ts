/** Read side of stored deliveries, for the admin's "Data & deliveries" page and operators. */
import type { WebhookStatus } from "@prisma/client";
import { db } from "~/db.server";
import { DELIVERY_STATUSES } from "~/webhooks/statuses";


export async function countDeliveriesByStatus(shop: string): Promise<Record<WebhookStatus, number>> {
  const rows = await db().webhookEvent.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } });
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<WebhookStatus, number>;
  for (const r of rows) counts[r.status] = r._count._all;
  return counts;
}

/** Newest first, keyset-paginated on id (stable while new deliveries arrive). */
export async function listDeliveries(shop: string, opts: { status?: WebhookStatus; before?: bigint; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  const rows = await db().webhookEvent.findMany({
    where: { shop, ...(opts.status ? { status: opts.status } : {}), ...(opts.before ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { id: true, topic: true, status: true, outcome: true, attempts: true, lastError: true, receivedAt: true, processedAt: true },
  });
  return { deliveries: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null };
}
