/**
 * Recurring jobs, upserted at every worker boot with fixed scheduler ids, so deploys and extra
 * workers never duplicate them (BullMQ job schedulers).
 */
import { getQueue } from "~/queues/queues.server";
import { JOB_QUEUE, JobName, type JobItem } from "~/queues/jobs";

type Schedule = { id: string; every?: number; pattern?: string; job: JobItem };

export const SCHEDULES: Schedule[] = [
  { id: "abandonment-sweep", every: 60_000, job: { name: JobName.AbandonmentSweep, data: {} } },
  { id: "segments-schedule-shops", every: 3_600_000, job: { name: JobName.SegmentsScheduleShops, data: {} } },
  { id: "webhooks-redrive", every: 60_000, job: { name: JobName.WebhooksRedrive, data: {} } },
  { id: "webhooks-prune", pattern: "17 3 * * *", job: { name: JobName.WebhooksPrune, data: {} } },
  { id: "loyalty-release-pending", every: 10 * 60_000, job: { name: JobName.LoyaltyReleasePending, data: {} } },
  { id: "loyalty-sync-stale-metafields", every: 10 * 60_000, job: { name: JobName.LoyaltySyncStaleMetafields, data: {} } },
  { id: "loyalty-settle-redemptions", every: 10 * 60_000, job: { name: JobName.LoyaltySettleRedemptions, data: {} } },
  { id: "reviews-sync-stale-ratings", every: 10 * 60_000, job: { name: JobName.ReviewsSyncStaleRatings, data: {} } },
  { id: "backfill-resume-stalled", every: 5 * 60_000, job: { name: JobName.BackfillResumeStalled, data: {} } },
  { id: "loyalty-expire-inactive", pattern: "41 4 * * *", job: { name: JobName.LoyaltyExpireInactive, data: {} } },
  { id: "loyalty-refresh-tiers", every: 3_600_000, job: { name: JobName.LoyaltyRefreshTiers, data: {} } },
];

export async function upsertSchedules(schedules: Schedule[] = SCHEDULES): Promise<void> {
  for (const s of schedules) {
    await getQueue(JOB_QUEUE[s.job.name]).upsertJobScheduler(
      s.id,
      s.every ? { every: s.every } : { pattern: s.pattern!, tz: "UTC" },
      { name: s.job.name, data: s.job.data },
    );
  }
}
