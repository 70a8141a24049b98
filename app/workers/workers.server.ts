/**
 * Starts one BullMQ Worker per queue (named-processor pattern: the registry picks the handler
 * by job.name), with per-workload concurrency, logging and a close() for graceful shutdown.
 */
import { UnrecoverableError, type Job, type Worker } from "bullmq";
import { env } from "~/env.server";
import { logger } from "~/lib/logger.server";
import { queueBackend, usesRedis, createRedis } from "~/queues/connection.server";
import { JobName, QueueName } from "~/queues/jobs";
import { isShopNotConnected } from "~/shopify/admin.server";
import type { Registry } from "~/workers/registry.server";

/** Per-workload concurrency: many short webhook jobs, few heavy compute and rate-limited sync jobs. */
export function concurrencyFor(queue: QueueName): number {
  switch (queue) {
    case QueueName.Webhooks:
      return env().WORKER_CONCURRENCY;
    case QueueName.Compute:
      // Per-customer recomputes and loyalty updates: tens of milliseconds each, mostly waiting on
      // Postgres. Two slots saturated at 20 purchases/s on the 200,000-customer shop (the backlog,
      // not the work, made an order take seconds to reach its segment).
      return 4;
    case QueueName.ShopifySync:
      return 2;
    case QueueName.Maintenance:
      return 1;
  }
}

/** BullMQ needs `maxmemory-policy noeviction`: an evicted key is a lost or corrupted job. */
export async function assertRedisNoEviction(): Promise<void> {
  if (!usesRedis()) return;
  const redis = createRedis("worker");
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy && policy !== "noeviction") {
      throw new Error(`Redis maxmemory-policy is ${policy}; BullMQ requires noeviction (it would silently lose jobs)`);
    }
  } catch (error) {
    // Managed Redis services may forbid CONFIG; only a readable wrong policy stops the boot.
    if (error instanceof Error && error.message.includes("BullMQ requires noeviction")) throw error;
    logger.warn({ err: error }, "could not read Redis maxmemory-policy; make sure it is noeviction");
  } finally {
    redis.disconnect();
  }
}

/** The job as a Worker runs it: read from BullMQ's Job, only what a handler sees. */
export type RunnableJob = Pick<Job, "name" | "data" | "id" | "attemptsMade" | "opts" | "updateProgress">;

/**
 * Runs one job through its handler. A job that must write to Shopify for a shop with no offline
 * session (uninstalled, or the local demo shop) is done, not failed: no retry can succeed, and a
 * demo run would otherwise log a failure per loyalty balance.
 */
export async function runJob(registry: Registry, job: RunnableJob): Promise<string> {
  const handler = registry[job.name as JobName] as ((data: unknown, ctx: unknown) => Promise<string>) | undefined;
  if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
  try {
    return await handler(job.data, {
      jobId: job.id,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts,
      updateProgress: (p: number) => job.updateProgress(p),
    });
  } catch (error) {
    if (!isShopNotConnected(error)) throw error;
    logger.debug({ job: job.name, jobId: job.id, shop: (job.data as { shop?: string }).shop }, "shop has no offline session; nothing to write to Shopify");
    return "SKIPPED_SHOP_NOT_CONNECTED";
  }
}

export type RunningWorkers = { workers: Worker[]; close: () => Promise<void> };

export function startWorkers(registry: Registry, queues: QueueName[] = Object.values(QueueName)): RunningWorkers {
  const workers = queues.map((queueName) => {
    const log = logger.child({ queue: queueName });
    const { Worker, connection } = queueBackend("worker");
    const worker = new Worker(
      queueName,
      (job: Job) => runJob(registry, job),
      {
        connection,
        prefix: env().QUEUE_PREFIX,
        concurrency: concurrencyFor(queueName),
        lockDuration: env().WORKER_LOCK_DURATION_MS,
        stalledInterval: env().WORKER_LOCK_DURATION_MS,
      },
    );
    worker.on("failed", (job, err) =>
      log.warn({ job: job?.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, "job failed"),
    );
    worker.on("error", (err) => log.error({ err }, "worker error"));
    return worker;
  });
  return {
    workers,
    // close() stops fetching and waits for active jobs; a job cut off by a hard kill is re-run
    // by the stalled-job check, which is safe because every handler is idempotent.
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
