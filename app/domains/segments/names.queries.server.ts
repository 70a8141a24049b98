/**
 * Display names of a few customers at once, for admin lists that only carry GIDs (recovered
 * checkouts). Read-only, over the materialized CustomerProfile, by its primary key. Written by the
 * admin pages (issue 4); the analytics facades have no such read yet.
 */
import { sqlPool } from "~/db.server";

export type CustomerName = { displayName: string | null; email: string | null };

export async function customerNames(shop: string, customerGids: string[]): Promise<Map<string, CustomerName>> {
  const gids = [...new Set(customerGids)].slice(0, 500);
  if (!gids.length) return new Map();
  const { rows } = await sqlPool().query<{ customerGid: string; displayName: string | null; email: string | null }>(
    `SELECT "customerGid", "displayName", email FROM "CustomerProfile" WHERE shop = $1 AND "customerGid" = ANY($2::text[])`,
    [shop, gids],
  );
  return new Map(rows.map((r) => [r.customerGid, { displayName: r.displayName, email: r.email }]));
}
