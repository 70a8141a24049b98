/**
 * Per-entity job schedulers (BullMQ job schedulers, ≥5.16), for schedules that depend on data,
 * such as one nightly recompute per shop at a quiet hour of the shop's own timezone. Global,
 * fixed schedules live in workers/schedules.server.ts. Upserts are idempotent by scheduler id.
 */
import { JOB_QUEUE, type JobItem, type QueueName } from "~/queues/jobs";
import { getQueue } from "~/queues/queues.server";

export type CronSchedule = { id: string; pattern: string; tz: string; job: JobItem };

export async function upsertCronSchedule(s: CronSchedule): Promise<void> {
  await getQueue(JOB_QUEUE[s.job.name]).upsertJobScheduler(s.id, { pattern: s.pattern, tz: s.tz }, { name: s.job.name, data: s.job.data });
}

/** Scheduler ids of a queue starting with `prefix`. */
export async function listScheduleIds(queue: QueueName, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; ; start += 500) {
    const page = await getQueue(queue).getJobSchedulers(start, start + 499, true);
    ids.push(...page.map((s) => s.key).filter((key): key is string => typeof key === "string" && key.startsWith(prefix)));
    if (page.length < 500) return ids;
  }
}

export async function removeSchedule(queue: QueueName, id: string): Promise<void> {
  await getQueue(queue).removeJobScheduler(id);
}
