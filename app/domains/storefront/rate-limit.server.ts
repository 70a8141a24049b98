/**
 * Storefront rate limits (app proxy and web pixel), shared by every web process:
 * rate-limiter-flexible on Redis when REDIS_URL is set, on the app's Postgres otherwise (the
 * embedded default), with an in-memory insurance limiter so a store outage degrades to per-process
 * limits instead of failing requests.
 *
 * App proxy: the shop's budget (all its shoppers together: protects the app and the database from
 * one busy or abusive storefront) and the customer's (a signed-in customer, or the shop's
 * anonymous traffic as one bucket: proxy requests all come from Shopify's servers, so the
 * shopper's IP is not available).
 *
 * Web pixel: the shop's budget, and under it the client address's. Pixel batches come straight
 * from shoppers' browsers and the pixel key is public (every storefront page carries it), so
 * without a per-client budget one client could spend the shop's whole budget and every real
 * shopper's batch would be refused (the pixel does not retry).
 */
import { createHmac } from "node:crypto";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { sqlPool } from "~/db.server";
import { env } from "~/env.server";
import { clientAddress, clientBucket } from "~/lib/client-address.server";
import { logger } from "~/lib/logger.server";
import { createRedis, usesRedis } from "~/queues/connection.server";

export const PROXY_LIMITS = {
  /** Requests per shop per minute (500/s sustained: a flash sale, not a scraper). */
  shopPerMinute: 30_000,
  /** Requests per signed-in customer per minute: generous for a person, tight for a script. */
  customerPerMinute: 60,
  /** Write requests (redeem, submit a review) per customer per minute. */
  customerWritesPerMinute: 10,
  /**
   * Pixel batches per client address (an IPv6 /64) per shop per minute. A browser sends one batch
   * per 2 s of activity at most (10 events or 2 s), so this leaves room for ten busy shoppers
   * behind one NAT; a single client can spend 1% of the shop's budget.
   */
  pixelClientPerMinute: 300,
} as const;

type Limiters = { shop: RateLimiterAbstract; customer: RateLimiterAbstract; writes: RateLimiterAbstract; pixelClient: RateLimiterAbstract };
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
    pixelClient: build("rl-pixel-client", PROXY_LIMITS.pixelClientPerMinute),
  };
  return holder.__proxyLimiters;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; scope: "shop" | "customer" | "client" };

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

let warnedUntrustedProxy = false;

/**
 * Consumes one pixel batch from the client's budget, then (only if that passes, so a refused
 * client spends nothing of it) from the shop's. The client is the TCP peer (server.ts passes it in
 * the load context), or behind TRUST_PROXY_HOPS proxies the address the outermost one saw. An
 * address that names no shopper (loopback, private: a proxy the app was not told about) gets no
 * client budget, only the shop's, rather than one budget for every shopper.
 */
export async function consumePixelBudget(shop: string, request: Request, peer: string | undefined): Promise<RateDecision> {
  const hops = env().TRUST_PROXY_HOPS;
  const forwardedFor = request.headers.get("x-forwarded-for");
  const bucket = clientBucket(clientAddress(peer, forwardedFor, hops));
  if (!bucket && hops === 0 && forwardedFor && !warnedUntrustedProxy) {
    warnedUntrustedProxy = true;
    logger.warn({ peer }, "pixel requests arrive through a proxy: set TRUST_PROXY_HOPS so each shopper gets a budget of their own");
  }
  const l = limiters();
  if (bucket) {
    // Keyed by a keyed hash: the budget store holds no shopper's IP address.
    const client = createHmac("sha256", env().SHOPIFY_API_SECRET).update(bucket).digest("base64url").slice(0, 22);
    const wait = await take(l.pixelClient, `${shop}|${client}`);
    if (wait !== null) return { ok: false, retryAfterSeconds: wait, scope: "client" };
  }
  const shopWait = await take(l.shop, `pixel:${shop}`);
  if (shopWait !== null) return { ok: false, retryAfterSeconds: shopWait, scope: "shop" };
  return { ok: true };
}
