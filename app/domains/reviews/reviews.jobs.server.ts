/**
 * Job handlers of the reviews feature: scheduling and sending review requests, and mirroring a
 * product's rating to Shopify's standard metafields plus an app-owned summary for the theme block.
 */
import { z } from "zod";
import { averageOf, ratingMetafieldValue } from "~/domains/reviews/rating";
import { computeReviewSummary } from "~/domains/reviews/summary";
import { getProductRating, markRatingSynced, publishedReviews, staleRatings } from "~/domains/reviews/reviews.repo.server";
import { enqueueMany } from "~/queues/enqueue.server";
import { scheduleReviewRequest, sendReviewRequest } from "~/domains/reviews/reviews.server";
import { JobName, type JobHandler } from "~/queues/jobs";
import { adminFor, adminQuery, assertNoUserErrors, terminalAware, type AdminGraphql } from "~/shopify/admin.server";
import { MetafieldsDelete } from "~/shopify/operations/MetafieldsDelete";
import { MetafieldsSet } from "~/shopify/operations/MetafieldsSet";

const ShopOrder = z.object({ shop: z.string().min(1), orderGid: z.string().startsWith("gid://shopify/Order/") });
const SendData = z.object({ shop: z.string().min(1), requestId: z.string().regex(/^\d+$/), step: z.number().int().min(0).max(10) });
const ShopProduct = z.object({ shop: z.string().min(1), productGid: z.string().startsWith("gid://shopify/Product/") });

type UserErrors = { userErrors: { field: string[] | null; message: string; code?: string | null }[] };

/** How many recent reviews the product metafield carries for server-side rendering. */
const SUMMARY_REVIEWS = 5;

/**
 * Writes reviews.rating + reviews.rating_count (Shopify's standard definitions, read by themes and
 * Shopify surfaces) and $app:reviews.summary (average, histogram, latest reviews with their whole
 * text, see summary.ts: the block renders them server-side, no round trip). No published review left: the rating metafields are deleted.
 * Skips when Shopify already has what we computed.
 */
export async function syncProductRating(shop: string, productGid: string, admin?: AdminGraphql): Promise<"NO_RATING" | "UP_TO_DATE" | "SYNCED" | "CLEARED"> {
  const rating = await getProductRating(shop, productGid);
  if (!rating) return "NO_RATING";
  const latest = await publishedReviews(shop, productGid, SUMMARY_REVIEWS);
  if (rating.syncedCount === rating.count && rating.syncedSum === rating.ratingSum && rating.syncedAt && latest.every((r) => (r.publishedAt ?? new Date(0)) <= rating.syncedAt!)) {
    return "UP_TO_DATE";
  }
  const api = admin ?? (await adminFor(shop));
  // Whole review texts: "Show more" pages through older reviews only, so a cut text could never be read in full.
  const summary = JSON.stringify(computeReviewSummary({ count: rating.count, average: averageOf(rating.count, rating.ratingSum), histogram: rating.histogram }, latest));
  const ratingValue = ratingMetafieldValue(rating.count, rating.ratingSum);
  const set = [
    { ownerId: productGid, namespace: "$app:reviews", key: "summary", type: "json", value: summary },
    { ownerId: productGid, namespace: "reviews", key: "rating_count", type: "number_integer", value: String(rating.count) },
    ...(ratingValue ? [{ ownerId: productGid, namespace: "reviews", key: "rating", type: "rating", value: ratingValue }] : []),
  ];
  const written = await adminQuery<{ metafieldsSet: UserErrors }>(api, MetafieldsSet, { metafields: set });
  assertNoUserErrors(written.metafieldsSet.userErrors);
  if (!ratingValue) {
    const deleted = await adminQuery<{ metafieldsDelete: UserErrors }>(api, MetafieldsDelete, { metafields: [{ ownerId: productGid, namespace: "reviews", key: "rating" }] });
    assertNoUserErrors(deleted.metafieldsDelete.userErrors);
  }
  await markRatingSynced(shop, productGid, rating.count, rating.ratingSum);
  return ratingValue ? "SYNCED" : "CLEARED";
}

export const reviewJobs = {
  [JobName.ReviewsScheduleRequest]: async (data) => {
    const { shop, orderGid } = ShopOrder.parse(data);
    return scheduleReviewRequest(shop, orderGid);
  },
  [JobName.ReviewsSendRequest]: async (data) => {
    const { shop, requestId, step } = SendData.parse(data);
    return sendReviewRequest(shop, BigInt(requestId), step);
  },
  [JobName.ReviewsSyncStaleRatings]: async () => {
    const stale = await staleRatings(1_000);
    await enqueueMany(stale.map((p) => ({ name: JobName.ReviewsSyncProductRating, data: { shop: p.shop, productGid: p.productGid } })));
    return `ENQUEUED_${stale.length}`;
  },
  [JobName.ReviewsSyncProductRating]: async (data) => {
    const { shop, productGid } = ShopProduct.parse(data);
    return terminalAware(() => syncProductRating(shop, productGid));
  },
} satisfies { [N in JobName]?: JobHandler<N> };
