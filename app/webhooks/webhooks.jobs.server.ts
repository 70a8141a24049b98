/**
 * Job handlers of the webhooks feature: processing a delivery, redriving lost enqueues, pruning.
 */
import { env } from "~/env.server";
import { enqueueMany } from "~/queues/enqueue.server";
import { JobName, type JobHandler } from "~/queues/jobs";
import { handleWebhooksProcessEvent } from "~/webhooks/process.server";
import { listStaleReceived, pruneFinished } from "~/webhooks/webhook-events.repo.server";

const REDRIVE_BATCH = 1_000;

/**
 * webhooks.redrive: RECEIVED deliveries older than WEBHOOK_REDRIVE_AFTER_MS get their process
 * job enqueued again. Idempotent: the job id is deterministic (a job still queued is not added
 * twice) and processing skips rows that are no longer RECEIVED.
 */
export async function handleWebhooksRedrive(): Promise<string> {
  const ids = await listStaleReceived(new Date(Date.now() - env().WEBHOOK_REDRIVE_AFTER_MS), REDRIVE_BATCH);
  if (ids.length) await enqueueMany(ids.map((id) => ({ name: JobName.WebhooksProcessEvent, data: { eventId: id.toString() } })));
  return `REDRIVEN_${ids.length}`;
}

/** webhooks.prune: finished (and failed) deliveries past retention are deleted. Idempotent by nature. */
export async function handleWebhooksPrune(): Promise<string> {
  const days = env().WEBHOOK_RETENTION_DAYS;
  const count = await pruneFinished(new Date(Date.now() - days * 24 * 3600 * 1000));
  return `PRUNED_${count}`;
}

export const webhookJobs = {
  [JobName.WebhooksProcessEvent]: handleWebhooksProcessEvent,
  [JobName.WebhooksRedrive]: handleWebhooksRedrive,
  [JobName.WebhooksPrune]: handleWebhooksPrune,
} satisfies { [N in JobName]?: JobHandler<N> };
