/** Reads of the materialized abandonment tables (daily rows, breakdowns, products, recoveries). */
import { db } from "~/db.server";
import { render, sql, utc } from "~/lib/sql";
import type { BreakdownDimension, StepCounts, StepSplit } from "~/domains/abandonment/abandonment";

const day = (d: string) => new Date(`${d}T00:00:00Z`);

export async function readShopZone(shop: string): Promise<string | null> {
  const row = await db().shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  return row?.ianaTimezone ?? null;
}

/** The shop's timezone and currency (the latest order's shop money when the shop row has none). */
export async function readShopZoneAndCurrency(shop: string): Promise<{ timezone: string | null; currency: string | null }> {
  const row = await db().shop.findUnique({ where: { shop }, select: { ianaTimezone: true, currency: true } });
  const currency = row?.currency ?? (await db().order.findFirst({ where: { shop }, orderBy: { processedAt: "desc" }, select: { currency: true } }))?.currency ?? null;
  return { timezone: row?.ianaTimezone ?? null, currency };
}

export async function readDaily(shop: string, range: { from: string; to: string }) {
  return db().abandonmentDaily.findMany({ where: { shop, day: { gte: day(range.from), lte: day(range.to) } }, orderBy: { day: "asc" } });
}

export async function readBreakdown(shop: string, range: { from: string; to: string }, dimension: BreakdownDimension, limit: number) {
  const rows = await db().abandonmentBreakdownDaily.groupBy({
    by: ["value"],
    where: { shop, dimension, day: { gte: day(range.from), lte: day(range.to) } },
    _sum: { started: true, withContact: true, completed: true, abandoned: true, recoveredLink: true },
    orderBy: { _sum: { started: "desc" } },
    take: limit,
  });
  return rows.map((r) => ({
    value: r.value,
    started: r._sum.started ?? 0,
    withContact: r._sum.withContact ?? 0,
    completed: r._sum.completed ?? 0,
    abandoned: r._sum.abandoned ?? 0,
    recoveredLink: r._sum.recoveredLink ?? 0,
  }));
}

/**
 * Checkouts by furthest step over the range for one split, for the `limit` values with the most
 * checkouts started. "all" (the whole funnel, value "") is the device split summed: every checkout
 * has exactly one device.
 */
export async function readStepCounts(shop: string, range: { from: string; to: string }, split: StepSplit, limit: number) {
  const whole = split === "all";
  return db().$queryRawUnsafe<(StepCounts & { value: string })[]>(
    ...render(sql`WITH s AS (
        SELECT ${whole ? sql`''` : sql`value`} AS value, step, sum(started)::int AS started, sum(stopped)::int AS stopped, sum(abandoned)::int AS abandoned,
          sum("noContact")::int AS "noContact"
        FROM "AbandonmentStepDaily" WHERE shop = ${shop} AND dimension = ${whole ? "device" : split} AND day BETWEEN ${range.from}::date AND ${range.to}::date
        GROUP BY 1, step
      ), top AS (SELECT value FROM s GROUP BY value ORDER BY sum(started) DESC, value LIMIT ${limit})
      SELECT s.* FROM s JOIN top USING (value) ORDER BY s.value, s.step`),
  );
}

export async function readTopProducts(shop: string, range: { from: string; to: string }, limit: number) {
  return db().$queryRawUnsafe<{ productKey: string; productGid: string | null; title: string; currency: string; checkouts: number; quantity: number; valueMinor: bigint }[]>(
    ...render(sql`SELECT "productKey", max("productGid") AS "productGid", max(title) AS title, currency,
        sum(checkouts)::int AS checkouts, sum(quantity)::int AS quantity, sum("valueMinor")::bigint AS "valueMinor"
      FROM "AbandonedProductDaily" WHERE shop = ${shop} AND day BETWEEN ${range.from}::date AND ${range.to}::date
      GROUP BY "productKey", currency ORDER BY checkouts DESC, "valueMinor" DESC, "productKey" LIMIT ${limit}`),
  );
}

export type RecoveredRow = {
  token: string;
  customerGid: string | null;
  startedAt: Date;
  abandonedAt: Date;
  recoveredAt: Date;
  orderGid: string | null;
  revenueMinor: bigint | null;
  shopCurrency: string | null;
  checkoutValueMinor: bigint;
  checkoutCurrency: string;
  minutesToRecover: number;
};

export async function readRecovered(shop: string, attribution: "link" | "window", after: { at: Date; token: string } | undefined, limit: number) {
  const at = attribution === "link" ? sql`"recoveredAt"` : sql`"windowRecoveredAt"`;
  const order = attribution === "link" ? sql`"recoveredOrderGid"` : sql`"windowOrderGid"`;
  const revenue = attribution === "link" ? sql`"recoveredMinor"` : sql`"windowRecoveredMinor"`;
  const cursor = after ? sql` AND (${at}, token) < (${utc(after.at)}, ${after.token})` : sql``;
  return db().$queryRawUnsafe<RecoveredRow[]>(
    ...render(sql`SELECT token, "customerGid", "startedAt", "abandonedAt", ${at} AS "recoveredAt", ${order} AS "orderGid", ${revenue} AS "revenueMinor",
        "shopCurrency", "valueMinor" AS "checkoutValueMinor", currency AS "checkoutCurrency",
        GREATEST(0, floor(extract(epoch FROM (${at} - "abandonedAt")) / 60))::int AS "minutesToRecover"
      FROM "CheckoutOutcome" WHERE shop = ${shop} AND ${at} IS NOT NULL ${cursor}
      ORDER BY ${at} DESC, token DESC LIMIT ${limit}`),
  );
}

export async function listShopsWithCheckouts(): Promise<string[]> {
  const rows = await db().$queryRaw<{ shop: string }[]>`
    SELECT s.shop FROM "Shop" s WHERE s."uninstalledAt" IS NULL AND EXISTS (SELECT 1 FROM "Checkout" c WHERE c.shop = s.shop)`;
  return rows.map((r) => r.shop);
}
