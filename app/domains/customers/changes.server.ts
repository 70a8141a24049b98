/**
 * "A customer's facts changed": the one place features learn about it. Webhook dispatch (orders,
 * checkouts, customers, refunds), loyalty and reviews report changes here; features that keep
 * per-customer results (segments, journey stages) list a reaction in REACTIONS that returns the
 * follow-up jobs to enqueue (e.g. a debounced recompute of that customer).
 *
 * Reactions are pure (change → jobs) so the webhook path can enqueue them inside its transaction.
 */
import { enqueueMany } from "~/queues/enqueue.server";
import type { JobItem } from "~/queues/jobs";
import { loyaltyReaction } from "~/domains/loyalty/reactions";
import { reviewsReaction } from "~/domains/reviews/reactions";
import { segmentsReaction } from "~/domains/segments/reactions";

export type ChangeCause = "order" | "refund" | "checkout" | "customer" | "loyalty" | "review" | "pixel";

export type CustomerChange = {
  shop: string;
  customerGid: string | null;
  email?: string | null;
  cause: ChangeCause;
  /** The webhook topic when the change came from a delivery (orders/fulfilled, refunds/create...). */
  topic?: string;
  /** The order concerned, for order and refund changes (loyalty awards, review requests). */
  orderGid?: string | null;
  /**
   * customers/* deliveries: the state of the customer's account ("enabled": they can sign in;
   * "disabled": a record without an account, as guest checkouts, newsletter sign-ups and imports make).
   */
  customerState?: string | null;
};

export type Reaction = (change: CustomerChange) => JobItem[];

/**
 * Features register their reaction here (one line each). A stale delivery (older than what is
 * stored) changes nothing, so reactions to state have nothing to do; a reaction to the event the
 * delivery reports says `alsoWhenStale`: a fulfilment happened even when its orders/fulfilled
 * arrives after a newer orders/updated.
 */
const REACTIONS: { react: Reaction; alsoWhenStale?: true }[] = [{ react: loyaltyReaction }, { react: reviewsReaction, alsoWhenStale: true }, { react: segmentsReaction }];

export function followUpsFor(change: CustomerChange, opts: { stale?: boolean } = {}): JobItem[] {
  return REACTIONS.filter((r) => !opts.stale || r.alsoWhenStale).flatMap((r) => r.react(change));
}

/** For changes made outside a webhook delivery (a review, a redemption): enqueue the follow-ups now. */
export async function customerChanged(change: CustomerChange): Promise<void> {
  const jobs = followUpsFor(change);
  if (jobs.length) await enqueueMany(jobs);
}
