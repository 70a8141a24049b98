/** Reviews react to fulfilment: schedule the order's review request (registered in customers/changes.server.ts). Pure. */
import type { CustomerChange } from "~/domains/customers/changes.server";
import { JobName, type JobItem } from "~/queues/jobs";

export function reviewsReaction(change: CustomerChange): JobItem[] {
  if (change.topic !== "orders/fulfilled" || !change.orderGid) return [];
  return [{ name: JobName.ReviewsScheduleRequest, data: { shop: change.shop, orderGid: change.orderGid } }];
}
