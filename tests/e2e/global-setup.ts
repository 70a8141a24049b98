/**
 * Browser tests run against the real app: a fresh database (on DATABASE_URL's server, else an
 * embedded Postgres of its own), the app built into its own directory, web + worker processes in
 * the local demo mode, seeded with signed webhook deliveries and analytics computed
 * (scripts/lib/demo-stack.ts). Everything is torn down afterwards.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../app/lib/embedded-postgres.server";
import { migrateDeploy } from "../../app/lib/migrate.server";
import { pgPoolConfig } from "../../prisma/pg";
import { startDemoStack } from "../../scripts/lib/demo-stack";

declare module "vitest" {
  export interface ProvidedContext {
    appUrl: string;
    appDatabaseUrl: string;
  }
}

/** A free port in the admin range (3300-3399), so parallel runs of other suites never clash. */
async function freePort(): Promise<number> {
  for (let port = 3300 + Math.floor(Math.random() * 90); port < 3400; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer().once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port in 3300-3399");
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres(undefined, {
      ...process.env,
      EMBEDDED_PG_DIR: path.join(process.cwd(), ".data", "e2e-postgres"),
      EMBEDDED_PG_PORT: process.env.EMBEDDED_E2E_PG_PORT ?? "54379",
      EMBEDDED_PG_DATABASE: "postgres",
    });
    serverUrl = embedded.url;
    if (embedded.started) stopEmbedded = embedded.stop;
  }
  const database = `journey_e2e_${runId}`;
  const admin = new pg.Client(pgPoolConfig(serverUrl));
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  await migrateDeploy(databaseUrl);

  const dropDatabase = async () => {
    const dropper = new pg.Client(pgPoolConfig(serverUrl!));
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await dropper.end();
  };
  const buildDir = path.join(process.cwd(), ".cache", `e2e-build-${runId}`);
  const stack = await startDemoStack({
    port: await freePort(),
    databaseUrl,
    redisUrl: process.env.REDIS_URL,
    queuePrefix: `e2e-${runId}`,
    customers: Number(process.env.E2E_CUSTOMERS ?? 300),
    buildDir,
    log: (m) => process.stderr.write(`[e2e] ${m}\n`),
  }).catch(async (error: unknown) => {
    // No teardown runs when setup throws: clean up here.
    rmSync(buildDir, { recursive: true, force: true });
    await dropDatabase();
    await stopEmbedded?.();
    throw error;
  });
  project.provide("appUrl", stack.baseUrl);
  project.provide("appDatabaseUrl", databaseUrl);

  return async () => {
    await stack.stop();
    rmSync(buildDir, { recursive: true, force: true });
    await dropDatabase();
    if (process.env.REDIS_URL) {
      const { Redis } = await import("ioredis");
      const redis = new Redis(process.env.REDIS_URL);
      const keys = await redis.keys(`e2e-${runId}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await stopEmbedded?.();
  };
}
