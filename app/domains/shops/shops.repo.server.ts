import { db, type Db, type SqlClient } from "~/db.server";

/** Marks the shop installed; true when it was not a moment ago (first install or reinstall). */
export async function upsertInstalledShop(shop: string, scopes: string | null, tx: Db = db()): Promise<boolean> {
  const before = await tx.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } });
  await tx.shop.upsert({
    where: { shop },
    create: { shop, scopes, authenticatedAt: new Date() },
    update: { uninstalledAt: null, installedAt: new Date(), authenticatedAt: new Date(), ...(scopes ? { scopes } : {}) },
  });
  return !before || before.uninstalledAt !== null;
}

// Delivery-path writes below are plain SQL on the delivery's transaction (see sqlPool() in db.server.ts).

/**
 * The shop's install state, creating the row for a shop we have not seen yet (an install in
 * flight). INSERT … ON CONFLICT, not an upsert that selects first: a new shop's first deliveries
 * arrive together and would collide on the key.
 */
export async function getOrCreateShop(sql: SqlClient, shop: string) {
  await sql.query(`INSERT INTO "Shop" ("shop", "updatedAt") VALUES ($1, now()) ON CONFLICT ("shop") DO NOTHING`, [shop]);
  const rows = await sql.query<{ uninstalledAt: Date | null; currency: string | null }>(`SELECT "uninstalledAt", "currency" FROM "Shop" WHERE "shop" = $1`, [shop]);
  return rows[0]!;
}

export type ShopFacts = { name?: string | null; email?: string | null; currency?: string | null; ianaTimezone?: string | null };

/** When Shopify last authenticated the app for the shop (null: never, or not since this column exists). */
export async function shopAuthenticatedAt(sql: SqlClient, shop: string): Promise<Date | null> {
  const rows = await sql.query<{ authenticatedAt: Date | null }>(`SELECT "authenticatedAt" FROM "Shop" WHERE "shop" = $1 AND "uninstalledAt" IS NULL`, [shop]);
  return rows[0]?.authenticatedAt ?? null;
}

/** Marks the shop uninstalled (keeping facts the payload adds) and removes its sessions: its tokens are dead. */
export async function markShopUninstalled(sql: SqlClient, shop: string, d: ShopFacts) {
  await sql.query(
    `INSERT INTO "Shop" ("shop", "uninstalledAt", "name", "email", "currency", "ianaTimezone", "updatedAt")
     VALUES ($1, now(), $2, $3, $4, $5, now())
     ON CONFLICT ("shop") DO UPDATE SET "uninstalledAt" = now(),
       "name" = COALESCE(EXCLUDED."name", "Shop"."name"), "email" = COALESCE(EXCLUDED."email", "Shop"."email"),
       "currency" = COALESCE(EXCLUDED."currency", "Shop"."currency"),
       "ianaTimezone" = COALESCE(EXCLUDED."ianaTimezone", "Shop"."ianaTimezone"), "updatedAt" = now()`,
    [shop, d.name ?? null, d.email ?? null, d.currency ?? null, d.ianaTimezone ?? null],
  );
  await sql.query(`DELETE FROM "Session" WHERE "shop" = $1`, [shop]);
}

export async function updateShopScopes(sql: SqlClient, shop: string, scopes: string) {
  await sql.query(
    `INSERT INTO "Shop" ("shop", "scopes", "updatedAt") VALUES ($1, $2, now())
     ON CONFLICT ("shop") DO UPDATE SET "scopes" = EXCLUDED."scopes", "updatedAt" = now()`,
    [shop, scopes],
  );
  await sql.query(`UPDATE "Session" SET "scope" = $2 WHERE "shop" = $1`, [shop, scopes]);
}

/** Remembers the shop currency the first time a payload tells us (orders carry it in shop_money). */
export async function rememberShopCurrency(sql: SqlClient, shop: string, currency: string) {
  await sql.query(`UPDATE "Shop" SET "currency" = $2, "updatedAt" = now() WHERE "shop" = $1 AND "currency" IS NULL`, [shop, currency]);
}

export async function shopCurrency(sql: SqlClient, shop: string): Promise<string | null> {
  const rows = await sql.query<{ currency: string | null }>(`SELECT "currency" FROM "Shop" WHERE "shop" = $1`, [shop]);
  return rows[0]?.currency ?? null;
}

/** A page of installed shops' domains in domain order, after `after` (keyset paging for fan-outs). */
export async function listInstalledShopDomains(after: string | null, take: number, tx: Db = db()): Promise<string[]> {
  const rows = await tx.shop.findMany({
    where: { uninstalledAt: null, ...(after ? { shop: { gt: after } } : {}) },
    select: { shop: true },
    orderBy: { shop: "asc" },
    take,
  });
  return rows.map((r) => r.shop);
}

export async function findShop(shop: string, tx: Db = db()) {
  return tx.shop.findUnique({ where: { shop } });
}

export async function countShopData(shop: string, tx: Db = db()) {
  const [customers, orders, checkouts, refunds] = await Promise.all([
    tx.customer.count({ where: { shop, deletedAt: null } }),
    tx.order.count({ where: { shop } }),
    tx.checkout.count({ where: { shop } }),
    tx.refund.count({ where: { shop } }),
  ]);
  return { customers, orders, checkouts, refunds };
}

export async function updateShopDetails(
  shop: string,
  details: { name: string; email: string | null; currency: string; ianaTimezone: string },
  tx: Db = db(),
) {
  await tx.shop.upsert({ where: { shop }, create: { shop, ...details }, update: details });
}
