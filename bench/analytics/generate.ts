/**
 * Deterministic store generator for the analytics benchmarks, in SQL (generate_series and
 * hashes, no random()): the same parameters always give the same rows, in seconds, without
 * shipping millions of rows through Node.
 *
 * Shape (defaults: 200,000 customers, 1,000,000 orders, 500,000 checkouts, over two years):
 * - order → customer is skewed (a few customers buy a lot, most once or twice); 8% guest orders;
 * - 3% refunded, 2% cancelled, 0.5% test orders, 5% partially refunded (Refund rows);
 * - checkouts: the first 55% are the checkouts of orders (same token, completed), the rest are
 *   abandoned, 10% of those without contact information; one line item each, 400 products;
 * - 20% of customers have a loyalty account, 5% a published review, 100,000 recent pixel events.
 */
import pg from "pg";
import { pgPoolConfig } from "../../prisma/pg";

export type StoreSize = { customers: number; orders: number; checkouts: number };
export const FULL_SIZE: StoreSize = { customers: 200_000, orders: 1_000_000, checkouts: 500_000 };

/** A uniform number in [0, 1) from a row number and a salt (deterministic). */
const u = (n: string, salt: string) => `((('x' || substr(md5(${n}::text || '${salt}'), 1, 8))::bit(32)::bigint)::float8 / 4294967296.0)`;

