/** Read side of stored deliveries, for the admin's "Data & deliveries" page and operators. */
import type { WebhookStatus } from "@prisma/client";
import { db } from "~/db.server";
import { customerNames } from "~/domains/segments/names.queries.server";
import { DELIVERY_STATUSES } from "~/webhooks/statuses";

/** `customerGid`: only the deliveries about that customer (the worker records who each concerned). */
export type DeliveryFilter = { status?: WebhookStatus; customerGid?: string };

export async function countDeliveriesByStatus(shop: string, filter: Pick<DeliveryFilter, "customerGid"> = {}): Promise<Record<WebhookStatus, number>> {
  const rows = await db().webhookEvent.groupBy({ by: ["status"], where: { shop, ...(filter.customerGid ? { customerGid: filter.customerGid } : {}) }, _count: { _all: true } });
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<WebhookStatus, number>;
  for (const r of rows) counts[r.status] = r._count._all;
  return counts;
}

/**
 * Newest first, keyset-paginated on id (stable while new deliveries arrive). Each with the customer
 * it concerned, so support staff can go from a delivery to the journey it changed: named from the
 * profile that journey page reads (none once the customer is erased or before their first profile).
 */
export async function listDeliveries(shop: string, opts: DeliveryFilter & { before?: bigint; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  const rows = await db().webhookEvent.findMany({
    where: {
      shop,
      ...(opts.status ? { status: opts.status } : {}),
      ...(opts.customerGid ? { customerGid: opts.customerGid } : {}),
      ...(opts.before ? { id: { lt: opts.before } } : {}),
    },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { id: true, topic: true, status: true, outcome: true, attempts: true, lastError: true, receivedAt: true, processedAt: true, customerGid: true },
  });
  const deliveries = rows.slice(0, limit);
  const names = await customerNames(shop, deliveries.flatMap((d) => (d.customerGid ? [d.customerGid] : [])));
  return {
    deliveries: deliveries.map(({ customerGid, ...d }) => {
      const name = customerGid ? names.get(customerGid) : undefined;
      return { ...d, customer: customerGid && name ? { gid: customerGid, label: name.displayName ?? name.email } : null };
    }),
    nextBefore: rows.length > limit ? rows[limit - 1]!.id : null,
  };
}
