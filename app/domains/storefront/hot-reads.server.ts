/**
 * The app proxy's read paths in plain SQL, one round trip each (bench/storefront/proxy-latency.ts:
 * through Prisma the same reads cost ~6 queries and most of the 50 ms p95 budget under load).
 * Each query builds its JSON in Postgres; timestamps leave as ISO strings with their offset.
 * Shop settings are cached per process for SETTINGS_TTL_MS: a merchant's change reaches the
 * storefront widgets within seconds, and the proxy stops re-reading the same row on every view.
 */
import { sqlPool } from "~/db.server";
import { parseSettings, type ShopSettings } from "~/domains/shops/settings";

const SETTINGS_TTL_MS = 10_000;
const settingsCache = new Map<string, { at: number; value: { settings: ShopSettings; currency: string } }>();

async function one<T>(text: string, values: unknown[]): Promise<T> {
  const { rows } = await sqlPool().query<{ data: string }>({ text, values });
  return JSON.parse(rows[0]!.data) as T;
}

/** The shop's settings and currency, cached for a few seconds per process. */
export async function shopSettingsForProxy(shop: string): Promise<{ settings: ShopSettings; currency: string }> {
  const hit = settingsCache.get(shop);
  if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
  const { rows } = await sqlPool().query<{ settings: unknown; currency: string | null }>({ text: `SELECT "settings", "currency" FROM "Shop" WHERE "shop" = $1`, values: [shop] });
  const value = { settings: parseSettings(rows[0]?.settings), currency: rows[0]?.currency ?? "USD" };
  if (settingsCache.size > 10_000) settingsCache.clear();
  settingsCache.set(shop, { at: Date.now(), value });
  return value;
}

/** Drops the cached settings of a shop (this process saved new ones). */
export function forgetShopSettings(shop: string) {
  settingsCache.delete(shop);
}

export type LoyaltyRow = {
  tier: string | null;
  balance: number;
  pending: number;
  earned12m: number;
  history: { source: string; points: number; createdAt: string; availableAt: string }[];
  redemptions: { points: number; valueMinor: string; currency: string; code: string; status: string; expiresAt: string | null }[];
} | null;

/** A member's live balance (same rules as loyalty.repo ledgerTotals), last 20 entries and 5 redemptions. */
export async function loyaltyForProxy(shop: string, customerGid: string, now: Date): Promise<LoyaltyRow> {
  const yearAgo = new Date(now.getTime() - 365 * 24 * 3600 * 1000);
  return one<LoyaltyRow>(
    `SELECT (SELECT json_build_object(
        'tier', a."tier",
        'balance', coalesce(t.balance, 0), 'pending', coalesce(t.pending, 0), 'earned12m', coalesce(t.earned12m, 0),
        'history', coalesce((SELECT json_agg(h) FROM (
            SELECT e."source", e."points", to_json(e."createdAt" AT TIME ZONE 'UTC') AS "createdAt", to_json(e."availableAt" AT TIME ZONE 'UTC') AS "availableAt"
            FROM "LoyaltyLedgerEntry" e WHERE e."accountId" = a."id" ORDER BY e."createdAt" DESC, e."id" DESC LIMIT 20) h), '[]'),
        'redemptions', coalesce((SELECT json_agg(r) FROM (
            SELECT r."points", r."valueMinor"::text AS "valueMinor", r."currency", r."code", r."status",
                   to_json(r."expiresAt" AT TIME ZONE 'UTC') AS "expiresAt"
            FROM "LoyaltyRedemption" r WHERE r."accountId" = a."id" AND r."status" <> 'FAILED' ORDER BY r."createdAt" DESC LIMIT 5) r), '[]'))
      FROM "LoyaltyAccount" a
      CROSS JOIN LATERAL (
        SELECT sum(e."points") FILTER (WHERE e."availableAt" <= $3 OR e."source"::text IN ('REDEMPTION', 'EXPIRY')) AS balance,
               sum(e."points") FILTER (WHERE e."availableAt" > $3 AND e."source"::text NOT IN ('REDEMPTION', 'EXPIRY')) AS pending,
               sum(e."points") FILTER (WHERE e."source"::text IN ('ORDER', 'SIGNUP', 'REVIEW', 'REFUND', 'CANCEL') AND e."createdAt" >= $4) AS earned12m
        FROM "LoyaltyLedgerEntry" e WHERE e."accountId" = a."id") t
      WHERE a."shop" = $1 AND a."customerGid" = $2)::text AS data`,
    [shop, customerGid, now.toISOString(), yearAgo.toISOString()],
  );
}

