/**
 * Producer-side Queue singletons (one per QueueName) with each queue's default job options.
 * Used by the web process (ingest) and by workers that enqueue follow-ups.
 */
import type { Queue, JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { env } from "~/env.server";
import { QueueName } from "~/queues/jobs";
import { queueBackend, usesRedis, createRedis } from "~/queues/connection.server";

const DAY = 24 * 3600;

/**
 * Retention matters: BullMQ keeps finished jobs forever by default. Completed jobs are kept an hour
 * (enough to see them in a dashboard, and the dedup window for a retried ingest), failed ones a week.
 */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  [QueueName.Webhooks]: {
    attempts: 8,
    backoff: { type: "exponential", delay: 1_000 },
    removeOnComplete: { age: 3600, count: 50_000 },
    removeOnFail: { age: 7 * DAY },
  },
  [QueueName.Compute]: {
    attempts: 5,
    backoff: { type: "exponential", delay: 2_000 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * DAY },
  },
  [QueueName.ShopifySync]: {
    attempts: 10,
    backoff: { type: "exponential", delay: 5_000 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * DAY },
  },
  [QueueName.Maintenance]: {
    attempts: 3,
    backoff: { type: "exponential", delay: 10_000 },
    removeOnComplete: { count: 100 },
    removeOnFail: { age: 7 * DAY },
  },
};

type Holder = { queues?: Map<QueueName, Queue>; redis?: Redis };
const holder = globalThis as unknown as { __queues?: Holder };
const state: Holder = (holder.__queues ??= {});

export function getQueue(name: QueueName): Queue {
  state.queues ??= new Map();
  let queue = state.queues.get(name);
  if (!queue) {
    if (usesRedis()) state.redis ??= createRedis("producer");
    const { Queue, connection } = queueBackend("producer", state.redis);
    queue = new Queue(name, { connection, prefix: env().QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] });
    // A producer whose Redis is down must not crash the process; enqueue() reports the failure.
    queue.on("error", () => undefined);
    state.queues.set(name, queue);
  }
  return queue;
}

/** Resolves once the producer connection is usable (boot, tests); enqueue itself never waits. */
export async function queuesReady(names: QueueName[] = Object.values(QueueName)): Promise<void> {
  await Promise.all(names.map((n) => getQueue(n).waitUntilReady()));
}

export async function closeQueues(): Promise<void> {
  const queues = [...(state.queues?.values() ?? [])];
  state.queues = undefined;
  await Promise.allSettled(queues.map((q) => q.close()));
  const redis = state.redis;
  state.redis = undefined;
  if (redis) redis.disconnect();
}