export async function generateStore(databaseUrl: string, shop: string, size: StoreSize, now: Date) {
  const client = new pg.Client(pgPoolConfig(databaseUrl));
  await client.connect();
  const q = (text: string, values: unknown[] = []) => client.query(text, values);
  const nowIso = now.toISOString();
  const days = 730;
  try {
    await q(`SET work_mem = '256MB'`);
    await q(`SET synchronous_commit = off`);
    await q(`INSERT INTO "Shop" (shop, name, currency, "ianaTimezone", "updatedAt") VALUES ($1, 'Bench store', 'USD', 'America/New_York', now())
             ON CONFLICT (shop) DO NOTHING`, [shop]);
    await q(
      `INSERT INTO "Customer" (shop, "customerGid", email, "firstName", "lastName", tags, "acceptsMarketing", "shopifyCreatedAt", "createdAt", "updatedAt")
       SELECT $1, 'gid://shopify/Customer/' || g, 'c' || g || '@example.com', 'First' || (g % 997), 'Last' || (g % 1009),
         CASE WHEN g % 10 = 0 THEN ARRAY['vip'] WHEN g % 7 = 0 THEN ARRAY['wholesale'] ELSE ARRAY[]::text[] END,
         (g % 3 = 0), $2::timestamp - make_interval(days => (${u("g", "signup")} * ${days})::int), now(), now()
       FROM generate_series(1, $3::int) g`,
      [shop, nowIso, size.customers],
    );
    // Skewed customer choice: idx = n_customers * u^2 (low numbers buy more).
    await q(
      `INSERT INTO "Order" (shop, "orderGid", name, "orderNumber", "customerGid", email, currency, "presentmentCurrency", "lineItemsMinor",
         "discountsMinor", "subtotalMinor", "taxMinor", "shippingMinor", "totalMinor", "financialStatus", "cancelledAt", test, "processedAt",
         "shopifyCreatedAt", "sourceUpdatedAt", "checkoutToken", "sourceName", "createdAt", "updatedAt")
       SELECT $1, 'gid://shopify/Order/' || g, '#' || (1000 + g), 1000 + g,
         CASE WHEN ${u("g", "guest")} < 0.08 THEN NULL ELSE 'gid://shopify/Customer/' || (1 + floor(${size.customers} * power(${u("g", "cust")}, 2)))::int END,
         'c' || (1 + floor(${size.customers} * power(${u("g", "cust")}, 2)))::int || '@example.com', 'USD', 'USD',
         amount, 0, amount, amount * 6 / 100, 0, amount + amount * 6 / 100,
         CASE WHEN s < 0.03 THEN 'refunded' WHEN s < 0.05 THEN 'voided' WHEN s < 0.10 THEN 'partially_refunded' ELSE 'paid' END,
         CASE WHEN s >= 0.03 AND s < 0.05 THEN at END, (s >= 0.995), at, at, at,
         CASE WHEN g <= $3::int THEN 'k' || g END, 'web', now(), now()
       FROM (SELECT g, (1000 + floor(${u("g", "amount")} * 20000))::bigint AS amount, ${u("g", "status")} AS s,
               $2::timestamp - make_interval(secs => ${u("g", "when")} * ${days} * 86400) AS at
             FROM generate_series(1, $4::int) g) o`,
      [shop, nowIso, Math.floor(size.checkouts * 0.55), size.orders],
    );
    await q(
      `INSERT INTO "Refund" (shop, "refundGid", "orderGid", currency, "subtotalMinor", "taxMinor", "totalMinor", "processedAt", "createdAt")
       SELECT o.shop, 'gid://shopify/Refund/' || o.id, o."orderGid", 'USD',
         CASE WHEN o."financialStatus" = 'refunded' THEN o."subtotalMinor" ELSE o."subtotalMinor" / 3 END, 0,
         CASE WHEN o."financialStatus" = 'refunded' THEN o."subtotalMinor" ELSE o."subtotalMinor" / 3 END, o."processedAt" + interval '3 days', now()
       FROM "Order" o WHERE o.shop = $1 AND o."financialStatus" IN ('refunded', 'partially_refunded')`,
      [shop],
    );
    const completed = Math.floor(size.checkouts * 0.55);
    await q(
      `INSERT INTO "Checkout" (shop, token, "checkoutId", "customerGid", email, "hasContact", "stepReached", currency, "subtotalMinor", "totalMinor", "sourceName",
         "landingSite", "referringSite", "shopifyCreatedAt", "sourceUpdatedAt", "completedAt", "orderGid", "createdAt", "updatedAt")
       SELECT $1, 'k' || g, g::text,
         CASE WHEN g <= $3::int THEN o."customerGid" WHEN ${u("g", "ckguest")} < 0.3 THEN NULL
              ELSE 'gid://shopify/Customer/' || (1 + floor(${size.customers} * power(${u("g", "ckcust")}, 2)))::int END,
         CASE WHEN g <= $3::int THEN o.email WHEN ${u("g", "contact")} < 0.10 THEN NULL WHEN ${u("g", "ckguest")} < 0.3 THEN 'a' || g || '@example.com'
              ELSE 'c' || (1 + floor(${size.customers} * power(${u("g", "ckcust")}, 2)))::int || '@example.com' END,
         CASE WHEN g <= $3::int THEN true ELSE ${u("g", "contact")} >= 0.10 END,
         CASE WHEN g <= $3::int THEN 4 WHEN ${u("g", "contact")} < 0.10 THEN 0 ELSE 1 + floor(${u("g", "step")} * 4)::int END,
         CASE WHEN ${u("g", "cur")} < 0.05 THEN 'EUR' ELSE 'USD' END,
         COALESCE(o."subtotalMinor", 1500 + floor(${u("g", "ckamount")} * 15000)::bigint), COALESCE(o."totalMinor", 1500 + floor(${u("g", "ckamount")} * 15000)::bigint),
         (ARRAY['web', 'web', 'web', 'iphone', 'android', 'pos'])[1 + floor(${u("g", "src")} * 6)::int],
         (ARRAY['/', '/collections/all', '/products/p1', '/?utm_source=newsletter', '/blogs/news'])[1 + floor(${u("g", "land")} * 5)::int],
         (ARRAY[NULL, 'https://www.google.com/', 'https://www.instagram.com/', 'https://duckduckgo.com/'])[1 + floor(${u("g", "ref")} * 4)::int],
         COALESCE(o."processedAt" - interval '15 minutes', $2::timestamp - make_interval(secs => ${u("g", "ckwhen")} * ${days} * 86400)),
         COALESCE(o."processedAt", $2::timestamp - make_interval(secs => ${u("g", "ckwhen")} * ${days} * 86400)),
         o."processedAt", o."orderGid", now(), now()
       FROM generate_series(1, $4::int) g LEFT JOIN "Order" o ON o.shop = $1 AND o."checkoutToken" = 'k' || g AND g <= $3::int`,
      [shop, nowIso, completed, size.checkouts],
    );
    await q(
      `INSERT INTO "CheckoutLineItem" (shop, "checkoutId", position, "productGid", title, quantity, "priceMinor")
       SELECT c.shop, c.id, 0, 'gid://shopify/Product/' || (1 + (c.id % 400)), 'Product ' || (1 + (c.id % 400)), 1 + (c.id % 3)::int, c."subtotalMinor"
       FROM "Checkout" c WHERE c.shop = $1`,
      [shop],
    );
    await q(
      `INSERT INTO "LoyaltyAccount" (shop, "customerGid", "pointsBalance", "createdAt", "updatedAt")
       SELECT $1, 'gid://shopify/Customer/' || g, (g * 37) % 2000, now(), now() FROM generate_series(1, $2::int) g WHERE g % 5 = 0`,
      [shop, size.customers],
    );
    await q(
      `INSERT INTO "Review" (shop, "productGid", "customerGid", "authorName", rating, body, status, "createdAt", "publishedAt", "updatedAt")
       SELECT $1, 'gid://shopify/Product/' || (1 + g % 400), 'gid://shopify/Customer/' || g, 'A', 1 + g % 5, 'Fine', 'PUBLISHED',
         $2::timestamp - make_interval(days => (g % 300)), $2::timestamp - make_interval(days => (g % 300)), now()
       FROM generate_series(1, $3::int) g WHERE g % 20 = 0`,
      [shop, nowIso, size.customers],
    );
    await q(
      `INSERT INTO "PixelEvent" (shop, "eventId", name, "clientId", "customerGid", "occurredAt")
       SELECT $1, 'ev' || g, (ARRAY['page_viewed', 'product_viewed', 'product_added_to_cart', 'checkout_started'])[1 + g % 4], 'client' || (g % 50000),
         CASE WHEN g % 3 = 0 THEN 'gid://shopify/Customer/' || (1 + (g * 7919) % $3::int) END, $2::timestamp - make_interval(mins => g % 43200)
       FROM generate_series(1, 100000) g`,
      [shop, nowIso, size.customers],
    );
    for (const s of BENCH_SEGMENTS) {
      await q(`INSERT INTO "Segment" (shop, name, rule, "createdAt", "updatedAt") VALUES ($1, $2, $3::jsonb, now(), now())`, [shop, s.name, JSON.stringify(s.rule)]);
    }
    await q(`ANALYZE`);
  } finally {
    await client.end();
  }
}

/** Segments of the kind merchants write, for the benchmark's membership work. */
export const BENCH_SEGMENTS = [
  { name: "Repeat buyers", rule: { fact: "ordersCount", op: "gte", value: 2 } },
  { name: "VIP big spenders", rule: { all: [{ fact: "amountSpent", op: "gte", value: 500 }, { fact: "tags", op: "has_any", value: ["vip"] }] } },
  { name: "Win back", rule: { all: [{ fact: "rfmGroup", op: "in", value: ["AT_RISK", "CANT_LOSE_THEM", "HIBERNATING"] }, { fact: "acceptsMarketing", op: "is", value: true }] } },
  { name: "Cart abandoners", rule: { all: [{ fact: "abandonedCheckoutsCount", op: "gte", value: 1 }, { fact: "lastOrderDate", op: "more_than_days_ago", value: 30 }] } },
  { name: "Advocates", rule: { any: [{ fact: "stage", op: "in", value: ["ADVOCACY"] }, { all: [{ fact: "hasReviewed", op: "is", value: true }, { fact: "pointsBalance", op: "gte", value: 500 }] }] } },
];