export type ReviewsRow = {
  rating: { count: number; ratingSum: number; histogram: number[] } | null;
  reviews: { id: string; authorName: string; rating: number; title: string | null; body: string; verifiedBuyer: boolean; publishedAt: string | null }[];
  reviewed: boolean | null;
  bought: boolean | null;
};

/** A product's aggregate, a page of published reviews (keyset by id) and, for a customer, reviewed/bought. */
export async function reviewsForProxy(shop: string, productGid: string, customerGid: string | null, before: bigint | null, take: number): Promise<ReviewsRow> {
  return one<ReviewsRow>(
    `SELECT json_build_object(
        'rating', (SELECT json_build_object('count', pr."count", 'ratingSum', pr."ratingSum", 'histogram', pr."histogram")
                   FROM "ProductRating" pr WHERE pr."shop" = $1 AND pr."productGid" = $2),
        'reviews', coalesce((SELECT json_agg(r) FROM (
            SELECT v."id"::text AS "id", v."authorName", v."rating", v."title", v."body", v."verifiedBuyer",
                   to_json(v."publishedAt" AT TIME ZONE 'UTC') AS "publishedAt"
            FROM "Review" v WHERE v."shop" = $1 AND v."productGid" = $2 AND v."status" = 'PUBLISHED' AND ($4::bigint IS NULL OR v."id" < $4)
            ORDER BY v."id" DESC LIMIT $5) r), '[]'),
        'reviewed', CASE WHEN $3::text IS NULL THEN NULL ELSE EXISTS (
            SELECT 1 FROM "Review" v WHERE v."shop" = $1 AND v."productGid" = $2 AND v."customerGid" = $3) END,
        'bought', CASE WHEN $3::text IS NULL THEN NULL ELSE EXISTS (
            SELECT 1 FROM "OrderLineItem" li JOIN "Order" o ON o."id" = li."orderId"
            WHERE li."shop" = $1 AND li."productGid" = $2 AND o."customerGid" = $3 AND o."cancelledAt" IS NULL
              AND o."financialStatus" IN ('paid', 'partially_refunded', 'partially_paid')) END
      )::text AS data`,
    [shop, productGid, customerGid, before?.toString() ?? null, take],
  );
}

export type PromptRow = { requests: { id: string; remindersSent: number }[]; products: { productGid: string; title: string | null; reviewed: boolean }[] };

/** The customer's SENT review requests, their products, whether each is reviewed, and a title for it. */
export async function promptForProxy(shop: string, customerGid: string): Promise<PromptRow> {
  return one<PromptRow>(
    `WITH req AS (
       SELECT rr."id", rr."remindersSent", rr."productGids" FROM "ReviewRequest" rr
       WHERE rr."shop" = $1 AND rr."customerGid" = $2 AND rr."status" = 'SENT' ORDER BY rr."sentAt" DESC LIMIT 10),
     prod AS (SELECT DISTINCT unnest(req."productGids") AS gid FROM req)
     SELECT json_build_object(
       'requests', coalesce((SELECT json_agg(json_build_object('id', req."id"::text, 'remindersSent', req."remindersSent")) FROM req), '[]'),
       'products', coalesce((SELECT json_agg(json_build_object(
           'productGid', prod.gid,
           'title', (SELECT li."title" FROM "OrderLineItem" li WHERE li."shop" = $1 AND li."productGid" = prod.gid LIMIT 1),
           'reviewed', EXISTS (SELECT 1 FROM "Review" v WHERE v."shop" = $1 AND v."productGid" = prod.gid AND v."customerGid" = $2))) FROM prod), '[]')
     )::text AS data`,
    [shop, customerGid],
  );
}
