/**
 * Shopify's mandatory privacy topics. Raw deliveries hold personal data too, so every path here
 * covers WebhookEvent payloads as well as the normalized tables.
 *
 * - customers/data_request: collect everything held on the customer into a ComplianceRequest the
 *   merchant downloads (admin "Privacy requests" page, or `npm run report -- privacy`).
 * - customers/redact: erase the customer's personal data everywhere; orders stay, anonymous, so
 *   shop totals do not change.
 * - shop/redact (48 h after uninstall): delete every row of the shop, in every table with a
 *   `shop` column, found from the Prisma schema so a new table cannot be forgotten.
 *
 * Due date: Shopify gives 30 days; we complete in the same job and record both dates.
 */
import { Prisma } from "@prisma/client";
import { db, type Db } from "~/db.server";
import { toGid } from "~/lib/gid";
import { toJsonSafe } from "~/lib/json";
import type { CustomerRedactPayload, DataRequestPayload } from "~/webhooks/payloads";

const COMPLIANCE_DAYS = 30;

type Subject = { customerGids: string[]; email: string | null; orderGids: string[]; numericCustomerId: string | null };

/** Resolves who the request is about: the customer's GID, plus any stored customer with the same email. */
async function resolveSubject(
  tx: Db,
  shop: string,
  customer: { id?: string | null; email?: string | null },
  orderIds: string[],
): Promise<Subject> {
  const email = customer.email?.toLowerCase() ?? null;
  const gids = new Set<string>();
  if (customer.id) gids.add(toGid("Customer", customer.id));
  if (email) {
    for (const c of await tx.customer.findMany({ where: { shop, email }, select: { customerGid: true } })) gids.add(c.customerGid);
  }
  const customerGids = [...gids];
  const orderGids = new Set(orderIds.map((id) => toGid("Order", id)));
  const orders = await tx.order.findMany({
    where: { shop, OR: [{ customerGid: { in: customerGids } }, ...(email ? [{ email }] : [])] },
    select: { orderGid: true },
  });
  for (const o of orders) orderGids.add(o.orderGid);
  return { customerGids, email, orderGids: [...orderGids], numericCustomerId: customer.id ?? null };
}

/** Raw deliveries that mention the subject: by the worker's customerGid, or by the payload itself. */
function deliveriesAbout(shop: string, s: Subject) {
  const gids = s.customerGids.length ? s.customerGids : ["-"];
  const orders = s.orderGids.length ? s.orderGids : ["-"];
  return Prisma.sql`"shop" = ${shop} AND (
       "customerGid" = ANY(${gids})
    OR "payload"->'customer'->>'admin_graphql_api_id' = ANY(${gids})
    OR "payload"->'customer'->>'id' = ${s.numericCustomerId ?? "-"}
    OR lower("payload"->>'email') = ${s.email ?? "-"}
    OR lower("payload"->>'contact_email') = ${s.email ?? "-"}
    OR lower("payload"->'customer'->>'email') = ${s.email ?? "-"}
    OR "payload"->>'admin_graphql_api_id' = ANY(${orders})
    OR ('gid://shopify/Order/' || ("payload"->>'order_id')) = ANY(${orders}))`;
}

/** Everything the app holds on the subject, JSON-safe. */
async function collect(tx: Db, shop: string, s: Subject) {
  const customerOr = [{ customerGid: { in: s.customerGids } }, ...(s.email ? [{ email: s.email }] : [])];
  const [customers, orders, refunds, checkouts, deliveries] = await Promise.all([
    tx.customer.findMany({ where: { shop, OR: customerOr } }),
    tx.order.findMany({ where: { shop, orderGid: { in: s.orderGids } }, include: { lineItems: true } }),
    tx.refund.findMany({ where: { shop, orderGid: { in: s.orderGids } } }),
    tx.checkout.findMany({ where: { shop, OR: customerOr }, include: { lineItems: true } }),
    tx.$queryRaw<{ topic: string; receivedAt: Date; payload: unknown }[]>`
      SELECT "topic", "receivedAt", "payload" FROM "WebhookEvent" WHERE ${deliveriesAbout(shop, s)} AND "payload" IS NOT NULL
      ORDER BY "receivedAt"`,
  ]);
  return toJsonSafe({ customers, orders, refunds, checkouts, webhookDeliveries: deliveries }) as Record<string, unknown[]>;
}

function dueDate(from: Date) {
  return new Date(from.getTime() + COMPLIANCE_DAYS * 24 * 3600 * 1000);
}

