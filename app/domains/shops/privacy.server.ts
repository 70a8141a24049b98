/**
 * Shopify's mandatory privacy topics. Raw deliveries hold personal data too, so every path here
 * covers WebhookEvent payloads as well as the normalized tables.
 *
 * - customers/data_request: collect everything held on the customer into a ComplianceRequest the
 *   merchant downloads (admin "Privacy requests" page).
 * - customers/redact: erase the customer's personal data everywhere; orders stay, anonymous, so
 *   shop totals do not change.
 * - shop/redact (48 h after uninstall): delete every row of the shop, in every table with a
 *   `shop` column, found from the Prisma schema so a new table cannot be forgotten.
 *
 * Runs in the delivery's SQL transaction (see sqlPool() in db.server.ts). Due date: Shopify gives
 * 30 days; we complete in the same job and record both dates.
 *
 * A feature that stores personal data adds its table to CUSTOMER_TABLES (what to export, how to
 * erase); tests/integration/workers/privacy.test.ts checks every table with a customerGid column is
 * listed.
 */
import { Prisma } from "@prisma/client";
import { db, type SqlClient } from "~/db.server";
import { toGid } from "~/lib/gid";
import { shopAuthenticatedAt } from "~/domains/shops/shops.repo.server";
import type { CustomerRedactPayload, DataRequestPayload } from "~/webhooks/payloads";

const COMPLIANCE_DAYS = 30;

/**
 * Who a request is about. `$1` shop, `$2` customer GIDs, `$3` email, `$4` order GIDs, `$5` numeric
 * customer id, `$6` phone digits (a guest may have given only a phone number at checkout).
 */
type Subject = { customerGids: string[]; email: string | null; orderGids: string[]; numericCustomerId: string | null; phoneDigits: string | null };
const subjectParams = (shop: string, s: Subject) => [shop, s.customerGids, s.email, s.orderGids, s.numericCustomerId, s.phoneDigits];
/** A phone number as digits only, so "555-625-1199" and "(555) 625 1199" match; null when too short to identify anyone. */
const phoneDigits = (phone: string | null | undefined) => {
  const digits = (phone ?? "").replace(/\D/g, "");
  return digits.length >= 7 ? digits : null;
};
const PHONE_DIGITS = (column: string) => `regexp_replace(${column}, '\\D', '', 'g')`;

/** Runs SQL written against the five subject parameters, passing only those it uses (Postgres refuses extras). */
function querySubject<R>(sql: SqlClient, text: string, params: unknown[]) {
  const used: number[] = [];
  const renumbered = text.replace(/\$(\d+)/g, (_, n: string) => {
    if (!used.includes(Number(n))) used.push(Number(n));
    return `$${used.indexOf(Number(n)) + 1}`;
  });
  return sql.query<R>(renumbered, used.map((n) => params[n - 1]));
}

/** Rows of a table that belong to the subject (SQL over the parameters above; alias `t`). */
const ABOUT_CUSTOMER = `t."shop" = $1 AND (t."customerGid" = ANY($2::text[]) OR ($3::text IS NOT NULL AND lower(t."email") = $3))`;
/** Tables that hold no email: the customer's rows by id alone. */
const BY_CUSTOMER_ID = `t."shop" = $1 AND t."customerGid" = ANY($2::text[])`;
/** Checkouts: also a guest's by the phone number they gave instead of an email. */
const CHECKOUT_ABOUT = `(${ABOUT_CUSTOMER} OR ($6::text IS NOT NULL AND t."customerGid" IS NULL AND ${PHONE_DIGITS('t."phone"')} = $6))`;
/**
 * Web pixel events of the customer: signed-in ones by id, and a guest's checkout step events by the
 * token of their checkouts and orders (those events carry no customer id).
 */
const PIXEL_ABOUT = `t."shop" = $1 AND (t."customerGid" = ANY($2::text[])
    OR t."checkoutToken" IN (SELECT t."token" FROM "Checkout" t WHERE ${CHECKOUT_ABOUT})
    OR t."checkoutToken" IN (SELECT t."checkoutToken" FROM "Order" t WHERE t."shop" = $1 AND t."orderGid" = ANY($4::text[])))`;

