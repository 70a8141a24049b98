import type { Job } from "bullmq";
import { QueueName } from "~/queues/jobs";
import { getQueue, queuesReady } from "~/queues/queues.server";

/** Removes every job of every queue (tests share one queue backend). */
export async function resetQueues(): Promise<void> {
  await queuesReady();
  for (const name of Object.values(QueueName)) await getQueue(name).obliterate({ force: true });
}

/** Jobs waiting (or delayed) in a queue. */
export async function queuedJobs(name: QueueName): Promise<Job[]> {
  return getQueue(name).getJobs(["waiting", "delayed", "prioritized"]);
}
