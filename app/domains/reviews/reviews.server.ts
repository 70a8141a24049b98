/**
 * Product reviews: storefront submissions (verified-buyer check, moderation status, plain text),
 * public lists with the aggregate, the admin moderation queue, and review requests N days after
 * fulfilment with capped reminders.
 *
 * Publishing (on submit or by a moderator) recomputes ProductRating in the same transaction,
 * awards the review bonus (never dependent on the rating) and, after commit, enqueues the rating
 * metafield sync and tells analytics the customer changed ("has reviewed", advocacy).
 */
import type { Review, ReviewRequest, ReviewStatus } from "@prisma/client";
import { db, type Db } from "~/db.server";
import { customerChanged } from "~/domains/customers/changes.server";
import { awardReviewBonus, loyaltyAccountChanged } from "~/domains/loyalty/loyalty.server";
import { aggregate, averageOf } from "~/domains/reviews/rating";
import {
  listReviews,
  boughtProduct,
  createRequest,
  customerEmailOf,
  findCustomerReview,
  findGuestReview,
  findRequest,
  findRequestByOrder,
  findReview,
  findReviewByRequestKey,
  insertReview,
  lockCustomerRequests,
  lockProductRating,
  lockRequest,
  orderForRequest,
  productTitles,
  publishedRatings,
  requestsContaining,
  requestsSentSince,
  reviewedProducts,
  saveProductRating,
  updateRequest,
  updateReviewStatus,
} from "~/domains/reviews/reviews.repo.server";
import type { ReviewSettings } from "~/domains/reviews/settings";
import { parseSubmission, type FieldErrors } from "~/domains/reviews/submission";
import { getShopSettings } from "~/domains/shops/settings.server";
import { promptForProxy, reviewsForProxy } from "~/domains/storefront/hot-reads.server";
import { enqueue, enqueueMany } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";

const DAY_MS = 24 * 3600 * 1000;

export type SubmitResult =
  | { ok: true; status: ReviewStatus; verifiedBuyer: boolean; reviewId: string }
  | { ok: false; reason: "INVALID"; fieldErrors: FieldErrors }
  | { ok: false; reason: "LOGIN_REQUIRED" | "ALREADY_REVIEWED" };

function statusFor(s: ReviewSettings, verified: boolean): ReviewStatus {
  if (s.autoPublish === "all") return "PUBLISHED";
  if (s.autoPublish === "verified" && verified) return "PUBLISHED";
  return "PENDING";
}

/**
 * Recomputes the product's published aggregate from its reviews (same transaction as the change),
 * under the product's lock: the count then starts after any concurrent publication committed, so
 * it sees that review as well as this one (read committed: each statement sees what committed).
 */
async function recomputeRating(tx: Db, shop: string, productGid: string) {
  await lockProductRating(tx, shop, productGid);
  const { count, sum, histogram } = aggregate(await publishedRatings(tx, shop, productGid));
  await saveProductRating(tx, shop, productGid, { count, ratingSum: sum, histogram });
}

/** A published review changes the customer and the product: commit-time follow-ups. */
async function afterPublishChange(shop: string, review: Pick<Review, "productGid" | "customerGid">, loyaltyAccount: Awaited<ReturnType<typeof awardReviewBonus>>) {
  await enqueueMany([{ name: JobName.ReviewsSyncProductRating, data: { shop, productGid: review.productGid } }]);
  if (review.customerGid) await customerChanged({ shop, customerGid: review.customerGid, cause: "review" });
  if (loyaltyAccount) await loyaltyAccountChanged(shop, loyaltyAccount);
}

/** Closes the customer's review requests that have nothing left to review once this product is reviewed. */
async function completeRequests(tx: Db, shop: string, owner: { customerGid: string | null; email: string | null }, productGid: string) {
  for (const request of await requestsContaining(tx, shop, owner, productGid)) {
    const done = await reviewedProducts(tx, shop, owner, request.productGids);
    if (request.productGids.every((p) => done.has(p))) await updateRequest(tx, request.id, { status: "COMPLETED", nextReminderAt: null, outcome: "all products reviewed" });
  }
}

/**
 * A storefront submission. The customer comes from the verified proxy signature only
 * (customerGid null = not logged in). Idempotent by requestKey; one review per customer and product.
 */
