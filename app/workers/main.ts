/**
 * Worker process entry: `npm run worker`. Never started inside the web server.
 * Boot: settle the database (embedded default when DATABASE_URL is unset) → check the job
 * catalogue → start one Worker per queue → upsert schedules (and, during a client-secret rotation,
 * queue the pixel-key sweep). SIGTERM/SIGINT: close workers (active
 * jobs finish), then queues, then the database, then exit.
 */
import { prepareRuntime } from "~/lib/runtime.server";

const runtime = await prepareRuntime("worker");
const { logger } = await import("~/lib/logger.server");
const { buildRegistry } = await import("~/workers/registry.server");
const { assertRedisNoEviction, startWorkers } = await import("~/workers/workers.server");
const { upsertSchedules } = await import("~/workers/schedules.server");
const { requestPixelKeyResync } = await import("~/domains/storefront/storefront.jobs.server");
const { closeQueues } = await import("~/queues/queues.server");
const { disconnectDb } = await import("~/db.server");

try {
  const registry = buildRegistry();
  await assertRedisNoEviction();
  const { env } = await import("~/env.server");
  const { QueueName } = await import("~/queues/jobs");
  const all = Object.values(QueueName) as string[];
  const wanted = env().WORKER_QUEUES?.split(",").map((q) => q.trim()).filter(Boolean) ?? all;
  const unknown = wanted.filter((q) => !all.includes(q));
  if (unknown.length) throw new Error(`WORKER_QUEUES names unknown queues: ${unknown.join(", ")} (known: ${all.join(", ")})`);
  const running = startWorkers(registry, wanted as (typeof QueueName)[keyof typeof QueueName][]);
  await upsertSchedules();
  // After a client-secret rotation, every shop's pixel needs a key made with the new secret.
  await requestPixelKeyResync();
  logger.info({ queues: running.workers.map((w) => w.name) }, "worker started");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "worker stopping");
    await running.close();
    await closeQueues();
    await disconnectDb();
    await runtime.shutdown();
    logger.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  logger.fatal({ err: error }, "worker failed to start");
  await runtime.shutdown();
  process.exit(1);
}
