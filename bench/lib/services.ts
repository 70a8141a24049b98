/**
 * Benchmark plumbing: a fresh database on the Postgres server of DATABASE_URL (or the embedded
 * one), migrated, dropped afterwards; a per-run BullMQ prefix on REDIS_URL.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../app/lib/embedded-postgres.server";
import { migrateDeploy } from "../../app/lib/migrate.server";
import { pgPoolConfig } from "../../prisma/pg";

export type BenchDatabase = { url: string; drop: () => Promise<void> };

export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  let server = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!server) {
    const embedded = await startEmbeddedPostgres(undefined, {
      ...process.env,
      EMBEDDED_PG_DIR: path.resolve(import.meta.dirname, "../../.data/bench-postgres"),
      EMBEDDED_PG_PORT: "54369",
      EMBEDDED_PG_DATABASE: "postgres",
    });
    server = embedded.url;
    if (embedded.started) stopEmbedded = embedded.stop;
  }
  const name = `bench_${label}_${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const admin = new pg.Client(pgPoolConfig(server));
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrateDeploy(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client(pgPoolConfig(server!));
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
      await stopEmbedded?.();
    },
  };
}

export async function clearRedisPrefix(prefix: string) {
  if (!process.env.REDIS_URL) return;
  const { Redis } = await import("ioredis");
  const redis = new Redis(process.env.REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}

export const benchPrefix = (label: string) => `bench-${label}-${Date.now().toString(36)}`;
