/**
 * App proxy latency under load (issue 5 budget: p95 ≤ 50 ms). A seeded database (shops with
 * loyalty members and ledgers, a product with published reviews), the proxy routes served by a
 * child process (proxy-server.ts), and wrk sending signed requests the way Shopify forwards them:
 * 50% GET /loyalty (a member's balance and history), 40% GET /reviews/<product>, 10% GET
 * /reviews/prompt. Baseline in the same run: /proxy/bare, the signature check and session lookup
 * every proxy request needs. Prints p50/p95/p99 of both and the p95 ratio.
 *
 *   npm run bench:storefront:proxy        (DATABASE_URL / REDIS_URL: the services to use;
 *                                          unset: embedded Postgres, rate limits on Postgres)
 * Options (env): BENCH_SECONDS (15), BENCH_CONNECTIONS (16), BENCH_PORT (3250).
 */
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { pgPoolConfig } from "../../prisma/pg";
import { signedProxyParams } from "../../scripts/lib/app-proxy";
import { benchPrefix, clearRedisPrefix, createBenchDatabase } from "../lib/services";

const root = path.resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PORT = Number(process.env.BENCH_PORT ?? 3250);
const SECRET = "bench-secret";
const SHOPS = Array.from({ length: 4 }, (_, i) => `bench-store-${i}.myshopify.com`);
const MEMBERS_PER_SHOP = 2_500;
const REVIEWS = 300;
const PRODUCT = "8000";

const database = await createBenchDatabase("storefront");
const prefix = benchPrefix("storefront");

/** Bulk seed in plain SQL: what the app would hold after months of orders and reviews. */
async function seed() {
  const client = new pg.Client(pgPoolConfig(database.url));
  await client.connect();
  for (const shop of SHOPS) {
    await client.query(`INSERT INTO "Shop" ("shop", "currency", "updatedAt") VALUES ($1, 'USD', now())`, [shop]);
    await client.query(
      `INSERT INTO "Session" ("id", "shop", "state", "isOnline", "scope", "accessToken") VALUES ($1, $2, 'state', false, 'write_discounts', 'token')`,
      [`offline_${shop}`, shop],
    );
    await client.query(
      `INSERT INTO "LoyaltyAccount" ("shop", "customerGid", "email", "pointsBalance", "lifetimeEarned", "updatedAt", "lastActivityAt")
       SELECT $1, 'gid://shopify/Customer/' || n, 'member' || n || '@example.com', 500 + n, 500 + n, now(), now() FROM generate_series(1, $2::int) n`,
      [shop, MEMBERS_PER_SHOP],
    );
    await client.query(
      `INSERT INTO "LoyaltyLedgerEntry" ("shop", "accountId", "source", "sourceKey", "points", "availableAt", "orderGid")
       SELECT a."shop", a."id", 'ORDER', 'order:bench:' || a."id" || ':' || k, 50 + k, now() - (k || ' days')::interval, 'gid://shopify/Order/' || a."id" || k
       FROM "LoyaltyAccount" a, generate_series(1, 12) k WHERE a."shop" = $1`,
      [shop],
    );
    await client.query(
      `INSERT INTO "Review" ("shop", "productGid", "customerGid", "authorName", "rating", "title", "body", "status", "verifiedBuyer", "publishedAt", "createdAt", "updatedAt")
       SELECT $1, 'gid://shopify/Product/${PRODUCT}', 'gid://shopify/Customer/' || n, 'Reviewer ' || n, 1 + n % 5, 'Title ' || n,
              repeat('Solid product, would buy again. ', 8), 'PUBLISHED', n % 3 = 0, now() - (n || ' hours')::interval, now(), now()
       FROM generate_series(1, $2::int) n`,
      [shop, REVIEWS],
    );
    await client.query(
      `INSERT INTO "ProductRating" ("shop", "productGid", "count", "ratingSum", "histogram", "updatedAt")
       SELECT $1, "productGid", count(*), sum("rating"), ARRAY[0,0,0,0,0], now() FROM "Review" WHERE "shop" = $1 GROUP BY "productGid"`,
      [shop],
    );
  }
  await client.query("ANALYZE");
  await client.end();
}

