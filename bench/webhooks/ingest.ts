/**
 * Webhook intake benchmark (issue 2): signed orders/create and checkouts/update deliveries against
 * the real endpoint on loopback, sustained deliveries/s with p50/p99 latency; in the same run, the
 * rate of a bare in-process loop doing the same insert + enqueue without HTTP, and the ratio.
 * Targets (2-core machine): >= 1,000 deliveries/s, p99 < 100 ms, ratio >= 0.5.
 *
 *   npm run build && npm run bench:webhooks            (DATABASE_URL / REDIS_URL: the services to use;
 *                                                       unset: embedded Postgres, BullMQ on Postgres)
 * Options (env): BENCH_SECONDS (20), BENCH_CONNECTIONS (32), BENCH_PORT (3050), BENCH_CPU_PROF (a
 * directory: the web processes write V8 CPU profiles there, for chrome://inspect or speedscope).
 * The worker is not running: this measures intake alone (jobs wait in the queue).
 * Load comes from wrk (`apt-get install wrk`): a C load generator leaves the 2 cores to the server,
 * Postgres and Redis, where a Node one (autocannon) took most of a core itself.
 */
import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { benchAppEnv, benchPrefix, clearRedisPrefix, createBenchDatabase, waitForHealth } from "../lib/services";

const root = path.resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PORT = Number(process.env.BENCH_PORT ?? 3050);
/** Web processes (node:cluster), one per core by default: the deployment this machine would run. */
const WEB_PROCESSES = Number(process.env.WEB_CONCURRENCY ?? 2);
const SECRET = "bench-secret";
const SHOP = "bench-shop.myshopify.com";

const bodies = ["orders/create", "checkouts/update"].map((topic) => {
  const file = topic === "orders/create" ? "orders_create.json" : "checkouts_update.json";
  const raw = readFileSync(path.join(root, "tests/support/fixtures/webhooks", file), "utf8");
  return { topic, raw, hmac: createHmac("sha256", SECRET).update(raw, "utf8").digest("base64") };
});

const database = await createBenchDatabase("webhooks");
const prefix = benchPrefix("webhooks");
const env = { ...benchAppEnv({ databaseUrl: database.url, queuePrefix: prefix, port: PORT, apiSecret: SECRET }), WEB_CONCURRENCY: String(WEB_PROCESSES) };

const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const server = spawn(process.execPath, [...profile, "--import", "tsx", "server.ts"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
try {
  await waitForHealth(PORT, 20);

  const hmacOf = (b: (typeof bodies)[number]) => b.hmac;
  const wrkEnv = {
    ...process.env,
    ORDERS_FILE: path.join(root, "tests/support/fixtures/webhooks/orders_create.json"),
    ORDERS_HMAC: hmacOf(bodies[0]!),
    CHECKOUTS_FILE: path.join(root, "tests/support/fixtures/webhooks/checkouts_update.json"),
    CHECKOUTS_HMAC: hmacOf(bodies[1]!),
    SHOP,
  };
  const load = (seconds: number) => {
    const out = execFileSync(
      "wrk",
      ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--timeout", "5s", "-s", path.join(root, "bench/webhooks/deliveries.lua"), `http://127.0.0.1:${PORT}`],
      { env: { ...wrkEnv, RUN_ID: randomUUID() }, encoding: "utf8" },
    );
    const m = /RESULT requests=(\d+) non2xx=(\d+) errors=(\d+) seconds=([\d.]+) p50=([\d.]+) p99=([\d.]+)/.exec(out);
    if (!m) throw new Error(`unexpected wrk output:\n${out}`);
    const [requests, non2xx, errors, secs, p50, p99] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    return { rate: (requests - non2xx - errors) / secs, non2xx: non2xx + errors, p50, p99 };
  };

  load(3); // warm-up: JIT, connection pools
  const result = load(SECONDS);
  const non2xx = result.non2xx;
  const httpRate = result.rate;

  // Bare loop: the same insert + enqueue, in-process, same concurrency, no HTTP, no HMAC.
  Object.assign(process.env, env);
  const { insertDelivery } = await import("../../app/webhooks/webhook-events.repo.server");
  const { enqueueBatched } = await import("../../app/queues/enqueue.server");
  const { closeQueues, queuesReady } = await import("../../app/queues/queues.server");
  const { disconnectDb } = await import("../../app/db.server");
  const { JobName } = await import("../../app/queues/jobs");
  await queuesReady();
  let bare = 0;
  const until = Date.now() + Math.min(SECONDS, 10) * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, lane) => {
      for (let i = 0; Date.now() < until; i++) {
        const b = bodies[(lane + i) % 2]!;
        const row = await insertDelivery({
          webhookId: randomUUID(),
          eventId: null,
          shop: SHOP,
          topic: b.topic,
          apiVersion: "2026-04",
          triggeredAt: new Date(),
          payloadText: b.raw,
          rawBody: null,
          status: "RECEIVED",
          outcome: null,
        });
        await enqueueBatched({ name: JobName.WebhooksProcessEvent, data: { eventId: row.id.toString() } }, 1_500);
        bare++;
      }
    }),
  );
  const bareRate = bare / Math.min(SECONDS, 10);
  await closeQueues();
  await disconnectDb();

  const figures = {
    when: new Date().toISOString(),
    queue: process.env.REDIS_URL ? "redis" : "postgres",
    webProcesses: WEB_PROCESSES,
    seconds: SECONDS,
    connections: CONNECTIONS,
    deliveriesPerSecond: Math.round(httpRate),
    p50Ms: Number(result.p50.toFixed(1)),
    p99Ms: Number(result.p99.toFixed(1)),
    non2xx,
    bareLoopPerSecond: Math.round(bareRate),
    ratioToBare: Number((httpRate / bareRate).toFixed(2)),
  };
  mkdirSync(path.join(root, "bench/results"), { recursive: true });
  writeFileSync(path.join(root, "bench/results/webhooks-ingest.json"), JSON.stringify(figures, null, 2));
  process.stdout.write(
    `webhook intake (${WEB_PROCESSES} web processes, ${figures.queue} queue, ${CONNECTIONS} connections, ${SECONDS} s): ${figures.deliveriesPerSecond} deliveries/s, ` +
      `p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, non-2xx ${non2xx}\n` +
      `bare insert+enqueue loop: ${figures.bareLoopPerSecond}/s; ratio ${figures.ratioToBare} (target >= 0.5)\n`,
  );
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  await clearRedisPrefix(prefix);
  await database.drop();
}
