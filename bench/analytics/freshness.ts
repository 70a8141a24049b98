/**
 * Freshness benchmark (issue 3): the time from an orders/create delivery to the customer's updated
 * segment, under steady load, with the real processes: the web server takes signed deliveries,
 * the worker normalizes them and runs the debounced segments.recompute-customer jobs.
 *
 * The shop: the generated store (bench/analytics/generate.ts, BENCH_SCALE of the full 1,000,000
 * orders / 200,000 customers), fully computed first, plus a segment "Ordered today" (last order
 * date in the last 0 days). Load: BENCH_RATE purchases per second (default 20) for BENCH_SECONDS
 * (60), each an orders/create, then orders/paid and checkouts/update 100 ms later (three
 * deliveries, as Shopify sends them), for customers who have not ordered today. Measured: from
 * sending orders/create to the customer's row appearing in the segment (polled every 20 ms), per
 * purchase: p50, p95, p99, max. Target: p95 ≤ 2 s.
 *
 *   npm run bench:analytics:freshness     (REDIS_URL: BullMQ on Redis, as the budget is set;
 *                                          DATABASE_URL: Postgres; unset: the embedded ones)
 *
 * BENCH_RESCORE_AT=<second>: also queue the shop's RFM rescore (segments.rescore-shop, due at most
 * every 15 minutes under steady orders) at that second of the load, to see what one costs the
 * purchases around it. Redis only. With BENCH_RESCORE_ALL=1 every stored F score is made stale
 * first, so the rescore rewrites all profiles: the rare worst case (a frequency edge moving past a
 * common order count) instead of the usual few customers between old and new edges.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pgPoolConfig } from "../../prisma/pg";
import { JOB_QUEUE, JobName, QueueName } from "../../app/queues/jobs";
import { benchAppEnv, benchPrefix, clearRedisPrefix, createBenchDatabase, waitForHealth } from "../lib/services";
import { readFileSync } from "node:fs";
import { FULL_SIZE, generateStore } from "./generate";

const root = path.resolve(import.meta.dirname, "../..");
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PORT = Number(process.env.BENCH_PORT ?? 3150);
const SECRET = "bench-secret";
const SHOP = "bench-fresh.myshopify.com";
const say = (m: string) => process.stdout.write(`${m}\n`);

// Shopify's documented sample bodies, with the fields of this purchase (as the demo generator does).
const sample = (file: string) => JSON.parse(readFileSync(path.join(root, "tests/support/fixtures/webhooks", file), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ORDER = sample("orders_create.json");
const CHECKOUT = sample("checkouts_update.json");
const money = (amount: string) => ({ shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } });
function orderBody(id: string, customer: string, at: string, token: string) {
  return {
    ...ORDER,
    id: Number(id),
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    email: `c${customer}@example.com`,
    financial_status: "paid",
    cancelled_at: null,
    cancel_reason: null,
    test: false,
    processed_at: at,
    created_at: at,
    updated_at: at,
    checkout_token: token,
    currency: "USD",
    subtotal_price: "42.00",
    subtotal_price_set: money("42.00"),
    total_price_set: money("42.00"),
    total_discounts_set: money("0.00"),
    refunds: [],
    line_items: (ORDER.line_items as Record<string, unknown>[]).map((li, i) => ({ ...li, id: Number(id) * 10 + i, admin_graphql_api_id: `gid://shopify/LineItem/${Number(id) * 10 + i}` })),
    customer: { ...ORDER.customer, id: Number(customer), admin_graphql_api_id: `gid://shopify/Customer/${customer}`, email: `c${customer}@example.com` },
  };
}
function checkoutBody(token: string, customer: string, created: string, updated: string) {
  return { ...CHECKOUT, token, cart_token: `cart-${token}`, email: `c${customer}@example.com`, created_at: created, updated_at: updated, completed_at: updated, customer: { ...CHECKOUT.customer, id: Number(customer), admin_graphql_api_id: `gid://shopify/Customer/${customer}` } };
}
const size = { customers: Math.round(FULL_SIZE.customers * SCALE), orders: Math.round(FULL_SIZE.orders * SCALE), checkouts: Math.round(FULL_SIZE.checkouts * SCALE) };

const database = await createBenchDatabase("fresh");
const prefix = benchPrefix("fresh");

/** The run's BullMQ queues on REDIS_URL (its prefix), open for `use`, then closed. */
async function withQueues<T>(names: QueueName[], use: (queues: Queue[]) => Promise<T>): Promise<T> {
  const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  try {
    return await use(queues);
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}
const children: ChildProcess[] = [];
try {
  say(`generating ${size.customers} customers, ${size.orders} orders, ${size.checkouts} checkouts...`);
  await generateStore(database.url, SHOP, size, new Date(Date.now() - 2 * 86_400_000));
  const client = new pg.Client(pgPoolConfig(database.url));
  await client.connect();
  const { rows } = await client.query(
    `INSERT INTO "Segment" (shop, name, rule, "createdAt", "updatedAt") VALUES ($1, 'Ordered today', $2::jsonb, now(), now()) RETURNING id`,
    [SHOP, JSON.stringify({ fact: "lastOrderDate", op: "within_last_days", value: 0 })],
  );
  const segmentId = rows[0].id as string;
  say("computing the shop (abandonment, profiles, segments)...");
  for (const what of ["abandonment", "segments"]) {
    await new Promise<void>((resolve, reject) => {
      const c = spawn(process.execPath, ["--import", "tsx", "bench/analytics/recompute-child.ts", database.url, SHOP, what], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
      c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} recompute failed`))));
    });
  }

  const env = benchAppEnv({ databaseUrl: database.url, queuePrefix: prefix, port: PORT, apiSecret: SECRET });
  children.push(spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] }));
  children.push(spawn(process.execPath, ["--import", "tsx", "app/workers/main.ts"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] }));
  await waitForHealth(PORT);
  await new Promise((r) => setTimeout(r, 3000)); // the worker's boot (registry, schedules)

  const deliver = async (topic: string, body: object) => {
    const raw = JSON.stringify(body);
    const res = await fetch(`http://127.0.0.1:${PORT}/webhooks/${topic}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": "2026-04",
        "X-Shopify-Webhook-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date().toISOString(),
        "X-Shopify-Hmac-Sha256": createHmac("sha256", SECRET).update(raw, "utf8").digest("base64"),
      },
      body: raw,
    });
    if (res.status !== 200) throw new Error(`${topic} answered ${res.status}`);
  };

  // Customers 1..N bought before today (the generator's "now" is two days ago): each buys once now.
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  const slowest: { at: number; ms: number }[] = [];
  let sent = 0;
  let started = performance.now();
  const poller = setInterval(async () => {
    if (!pending.size) return;
    const gids = [...pending.keys()];
    const found = await client.query(`SELECT "customerGid" FROM "SegmentMember" WHERE "segmentId" = $1 AND "customerGid" = ANY($2::text[])`, [segmentId, gids]);
    const now = performance.now();
    for (const r of found.rows as { customerGid: string }[]) {
      const t0 = pending.get(r.customerGid);
      if (t0 !== undefined) {
        latencies.push(now - t0);
        slowest.push({ at: Math.round((t0 - started) / 1000), ms: Math.round(now - t0) });
        pending.delete(r.customerGid);
      }
    }
  }, 20);

  if (process.env.BENCH_RESCORE_ALL === "1") {
    // Before the load, so only the rescore's own work falls inside it.
    await client.query(`UPDATE "CustomerProfile" SET "fScore" = NULL WHERE shop = $1 AND "fScore" IS NOT NULL`, [SHOP]);
    await client.query(`VACUUM ANALYZE "CustomerProfile"`);
  }
  say(`steady load: ${RATE} purchases/s (3 deliveries each) for ${SECONDS} s...`);
  started = performance.now();
  const loadStartedAt = Date.now();
  const total = RATE * SECONDS;
  const rescoreAt = process.env.BENCH_RESCORE_AT ? Number(process.env.BENCH_RESCORE_AT) : null;
  const rescore = () => withQueues([JOB_QUEUE[JobName.SegmentsRescoreShop]], ([queue]) => queue!.add(JobName.SegmentsRescoreShop, { shop: SHOP }));
  const rescoreTimer = rescoreAt !== null && process.env.REDIS_URL ? setTimeout(rescore, rescoreAt * 1000) : undefined;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const customer = String(1 + i * 7);
    const orderId = String(50_000_000_000 + i);
    const token = `fresh${i}`;
    const now = new Date().toISOString();
    const order = orderBody(orderId, customer, now, token);
    pending.set(`gid://shopify/Customer/${customer}`, performance.now());
    inflight.push(
      deliver("orders/create", order).then(async () => {
        sent++;
        await new Promise((r) => setTimeout(r, 100));
        const later = new Date().toISOString();
        await deliver("orders/paid", { ...order, updated_at: later });
        await deliver("checkouts/update", checkoutBody(token, customer, now, later));
      }),
    );
  }
  await Promise.all(inflight);
  clearTimeout(rescoreTimer);
  const deadline = performance.now() + 30_000;
  while (pending.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  clearInterval(poller);
  await client.end();

  // Where the worker's time went: completed jobs per name and queue, mean run time.
  const jobStats: Record<string, { jobs: number; meanMs: number }> = {};
  if (process.env.REDIS_URL) {
    await withQueues(Object.values(QueueName), async (queues) => {
      for (const queue of queues) {
        for (const job of await queue.getJobs(["completed", "failed"], 0, 20_000)) {
          // Whole-shop jobs are few and each can hold up the per-customer ones: listed one by one.
          if (queue.name === QueueName.Maintenance && job.name !== JobName.AbandonmentSweep)
            say(`  ${queue.name}/${job.name} at ${Math.round(((job.processedOn ?? 0) - loadStartedAt) / 1000)}s: ${(job.finishedOn ?? 0) - (job.processedOn ?? 0)} ms, ${JSON.stringify(job.returnvalue ?? job.failedReason)}`);
          const key = `${queue.name}/${job.name}`;
          const stat = (jobStats[key] ??= { jobs: 0, meanMs: 0 });
          stat.meanMs = (stat.meanMs * stat.jobs + ((job.finishedOn ?? 0) - (job.processedOn ?? 0))) / (stat.jobs + 1);
          stat.jobs++;
        }
      }
    });
    for (const [name, st] of Object.entries(jobStats).sort()) say(`  ${name}: ${st.jobs} jobs, ${Math.round(st.meanMs)} ms each`);
  }
  latencies.sort((a, b) => a - b);
  say(`  slowest (second of the run: ms): ${slowest.sort((a, b) => b.ms - a.ms).slice(0, 8).map((x) => `${x.at}s: ${x.ms}`).join(", ")}`);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN);
  const result = {
    when: new Date().toISOString(),
    queue: process.env.REDIS_URL ? "redis" : "postgres",
    size,
    purchasesPerSecond: RATE,
    deliveriesPerSecond: RATE * 3,
    seconds: SECONDS,
    measured: latencies.length,
    missed: pending.size,
    p50Ms: pct(50),
    p95Ms: pct(95),
    p99Ms: pct(99),
    maxMs: Math.round(latencies.at(-1) ?? NaN),
  };
  say(`\n${result.measured} purchases measured (${result.missed} not reflected within 30 s): p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (${result.queue})`);
  if (SCALE === 1) {
    mkdirSync(path.join(root, "bench/results"), { recursive: true });
    writeFileSync(path.join(root, "bench/results/analytics-freshness.json"), `${JSON.stringify(result, null, 2)}\n`);
  }
} finally {
  // Let web and worker drain and close their connections before the database goes.
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once("exit", resolve), c.kill("SIGTERM"), setTimeout(resolve, 15_000))))),
  );
  await clearRedisPrefix(prefix);
  await database.drop();
}
process.exit(0);
