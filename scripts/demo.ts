/**
 * `npm run demo`: the whole app on embedded defaults, outside the Shopify admin.
 *
 * 1. Postgres: DATABASE_URL, or the embedded one (.data/postgres), migrated.
 * 2. Queue: REDIS_URL, or BullMQ's Postgres backend in the same database.
 * 3. Builds the app, starts the web server (DEMO_MODE, loopback only) and a worker process.
 * 4. Seeds the demo shop by sending a year of signed deliveries through the real webhook
 *    endpoint (skipped when the shop already has data; `--reseed` sends them again, a no-op
 *    for deliveries already stored), waits for the worker to drain them.
 * 5. Prints the URL, and keeps running until Ctrl-C, which stops everything it started.
 *
 * Flags: --reseed, --no-build, --customers N.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { prepareRuntime } from "../app/lib/runtime.server";
import { DEMO_DEFAULTS } from "../app/env.server";
import { buildDemoDeliveries } from "./lib/demo-data";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const say = (msg: string) => process.stdout.write(`${msg}\n`);

const PORT = Number(process.env.PORT ?? 3000);
const HOST = "127.0.0.1";
const BASE = `http://${HOST}:${PORT}`;
const SHOP = process.env.DEMO_SHOP ?? DEMO_DEFAULTS.shop;
const SECRET = DEMO_DEFAULTS.apiSecret;

const runtime = await prepareRuntime("demo", say);
const childEnv = {
  ...process.env,
  DATABASE_URL: runtime.databaseUrl,
  NODE_ENV: "development" as const,
  DEMO_MODE: "1",
  DEMO_SHOP: SHOP,
  HOST,
  PORT: String(PORT),
  SHOPIFY_APP_URL: BASE,
  SHOPIFY_API_KEY: DEMO_DEFAULTS.apiKey,
  SHOPIFY_API_SECRET: SECRET,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
};

const children: ChildProcess[] = [];
function run(name: string, argv: string[], env = childEnv): ChildProcess {
  const child = spawn(process.execPath, argv, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping the demo`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  say("stopping web and worker...");
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once("exit", resolve), c.kill("SIGTERM"))))),
  );
  await runtime.shutdown();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function main() {
  if (!flag("--no-build")) {
    say("building the app (remix vite:build)...");
    await new Promise<void>((resolve, reject) => {
      const build = spawn(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { cwd: root, env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit"] });
      build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build failed (${code})`))));
    });
  }

  run("web", ["--import", "tsx", "server.ts"]);
  run("worker", ["--import", "tsx", "app/workers/main.ts"]);

  async function waitForHealth() {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${BASE}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("the web server did not become healthy within 60 s");
  }
  await waitForHealth();

  async function send(d: { topic: string; webhookId: string; triggeredAt: string; body: unknown }) {
    const raw = JSON.stringify(d.body);
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${BASE}/webhooks/${d.topic}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": d.topic,
          "X-Shopify-Shop-Domain": SHOP,
          "X-Shopify-API-Version": "2026-04",
          "X-Shopify-Webhook-Id": d.webhookId,
          "X-Shopify-Triggered-At": d.triggeredAt,
          "X-Shopify-Hmac-Sha256": createHmac("sha256", SECRET).update(raw, "utf8").digest("base64"),
        },
        body: raw,
      });
      if (res.ok) return;
      if (attempt >= 5) throw new Error(`delivery ${d.webhookId} answered ${res.status}`);
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt)); // as Shopify would: retry
    }
  }

  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: runtime.databaseUrl });
  await client.connect();
  const count = async (sql: string) => Number((await client.query(sql, [SHOP])).rows[0].n);
  const hasData = (await count(`SELECT count(*) AS n FROM "WebhookEvent" WHERE shop = $1`)) > 0;

  if (!hasData || flag("--reseed")) {
    await client.query(`INSERT INTO "Shop" (shop, name, currency, "ianaTimezone", "updatedAt") VALUES ($1, 'Demo Outdoor Co.', 'USD', 'America/New_York', now())
                        ON CONFLICT (shop) DO UPDATE SET "uninstalledAt" = NULL`, [SHOP]);
    const deliveries = buildDemoDeliveries({ customers: Number(option("--customers") ?? 1200), shop: SHOP });
    say(`seeding ${SHOP}: ${deliveries.length} signed deliveries through ${BASE}/webhooks/...`);
    const started = Date.now();
    let sent = 0;
    const CONCURRENCY = 16;
    // In event order, a window at a time: an order's create is sent before its fulfilment.
    for (let i = 0; i < deliveries.length; i += CONCURRENCY) {
      await Promise.all(deliveries.slice(i, i + CONCURRENCY).map(send));
      sent += Math.min(CONCURRENCY, deliveries.length - i);
      if (sent % 2000 < CONCURRENCY) say(`  sent ${sent}/${deliveries.length}`);
    }
    say(`  all sent in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the worker...`);
    const deadline = Date.now() + 300_000;
    while ((await count(`SELECT count(*) AS n FROM "WebhookEvent" WHERE shop = $1 AND status = 'RECEIVED'`)) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    say(`  processed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  // Analytics for the demo shop: example segments, then the full recompute the nightly job runs,
  // so the pages open with segments, RFM groups, stages and abandonment figures ready.
  say("posting the demo shoppers' reviews, computing segments and abandonment statistics...");
  await new Promise<void>((resolve, reject) => {
    const recompute = spawn(process.execPath, ["--import", "tsx", "scripts/recompute.ts", "--shop", SHOP, "--example-segments", "--demo-reviews", option("--customers") ?? "1200"], { cwd: root, env: childEnv, stdio: ["ignore", "inherit", "inherit"] });
    recompute.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`analytics recompute failed (${code})`))));
  });
  const summary = {
    customers: await count(`SELECT count(*) AS n FROM "Customer" WHERE shop = $1`),
    orders: await count(`SELECT count(*) AS n FROM "Order" WHERE shop = $1`),
    checkouts: await count(`SELECT count(*) AS n FROM "Checkout" WHERE shop = $1`),
    deliveries: await count(`SELECT count(*) AS n FROM "WebhookEvent" WHERE shop = $1`),
  };
  await client.end();
  say(`\n${SHOP}: ${summary.customers} customers, ${summary.orders} orders, ${summary.checkouts} checkouts, ${summary.deliveries} deliveries`);
  say(`\nOpen ${BASE}/app  (local demo mode, no Shopify login; Ctrl-C stops everything)\n`);
}

main().catch(async (error: unknown) => {
  say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
});