export async function submitReview(input: { shop: string; productGid: string; customerGid: string | null; raw: unknown; now?: Date }): Promise<SubmitResult> {
  const { shop, productGid, customerGid } = input;
  const now = input.now ?? new Date();
  const parsed = parseSubmission(input.raw);
  if (!parsed.ok) return { ok: false, reason: "INVALID", fieldErrors: parsed.fieldErrors };
  const review = parsed.value;
  const s = (await getShopSettings(shop)).reviews;
  if (!customerGid && !s.allowGuestReviews) return { ok: false, reason: "LOGIN_REQUIRED" };
  if (!customerGid && !review.email) return { ok: false, reason: "INVALID", fieldErrors: { email: "Enter your email" } };

  const repeat = await findReviewByRequestKey(shop, review.requestKey);
  if (repeat) {
    if (repeat.productGid !== productGid || repeat.customerGid !== customerGid) return { ok: false, reason: "INVALID", fieldErrors: { requestKey: "Invalid request key" } };
    return { ok: true, status: repeat.status, verifiedBuyer: repeat.verifiedBuyer, reviewId: repeat.id.toString() };
  }

  const result = await db().$transaction(async (tx) => {
    const person = customerGid ? await customerEmailOf(tx, shop, customerGid) : null;
    const owner = { customerGid, email: customerGid ? (person?.email?.toLowerCase() ?? null) : review.email! };
    if (customerGid && (await findCustomerReview(tx, shop, productGid, customerGid))) return { outcome: "ALREADY_REVIEWED" as const };
    if (!customerGid && (await findGuestReview(tx, shop, productGid, owner.email!))) return { outcome: "ALREADY_REVIEWED" as const };
    // Verified only from our own order records for a logged-in customer: a guest's typed email proves nothing.
    const orderGid = customerGid ? await boughtProduct(tx, shop, productGid, owner) : null;
    const status = statusFor(s, orderGid !== null);
    const authorName = review.authorName || [person?.firstName, person?.lastName?.slice(0, 1)].filter(Boolean).join(" ") || "Customer";
    const row = await insertReview(tx, {
      shop,
      productGid,
      customerGid,
      email: owner.email,
      authorName,
      rating: review.rating,
      title: review.title || null,
      body: review.body,
      status,
      verifiedBuyer: orderGid !== null,
      orderGid,
      requestKey: review.requestKey,
      publishedAt: status === "PUBLISHED" ? now : null,
      createdAt: now,
    });
    // A guest's typed email proves nothing: it must not close someone else's review requests.
    if (customerGid) await completeRequests(tx, shop, owner, productGid);
    if (status !== "PUBLISHED") return { outcome: "STORED" as const, row, account: null };
    await recomputeRating(tx, shop, productGid);
    return { outcome: "STORED" as const, row, account: await awardReviewBonus(tx, shop, row, now) };
  }).catch(async (error: unknown) => {
    // Two concurrent submissions of one customer, or a double click racing itself.
    if ((error as { code?: string }).code === "P2002") {
      const same = await findReviewByRequestKey(shop, review.requestKey);
      return same ? { outcome: "STORED" as const, row: same, account: null, repeat: true } : { outcome: "ALREADY_REVIEWED" as const };
    }
    throw error;
  });
  if (result.outcome === "ALREADY_REVIEWED") return { ok: false, reason: "ALREADY_REVIEWED" };
  if (result.row.status === "PUBLISHED" && !("repeat" in result)) await afterPublishChange(shop, result.row, result.account);
  return { ok: true, status: result.row.status, verifiedBuyer: result.row.verifiedBuyer, reviewId: result.row.id.toString() };
}

/** A moderator publishes or rejects a review (admin). Idempotent: the same status twice changes nothing. */
export async function moderateReview(shop: string, reviewId: bigint, status: "PUBLISHED" | "REJECTED", now = new Date()): Promise<"NOT_FOUND" | "UNCHANGED" | "PUBLISHED" | "REJECTED"> {
  const result = await db().$transaction(async (tx) => {
    const review = await findReview(shop, reviewId, tx);
    if (!review) return { outcome: "NOT_FOUND" as const };
    if (review.status === status) return { outcome: "UNCHANGED" as const };
    const updated = await updateReviewStatus(tx, review.id, status, now);
    await recomputeRating(tx, shop, review.productGid);
    const account = status === "PUBLISHED" ? await awardReviewBonus(tx, shop, updated, now) : null;
    return { outcome: status, review: updated, account, wasPublished: review.status === "PUBLISHED" };
  });
  if (result.outcome === "PUBLISHED" || (result.outcome === "REJECTED" && result.wasPublished)) {
    await afterPublishChange(shop, result.review, result.account);
  }
  return result.outcome;
}

export type PublicReview = { id: string; author: string; rating: number; title: string | null; body: string; verified: boolean; date: string | null };

/**
 * What the storefront shows for a product: the aggregate, a page of published reviews and, for a
 * signed-in customer, whether they may review it (and as a verified buyer). One SQL round trip.
 */
