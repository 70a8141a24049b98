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
import type { TestProject } from "vitest/node";
import { startDemoStack } from "../../scripts/lib/demo-stack";
import { clearRedisPrefix, createScratchDatabase } from "../../scripts/lib/scratch";

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
  const database = await createScratchDatabase(`journey_e2e_${runId}`, { dir: ".data/e2e-postgres", port: process.env.EMBEDDED_E2E_PG_PORT ?? "54379" });
  const buildDir = path.join(process.cwd(), ".cache", `e2e-build-${runId}`);
  const stack = await startDemoStack({
    port: await freePort(),
    databaseUrl: database.url,
    redisUrl: process.env.REDIS_URL,
    queuePrefix: `e2e-${runId}`,
    customers: Number(process.env.E2E_CUSTOMERS ?? 300),
    buildDir,
    log: (m) => process.stderr.write(`[e2e] ${m}\n`),
  }).catch(async (error: unknown) => {
    // No teardown runs when setup throws: clean up here.
    rmSync(buildDir, { recursive: true, force: true });
    await database.drop();
    throw error;
  });
  project.provide("appUrl", stack.baseUrl);
  project.provide("appDatabaseUrl", database.url);

  return async () => {
    await stack.stop();
    rmSync(buildDir, { recursive: true, force: true });
    await database.drop();
    await clearRedisPrefix(`e2e-${runId}`);
  };
}
