/**
 * The worker side of a delivery: load the stored row, dispatch it to its domain handler and mark
 * it done, all in one transaction, so a worker killed mid-job leaves either nothing or everything.
 * Plain SQL on a pg connection rather than Prisma: see sqlPool() in db.server.ts.
 */
import { sqlTransaction } from "~/db.server";
import { parseJsonLossless } from "~/lib/json";
import { enqueueMany } from "~/queues/enqueue.server";
import type { JobContext, JobOf, JobName } from "~/queues/jobs";
import { dispatch } from "~/webhooks/dispatch.server";
import { normalizeTopic } from "~/webhooks/topics";
import { finishDelivery, getDelivery, lockDelivery, recordDeliveryFailure } from "~/webhooks/webhook-events.repo.server";

/** Literal outcomes: the dispatch outcome ("APPLIED", "STALE", "REDACTED"...) or one of these. */
export type ProcessOutcome = "MISSING" | "ALREADY_DONE" | string;

/**
 * Handler of webhooks.process-event. Idempotent: the row is locked and only a RECEIVED row is
 * applied, so a duplicate job, a stalled job's re-run or a redrive returns "ALREADY_DONE".
 */
export async function handleWebhooksProcessEvent(data: JobOf<JobName.WebhooksProcessEvent>, job?: JobContext): Promise<ProcessOutcome> {
  const id = BigInt(data.eventId);
  try {
    return await sqlTransaction(async (sql) => {
      const status = await lockDelivery(sql, id);
      if (status === null) return "MISSING";
      if (status !== "RECEIVED") return "ALREADY_DONE";
      const delivery = (await getDelivery(sql, id))!;
      const topic = normalizeTopic(delivery.topic);
      if (!topic || delivery.payloadText === null) {
        await finishDelivery(sql, id, { status: "SKIPPED", outcome: topic ? "payload missing" : `unknown topic ${delivery.topic}` });
        return "SKIPPED";
      }
      const result = await dispatch(
        sql,
        { eventId: id, shop: delivery.shop, topic, occurredAt: delivery.triggeredAt ?? delivery.receivedAt, receivedAt: delivery.receivedAt },
        parseJsonLossless(delivery.payloadText),
      );
      // Before commit: if the enqueue fails the transaction rolls back and the job retries.
      if (result.followUps?.length) await enqueueMany(result.followUps);
      await finishDelivery(sql, id, result);
      return result.outcome;
    });
  } catch (error) {
    const final = job ? job.attemptsMade + 1 >= (job.maxAttempts ?? 1) : false;
    await recordDeliveryFailure(id, error instanceof Error ? error.message : String(error), final).catch(() => undefined);
    throw error;
  }
}
