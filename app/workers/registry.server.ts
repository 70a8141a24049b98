/**
 * JobName → handler. Each feature exports its handlers; buildRegistry merges them and refuses to
 * boot when a job name has no handler or two.
 */
import { JobName, type JobHandler } from "~/queues/jobs";
import { webhookJobs } from "~/webhooks/webhooks.jobs.server";
import { loyaltyJobs } from "~/domains/loyalty/loyalty.jobs.server";
import { reviewJobs } from "~/domains/reviews/reviews.jobs.server";
import { storefrontJobs } from "~/domains/storefront/storefront.jobs.server";
import { segmentJobs } from "~/domains/segments/segments.jobs.server";
import { abandonmentJobs } from "~/domains/abandonment/abandonment.jobs.server";
import { backfillJobs } from "~/domains/backfill/backfill.jobs.server";

type HandlerModule = { [N in JobName]?: JobHandler<N> };
export type Registry = { [N in JobName]: JobHandler<N> };

/** Every feature's job handlers. A new feature adds its module here. */
export const HANDLER_MODULES: Record<string, HandlerModule> = {
  webhooks: webhookJobs,
  loyalty: loyaltyJobs,
  reviews: reviewJobs,
  storefront: storefrontJobs,
  segments: segmentJobs,
  abandonment: abandonmentJobs,
  backfill: backfillJobs,
};

export function buildRegistry(modules: Record<string, HandlerModule> = HANDLER_MODULES): Registry {
  const registry: Partial<Record<JobName, JobHandler<JobName>>> = {};
  const owner: Partial<Record<JobName, string>> = {};
  const problems: string[] = [];
  for (const [moduleName, handlers] of Object.entries(modules)) {
    for (const [name, handler] of Object.entries(handlers) as [JobName, JobHandler<JobName>][]) {
      if (!Object.values(JobName).includes(name)) problems.push(`${moduleName} registers unknown job ${name}`);
      else if (registry[name]) problems.push(`${name} has two handlers (${owner[name]} and ${moduleName})`);
      else {
        registry[name] = handler;
        owner[name] = moduleName;
      }
    }
  }
  for (const name of Object.values(JobName)) if (!registry[name]) problems.push(`${name} has no handler`);
  if (problems.length) throw new Error(`Job catalogue check failed:\n  ${problems.join("\n  ")}`);
  return registry as Registry;
}
