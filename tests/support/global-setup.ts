/**
 * Integration test services: real Postgres and real Redis (or BullMQ's Postgres backend).
 * - DATABASE_URL set (CI): a fresh database is created on that server for this run, dropped after.
 *   Unset: the embedded Postgres (.data/test-postgres, its own port) is started for the run.
 * - REDIS_URL set (CI): queues live there under a per-run prefix. Unset: BullMQ on Postgres.
 */
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { clearRedisPrefix, createScratchDatabase } from "../../scripts/lib/scratch";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const database = await createScratchDatabase(`journey_test_${runId}`, { dir: ".data/test-postgres", port: process.env.EMBEDDED_TEST_PG_PORT ?? "54339" });

  project.provide("databaseUrl", database.url);
  project.provide("redisUrl", process.env.REDIS_URL ?? "");
  project.provide("queuePrefix", `test-${runId}`);

  return async () => {
    await database.drop();
    await clearRedisPrefix(`test-${runId}`);
  };
}
