/**
 * Shop lifecycle: install, uninstall, scope changes. Privacy (data requests and redaction) is in
 * privacy.server.ts.
 */
import type { Db, SqlClient } from "~/db.server";
import { adminQuery, type AdminGraphql } from "~/shopify/admin.server";
import { ShopDetails } from "~/shopify/operations/ShopDetails";
import {
  countShopData,
  findShop,
  getOrCreateShop,
  listInstalledShopDomains,
  markShopUninstalled,
  rememberShopCurrency,
  shopAuthenticatedAt,
  shopCurrency,
  type ShopFacts,
  updateShopDetails,
  updateShopScopes,
  upsertInstalledShop,
} from "~/domains/shops/shops.repo.server";

export { findShop as getShop, listInstalledShopDomains, rememberShopCurrency, shopCurrency };

/** How much the app holds for the shop (home page). */
export async function getShopDataSummary(shop: string) {
  return countShopData(shop);
}

/** afterAuth (and the demo seeder): the shop is installed, or installed again. Idempotent by shop. */
/** Records an install or a re-authentication; true for a new install (first, or after an uninstall). */
export async function recordInstall(input: { shop: string; scopes: string | null }, tx?: Db): Promise<boolean> {
  return upsertInstalledShop(input.shop, input.scopes, tx);
}

type ShopDetailsResult = { shop: { name: string; email: string | null; currencyCode: string; ianaTimezone: string } };

/**
 * Reads the shop's name, currency and timezone from the Admin API (afterAuth): reports count days
 * in the shop's timezone and money in its currency. Idempotent: overwrites with current values.
 */
export async function syncShopDetails(shop: string, admin: AdminGraphql) {
  const { shop: details } = await adminQuery<ShopDetailsResult>(admin, ShopDetails);
  await updateShopDetails(shop, { name: details.name, email: details.email, currency: details.currencyCode, ianaTimezone: details.ianaTimezone });
  return details;
}

export type ShopState = "installed" | "uninstalled";

/**
 * Install state for a delivery. A shop we have never seen is treated as installed (Shopify only
 * delivers to installed apps; the delivery can beat afterAuth) and its row is created.
 */
export async function getShopStateForDelivery(sql: SqlClient, shop: string): Promise<ShopState> {
  const row = await getOrCreateShop(sql, shop);
  return row.uninstalledAt ? "uninstalled" : "installed";
}

/**
 * app/uninstalled: remove the shop's sessions (its tokens are dead) and mark it uninstalled; its
 * data stays until shop/redact, 48 hours later, in case the merchant reinstalls.
 * Idempotent: a repeat delivery finds no sessions and marks it again. STALE when Shopify
 * authenticated the app after the uninstall was triggered: the merchant reinstalled, and this
 * delivery (retried, or late from a backlog) would log the new install out and skip its data.
 */
export async function recordUninstall(sql: SqlClient, shop: string, details: ShopFacts, triggeredAt: Date): Promise<"UNINSTALLED" | "STALE"> {
  const authenticatedAt = await shopAuthenticatedAt(sql, shop);
  if (authenticatedAt && authenticatedAt > triggeredAt) return "STALE";
  await markShopUninstalled(sql, shop, details);
  return "UNINSTALLED";
}

/** app/scopes_update: the merchant approved a new set of scopes. Idempotent by value. */
export async function recordScopesUpdate(sql: SqlClient, shop: string, scopes: string[]): Promise<"SCOPES_UPDATED"> {
  await updateShopScopes(sql, shop, scopes.join(","));
  return "SCOPES_UPDATED";
}
