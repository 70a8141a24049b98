/**
 * The typed job catalogue (no runtime dependencies). Every JobName belongs to exactly one queue
 * and has exactly one handler; workers/registry.server.ts checks both at boot.
 *
 * Queues are named by workload, so each can get its own concurrency and retry policy:
 * - webhooks: normalizing deliveries into tables; many short jobs, high concurrency.
 * - compute: segment and abandonment computation; CPU and SQL heavy, low concurrency.
 * - shopify-sync: Admin API writes and bulk reads; limited by Shopify's cost-based rate limits.
 * - maintenance: schedules (redrive, retention pruning).
 */
export enum QueueName {
  Webhooks = "webhooks",
  Compute = "compute",
  ShopifySync = "shopify-sync",
  Maintenance = "maintenance",
}

export enum JobName {
  /**
   * Normalize one stored delivery into tables. Enqueued by webhooks/ingest.server.ts and by the
   * redrive. Idempotent by WebhookEvent.status (only RECEIVED rows are applied) and by the unique
   * resource keys of the tables it writes.
   */
  WebhooksProcessEvent = "webhooks.process-event",
  /** Re-enqueue RECEIVED deliveries whose enqueue was lost (Redis down at ingest). Scheduled. */
  WebhooksRedrive = "webhooks.redrive",
  /** Delete PROCESSED/SKIPPED/REJECTED deliveries past retention: raw payloads hold personal data. Scheduled. */
  WebhooksPrune = "webhooks.prune",
}

export type JobDataMap = {
  [JobName.WebhooksProcessEvent]: { eventId: string };
  [JobName.WebhooksRedrive]: Record<string, never>;
  [JobName.WebhooksPrune]: Record<string, never>;
};

export type JobOf<N extends JobName> = JobDataMap[N];

export type JobItem = { [N in JobName]: { name: N; data: JobDataMap[N] } }[JobName];

/** Handlers return a string literal describing what they did; tests assert on it. */
export type JobResult = string;

export type JobHandler<N extends JobName> = (data: JobOf<N>, context: JobContext) => Promise<JobResult>;

/** What a handler may know about its job beyond the data (BullMQ's Job, narrowed). */
export type JobContext = {
  jobId?: string;
  /** Attempts already made before this one (BullMQ's attemptsMade). */
  attemptsMade: number;
  /** The job's configured attempts; the last one may record a final failure. */
  maxAttempts?: number;
  /** Report progress (0-100) for long jobs such as backfills. */
  updateProgress?: (progress: number) => Promise<void>;
};

export const JOB_QUEUE: { readonly [N in JobName]: QueueName } = {
  [JobName.WebhooksProcessEvent]: QueueName.Webhooks,
  [JobName.WebhooksRedrive]: QueueName.Maintenance,
  [JobName.WebhooksPrune]: QueueName.Maintenance,
};
