/**
 * Integration test services: real Postgres and real Redis (or BullMQ's Postgres backend).
 * - DATABASE_URL set (CI): a fresh database is created on that server for this run, dropped after.
 *   Unset: the embedded Postgres (.data/test-postgres, its own port) is started for the run.
 * - REDIS_URL set (CI): queues live there under a per-run prefix. Unset: BullMQ on Postgres.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../app/lib/embedded-postgres.server";
import { migrateDeploy } from "../../app/lib/migrate.server";
import { pgPoolConfig } from "../../prisma/pg";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres(undefined, {
      ...process.env,
      EMBEDDED_PG_DIR: path.join(process.cwd(), ".data", "test-postgres"),
      EMBEDDED_PG_PORT: process.env.EMBEDDED_TEST_PG_PORT ?? "54339",
      EMBEDDED_PG_DATABASE: "postgres",
    });
    serverUrl = embedded.url;
    if (embedded.started) stopEmbedded = embedded.stop;
  }
  const database = `journey_test_${runId}`;
  const admin = new pg.Client(pgPoolConfig(serverUrl));
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  await migrateDeploy(databaseUrl);

  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", process.env.REDIS_URL ?? "");
  project.provide("queuePrefix", `test-${runId}`);

  return async () => {
    const dropper = new pg.Client(pgPoolConfig(serverUrl!));
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await dropper.end();
    if (process.env.REDIS_URL) {
      const { Redis } = await import("ioredis");
      const redis = new Redis(process.env.REDIS_URL);
      const keys = await redis.keys(`test-${runId}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await stopEmbedded?.();
  };
}
