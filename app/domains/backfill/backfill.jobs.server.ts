/** backfill.run: one resumable step of a shop's history import; re-enqueues itself until done. */
import { isTerminal, unrecoverable } from "~/shopify/admin.server";
import { enqueue } from "~/queues/enqueue.server";
import { JobName, type JobHandler } from "~/queues/jobs";
import { runBackfillStep, startBackfill } from "~/domains/backfill/backfill.server";
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
    throw error;
  }
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
} satisfies { [N in JobName]?: JobHandler<N> };
