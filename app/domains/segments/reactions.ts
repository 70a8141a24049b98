/**
 * The segments reaction (registered in customers/changes.server.ts): any change of a customer's
 * facts (order, refund, checkout, customer, loyalty, review, pixel) → a recompute of that
 * customer, debounced per customer (enqueue.server.ts). Guests (no customer GID) have no profile.
 * Pure: the webhook path enqueues the result inside its transaction.
 */
import type { CustomerChange } from "~/domains/customers/changes.server";
import { JobName, type JobItem } from "~/queues/jobs";

export function segmentsReaction(change: CustomerChange): JobItem[] {
  if (!change.customerGid) return [];
  return [{ name: JobName.SegmentsRecomputeCustomer, data: { shop: change.shop, customerGid: change.customerGid } }];
}
