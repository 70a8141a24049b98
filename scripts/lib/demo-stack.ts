/**
 * The app running for real on a given port and database, in the local demo mode, for browser
 * tests and the admin benchmark: builds (into its own BUILD_DIR), starts the web server and a
 * worker as child processes, seeds the demo shop with signed deliveries through the real webhook
 * endpoint, waits until the worker has drained them, then computes abandonment and segments for
 * the shop (what the nightly recompute does), so every page has materialized data to show.
 *
 * The caller owns the database (and drops it); stop() ends the processes this started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { DEMO_DEFAULTS } from "../../app/env.server";
import { buildDemoDeliveries } from "./demo-data";

const root = path.resolve(import.meta.dirname, "../..");
const NODE = process.execPath;

export type DemoStackOptions = {
  port: number;
  databaseUrl: string;
  /** Unset: BullMQ on Postgres (the embedded default). */
  redisUrl?: string;
  queuePrefix?: string;
  /** Customers to seed through webhooks (0: none, a fresh install). */
  customers: number;
  /** Where the build goes; built unless `build: false`. */
  buildDir: string;
  build?: boolean;
  shop?: string;
  log?: (message: string) => void;
};

export type DemoStack = { baseUrl: string; shop: string; stop: () => Promise<void> };

/** The caller's environment without Vitest's markers (vite.config.ts drops the Remix plugin under VITEST). */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "TEST" && k !== "NODE_OPTIONS")) as NodeJS.ProcessEnv;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

/** Builds the app into `buildDir` (production mode). */
export async function buildApp(buildDir: string, log: (m: string) => void = () => undefined): Promise<void> {
  log(`building the app into ${buildDir}...`);
  await new Promise<void>((resolve, reject) => {
    const build = spawn(NODE, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
      cwd: root,
      env: { ...baseEnv(), NODE_ENV: "production", BUILD_DIR: buildDir },
      stdio: ["ignore", "ignore", "inherit"],
    });
    build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build failed (${code})`))));
  });
}

async function sendDelivery(baseUrl: string, shop: string, d: { topic: string; webhookId: string; triggeredAt: string; body: unknown }) {
  const raw = JSON.stringify(d.body);
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${baseUrl}/webhooks/${d.topic}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": d.topic,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2026-04",
        "X-Shopify-Webhook-Id": d.webhookId,
        "X-Shopify-Triggered-At": d.triggeredAt,
        "X-Shopify-Hmac-Sha256": createHmac("sha256", DEMO_DEFAULTS.apiSecret).update(raw, "utf8").digest("base64"),
      },
      body: raw,
    });
    await res.arrayBuffer();
    if (res.ok) return;
    if (attempt >= 5) throw new Error(`delivery ${d.webhookId} answered ${res.status}`);
    await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
}

export async function startDemoStack(opts: DemoStackOptions): Promise<DemoStack> {
  const log = opts.log ?? (() => undefined);
  const shop = opts.shop ?? DEMO_DEFAULTS.shop;
  const host = "127.0.0.1";
  const baseUrl = `http://${host}:${opts.port}`;
  if (opts.build !== false) await buildApp(opts.buildDir, log);

  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    DATABASE_URL: opts.databaseUrl,
    NODE_ENV: "development",
    DEMO_MODE: "1",
    DEMO_SHOP: shop,
    HOST: host,
    PORT: String(opts.port),
    SHOPIFY_APP_URL: baseUrl,
    SHOPIFY_API_KEY: DEMO_DEFAULTS.apiKey,
    SHOPIFY_API_SECRET: DEMO_DEFAULTS.apiSecret,
    BUILD_DIR: opts.buildDir,
    QUEUE_PREFIX: opts.queuePrefix ?? "bull",
    LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? "error",
  };
  if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
  else delete env.REDIS_URL;

  const children: ChildProcess[] = [];
  const run = (argv: string[]) => {
    const child = spawn(NODE, argv, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    await Promise.race([Promise.all(children.map(waitExit)), new Promise((r) => setTimeout(r, 6_000))]);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  };

  try {
    run(["--import", "tsx", "server.ts"]);
    run(["--import", "tsx", "app/workers/main.ts"]);
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        if ((await fetch(`${baseUrl}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the web server on ${baseUrl} did not become healthy`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const client = new pg.Client({ connectionString: opts.databaseUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO "Shop" (shop, name, currency, "ianaTimezone", "updatedAt") VALUES ($1, 'Demo Outdoor Co.', 'USD', 'America/New_York', now())
         ON CONFLICT (shop) DO UPDATE SET "uninstalledAt" = NULL`,
        [shop],
      );
      if (opts.customers > 0) {
        const deliveries = buildDemoDeliveries({ customers: opts.customers, shop });
        log(`seeding ${deliveries.length} signed deliveries for ${opts.customers} customers...`);
        const CONCURRENCY = 16;
        for (let i = 0; i < deliveries.length; i += CONCURRENCY) {
          await Promise.all(deliveries.slice(i, i + CONCURRENCY).map((d) => sendDelivery(baseUrl, shop, d)));
        }
        const drainBy = Date.now() + 600_000;
        for (;;) {
          const { rows } = await client.query(`SELECT count(*)::int AS n FROM "WebhookEvent" WHERE shop = $1 AND status = 'RECEIVED'`, [shop]);
          if (rows[0].n === 0) break;
          if (Date.now() > drainBy) throw new Error("the worker did not drain the seeded deliveries in time");
          await new Promise((r) => setTimeout(r, 500));
        }
        log("deliveries processed; posting the shoppers' reviews, computing abandonment and segments...");
        await computeAnalytics(env, shop, opts.customers);
      }
    } finally {
      await client.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, shop, stop };
}

/**
 * The demo shoppers' reviews, then the whole-shop recomputes of the nightly job, in a child process
 * with the stack's environment: the app's modules read DATABASE_URL once, at first use, and the
 * jobs the reviews queue must reach the stack's worker (same queue backend and prefix).
 */
async function computeAnalytics(env: NodeJS.ProcessEnv, shop: string, customers: number): Promise<void> {
  const script = `
    const { postDemoReviews } = await import("./scripts/lib/demo-reviews.ts");
    await postDemoReviews(process.env.STACK_SHOP, Number(process.env.STACK_CUSTOMERS));
    const { recomputeAbandonment } = await import("./app/domains/abandonment/abandonment.server.ts");
    const { recomputeShop } = await import("./app/domains/segments/recompute.server.ts");
    const { disconnectDb } = await import("./app/db.server.ts");
    await recomputeAbandonment(process.env.STACK_SHOP);
    await recomputeShop(process.env.STACK_SHOP);
    // The reviews queued jobs: the queue connections would keep this process alive.
    const { closeQueues } = await import("./app/queues/queues.server.ts");
    await closeQueues();
    await disconnectDb();
  `;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(NODE, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      env: { ...env, STACK_SHOP: shop, STACK_CUSTOMERS: String(customers) },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`analytics recompute failed (${code})`))));
  });
}