/**
 * Per-customer tables: how to select the subject's rows for an export, and how to erase them.
 * `erase` is SQL run with the subject parameters (null: the rows hold nothing personal).
 */
export const CUSTOMER_TABLES: { table: string; key: string; about: string; erase: string | null }[] = [
  {
    table: "Customer",
    key: "customers",
    about: ABOUT_CUSTOMER,
    erase: `DELETE FROM "Customer" t WHERE ${ABOUT_CUSTOMER}`,
  },
  {
    table: "Order",
    key: "orders",
    about: `t."shop" = $1 AND t."orderGid" = ANY($4::text[])`,
    // Orders stay (shop totals), without anything that identifies the buyer.
    erase: `UPDATE "Order" t SET "customerGid" = NULL, "email" = NULL, "userAgent" = NULL, "landingSite" = NULL,
              "referringSite" = NULL, "updatedAt" = now()
            WHERE t."shop" = $1 AND t."orderGid" = ANY($4::text[])`,
  },
  {
    table: "Refund",
    key: "refunds",
    about: `t."shop" = $1 AND t."orderGid" = ANY($4::text[])`,
    erase: null, // amounts only, nothing personal
  },
  {
    table: "PixelEvent",
    key: "pixelEvents",
    about: PIXEL_ABOUT,
    // The anonymous browser id ties the rest of that browser's visits to the person, so they go too
    // (the export keeps to the events tied to the customer or their checkouts: a shared browser's
    // other visitors are not theirs to receive). Before Checkout: it matches their checkouts.
    erase: `DELETE FROM "PixelEvent" t WHERE t."shop" = $1 AND t."clientId" IN (SELECT t."clientId" FROM "PixelEvent" t WHERE ${PIXEL_ABOUT})`,
  },
  {
    table: "Checkout",
    key: "checkouts",
    about: CHECKOUT_ABOUT,
    erase: `UPDATE "Checkout" t SET "customerGid" = NULL, "email" = NULL, "phone" = NULL, "landingSite" = NULL,
              "referringSite" = NULL, "updatedAt" = now()
            WHERE ${CHECKOUT_ABOUT}`,
  },
  // Storefront (issue 5). Ledger entries and redemptions go before their account.
  {
    table: "LoyaltyLedgerEntry",
    key: "loyaltyLedger",
    about: `t."shop" = $1 AND t."accountId" IN (SELECT t."id" FROM "LoyaltyAccount" t WHERE ${ABOUT_CUSTOMER})`,
    erase: `DELETE FROM "LoyaltyLedgerEntry" e WHERE e."shop" = $1 AND e."accountId" IN (SELECT t."id" FROM "LoyaltyAccount" t WHERE ${ABOUT_CUSTOMER})`,
  },
  {
    table: "LoyaltyRedemption",
    key: "loyaltyRedemptions",
    about: BY_CUSTOMER_ID,
    erase: `DELETE FROM "LoyaltyRedemption" t WHERE ${BY_CUSTOMER_ID}`,
  },
  {
    table: "LoyaltyAccount",
    key: "loyaltyAccounts",
    about: ABOUT_CUSTOMER,
    erase: `DELETE FROM "LoyaltyAccount" t WHERE ${ABOUT_CUSTOMER}`,
  },
  {
    table: "Review",
    key: "reviews",
    about: ABOUT_CUSTOMER,
    // The customer's reviews go; the product aggregates are recomputed without them in the same
    // statement (a data-modifying CTE's siblings see the old rows, hence the explicit exclusion),
    // and the reviews.sync-stale-ratings schedule rewrites the products' rating metafields.
    erase: `WITH gone AS (DELETE FROM "Review" t WHERE ${ABOUT_CUSTOMER} RETURNING t."id", t."shop", t."productGid"),
            fresh AS (
              SELECT r."shop", r."productGid", count(*)::int AS n, sum(r."rating")::int AS s,
                     ARRAY[count(*) FILTER (WHERE r."rating" = 1), count(*) FILTER (WHERE r."rating" = 2), count(*) FILTER (WHERE r."rating" = 3),
                           count(*) FILTER (WHERE r."rating" = 4), count(*) FILTER (WHERE r."rating" = 5)]::int[] AS h
              FROM "Review" r
              WHERE r."status" = 'PUBLISHED' AND r."id" NOT IN (SELECT "id" FROM gone)
                AND (r."shop", r."productGid") IN (SELECT "shop", "productGid" FROM gone)
              GROUP BY r."shop", r."productGid")
            UPDATE "ProductRating" pr
            SET "count" = coalesce(f.n, 0), "ratingSum" = coalesce(f.s, 0), "histogram" = coalesce(f.h, ARRAY[0, 0, 0, 0, 0]), "updatedAt" = now()
            FROM (SELECT DISTINCT "shop", "productGid" FROM gone) g LEFT JOIN fresh f ON f."shop" = g."shop" AND f."productGid" = g."productGid"
            WHERE pr."shop" = g."shop" AND pr."productGid" = g."productGid"`,
  },
  {
    table: "ReviewRequest",
    key: "reviewRequests",
    about: ABOUT_CUSTOMER,
    erase: `DELETE FROM "ReviewRequest" t WHERE ${ABOUT_CUSTOMER}`,
  },
  // Analytics (issue 3): profiles, stage and segment histories, sync state, checkout outcomes.
  {
    table: "CustomerProfile",
    key: "analyticsProfile",
    about: ABOUT_CUSTOMER,
    erase: `DELETE FROM "CustomerProfile" t WHERE ${ABOUT_CUSTOMER}`,
  },
  {
    table: "JourneyTransition",
    key: "journeyTransitions",
    about: BY_CUSTOMER_ID,
    erase: `DELETE FROM "JourneyTransition" t WHERE ${BY_CUSTOMER_ID}`,
  },
  {
    table: "SegmentMember",
    key: "segmentMemberships",
    about: BY_CUSTOMER_ID,
    // Segment sizes drop with the rows (daily sizes are counts only and stay).
    erase: `WITH gone AS (DELETE FROM "SegmentMember" t WHERE ${BY_CUSTOMER_ID} RETURNING t."segmentId")
            UPDATE "Segment" s SET "memberCount" = GREATEST(0, s."memberCount" - g.n)
            FROM (SELECT "segmentId", count(*)::int AS n FROM gone GROUP BY 1) g WHERE s."id" = g."segmentId"`,
  },
  {
    table: "SegmentMemberEvent",
    key: "segmentHistory",
    about: BY_CUSTOMER_ID,
    erase: `DELETE FROM "SegmentMemberEvent" t WHERE ${BY_CUSTOMER_ID}`,
  },
  {
    table: "SegmentSyncState",
    key: "segmentSyncState",
    about: BY_CUSTOMER_ID,
    erase: `DELETE FROM "SegmentSyncState" t WHERE ${BY_CUSTOMER_ID}`,
  },
  {
    table: "CheckoutOutcome",
    key: "checkoutOutcomes",
    // buyerKey is the lower-case email (or the customer GID) recovery was attributed by.
    about: `t."shop" = $1 AND (t."customerGid" = ANY($2::text[]) OR t."buyerKey" = ANY($2::text[]) OR ($3::text IS NOT NULL AND t."buyerKey" = $3))`,
    erase: `UPDATE "CheckoutOutcome" t SET "customerGid" = NULL, "buyerKey" = NULL, "landingPage" = '(none)', "source" = 'direct'
            WHERE t."shop" = $1 AND (t."customerGid" = ANY($2::text[]) OR t."buyerKey" = ANY($2::text[]) OR ($3::text IS NOT NULL AND t."buyerKey" = $3))`,
  },
];

