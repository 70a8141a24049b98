/**
 * What loyalty does when a customer's facts change (registered in customers/changes.server.ts).
 * Pure: change → jobs. Every order or refund change re-syncs that order's points (earn, proportional
 * reversal, cancel), and a customer with an account (state "enabled") claims guest points and gets
 * the signup bonus once. customers/create also fires for records without an account (a guest
 * checkout, a newsletter sign-up, an import: Shopify's sample is "disabled"), and such a guest
 * who opens an account later shows up as customers/update with state "enabled".
 */
import type { CustomerChange } from "~/domains/customers/changes.server";
import { JobName, type JobItem } from "~/queues/jobs";

const ORDER_TOPICS = new Set(["orders/create", "orders/paid", "orders/updated", "orders/cancelled"]);
const CUSTOMER_TOPICS = new Set(["customers/create", "customers/update"]);

export function loyaltyReaction(change: CustomerChange): JobItem[] {
  const jobs: JobItem[] = [];
  if (change.orderGid && (change.cause === "refund" || (change.cause === "order" && ORDER_TOPICS.has(change.topic ?? "")))) {
    jobs.push({ name: JobName.LoyaltySyncOrder, data: { shop: change.shop, orderGid: change.orderGid } });
  }
  if (change.cause === "customer" && CUSTOMER_TOPICS.has(change.topic ?? "") && change.customerState === "enabled" && change.customerGid) {
    jobs.push({ name: JobName.LoyaltyCustomerJoined, data: { shop: change.shop, customerGid: change.customerGid } });
  }
  return jobs;
}
