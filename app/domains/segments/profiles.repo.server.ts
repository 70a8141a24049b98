/**
 * Reads of customer profiles for explanations, search and the report: indexed lookups on the
 * materialized tables (and a customer's own orders, by the (shop, customerGid) index).
 */
import type { Prisma } from "@prisma/client";
import { db } from "~/db.server";
import { join, raw, render, sql, type Sql } from "~/lib/sql";
import { netSpendSql, orderExclusionSql, refundedSql, spendExclusionSql, type OrderExclusionReason, type SpendExclusionReason } from "~/domains/segments/facts";

export type ProfileRow = Prisma.CustomerProfileGetPayload<object>;

export async function findProfile(shop: string, customerGid: string): Promise<ProfileRow | null> {
  return db().customerProfile.findUnique({ where: { shop_customerGid: { shop, customerGid } } });
}

export async function findProfilesByEmail(shop: string, email: string) {
  return db().customerProfile.findMany({ where: { shop, email: email.toLowerCase() }, take: 20 });
}

export type CustomerOrderRow = {
  orderGid: string;
  name: string | null;
  processedAt: Date;
  currency: string;
  subtotalMinor: bigint;
  refundedMinor: bigint;
  totalMinor: bigint;
  /** The order's net spend as M and amount spent count it (facts.ts), in its currency. */
  netMinor: bigint;
  /** Why it does not count at all (null: it counts). */
  excludedBecause: OrderExclusionReason | null;
  /** Why, counting for R and F, it adds nothing to spend (null: it adds netMinor). */
  spendExcludedBecause: SpendExclusionReason | null;
};

/**
 * A customer's orders with why each does (not) count, newest first. `currency` is the one spend
 * was summed in (the profile's), so the figures read as M and amount spent count them.
 */
export async function listCustomerOrders(shop: string, customerGid: string, currency: string, limit = 50): Promise<CustomerOrderRow[]> {
  const refunds = refundedSql("o", shop, "lookup");
  const excluded = orderExclusionSql("o", refunds.value);
  return db().$queryRawUnsafe<CustomerOrderRow[]>(
    ...render(sql`SELECT o."orderGid", o.name, o."processedAt", o.currency, o."subtotalMinor", ${refunds.value}::bigint AS "refundedMinor", o."totalMinor",
      ${netSpendSql("o", refunds)}::bigint AS "netMinor", ${excluded} AS "excludedBecause",
      CASE WHEN ${excluded} IS NULL THEN ${spendExclusionSql("o", currency)} END AS "spendExcludedBecause"
    FROM "Order" o ${refunds.join}
    WHERE o.shop = ${shop} AND o."customerGid" = ${customerGid}
    ORDER BY o."processedAt" DESC LIMIT ${limit}`),
  );
}

/** Evaluates each given SQL condition against one profile (which parts of a rule hold). */
export async function evaluateConditions(shop: string, customerGid: string, conditions: Sql[]): Promise<boolean[] | null> {
  if (conditions.length === 0) return [];
  const cols = conditions.map((c, i) => sql`${c} AS ${raw(`c${i}`)}`);
  const rows = await db().$queryRawUnsafe<Record<string, boolean>[]>(
    ...render(sql`SELECT ${join(cols, ", ")} FROM "CustomerProfile" p WHERE p.shop = ${shop} AND p."customerGid" = ${customerGid}`),
  );
  const row = rows[0];
  return row ? conditions.map((_, i) => Boolean(row[`c${i}`])) : null;
}

export async function listMembershipsOf(shop: string, customerGid: string) {
  return db().segmentMember.findMany({ where: { shop, customerGid }, orderBy: { enteredAt: "asc" } });
}

export async function lastEntryEvent(shop: string, segmentId: bigint, customerGid: string) {
  return db().segmentMemberEvent.findFirst({ where: { shop, segmentId, customerGid, kind: "ENTERED" }, orderBy: { at: "desc" } });
}

export async function listTransitions(shop: string, customerGid: string, limit = 100) {
  return db().journeyTransition.findMany({ where: { shop, customerGid }, orderBy: [{ at: "desc" }, { id: "desc" }], take: limit });
}

/** Customers whose email, name or an order number matches, best match first (at most `limit`). */
export async function searchProfiles(shop: string, query: string, limit: number) {
  const q = query.trim().toLowerCase();
  const prefix = `${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const number = /^#?\d+$/.test(q) ? Number(q.replace("#", "")) : null;
  const byOrder: Sql =
    number !== null && Number.isSafeInteger(number)
      ? sql`UNION SELECT p."customerGid", 0 AS rank FROM "Order" o JOIN "CustomerProfile" p ON p.shop = o.shop AND p."customerGid" = o."customerGid"
          WHERE o.shop = ${shop} AND (o."orderNumber" = ${number}::int OR o.name = ${`#${number}`})`
      : raw("");
  return db().$queryRawUnsafe<{ customerGid: string; rank: number }[]>(
    ...render(sql`SELECT "customerGid", min(rank) AS rank FROM (
      SELECT "customerGid", 1 AS rank FROM "CustomerProfile" WHERE shop = ${shop} AND email = ${q}
      UNION SELECT "customerGid", 2 FROM "CustomerProfile" WHERE shop = ${shop} AND email LIKE ${prefix}
      UNION SELECT "customerGid", 3 FROM "CustomerProfile" WHERE shop = ${shop} AND "searchName" LIKE ${prefix}
      UNION SELECT "customerGid", 4 FROM "CustomerProfile" WHERE shop = ${shop} AND "searchName" LIKE ${`% ${prefix}`}
      ${byOrder}
    ) m GROUP BY "customerGid" ORDER BY rank, "customerGid" LIMIT ${limit}`),
  );
}

export async function findProfiles(shop: string, gids: string[]) {
  return db().customerProfile.findMany({ where: { shop, customerGid: { in: gids } } });
}