export async function getProductReviews(input: { shop: string; productGid: string; customerGid: string | null; before?: bigint; pageSize?: number }) {
  const pageSize = input.pageSize ?? 10;
  const row = await reviewsForProxy(input.shop, input.productGid, input.customerGid, input.before ?? null, pageSize + 1);
  const page = row.reviews.slice(0, pageSize);
  const count = row.rating?.count ?? 0;
  return {
    aggregate: { count, average: averageOf(count, row.rating?.ratingSum ?? 0), histogram: row.rating?.histogram ?? [0, 0, 0, 0, 0] },
    reviews: page.map(
      (r): PublicReview => ({ id: r.id, author: r.authorName, rating: r.rating, title: r.title, body: r.body, verified: r.verifiedBuyer, date: r.publishedAt ? new Date(r.publishedAt).toISOString() : null }),
    ),
    nextBefore: row.reviews.length > pageSize ? page[page.length - 1]!.id : null,
    viewer: input.customerGid
      ? { loggedIn: true, canReview: !row.reviewed, alreadyReviewed: Boolean(row.reviewed), verifiedBuyer: Boolean(row.bought) }
      : { loggedIn: false, canReview: false, alreadyReviewed: false, verifiedBuyer: false },
  };
}

/** Review-prompt eligibility: products from the customer's sent requests they have not reviewed yet. */
export async function getReviewPrompt(shop: string, customerGid: string) {
  const row = await promptForProxy(shop, customerGid);
  // Changes with every reminder, so a prompt the shopper dismissed comes back once per reminder.
  const promptKey = row.requests.map((r) => `${r.id}-${r.remindersSent}`).join(".");
  const open = row.products.filter((p) => !p.reviewed);
  return {
    eligible: open.length > 0,
    promptKey,
    products: open.slice(0, 5).map((p) => ({ productGid: p.productGid, productId: p.productGid.split("/").pop()!, title: p.title ?? "" })),
  };
}

/**
 * reviews.schedule-request (orders/fulfilled): one request per order, due requestDelayDays after
 * fulfilment, carried by a delayed BullMQ job whose id is fixed by (request, step).
 */
export async function scheduleReviewRequest(shop: string, orderGid: string, now = new Date()): Promise<"DISABLED" | "ORDER_MISSING" | "NOT_ELIGIBLE" | "NO_CONTACT" | "SCHEDULED" | "ALREADY_SCHEDULED"> {
  const s = (await getShopSettings(shop)).reviews;
  if (!s.requestEnabled) return "DISABLED";
  const created = await db().$transaction(async (tx) => {
    await lockRequest(tx, shop, orderGid);
    const order = await orderForRequest(tx, shop, orderGid);
    if (!order) return "ORDER_MISSING" as const;
    if (order.test || order.cancelledAt || order.financialStatus === "refunded") return "NOT_ELIGIBLE" as const;
    const productGids = [...new Set(order.lineItems.map((l) => l.productGid).filter((p): p is string => !!p))];
    if (!productGids.length) return "NOT_ELIGIBLE" as const;
    if (!order.customerGid && !order.email) return "NO_CONTACT" as const;
    const dueAt = new Date((order.fulfilledAt ?? now).getTime() + s.requestDelayDays * DAY_MS);
    const added = await createRequest(tx, { shop, orderGid, customerGid: order.customerGid, email: order.email?.toLowerCase() ?? null, productGids, dueAt });
    return { outcome: added ? ("SCHEDULED" as const) : ("ALREADY_SCHEDULED" as const), request: (await findRequestByOrder(tx, shop, orderGid))! };
  });
  if (typeof created === "string") return created;
  // Also when the request existed: a run whose enqueue failed after commit (Redis timeout) is
  // retried and finds it, and only this enqueue schedules its send (the job id makes it once).
  await enqueuePendingStep(shop, created.request, now);
  return created.outcome;
}

/** The step a request waits for: its send while SCHEDULED, else its next reminder, if any. */
function pendingStep(request: Pick<ReviewRequest, "status" | "dueAt" | "remindersSent" | "nextReminderAt">): { step: number; at: Date } | null {
  if (request.status === "SCHEDULED") return { step: 0, at: request.dueAt };
  if (request.status === "SENT" && request.nextReminderAt) return { step: request.remindersSent + 1, at: request.nextReminderAt };
  return null;
}

