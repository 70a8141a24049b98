import { db, type Db } from "~/db.server";

export async function upsertInstalledShop(shop: string, scopes: string | null, tx: Db = db()) {
  await tx.shop.upsert({
    where: { shop },
    create: { shop, scopes },
    update: { uninstalledAt: null, installedAt: new Date(), ...(scopes ? { scopes } : {}) },
  });
}

/**
 * The shop's install state, creating the row for a shop we have not seen yet (an install in
 * flight). INSERT … ON CONFLICT, not Prisma's upsert: a new shop's first deliveries arrive
 * together, and Prisma's select-then-insert lets two of them collide on the key.
 */
export async function getOrCreateShop(tx: Db, shop: string) {
  await tx.$executeRaw`INSERT INTO "Shop" ("shop", "updatedAt") VALUES (${shop}, now()) ON CONFLICT ("shop") DO NOTHING`;
  return tx.shop.findUniqueOrThrow({ where: { shop }, select: { shop: true, uninstalledAt: true, currency: true } });
}

export async function markShopUninstalled(
  tx: Db,
  shop: string,
  details: { name?: string | null; email?: string | null; currency?: string | null; ianaTimezone?: string | null },
) {
  const data = {
    uninstalledAt: new Date(),
    ...(details.name ? { name: details.name } : {}),
    ...(details.email ? { email: details.email } : {}),
    ...(details.currency ? { currency: details.currency } : {}),
    ...(details.ianaTimezone ? { ianaTimezone: details.ianaTimezone } : {}),
  };
  await tx.shop.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  const { count } = await tx.session.deleteMany({ where: { shop } });
  return count;
}

export async function updateShopScopes(tx: Db, shop: string, scopes: string) {
  await tx.shop.upsert({ where: { shop }, create: { shop, scopes }, update: { scopes } });
  await tx.session.updateMany({ where: { shop }, data: { scope: scopes } });
}

/** Remembers the shop currency the first time a payload tells us (orders carry it in shop_money). */
export async function rememberShopCurrency(tx: Db, shop: string, currency: string) {
  await tx.shop.updateMany({ where: { shop, currency: null }, data: { currency } });
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
