/**
 * Checkout writes of the delivery path, in plain SQL on the delivery's transaction (see sqlPool()
 * in db.server.ts). Fields set by others (the completing order, a deletion) are never cleared by a
 * later payload; a payload older than the stored one updates nothing but the furthest step.
 */
import type { SqlClient } from "~/db.server";
import type { CheckoutLineRow, CheckoutRow } from "~/domains/checkouts/checkout-mapping";

const COLUMNS = [
  "token", "checkoutId", "cartToken", "customerGid", "email", "phone", "hasContact", "stepReached", "currency", "presentmentCurrency",
  "subtotalMinor", "totalMinor", "sourceName", "source", "landingSite", "referringSite", "deviceId", "customerLocale",
  "shopifyCreatedAt", "sourceUpdatedAt", "lastOpenActivityAt", "completedAt", "closedAt", "orderGid", "imported",
] as const satisfies readonly (keyof (CheckoutRow & { orderGid: string | null }))[];

/**
 * How an update merges a column with the stored row; by default the newer payload wins. Set by
 * others (the completing order): never cleared by a later payload. The furthest step reached: a
 * buyer going back to change an address does not undo it. The last activity while open: the
 * latest of the open payloads' updated_at (the completing payload, which carries none, keeps it).
 *
 * Fields the history import does not carry (Admin GraphQL's AbandonedCheckout has no token, cart
 * token, channel, traffic source, device or locale, and a guest's email only through a customer it
 * lacks) keep what a webhook stored: the import's payload applies when its updated_at equals the
 * stored one, and replaced them with nulls. None of them is ever withdrawn from a checkout, and
 * contact information once given stays given (as the furthest step does).
 */
const keepIfNewIsNull = (c: string) => `COALESCE(EXCLUDED."${c}", "Checkout"."${c}")`;
const MERGE: Partial<Record<(typeof COLUMNS)[number], (column: string) => string>> = {
  completedAt: keepIfNewIsNull,
  orderGid: keepIfNewIsNull,
  stepReached: (c) => `GREATEST(EXCLUDED."${c}", "Checkout"."${c}")`,
  lastOpenActivityAt: (c) => `GREATEST(EXCLUDED."${c}", "Checkout"."${c}")`,
  checkoutId: keepIfNewIsNull,
  cartToken: keepIfNewIsNull,
  email: keepIfNewIsNull,
  phone: keepIfNewIsNull,
  hasContact: (c) => `(EXCLUDED."${c}" OR "Checkout"."${c}")`,
  sourceName: keepIfNewIsNull,
  source: keepIfNewIsNull,
  landingSite: keepIfNewIsNull,
  referringSite: keepIfNewIsNull,
  deviceId: keepIfNewIsNull,
  customerLocale: keepIfNewIsNull,
  // Imported only while no webhook delivered it, whichever came first.
  imported: (c) => `(EXCLUDED."${c}" AND "Checkout"."${c}")`,
};
const LINE_COLUMNS = ["position", "productGid", "variantGid", "title", "variantTitle", "sku", "quantity", "priceMinor"] as const satisfies readonly (keyof CheckoutLineRow)[];

const quoted = (cols: readonly string[]) => cols.map((c) => `"${c}"`).join(", ");
const placeholders = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => `$${offset + i + 1}`).join(", ");

export async function upsertCheckout(
  sql: SqlClient,
  shop: string,
  checkout: CheckoutRow & { orderGid: string | null },
  lineItems: CheckoutLineRow[],
): Promise<"APPLIED" | "STALE"> {
  const set = COLUMNS.filter((c) => c !== "token")
    .map((c) => `"${c}" = ${MERGE[c]?.(c) ?? `EXCLUDED."${c}"`}`)
    .join(", ");
  const rows = await sql.query<{ id: bigint }>(
    `INSERT INTO "Checkout" ("shop", ${quoted(COLUMNS)}, "updatedAt")
     VALUES ($1, ${placeholders(COLUMNS.length, 1)}, now())
     ON CONFLICT ("shop", "token") DO UPDATE SET ${set}, "updatedAt" = now()
     WHERE "Checkout"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt"
     RETURNING "id"`,
    [shop, ...COLUMNS.map((c) => checkout[c])],
  );
  const saved = rows[0];
  if (!saved) {
    // Stale: nothing else changes, but the step this payload shows was reached (when the buyer went
    // back, the newer, lower payload may have arrived first), an open payload is activity
    // (delivered after the completing one, it still happened before the completion), and a
    // webhook saw the checkout.
    await sql.query(
      `UPDATE "Checkout" SET "stepReached" = GREATEST("stepReached", $3), "lastOpenActivityAt" = GREATEST("lastOpenActivityAt", $4::timestamp(3)),
         "imported" = "imported" AND $5, "updatedAt" = now()
       WHERE "shop" = $1 AND "token" = $2
         AND ("stepReached" < $3 OR "lastOpenActivityAt" IS DISTINCT FROM GREATEST("lastOpenActivityAt", $4::timestamp(3)) OR ("imported" AND NOT $5))`,
      [shop, checkout.token, checkout.stepReached, checkout.lastOpenActivityAt, checkout.imported],
    );
    return "STALE";
  }
  await sql.query(`DELETE FROM "CheckoutLineItem" WHERE "checkoutId" = $1`, [saved.id]);
  if (lineItems.length) {
    const width = LINE_COLUMNS.length + 2;
    await sql.query(
      `INSERT INTO "CheckoutLineItem" ("shop", "checkoutId", ${quoted(LINE_COLUMNS)})
       VALUES ${lineItems.map((_, i) => `(${placeholders(width, i * width)})`).join(", ")}`,
      lineItems.flatMap((li) => [shop, saved.id, ...LINE_COLUMNS.map((c) => li[c])]),
    );
  }
  return "APPLIED";
}

/** checkouts/delete: matched by numeric id or token, else by cart token. Returns how many rows it marked. */
export async function markCheckoutDeleted(sql: SqlClient, shop: string, ref: { checkoutId: string; token: string | null; cartToken: string | null }, at: Date) {
  let rows = await sql.query(
    `UPDATE "Checkout" SET "deletedAt" = $4, "updatedAt" = now() WHERE "shop" = $1 AND ("checkoutId" = $2 OR "token" = $3) RETURNING "id"`,
    [shop, ref.checkoutId, ref.token, at],
  );
  if (rows.length === 0 && ref.cartToken) {
    rows = await sql.query(
      `UPDATE "Checkout" SET "deletedAt" = $3, "updatedAt" = now() WHERE "shop" = $1 AND "cartToken" = $2 AND "completedAt" IS NULL RETURNING "id"`,
      [shop, ref.cartToken, at],
    );
  }
  return rows.length;
}
