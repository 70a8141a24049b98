/**
 * Segment member lists: keyset pagination over indexed sort keys, optional prefix search, and the
 * segment list/detail figures (sizes per day, sync progress).
 */
import { db } from "~/db.server";
import { raw, render, sql, type Sql } from "~/lib/sql";
import type { MemberSort } from "~/domains/segments/segments.schema";

export type MemberRow = {
  customerGid: string;
  email: string | null;
  displayName: string | null;
  rfmGroup: string;
  stage: string;
  ordersCount: number;
  amountSpentMinor: bigint;
  currency: string | null;
  lastOrderAt: Date | null;
  enteredAt: Date;
  sortKey: string | null;
};

const SORT_SQL: Record<MemberSort, { expr: string; cast: string }> = {
  enteredAt: { expr: `m."enteredAt"`, cast: "timestamp" },
  amountSpent: { expr: `p."amountSpentMinor"`, cast: "bigint" },
  // Customers without orders sort as the oldest (epoch) so the key is never NULL.
  lastOrderAt: { expr: `COALESCE(p."lastOrderAt", 'epoch'::timestamp)`, cast: "timestamp" },
  name: { expr: `COALESCE(p."searchName", '')`, cast: "text" },
};

export type MemberPageQuery = { sort: MemberSort; direction: "asc" | "desc"; search?: string; after?: { key: string; gid: string }; limit: number };

/** One page of members, `limit + 1` rows (the caller uses the extra one to know there is more). */
export async function memberPage(shop: string, segmentId: bigint, query: MemberPageQuery): Promise<MemberRow[]> {
  const sort = SORT_SQL[query.sort];
  const dir = query.direction === "asc" ? "ASC" : "DESC";
  const cmp = query.direction === "asc" ? ">" : "<";
  const key = raw(sort.expr);
  const after: Sql = query.after
    ? sql` AND (${key}, m."customerGid") ${raw(cmp)} (${query.after.key}::${raw(sort.cast)}, ${query.after.gid})`
    : raw("");
  let search: Sql = raw("");
  if (query.search) {
    const prefix = `${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    search = sql` AND (p.email LIKE ${prefix} OR p."searchName" LIKE ${prefix} OR p."searchName" LIKE ${`% ${prefix}`})`;
  }
  return db().$queryRawUnsafe<MemberRow[]>(
    ...render(sql`SELECT m."customerGid", p.email, p."displayName", p."rfmGroup", p.stage, p."ordersCount", p."amountSpentMinor", p.currency,
        p."lastOrderAt", m."enteredAt", (${key})::text AS "sortKey"
      FROM "SegmentMember" m JOIN "CustomerProfile" p ON p.shop = m.shop AND p."customerGid" = m."customerGid"
      WHERE m."segmentId" = ${segmentId} AND m.shop = ${shop} ${search} ${after}
      ORDER BY ${key} ${raw(dir)}, m."customerGid" ${raw(dir)}
      LIMIT ${query.limit + 1}`),
  );
}

/** Segment size on the latest day at or before `day` (0 before the segment existed). */
export async function sizeOnOrBefore(segmentIds: bigint[], day: string): Promise<Map<bigint, number>> {
  if (!segmentIds.length) return new Map();
  const rows = await db().$queryRawUnsafe<{ segmentId: bigint; size: number }[]>(
    ...render(sql`SELECT DISTINCT ON ("segmentId") "segmentId", size FROM "SegmentSizeDaily"
      WHERE "segmentId" = ANY(${segmentIds}::bigint[]) AND day <= ${day}::date ORDER BY "segmentId", day DESC`),
  );
  return new Map(rows.map((r) => [r.segmentId, r.size]));
}

export async function sizeHistory(segmentId: bigint, fromDay: string) {
  return db().segmentSizeDaily.findMany({ where: { segmentId, day: { gte: new Date(`${fromDay}T00:00:00Z`) } }, orderBy: { day: "asc" }, select: { day: true, size: true } });
}

export async function syncedCounts(segmentIds: bigint[]): Promise<Map<bigint, number>> {
  if (!segmentIds.length) return new Map();
  const rows = await db().segmentSyncState.groupBy({ by: ["segmentId"], where: { segmentId: { in: segmentIds } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.segmentId, r._count._all]));
}

export async function recentEventCounts(segmentId: bigint, since: Date) {
  const rows = await db().segmentMemberEvent.groupBy({ by: ["kind"], where: { segmentId, at: { gte: since } }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.kind, r._count._all])) as Record<string, number>;
}

/** Counts and a sample of the customers a (not yet saved) rule selects. */
export async function previewRule(shop: string, predicate: Sql, sampleSize: number) {
  const [count] = await db().$queryRawUnsafe<{ n: bigint; total: bigint }[]>(
    ...render(sql`SELECT count(*) FILTER (WHERE ${predicate}) AS n, count(*) AS total FROM "CustomerProfile" p WHERE p.shop = ${shop}`),
  );
  const sample = await db().$queryRawUnsafe<Omit<MemberRow, "enteredAt" | "sortKey">[]>(
    ...render(sql`SELECT p."customerGid", p.email, p."displayName", p."rfmGroup", p.stage, p."ordersCount", p."amountSpentMinor", p.currency, p."lastOrderAt"
      FROM "CustomerProfile" p WHERE p.shop = ${shop} AND ${predicate}
      ORDER BY p."amountSpentMinor" DESC, p."customerGid" LIMIT ${sampleSize}`),
  );
  return { count: Number(count?.n ?? 0), total: Number(count?.total ?? 0), sample };
}

export async function rfmGroupCounts(shop: string) {
  const rows = await db().customerProfile.groupBy({ by: ["rfmGroup"], where: { shop }, _count: { _all: true }, _sum: { windowSpentMinor: true } });
  return rows.map((r) => ({ group: r.rfmGroup, customers: r._count._all, windowSpentMinor: r._sum.windowSpentMinor ?? 0n }));
}