/** Raw deliveries that mention the subject: by the worker's customerGid, or by the payload itself. */
const DELIVERIES_ABOUT = `t."shop" = $1 AND (
       t."customerGid" = ANY($2::text[])
    OR t."payload"->'customer'->>'admin_graphql_api_id' = ANY($2::text[])
    OR t."payload"->'customer'->>'id' = $5::text
    OR lower(t."payload"->>'email') = $3
    OR lower(t."payload"->>'contact_email') = $3
    OR lower(t."payload"->'customer'->>'email') = $3
    OR t."payload"->>'admin_graphql_api_id' = ANY($4::text[])
    OR ('gid://shopify/Order/' || (t."payload"->>'order_id')) = ANY($4::text[])
    OR ($6::text IS NOT NULL AND json_typeof(t."payload"->'customer') IS DISTINCT FROM 'object' AND ${PHONE_DIGITS(`t."payload"->>'phone'`)} = $6))`;

/** Resolves who the request is about: the customer's GID, stored customers with the same email, their orders. */
async function resolveSubject(sql: SqlClient, shop: string, customer: { id?: string | null; email?: string | null; phone?: string | null }, orderIds: string[]): Promise<Subject> {
  const email = customer.email?.toLowerCase() ?? null;
  const gids = new Set<string>(customer.id ? [toGid("Customer", customer.id)] : []);
  if (email) {
    const rows = await sql.query<{ customerGid: string }>(`SELECT "customerGid" FROM "Customer" WHERE "shop" = $1 AND lower("email") = $2`, [shop, email]);
    for (const r of rows) gids.add(r.customerGid);
  }
  const orderGids = new Set(orderIds.map((id) => toGid("Order", id)));
  const orders = await sql.query<{ orderGid: string }>(
    `SELECT "orderGid" FROM "Order" WHERE "shop" = $1 AND ("customerGid" = ANY($2::text[]) OR ($3::text IS NOT NULL AND lower("email") = $3))`,
    [shop, [...gids], email],
  );
  for (const o of orders) orderGids.add(o.orderGid);
  return { customerGids: [...gids], email, orderGids: [...orderGids], numericCustomerId: customer.id ?? null, phoneDigits: phoneDigits(customer.phone) };
}

