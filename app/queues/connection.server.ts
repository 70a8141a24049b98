/**
 * Where BullMQ keeps its jobs. REDIS_URL selects Redis (production, tests, any scaled deployment).
 * With REDIS_URL unset (the embedded default, `npm run demo`) BullMQ runs on its Postgres backend
 * in the app's own database, schema `bullmq`: one embedded service instead of two, and no Redis
 * binary to ship. Only this folder imports bullmq or ioredis.
 */
import { Redis, type RedisOptions } from "ioredis";
import { createPostgresBackend, Queue, Worker, withBackend } from "bullmq";
import { pgPoolConfig } from "../../prisma/pg";
import { databaseUrl, env } from "~/env.server";

export type QueueRole = "producer" | "worker";

/** Producers fail fast: an ingest must not hang on Redis, the redrive covers a lost enqueue. */
const PRODUCER_REDIS: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 };
/** Blocking worker connections must never give up on a command (BullMQ requires null). */
const WORKER_REDIS: RedisOptions = { maxRetriesPerRequest: null };

export function usesRedis(): boolean {
  return Boolean(env().REDIS_URL);
}

export function createRedis(role: QueueRole): Redis {
  return new Redis(env().REDIS_URL!, role === "producer" ? PRODUCER_REDIS : WORKER_REDIS);
}

function postgresConnection(role: QueueRole) {
  // Discrete pool fields (see prisma/pg.ts); the Client subclass is only for Prisma's adapter.
  const { Client: _client, ...pool } = pgPoolConfig(databaseUrl(), { max: role === "producer" ? 5 : 10 });
  return { ...pool, schema: "bullmq", migrate: true };
}

// BullMQ's classes are generic over the backend. The app only uses the common API, so the
// Postgres-bound classes are typed as the default (Redis) ones: one place, one cast.
const postgresClasses = withBackend(createPostgresBackend) as unknown as { Queue: typeof Queue; Worker: typeof Worker };

export type QueueConstructors = { Queue: typeof Queue; Worker: typeof Worker };

/** Queue/Worker constructors and a connection for the selected backend. */
export function queueBackend(role: QueueRole, redis?: Redis): QueueConstructors & { connection: never } {
  if (usesRedis()) {
    return { Queue, Worker, connection: (redis ?? createRedis(role)) as never };
  }
  return { ...postgresClasses, connection: postgresConnection(role) as never };
}