/** customers/data_request. Idempotent by the delivery id (ComplianceRequest.webhookEventId). */
export async function exportCustomerData(tx: Db, shop: string, payload: DataRequestPayload, webhookEventId: bigint, receivedAt: Date) {
  const subject = await resolveSubject(tx, shop, payload.customer, payload.orders_requested);
  const data = await collect(tx, shop, subject);
  const row = {
    shop,
    topic: "customers/data_request",
    customerGid: subject.customerGids[0] ?? null,
    customerEmail: subject.email,
    dataRequestId: payload.data_request?.id ?? null,
    receivedAt,
    dueAt: dueDate(receivedAt),
    completedAt: new Date(),
    export: { generatedAt: new Date().toISOString(), shop, customer: payload.customer, ...data } as Prisma.InputJsonValue,
  };
  await tx.complianceRequest.upsert({ where: { webhookEventId }, create: { webhookEventId, ...row }, update: row });
  return { outcome: "EXPORTED" as const, customerGid: subject.customerGids[0] ?? null };
}

/** customers/redact. Idempotent: a second run finds nothing left to erase. */
export async function redactCustomer(tx: Db, shop: string, payload: CustomerRedactPayload, webhookEventId: bigint, receivedAt: Date) {
  const s = await resolveSubject(tx, shop, payload.customer, payload.orders_to_redact);
  const customerOr = [{ customerGid: { in: s.customerGids } }, ...(s.email ? [{ email: s.email }] : [])];
  await tx.order.updateMany({
    where: { shop, orderGid: { in: s.orderGids } },
    data: { customerGid: null, email: null, userAgent: null, landingSite: null, referringSite: null },
  });
  await tx.checkout.updateMany({
    where: { shop, OR: customerOr },
    data: { customerGid: null, email: null, phone: null, landingSite: null, referringSite: null },
  });
  await tx.customer.deleteMany({ where: { shop, OR: customerOr } });
  await tx.$executeRaw`UPDATE "WebhookEvent" SET "payload" = NULL, "rawBody" = NULL, "customerGid" = NULL, "redactedAt" = now()
    WHERE ${deliveriesAbout(shop, s)}`;
  // Earlier data-request exports of this customer are copies of the same data.
  await tx.complianceRequest.updateMany({
    where: { shop, OR: [{ customerGid: { in: s.customerGids } }, ...(s.email ? [{ customerEmail: s.email }] : [])] },
    data: { export: Prisma.DbNull, customerEmail: null },
  });
  const row = { shop, topic: "customers/redact", customerGid: s.customerGids[0] ?? null, receivedAt, dueAt: dueDate(receivedAt), completedAt: new Date() };
  await tx.complianceRequest.upsert({ where: { webhookEventId }, create: { webhookEventId, ...row }, update: row });
  return { outcome: "REDACTED" as const };
}

/** Prisma models that hold a `shop` column, children (models with a foreign key) first. */
function tenantTables(): string[] {
  const models = Prisma.dmmf.datamodel.models.filter((m) => m.fields.some((f) => f.name === "shop"));
  const isChild = (m: (typeof models)[number]) => m.fields.some((f) => f.relationFromFields && f.relationFromFields.length > 0);
  return [...models.filter(isChild), ...models.filter((m) => !isChild(m))].map((m) => m.dbName ?? m.name);
}

/** shop/redact: every row of the shop, in every tenant table, sessions and raw deliveries included. */
export async function redactShop(tx: Db, shop: string) {
  let rows = 0;
  for (const table of tenantTables()) {
    rows += await tx.$executeRawUnsafe(`DELETE FROM "${table}" WHERE "shop" = $1`, shop);
  }
  return { outcome: "SHOP_REDACTED" as const, rows };
}

/** The privacy requests of a shop, newest first (admin page). */
export async function listComplianceRequests(shop: string) {
  return db().complianceRequest.findMany({
    where: { shop },
    orderBy: { receivedAt: "desc" },
    select: { id: true, topic: true, customerGid: true, customerEmail: true, dataRequestId: true, receivedAt: true, dueAt: true, completedAt: true },
  });
}

/** One data-request export, for download; null when unknown, another shop's, or since redacted. */
export async function getDataExport(shop: string, id: bigint) {
  const row = await db().complianceRequest.findFirst({ where: { shop, id, topic: "customers/data_request" }, select: { export: true } });
  return row?.export ?? null;
}

export { tenantTables };
