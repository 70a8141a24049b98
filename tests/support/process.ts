/** Drives the worker path without a worker process: deliver, then run the job's handler directly. */
import { db } from "~/db.server";
import { handleWebhooksProcessEvent } from "~/webhooks/process.server";
import type { WebhookTopic } from "~/webhooks/topics";
import { deliver, type DeliveryOptions } from "./webhooks";

/** Delivers a signed webhook and processes it as the worker would; returns the handler outcome. */
export async function deliverAndProcess(topic: WebhookTopic, body: string | object, opts: DeliveryOptions = {}) {
  const webhookId = opts.webhookId ?? `${topic}-${Math.random().toString(36).slice(2)}`;
  const res = await deliver(topic, body, { ...opts, webhookId });
  if (res.status !== 200) throw new Error(`delivery answered ${res.status}: ${await res.text()}`);
  const row = await db().webhookEvent.findUniqueOrThrow({ where: { webhookId } });
  return { eventId: row.id.toString(), outcome: await handleWebhooksProcessEvent({ eventId: row.id.toString() }) };
}

const VOLATILE = new Set(["id", "createdAt", "updatedAt", "orderId", "checkoutId", "processedAt", "receivedAt", "installedAt", "authenticatedAt"]);

function stable(rows: Record<string, unknown>[]) {
  return rows
    .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v])))
    .map((r) => JSON.stringify(r))
    .sort();
}

/** The normalized tables of a shop without surrogate ids and bookkeeping times, for equality checks. */
export async function snapshotShop(shop: string) {
  const [shops, customers, orders, lineItems, refunds, checkouts, checkoutLines] = await Promise.all([
    db().shop.findMany({ where: { shop } }),
    db().customer.findMany({ where: { shop } }),
    db().order.findMany({ where: { shop } }),
    db().orderLineItem.findMany({ where: { shop } }),
    db().refund.findMany({ where: { shop } }),
    db().checkout.findMany({ where: { shop } }),
    db().checkoutLineItem.findMany({ where: { shop } }),
  ]);
  return {
    shops: stable(shops),
    customers: stable(customers),
    orders: stable(orders),
    lineItems: stable(lineItems),
    refunds: stable(refunds),
    checkouts: stable(checkouts),
    checkoutLines: stable(checkoutLines),
  };
}