function sign(pathname: string, shop: string, customerId: string, timestamp: number): string {
  return `${pathname}?${signedProxyParams(shop, customerId, SECRET, timestamp).toString()}`;
}

/** Signed URLs, valid for Shopify's 90 s window from now (each wrk run starts right after). */
function urlsFile(kind: "mix" | "bare"): string {
  const now = Math.trunc(Date.now() / 1000);
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const shop = SHOPS[i % SHOPS.length]!;
    const customer = String(1 + ((i * 7919) % MEMBERS_PER_SHOP));
    if (kind === "bare") lines.push(sign("/proxy/bare", shop, customer, now));
    else if (i % 10 < 5) lines.push(sign("/proxy/loyalty", shop, customer, now));
    else if (i % 10 < 9) lines.push(sign(`/proxy/reviews/${PRODUCT}`, shop, i % 2 ? customer : "", now));
    else lines.push(sign("/proxy/reviews/prompt", shop, customer, now));
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), "proxy-bench-")), `${kind}.txt`);
  writeFileSync(file, lines.join("\n"));
  return file;
}

type Result = { requests: number; errors: number; statusErrors: number; rps: number; p50: number; p95: number; p99: number };

function load(kind: "mix" | "bare", seconds: number): Result {
  const out = execFileSync("wrk", ["-t2", `-c${CONNECTIONS}`, `-d${seconds}s`, "-s", path.join(import.meta.dirname, "signed-urls.lua"), `http://127.0.0.1:${PORT}`], {
    env: { ...process.env, URLS_FILE: urlsFile(kind) },
    encoding: "utf8",
  });
  const m = /RESULT requests=(\d+) errors=(\d+) status_errors=(\d+) seconds=([\d.]+) p50_ms=([\d.]+) p95_ms=([\d.]+) p99_ms=([\d.]+)/.exec(out);
  if (!m) throw new Error(`wrk output not understood:\n${out}`);
  const [requests, errors, statusErrors, secs, p50, p95, p99] = m.slice(1).map(Number) as number[];
  return { requests: requests!, errors: errors!, statusErrors: statusErrors!, rps: requests! / secs!, p50: p50!, p95: p95!, p99: p99! };
}

await seed();
const server = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "proxy-server.ts")], {
  cwd: root,
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: database.url,
    QUEUE_PREFIX: prefix,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${PORT}`,
    PORT: String(PORT),
    LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "ignore", "pipe"],
});
try {
  await new Promise<void>((resolve, reject) => {
    server.stderr!.on("data", (c: Buffer) => (String(c).includes("ready") ? resolve() : process.stderr.write(c)));
    server.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  load("mix", 3); // warm-up: JIT, pools, prepared plans
  const bare = load("bare", SECONDS);
  const mix = load("mix", SECONDS);
  const fmt = (r: Result) => `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, non-2xx ${r.statusErrors}, socket errors ${r.errors}`;
  process.stdout.write(`app proxy, ${CONNECTIONS} connections, ${SECONDS} s each, ${SHOPS.length} shops × ${MEMBERS_PER_SHOP} members, ${REVIEWS} reviews/product\n`);
  process.stdout.write(`  baseline /proxy/bare (signature + session): ${fmt(bare)}\n`);
  process.stdout.write(`  widgets mix (loyalty, reviews, prompt):     ${fmt(mix)}\n`);
  process.stdout.write(`  p95 ${mix.p95.toFixed(1)} ms (budget 50 ms) · ratio to baseline p95: ${(mix.p95 / bare.p95).toFixed(2)}\n`);
} finally {
  server.kill("SIGTERM");
  await clearRedisPrefix(prefix);
  await database.drop();
}
