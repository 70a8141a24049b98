/**
 * backfill.run: one resumable step of a shop's history import; re-enqueues itself until done.
 * backfill.resume-stalled: re-queues imports whose chain of steps broke.
 */
import { isTerminal, unrecoverable } from "~/shopify/admin.server";
import { enqueue, enqueueMany } from "~/queues/enqueue.server";
import { JobName, type JobHandler } from "~/queues/jobs";
import { findStalledRuns, giveUpStalledRun, noteStepError, recordStall, runBackfillStep, startBackfill } from "~/domains/backfill/backfill.server";
import { updateRun } from "~/domains/backfill/backfill.repo.server";

export const handleBackfillRun: JobHandler<JobName.BackfillRun> = async ({ shop, runId }) => {
  try {
    const step = await runBackfillStep(shop, BigInt(runId));
    if (step.againInMs !== null) await enqueue({ name: JobName.BackfillRun, data: { shop, runId } }, { delay: step.againInMs });
    return step.outcome;
  } catch (error) {
    if (isTerminal(error)) {
      await updateRun(BigInt(runId), { status: "FAILED", error: error instanceof Error ? error.message.slice(0, 500) : String(error), finishedAt: new Date() });
      throw unrecoverable(error);
    }
    // BullMQ retries it; once it gives up, the stall sweep re-queues the run.
    await noteStepError(BigInt(runId), error).catch(() => undefined);
    throw error;
  }
};

/**
 * backfill.resume-stalled (scheduled): a running import without progress for STALL_AFTER_MS has
 * no live job (its enqueue timed out at install, BullMQ gave up retrying a step, Redis lost it).
 * Re-queues it, backing off (15, 30, 60, 120 min), then fails it after MAX_STALLS re-queues.
 * Run twice: the second pass finds nothing due (the count moved the next due time), and the job's
 * dedup id (backfill-<runId>) ignores an add while a step is queued or retrying.
 */
export const handleBackfillResumeStalled: JobHandler<JobName.BackfillResumeStalled> = async () => {
  const { requeue, giveUp } = await findStalledRuns(new Date());
  let failed = 0;
  for (const run of giveUp) if (await giveUpStalledRun(run)) failed++;
  // Queued before counted: a lost enqueue leaves the run due for the next pass.
  if (requeue.length) await enqueueMany(requeue.map((run) => ({ name: JobName.BackfillRun, data: { shop: run.shop, runId: run.id.toString() } })));
  let requeued = 0;
  for (const run of requeue) if (await recordStall(run)) requeued++;
  return `REQUEUED_${requeued}_FAILED_${failed}`;
};

/**
 * Starts a shop's backfill, resumes its failed one or re-queues its running one (install,
 * re-authentication, the home page's buttons), and enqueues its next step. The job's dedup id
 * (backfill-<runId>) keeps a live chain from doubling.
 */
export async function requestBackfill(shop: string, queueTimeoutMs?: number) {
  const { run, created, resumed } = await startBackfill(shop);
  await enqueue({ name: JobName.BackfillRun, data: { shop, runId: run.id.toString() } }, {}, queueTimeoutMs);
  return { runId: run.id, created, resumed };
}

export const backfillJobs = {
  [JobName.BackfillRun]: handleBackfillRun,
  [JobName.BackfillResumeStalled]: handleBackfillResumeStalled,
} satisfies { [N in JobName]?: JobHandler<N> };
