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

/**
 * Newest first, keyset-paginated on id (stable while new deliveries arrive). Each with the customer
 * it concerned, named as Shopify last sent them, so support staff can go from a delivery to the
 * journey it changed (none once the customer is erased).
 */
export async function listDeliveries(shop: string, opts: { status?: WebhookStatus; before?: bigint; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  const rows = await db().webhookEvent.findMany({
    where: { shop, ...(opts.status ? { status: opts.status } : {}), ...(opts.before ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { id: true, topic: true, status: true, outcome: true, attempts: true, lastError: true, receivedAt: true, processedAt: true, customerGid: true },
  });
  const deliveries = rows.slice(0, limit);
  const gids = [...new Set(deliveries.flatMap((d) => (d.customerGid ? [d.customerGid] : [])))];
  const customers = new Map(
    (await db().customer.findMany({ where: { shop, customerGid: { in: gids } }, select: { customerGid: true, firstName: true, lastName: true, email: true } })).map((c) => [
      c.customerGid,
      [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email,
    ]),
  );
  return {
    deliveries: deliveries.map(({ customerGid, ...d }) => ({ ...d, customer: customerGid && customers.has(customerGid) ? { gid: customerGid, label: customers.get(customerGid) ?? null } : null })),
    nextBefore: rows.length > limit ? rows[limit - 1]!.id : null,
  };
}