/** Enqueues the request's pending step, delayed until due. Job id per (request, step): a repeat is a no-op. */
async function enqueuePendingStep(shop: string, request: Pick<ReviewRequest, "id" | "status" | "dueAt" | "remindersSent" | "nextReminderAt">, now: Date) {
  const next = pendingStep(request);
  if (!next) return;
  await enqueue({ name: JobName.ReviewsSendRequest, data: { shop, requestId: request.id.toString(), step: next.step } }, { delay: Math.max(0, next.at.getTime() - now.getTime()) });
}

export type SendOutcome = "MISSING" | "ALREADY_SENT" | "COMPLETED" | "CANCELLED" | "CAPPED" | "SENT" | "REMINDED" | "NO_MORE_REMINDERS" | "CLOSED";

/**
 * reviews.send-request: step 0 makes the request live (the storefront prompt shows it), unless the
 * customer already got maxRequestsPerCustomer30d requests in 30 days (CAPPED); steps 1..maxReminders
 * remind while something is left to review. Every step runs once: the row's status and
 * remindersSent decide, so a duplicate or re-run job finds ALREADY_SENT, and enqueues the step the
 * row waits for (the first run may have committed and failed to enqueue it).
 */
export async function sendReviewRequest(shop: string, requestId: bigint, step: number, now = new Date()): Promise<SendOutcome> {
  const s = (await getShopSettings(shop)).reviews;
  const result = await db().$transaction(async (tx) => {
    const request = await findRequest(tx, shop, requestId);
    if (!request) return { outcome: "MISSING" as const };
    await lockRequest(tx, shop, request.orderGid);
    const current = (await findRequest(tx, shop, requestId))!;
    if (["COMPLETED", "CANCELLED", "CAPPED"].includes(current.status)) return { outcome: "CLOSED" as const };
    const order = await orderForRequest(tx, shop, current.orderGid);
    if (!order || order.cancelledAt || order.financialStatus === "refunded") {
      await updateRequest(tx, current.id, { status: "CANCELLED", nextReminderAt: null, outcome: "order cancelled or refunded" });
      return { outcome: "CANCELLED" as const };
    }
    const owner = { customerGid: current.customerGid, email: current.email };
    const reviewed = await reviewedProducts(tx, shop, owner, current.productGids);
    if (current.productGids.every((p) => reviewed.has(p))) {
      await updateRequest(tx, current.id, { status: "COMPLETED", nextReminderAt: null, outcome: "all products reviewed" });
      return { outcome: "COMPLETED" as const };
    }
    const nextAt = (k: number) => (k < s.maxReminders ? new Date(now.getTime() + s.reminderIntervalDays * DAY_MS) : null);
    if (step === 0) {
      if (current.status !== "SCHEDULED") return { outcome: "ALREADY_SENT" as const, request: current };
      await lockCustomerRequests(tx, shop, owner);
      const sent = await requestsSentSince(tx, shop, owner, new Date(now.getTime() - 30 * DAY_MS));
      if (sent >= s.maxRequestsPerCustomer30d) {
        await updateRequest(tx, current.id, { status: "CAPPED", outcome: `customer already asked ${sent} times in 30 days` });
        return { outcome: "CAPPED" as const };
      }
      const next = nextAt(0);
      return { outcome: "SENT" as const, request: await updateRequest(tx, current.id, { status: "SENT", sentAt: now, nextReminderAt: next }) };
    }
    if (current.remindersSent >= step) return { outcome: "ALREADY_SENT" as const, request: current };
    if (step > s.maxReminders) {
      await updateRequest(tx, current.id, { nextReminderAt: null });
      return { outcome: "NO_MORE_REMINDERS" as const };
    }
    const next = nextAt(step);
    return { outcome: "REMINDED" as const, request: await updateRequest(tx, current.id, { remindersSent: step, nextReminderAt: next }) };
  });
  if ("request" in result && result.request) await enqueuePendingStep(shop, result.request, now);
  return result.outcome;
}

/** The admin moderation queue: a page of reviews (newest first) with counts per status. */
export async function getModerationQueue(shop: string, status: ReviewStatus | null, page: number, pageSize = 25) {
  const { rows, total, counts } = await listReviews(shop, status, pageSize, page * pageSize);
  const titles = await productTitles(shop, rows.map((r) => r.productGid));
  return {
    total,
    counts: { PENDING: counts.PENDING ?? 0, PUBLISHED: counts.PUBLISHED ?? 0, REJECTED: counts.REJECTED ?? 0 },
    reviews: rows.map((r) => ({
      id: r.id.toString(),
      productId: r.productGid.split("/").pop()!,
      productTitle: titles.get(r.productGid) ?? null,
      rating: r.rating,
      title: r.title,
      body: r.body,
      author: r.authorName,
      customerGid: r.customerGid,
      email: r.email,
      verified: r.verifiedBuyer,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}
