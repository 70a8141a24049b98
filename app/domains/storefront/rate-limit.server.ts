/**
 * App proxy rate limits, shared by every web process: rate-limiter-flexible on Redis when
 * REDIS_URL is set, on the app's Postgres otherwise (the embedded default), with an in-memory
 * insurance limiter so a store outage degrades to per-process limits instead of failing requests.
 *
 * Two budgets per request: the shop's (all its shoppers together: protects the app and the
 * database from one busy or abusive storefront) and the customer's (a signed-in customer, or the
 * shop's anonymous traffic as one bucket: proxy requests all come from Shopify's servers, so
 * the shopper's IP is not available).
 */
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { sqlPool } from "~/db.server";
import { env } from "~/env.server";
import { createRedis, usesRedis } from "~/queues/connection.server";

export const PROXY_LIMITS = {
  /** Requests per shop per minute (500/s sustained: a flash sale, not a scraper). */
  shopPerMinute: 30_000,
  /** Requests per signed-in customer per minute: generous for a person, tight for a script. */
  customerPerMinute: 60,
  /** Write requests (redeem, submit a review) per customer per minute. */
  customerWritesPerMinute: 10,
} as const;

type Limiters = { shop: RateLimiterAbstract; customer: RateLimiterAbstract; writes: RateLimiterAbstract };
const holder = globalThis as unknown as { __proxyLimiters?: Limiters };

function build(name: string, points: number): RateLimiterAbstract {
  // Namespaced like the queues, so deployments (and test runs) sharing a Redis never share budgets.
  const keyPrefix = `${env().QUEUE_PREFIX}:${name}`;
  const base = { keyPrefix, points, duration: 60, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }) };
  if (usesRedis()) return new RateLimiterRedis({ ...base, storeClient: createRedis("producer"), useRedisPackage: false });
  return new RateLimiterPostgres({ ...base, storeClient: sqlPool(), tableName: "proxy_rate_limits", clearExpiredByTimeout: true });
}

function limiters(): Limiters {
  holder.__proxyLimiters ??= {
    shop: build("rl-proxy-shop", PROXY_LIMITS.shopPerMinute),
    customer: build("rl-proxy-customer", PROXY_LIMITS.customerPerMinute),
    writes: build("rl-proxy-write", PROXY_LIMITS.customerWritesPerMinute),
  };
  return holder.__proxyLimiters;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; scope: "shop" | "customer" };

async function take(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw rejection;
  }
}

/** Consumes one request from the shop's and the customer's budgets (and the write budget for writes). */
export async function consumeProxyBudget(shop: string, customerGid: string | null, write: boolean): Promise<RateDecision> {
  const l = limiters();
  const who = `${shop}|${customerGid ?? "anonymous"}`;
  const shopWait = await take(l.shop, shop);
  if (shopWait !== null) return { ok: false, retryAfterSeconds: shopWait, scope: "shop" };
  if (customerGid) {
    const wait = await take(l.customer, who);
    if (wait !== null) return { ok: false, retryAfterSeconds: wait, scope: "customer" };
  }
  if (write) {
    const wait = await take(l.writes, who);
    if (wait !== null) return { ok: false, retryAfterSeconds: wait, scope: "customer" };
  }
  return { ok: true };
}