/**
 * Everything held on the subject as one JSON document, built by Postgres (json_agg keeps ids and
 * amounts exact). Order and checkout line items ride along with their parent rows.
 */
async function collect(sql: SqlClient, shop: string, s: Subject): Promise<string> {
  const withLines: Record<string, string> = {
    Order: `(SELECT COALESCE(json_agg(li), '[]') FROM "OrderLineItem" li WHERE li."orderId" = t."id")`,
    Checkout: `(SELECT COALESCE(json_agg(li), '[]') FROM "CheckoutLineItem" li WHERE li."checkoutId" = t."id")`,
  };
  const parts = CUSTOMER_TABLES.map(({ table, key, about }) => {
    const row = withLines[table] ? `to_jsonb(t) || jsonb_build_object('lineItems', ${withLines[table]})` : `to_jsonb(t)`;
    return `'${key}', (SELECT COALESCE(jsonb_agg(${row}), '[]') FROM "${table}" t WHERE ${about})`;
  });
  parts.push(`'webhookDeliveries', (SELECT COALESCE(jsonb_agg(jsonb_build_object('topic', t."topic", 'receivedAt', t."receivedAt", 'payload', t."payload") ORDER BY t."receivedAt"), '[]')
                FROM "WebhookEvent" t WHERE ${DELIVERIES_ABOUT} AND t."payload" IS NOT NULL)`);
  const rows = await querySubject<{ data: string }>(sql, `SELECT jsonb_build_object(${parts.join(",\n")})::text AS data`, subjectParams(shop, s));
  return rows[0]!.data;
}

function dueDate(from: Date) {
  return new Date(from.getTime() + COMPLIANCE_DAYS * 24 * 3600 * 1000);
}

async function recordRequest(
  sql: SqlClient,
  r: { shop: string; topic: string; webhookEventId: bigint; customerGid: string | null; customerEmail: string | null; dataRequestId: string | null; receivedAt: Date; exportJson: string | null },
) {
  await sql.query(
    `INSERT INTO "ComplianceRequest" ("shop", "topic", "webhookEventId", "customerGid", "customerEmail", "dataRequestId", "receivedAt", "dueAt", "completedAt", "export")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9::jsonb)
     ON CONFLICT ("webhookEventId") DO UPDATE SET "completedAt" = now(), "export" = EXCLUDED."export"`,
    [r.shop, r.topic, r.webhookEventId, r.customerGid, r.customerEmail, r.dataRequestId, r.receivedAt, dueDate(r.receivedAt), r.exportJson],
  );
}

