/**
 * Throwaway services for one run of the tests, the browser tests or a benchmark: a fresh, migrated
 * database on DATABASE_URL's server, or on an embedded Postgres of the caller's own (its folder and
 * port, so suites running side by side never share one); and the removal of a run's queue keys.
 */
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../app/lib/embedded-postgres.server";
import { migrateDeploy } from "../../app/lib/migrate.server";
import { pgPoolConfig } from "../../prisma/pg";

export type ScratchDatabase = { url: string; drop: () => Promise<void> };

const root = path.resolve(import.meta.dirname, "../..");

/** Creates and migrates database `name`; drop() removes it and stops the embedded server it started. */
export async function createScratchDatabase(name: string, embedded: { dir: string; port: string }): Promise<ScratchDatabase> {
  let server = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!server) {
    const started = await startEmbeddedPostgres(undefined, {
      ...process.env,
      EMBEDDED_PG_DIR: path.resolve(root, embedded.dir),
      EMBEDDED_PG_PORT: embedded.port,
      EMBEDDED_PG_DATABASE: "postgres",
    });
    server = started.url;
    if (started.started) stopEmbedded = started.stop;
  }
  const admin = async (statement: string) => {
    const client = new pg.Client(pgPoolConfig(server!));
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrateDeploy(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await stopEmbedded?.();
    },
  };
}

/** Deletes a run's BullMQ keys (`<prefix>:*`) from REDIS_URL; nothing to do without Redis. */
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
