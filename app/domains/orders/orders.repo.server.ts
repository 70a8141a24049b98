/**
 * Order and refund writes of the delivery path, in plain SQL on the delivery's transaction (see
 * sqlPool() in db.server.ts). The conditional upsert is the out-of-order guard: a payload older
 * than the stored one updates nothing, and ON CONFLICT's row lock orders concurrent deliveries.
 */
import type { SqlClient } from "~/db.server";
import type { LineItemRow, OrderRow, RefundRow } from "~/domains/orders/order-mapping";

const ORDER_COLUMNS = [
  "orderGid", "name", "orderNumber", "customerGid", "email", "currency", "presentmentCurrency", "lineItemsMinor",
  "discountsMinor", "subtotalMinor", "taxesIncluded", "lineItemsTaxMinor", "taxMinor", "shippingMinor", "totalMinor", "financialStatus", "fulfillmentStatus",
  "fulfilledAt", "cancelledAt", "cancelReason", "closedAt", "test", "buyerAcceptsMarketing", "tags", "processedAt",
  "shopifyCreatedAt", "checkoutToken", "cartToken", "sourceName", "landingSite", "referringSite", "userAgent", "sourceUpdatedAt",
] as const satisfies readonly (keyof OrderRow)[];

const LINE_COLUMNS = ["lineItemGid", "productGid", "variantGid", "title", "variantTitle", "sku", "quantity", "priceMinor", "discountMinor"] as const satisfies readonly (keyof LineItemRow)[];

const quoted = (cols: readonly string[]) => cols.map((c) => `"${c}"`).join(", ");
const placeholders = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => `$${offset + i + 1}`).join(", ");

/**
 * Fields the history import does not carry (Admin GraphQL's Order has no checkout or cart token,
 * landing or referring site, user agent; its email may be empty where the webhook had the contact
 * email) keep what a webhook stored when the newer payload has none: the import applies when its
 * updated_at equals the stored one, and replaced them with nulls (the checkout token is what links
 * a recovery to its order). None of them is ever withdrawn from an order.
 */
const KEEP_IF_NEW_IS_NULL = new Set<(typeof ORDER_COLUMNS)[number]>(["checkoutToken", "cartToken", "landingSite", "referringSite", "userAgent", "sourceName", "email"]);
const mergeOrderColumn = (c: (typeof ORDER_COLUMNS)[number]) => (KEEP_IF_NEW_IS_NULL.has(c) ? `COALESCE(EXCLUDED."${c}", "Order"."${c}")` : `EXCLUDED."${c}"`);

/**
 * Writes the order and replaces its line items, unless a newer version of the order is stored.
 * Equal timestamps re-apply the same state: harmless.
 */
export async function upsertOrder(sql: SqlClient, shop: string, order: OrderRow, lineItems: LineItemRow[]): Promise<"APPLIED" | "STALE"> {
  const rows = await sql.query<{ id: bigint }>(
    `INSERT INTO "Order" ("shop", ${quoted(ORDER_COLUMNS)}, "updatedAt")
     VALUES ($1, ${placeholders(ORDER_COLUMNS.length, 1)}, now())
     ON CONFLICT ("shop", "orderGid") DO UPDATE SET
       ${ORDER_COLUMNS.filter((c) => c !== "orderGid").map((c) => `"${c}" = ${mergeOrderColumn(c)}`).join(", ")}, "updatedAt" = now()
     WHERE "Order"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt"
     RETURNING "id"`,
    [shop, ...ORDER_COLUMNS.map((c) => order[c])],
  );
  const saved = rows[0];
  if (!saved) return "STALE";
  await sql.query(`DELETE FROM "OrderLineItem" WHERE "orderId" = $1`, [saved.id]);
  if (lineItems.length) {
    const width = LINE_COLUMNS.length + 2;
    await sql.query(
      `INSERT INTO "OrderLineItem" ("shop", "orderId", ${quoted(LINE_COLUMNS)})
       VALUES ${lineItems.map((_, i) => `(${placeholders(width, i * width)})`).join(", ")}
       ON CONFLICT ("shop", "lineItemGid") DO UPDATE SET "orderId" = EXCLUDED."orderId"`,
      lineItems.flatMap((li) => [shop, saved.id, ...LINE_COLUMNS.map((c) => li[c])]),
    );
  }
  return "APPLIED";
}

/** A refund never changes once created: the first writer wins, any repeat is a no-op. */
export async function upsertRefund(sql: SqlClient, shop: string, r: RefundRow) {
  await sql.query(
    `INSERT INTO "Refund" ("shop", "refundGid", "orderGid", "currency", "subtotalMinor", "taxMinor", "shippingMinor", "totalMinor", "processedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT ("shop", "refundGid") DO NOTHING`,
    [shop, r.refundGid, r.orderGid, r.currency, r.subtotalMinor, r.taxMinor, r.shippingMinor, r.totalMinor, r.processedAt],
  );
}

/** Links a checkout to the order that completed it (either may arrive first). */
export async function linkCheckoutToOrder(sql: SqlClient, shop: string, checkoutToken: string, orderGid: string, completedAt: Date) {
  await sql.query(
    `UPDATE "Checkout" SET "orderGid" = COALESCE("orderGid", $3), "completedAt" = COALESCE("completedAt", $4), "updatedAt" = now()
     WHERE "shop" = $1 AND "token" = $2 AND ("orderGid" IS NULL OR "completedAt" IS NULL)`,
    [shop, checkoutToken, orderGid, completedAt],
  );
}

export async function findOrderByCheckoutToken(sql: SqlClient, shop: string, checkoutToken: string) {
  const rows = await sql.query<{ orderGid: string; processedAt: Date }>(
    `SELECT "orderGid", "processedAt" FROM "Order" WHERE "shop" = $1 AND "checkoutToken" = $2 ORDER BY "processedAt" LIMIT 1`,
    [shop, checkoutToken],
  );
  return rows[0] ?? null;
}

/**
 * The buyer's order (by customer, else lower-case email) processed nearest to `at`, within
 * `toleranceSeconds` either side; null when there is none.
 */
export async function findBuyerOrderAt(sql: SqlClient, shop: string, buyer: { customerGid: string | null; email: string | null }, at: Date, toleranceSeconds: number) {
  if (!buyer.customerGid && !buyer.email) return null;
  const rows = await sql.query<{ orderGid: string; processedAt: Date }>(
    `SELECT "orderGid", "processedAt" FROM "Order"
     WHERE "shop" = $1 AND ("customerGid" = $2 OR ($2::text IS NULL AND lower("email") = $3))
       AND "processedAt" BETWEEN $4::timestamp(3) - make_interval(secs => $5) AND $4::timestamp(3) + make_interval(secs => $5)
     ORDER BY abs(extract(epoch FROM ("processedAt" - $4::timestamp(3)))), "orderGid" LIMIT 1`,
    [shop, buyer.customerGid, buyer.email?.toLowerCase() ?? null, at, toleranceSeconds],
  );
  return rows[0] ?? null;
}

export async function findOrderCustomerGid(sql: SqlClient, shop: string, orderGid: string): Promise<string | null> {
  const rows = await sql.query<{ customerGid: string | null }>(`SELECT "customerGid" FROM "Order" WHERE "shop" = $1 AND "orderGid" = $2`, [shop, orderGid]);
  return rows[0]?.customerGid ?? null;
}