/** customers/data_request. Idempotent by the delivery id (ComplianceRequest.webhookEventId). */
export async function exportCustomerData(sql: SqlClient, shop: string, payload: DataRequestPayload, webhookEventId: bigint, receivedAt: Date) {
  const subject = await resolveSubject(sql, shop, payload.customer, payload.orders_requested);
  const data = await collect(sql, shop, subject);
  const document = JSON.stringify({ generatedAt: new Date().toISOString(), shop, customer: payload.customer }).slice(0, -1) + "," + data.slice(1);
  await recordRequest(sql, {
    shop,
    topic: "customers/data_request",
    webhookEventId,
    customerGid: subject.customerGids[0] ?? null,
    customerEmail: subject.email,
    dataRequestId: payload.data_request?.id ?? null,
    receivedAt,
    exportJson: document,
  });
  return { outcome: "EXPORTED" as const, customerGid: subject.customerGids[0] ?? null };
}

/** customers/redact. Idempotent: a second run finds nothing left to erase. */
export async function redactCustomer(sql: SqlClient, shop: string, payload: CustomerRedactPayload, webhookEventId: bigint, receivedAt: Date) {
  const s = await resolveSubject(sql, shop, payload.customer, payload.orders_to_redact);
  const params = subjectParams(shop, s);
  for (const { erase } of CUSTOMER_TABLES) if (erase) await querySubject(sql, erase, params);
  await querySubject(sql, `UPDATE "WebhookEvent" t SET "payload" = NULL, "rawBody" = NULL, "customerGid" = NULL, "redactedAt" = now() WHERE ${DELIVERIES_ABOUT}`, params);
  // Earlier data-request exports of this customer are copies of the same data.
  await sql.query(
    `UPDATE "ComplianceRequest" SET "export" = NULL, "customerEmail" = NULL
     WHERE "shop" = $1 AND ("customerGid" = ANY($2::text[]) OR ($3::text IS NOT NULL AND lower("customerEmail") = $3))`,
    [shop, s.customerGids, s.email],
  );
  await recordRequest(sql, {
    shop,
    topic: "customers/redact",
    webhookEventId,
    customerGid: s.customerGids[0] ?? null,
    customerEmail: null,
    dataRequestId: null,
    receivedAt,
    exportJson: null,
  });
  return { outcome: "REDACTED" as const };
}

/** Prisma models that hold a `shop` column, children (models with a foreign key) first. */
export function tenantTables(): string[] {
  const models = Prisma.dmmf.datamodel.models.filter((m) => m.fields.some((f) => f.name === "shop"));
  const isChild = (m: (typeof models)[number]) => m.fields.some((f) => f.relationFromFields && f.relationFromFields.length > 0);
  return [...models.filter(isChild), ...models.filter((m) => !isChild(m))].map((m) => m.dbName ?? m.name);
}

/** Shopify sends shop/redact this long after the uninstall it follows. */
const SHOP_REDACT_DELAY_MS = 48 * 3_600_000;

/**
 * shop/redact: every row of the shop, in every tenant table, sessions and raw deliveries included.
 * Not when Shopify has authenticated the app for the shop since the uninstall this request follows
 * (triggered 48 hours after it): the merchant came back, and erasing now would wipe a live install,
 * its sessions and its shoppers' points. Logged as SHOP_REINSTALLED on the delivery.
 */
export async function redactShop(sql: SqlClient, shop: string, triggeredAt: Date) {
  const authenticatedAt = await shopAuthenticatedAt(sql, shop);
  if (authenticatedAt && authenticatedAt.getTime() > triggeredAt.getTime() - SHOP_REDACT_DELAY_MS) return { outcome: "SHOP_REINSTALLED" as const, rows: 0 };
  let rows = 0;
  for (const table of tenantTables()) {
    const [deleted] = await sql.query<{ n: bigint }>(`WITH d AS (DELETE FROM "${table}" WHERE "shop" = $1 RETURNING 1) SELECT count(*) AS n FROM d`, [shop]);
    rows += Number(deleted!.n);
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
