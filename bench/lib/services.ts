/**
 * Benchmark plumbing: a fresh database on the Postgres server of DATABASE_URL (or the embedded
 * one of the benchmarks), migrated, dropped afterwards; a per-run BullMQ prefix on REDIS_URL.
 */
import { randomBytes } from "node:crypto";
import { createScratchDatabase, type ScratchDatabase } from "../../scripts/lib/scratch";

export { clearRedisPrefix } from "../../scripts/lib/scratch";

export type BenchDatabase = ScratchDatabase;

export function createBenchDatabase(label: string): Promise<BenchDatabase> {
  return createScratchDatabase(`bench_${label}_${Date.now().toString(36)}${randomBytes(2).toString("hex")}`, { dir: ".data/bench-postgres", port: "54369" });
}

export const benchPrefix = (label: string) => `bench-${label}-${Date.now().toString(36)}`;

/** The environment of the app's web and worker processes in a benchmark: production build, its own database and queue prefix. */
export function benchAppEnv(o: { databaseUrl: string; queuePrefix: string; port: number; apiSecret: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: o.databaseUrl,
    QUEUE_PREFIX: o.queuePrefix,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: o.apiSecret,
    SHOPIFY_APP_URL: `http://127.0.0.1:${o.port}`,
    HOST: "127.0.0.1",
    PORT: String(o.port),
    LOG_LEVEL: "warn",
  };
}

/** Resolves once the web server on `port` answers /healthz (polled every 100 ms, for at most `seconds`). */
export async function waitForHealth(port: number, seconds = 30): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not start");
}
