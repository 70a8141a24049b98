import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { reviewJobs, syncProductRating } from "~/domains/reviews/reviews.jobs.server";
import { getModerationQueue, moderateReview, submitReview } from "~/domains/reviews/reviews.server";
import { updateShopSettings } from "~/domains/shops/settings.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues, getQueue } from "~/queues/queues.server";
import * as promptRoute from "~/routes/proxy.reviews.prompt";
import * as reviewsRoute from "~/routes/proxy.reviews.$productId";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { callRoute, proxyRequest } from "#test/app-proxy";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { queuedJobs, resetQueues } from "#test/queues";

// orderPayload gives line items product ids 7000, 7001, ... (the sample order's lines).
const PRODUCT = "7000";
const PRODUCT_GID = `gid://shopify/Product/${PRODUCT}`;
let seq = 900;
let customer: string;
let api: AdminApiStandIn;

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  api = new AdminApiStandIn().install();
  await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  customer = String(++seq * 7907);
});
afterEach(() => {
  api.uninstall();
  vi.restoreAllMocks();
});
afterAll(closeQueues);

let keySeq = 0;
const review = (body: Record<string, unknown>, opts: Parameters<typeof proxyRequest>[1] = {}) =>
  callRoute(reviewsRoute, proxyRequest(`/reviews/${PRODUCT}`, { body: { requestKey: `key-${Date.now()}-${++keySeq}`, ...body }, ...opts }), { productId: PRODUCT });
const list = (opts: Parameters<typeof proxyRequest>[1] = {}) => callRoute(reviewsRoute, proxyRequest(`/reviews/${PRODUCT}`, opts), { productId: PRODUCT });

async function buy(customerId: string, orderId: string, extra: Parameters<typeof orderPayload>[0] = {}) {
  await deliverAndProcess("orders/paid", orderPayload({ id: orderId, customerId, ...extra }));
}

describe("POST /proxy/reviews/:productId", () => {
  it("publishes a verified buyer's review, updates the aggregate, awards the review bonus and queues the metafield sync", async () => {
    await buy(customer, "8001");
    const res = await review({ rating: 4, title: "Solid", body: "Does what it says.", authorName: "Jon S" }, { customerId: customer });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ ok: true, status: "PUBLISHED", verifiedBuyer: true });
    expect(await db().productRating.findFirstOrThrow()).toMatchObject({ productGid: PRODUCT_GID, count: 1, ratingSum: 4, histogram: [0, 0, 0, 1, 0] });
    expect(await db().loyaltyLedgerEntry.findFirstOrThrow({ where: { source: "REVIEW" } })).toMatchObject({ points: 50 });
    expect((await queuedJobs(QueueName.ShopifySync)).map((j) => [j.name, j.data])).toContainEqual([JobName.ReviewsSyncProductRating, { shop: TEST_SHOP, productGid: PRODUCT_GID }]);
    // The moderation queue names the product by the title it was sold under (no catalog is kept).
    expect((await getModerationQueue(TEST_SHOP, null, 0)).reviews).toMatchObject([{ productId: PRODUCT, productTitle: "Aviator sunglasses" }]);
  });

  it("holds a review from someone who did not buy the product for moderation, unverified", async () => {
    const res = await review({ rating: 5, body: "Looks great" }, { customerId: customer });
    expect(await res.json()).toMatchObject({ status: "PENDING", verifiedBuyer: false });
    expect(await db().productRating.count()).toBe(0);
    // Never sold: no title to show, the page falls back to the id.
    expect((await getModerationQueue(TEST_SHOP, "PENDING", 0)).reviews).toMatchObject([{ productId: PRODUCT, productTitle: null }]);
  });

  it("gives the same review bonus for 1 star as for 5 (no rating-conditional incentive)", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { autoPublish: "all" });
    await buy(customer, "8002");
    const other = String(Number(customer) + 1);
    await buy(other, "8003");
    await review({ rating: 1, body: "Broke after a day" }, { customerId: customer });
    await review({ rating: 5, body: "Love it" }, { customerId: other });
    expect((await db().loyaltyLedgerEntry.findMany({ where: { source: "REVIEW" } })).map((e) => e.points)).toEqual([50, 50]);
  });

  it("stores review text with HTML or script as plain text, and lists it as plain data", async () => {
    await buy(customer, "8004");
    const res = await review(
      { rating: 5, title: '<img src=x onerror="alert(1)">Great', body: 'Nice <script>alert("x")</script><b>bold</b> & 3 < 5 &lt;script&gt;evil()&lt;/script&gt;', authorName: "<i>Eve</i>" },
      { customerId: customer },
    );
    expect(res.status).toBe(201);
    const stored = await db().review.findFirstOrThrow();
    expect(stored.title).toBe("Great");
    expect(stored.body).toBe("Nice bold & 3 < 5");
    expect(stored.authorName).toBe("Eve");
    for (const text of [stored.title, stored.body, stored.authorName]) expect(text).not.toMatch(/<\s*[a-z!/]/i);
    const listed = await (await list()).json();
    expect(listed.reviews[0]).toMatchObject({ title: "Great", body: "Nice bold & 3 < 5", author: "Eve", verified: true });
  });

  it("answers 422 with field errors for a rating outside 1–5, empty or oversized text", async () => {
    for (const [body, field] of [
      [{ rating: 0, body: "ok" }, "rating"],
      [{ rating: 6, body: "ok" }, "rating"],
      [{ rating: 3.5, body: "ok" }, "rating"],
      [{ rating: "five", body: "ok" }, "rating"],
      [{ rating: 4, body: "" }, "body"],
      [{ rating: 4, body: "   <p></p> " }, "body"],
      [{ rating: 4, body: "x".repeat(5001) }, "body"],
      [{ rating: 4, body: "ok", title: "t".repeat(121) }, "title"],
    ] as const) {
      const res = await review(body, { customerId: customer });
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(422);
      expect((await res.json()).fieldErrors).toHaveProperty(field);
    }
    expect(await db().review.count()).toBe(0);
  });

  it("requires an account unless the shop allows guest reviews (then never verified)", async () => {
    expect((await review({ rating: 5, body: "hi" })).status).toBe(401);
    await updateShopSettings(TEST_SHOP, "reviews", { allowGuestReviews: true, autoPublish: "verified" });
    const noEmail = await review({ rating: 5, body: "hi" });
    expect(noEmail.status).toBe(422);
    const ok = await review({ rating: 5, body: "hi", email: "guest@example.com", authorName: "G" });
    expect(await ok.json()).toMatchObject({ status: "PENDING", verifiedBuyer: false });
  });

  it("takes one review per guest email and product, earns a guest no points, and closes no one's requests", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { allowGuestReviews: true, autoPublish: "all" });
    // A customer who bought the product has a review request waiting.
    await buy(customer, "8030", { email: "buyer@example.com" });
    await deliverAndProcess("orders/fulfilled", orderPayload({ id: "8030", customerId: customer, email: "buyer@example.com", fulfillmentStatus: "fulfilled", updatedAt: new Date().toISOString() }));
    await reviewJobs[JobName.ReviewsScheduleRequest]({ shop: TEST_SHOP, orderGid: "gid://shopify/Order/8030" });
    // A guest types that customer's email: the review is published (the shop publishes all), but
    // the email is unproven, so no points are held against it and the customer's request stays open.
    const guest = await review({ rating: 5, body: "Great", email: "Buyer@example.com", authorName: "G" });
    expect(await guest.json()).toMatchObject({ status: "PUBLISHED", verifiedBuyer: false });
    expect(await db().loyaltyLedgerEntry.count({ where: { source: "REVIEW" } })).toBe(0);
    expect((await db().reviewRequest.findFirstOrThrow()).status).toBe("SCHEDULED");
    // The same email again, in any case: refused like a signed-in customer's second review.
    expect((await review({ rating: 1, body: "Again", email: "BUYER@example.com", authorName: "G" })).status).toBe(409);
    expect(await db().review.count()).toBe(1);
  });

  it("stores one review per double submit and refuses a second review of the same product (409)", async () => {
    await buy(customer, "8005");
    const body = { rating: 5, body: "Twice?", requestKey: "double-click-1" };
    const [a, b] = await Promise.all([review(body, { customerId: customer }), review(body, { customerId: customer })]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await db().review.count()).toBe(1);
    expect((await review({ rating: 3, body: "Again" }, { customerId: customer })).status).toBe(409);
  });

  it("rejects forged signatures (401) and unknown product ids (404)", async () => {
    expect((await review({ rating: 5, body: "x" }, { customerId: customer, signature: "f".repeat(64) })).status).toBe(401);
    const res = await callRoute(reviewsRoute, proxyRequest("/reviews/not-a-product", {}), { productId: "not-a-product" });
    expect(res.status).toBe(404);
  });
});

describe("concurrent publications", () => {
  it("counts every review published at once for one product in the aggregate", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { autoPublish: "all" });
    const publish = (i: number) => submitReview({ shop: TEST_SHOP, productGid: PRODUCT_GID, customerGid: `gid://shopify/Customer/${Number(customer) + i}`, raw: { rating: (i % 5) + 1, body: `At once ${i}`, requestKey: `together-${customer}-${i}` } });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => publish(i)));
    expect(results.every((r) => r.ok && r.status === "PUBLISHED")).toBe(true);
    expect(await db().productRating.findFirstOrThrow()).toMatchObject({ count: 8, ratingSum: 1 + 2 + 3 + 4 + 5 + 1 + 2 + 3 });
  });
});

describe("GET /proxy/reviews/:productId", () => {
  it("lists published reviews newest first with the aggregate, paged, and tells a buyer they may review", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { autoPublish: "all" });
    for (let i = 0; i < 12; i++) await review({ rating: (i % 5) + 1, body: `Review ${i}` }, { customerId: String(Number(customer) + 100 + i) });
    const first = await (await list({ customerId: customer })).json();
    expect(first.aggregate).toMatchObject({ count: 12, average: "2.8" });
    expect(first.reviews).toHaveLength(10);
    expect(first.reviews[0].body).toBe("Review 11");
    expect(first.viewer).toMatchObject({ loggedIn: true, canReview: true, verifiedBuyer: false });
    const second = await (await list({ query: { before: first.nextBefore } })).json();
    expect(second.reviews.map((r: { body: string }) => r.body)).toEqual(["Review 1", "Review 0"]);
    expect(second.nextBefore).toBeNull();
  });
});

describe("review requests", () => {
  it("schedules a request N days after fulfilment as a delayed job, once", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { requestDelayDays: 14 });
    const fulfilledAt = new Date();
    await deliverAndProcess("orders/fulfilled", orderPayload({ id: "8100", customerId: customer, fulfillmentStatus: "fulfilled", updatedAt: fulfilledAt.toISOString() }));
    const scheduleJob = (await queuedJobs(QueueName.Compute)).find((j) => j.name === JobName.ReviewsScheduleRequest);
    expect(scheduleJob?.data).toEqual({ shop: TEST_SHOP, orderGid: "gid://shopify/Order/8100" });

    expect(await reviewJobs[JobName.ReviewsScheduleRequest](scheduleJob!.data)).toBe("SCHEDULED");
    expect(await reviewJobs[JobName.ReviewsScheduleRequest](scheduleJob!.data)).toBe("ALREADY_SCHEDULED");
    const request = await db().reviewRequest.findFirstOrThrow();
    expect(request.status).toBe("SCHEDULED");
    expect(Math.round((request.dueAt.getTime() - fulfilledAt.getTime()) / 86_400_000)).toBe(14);
    const delayed = (await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.ReviewsSendRequest);
    expect(delayed).toHaveLength(1);
    expect(delayed[0]!.id).toBe(`reviews.send-request-${request.id}-0`);
    expect(delayed[0]!.opts.delay).toBeGreaterThan(13 * 86_400_000);
  });

  it("still schedules the request when orders/fulfilled arrives after a newer orders/updated (stale, but the fulfilment happened)", async () => {
    const fulfilledAt = new Date(Date.now() - 3_600_000);
    const fulfilled = orderPayload({ id: "8110", customerId: customer, fulfillmentStatus: "fulfilled", updatedAt: fulfilledAt.toISOString() });
    // The merchant tagged the order after fulfilling it, and that update was delivered first.
    await deliverAndProcess("orders/updated", { ...fulfilled, tags: "gift", updated_at: new Date(fulfilledAt.getTime() + 60_000).toISOString() });
    expect((await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.ReviewsScheduleRequest)).toEqual([]);
    expect((await deliverAndProcess("orders/fulfilled", fulfilled)).outcome).toBe("STALE");
    const jobs = await queuedJobs(QueueName.Compute);
    expect(jobs.filter((j) => j.name === JobName.ReviewsScheduleRequest).map((j) => j.data)).toEqual([{ shop: TEST_SHOP, orderGid: "gid://shopify/Order/8110" }]);
    expect(await reviewJobs[JobName.ReviewsScheduleRequest]({ shop: TEST_SHOP, orderGid: "gid://shopify/Order/8110" })).toBe("SCHEDULED");
  });

  it("sends, reminds at most maxReminders times, and each step runs once", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { maxReminders: 1 });
    await deliverAndProcess("orders/fulfilled", orderPayload({ id: "8101", customerId: customer, fulfillmentStatus: "fulfilled" }));
    await reviewJobs[JobName.ReviewsScheduleRequest]({ shop: TEST_SHOP, orderGid: "gid://shopify/Order/8101" });
    const { id } = await db().reviewRequest.findFirstOrThrow();
    const send = (step: number) => reviewJobs[JobName.ReviewsSendRequest]({ shop: TEST_SHOP, requestId: id.toString(), step });
    expect(await send(0)).toBe("SENT");
    expect(await send(0)).toBe("ALREADY_SENT");
    expect(await send(1)).toBe("REMINDED");
    expect(await send(1)).toBe("ALREADY_SENT");
    expect(await send(2)).toBe("NO_MORE_REMINDERS");
    expect(await db().reviewRequest.findFirstOrThrow()).toMatchObject({ status: "SENT", remindersSent: 1, nextReminderAt: null });

    // The prompt shows the order's products until they are reviewed, then the request completes.
    const prompt = await (await callRoute(promptRoute, proxyRequest("/reviews/prompt", { customerId: customer }))).json();
    expect(prompt).toMatchObject({ loggedIn: true, eligible: true });
    expect(prompt.products.map((p: { productId: string }) => p.productId)).toContain(PRODUCT);
    const { productGids } = await db().reviewRequest.findFirstOrThrow();
    for (const gid of productGids) {
      const productId = gid.split("/").pop()!;
      await callRoute(reviewsRoute, proxyRequest(`/reviews/${productId}`, { customerId: customer, body: { rating: 4, body: "ok", requestKey: `req-${productId}-${id}` } }), { productId });
    }
    expect((await db().reviewRequest.findFirstOrThrow()).status).toBe("COMPLETED");
    expect((await (await callRoute(promptRoute, proxyRequest("/reviews/prompt", { customerId: customer }))).json()).eligible).toBe(false);
  });

  it("caps a customer's requests when several fall due at once", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { maxRequestsPerCustomer30d: 2 });
    for (const id of ["8130", "8131", "8132", "8133", "8134", "8135", "8136", "8137"]) {
      await deliverAndProcess("orders/fulfilled", orderPayload({ id, customerId: customer, fulfillmentStatus: "fulfilled" }));
      await reviewJobs[JobName.ReviewsScheduleRequest]({ shop: TEST_SHOP, orderGid: `gid://shopify/Order/${id}` });
    }
    const requests = await db().reviewRequest.findMany({ orderBy: { id: "asc" } });
    const outcomes = await Promise.all(requests.map((r) => reviewJobs[JobName.ReviewsSendRequest]({ shop: TEST_SHOP, requestId: r.id.toString(), step: 0 })));
    expect(outcomes.filter((o) => o === "SENT")).toHaveLength(2);
    expect(outcomes.filter((o) => o === "CAPPED")).toHaveLength(6);
  });

  it("enqueues the send and each reminder again when a run committed and its enqueue failed (the retry finds the row done)", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { maxReminders: 2 });
    await deliverAndProcess("orders/fulfilled", orderPayload({ id: "8120", customerId: customer, fulfillmentStatus: "fulfilled" }));
    const compute = getQueue(QueueName.Compute);
    const sendJobs = async () => (await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.ReviewsSendRequest).map((j) => j.id);
    const timeout = () => vi.spyOn(compute, "add").mockRejectedValueOnce(new Error("Command timed out"));
    const schedule = () => reviewJobs[JobName.ReviewsScheduleRequest]({ shop: TEST_SHOP, orderGid: "gid://shopify/Order/8120" });

    timeout();
    await expect(schedule()).rejects.toThrow("Command timed out");
    const { id } = await db().reviewRequest.findFirstOrThrow();
    expect(await sendJobs()).toEqual([]);
    expect(await schedule()).toBe("ALREADY_SCHEDULED");
    expect(await sendJobs()).toEqual([`reviews.send-request-${id}-0`]);
    expect(await schedule()).toBe("ALREADY_SCHEDULED");
    expect(await sendJobs()).toHaveLength(1);

    const send = (step: number) => reviewJobs[JobName.ReviewsSendRequest]({ shop: TEST_SHOP, requestId: id.toString(), step });
    for (const step of [0, 1]) {
      await resetQueues();
      timeout();
      await expect(send(step)).rejects.toThrow("Command timed out");
      expect(await send(step)).toBe("ALREADY_SENT");
      expect(await sendJobs()).toEqual([`reviews.send-request-${id}-${step + 1}`]);
    }
    expect(await db().reviewRequest.findFirstOrThrow()).toMatchObject({ status: "SENT", remindersSent: 1 });
  });

  it("caps requests per customer in 30 days and cancels requests of cancelled orders", async () => {
    await updateShopSettings(TEST_SHOP, "reviews", { maxRequestsPerCustomer30d: 1 });
    for (const id of ["8102", "8103"]) {
      await deliverAndProcess("orders/fulfilled", orderPayload({ id, customerId: customer, fulfillmentStatus: "fulfilled" }));
      await reviewJobs[JobName.ReviewsScheduleRequest]({ shop: TEST_SHOP, orderGid: `gid://shopify/Order/${id}` });
    }
    const [a, b] = await db().reviewRequest.findMany({ orderBy: { id: "asc" } });
    expect(await reviewJobs[JobName.ReviewsSendRequest]({ shop: TEST_SHOP, requestId: a!.id.toString(), step: 0 })).toBe("SENT");
    expect(await reviewJobs[JobName.ReviewsSendRequest]({ shop: TEST_SHOP, requestId: b!.id.toString(), step: 0 })).toBe("CAPPED");

    const other = String(Number(customer) + 5);
    await deliverAndProcess("orders/fulfilled", orderPayload({ id: "8104", customerId: other, fulfillmentStatus: "fulfilled", updatedAt: "2026-10-01T10:00:00Z" }));
    await reviewJobs[JobName.ReviewsScheduleRequest]({ shop: TEST_SHOP, orderGid: "gid://shopify/Order/8104" });
    await deliverAndProcess("orders/cancelled", orderPayload({ id: "8104", customerId: other, cancelledAt: "2026-10-02T00:00:00Z", updatedAt: "2026-10-02T00:00:00Z" }));
    const c = await db().reviewRequest.findFirstOrThrow({ where: { orderGid: "gid://shopify/Order/8104" } });
    expect(await reviewJobs[JobName.ReviewsSendRequest]({ shop: TEST_SHOP, requestId: c.id.toString(), step: 0 })).toBe("CANCELLED");
  });
});

describe("moderation and reviews.sync-product-rating", () => {
  it("publishes from the queue, writes reviews.rating, rating_count and the summary, and clears them when nothing is published", async () => {
    const res = await review({ rating: 3, body: "Pending one" }, { customerId: customer });
    const { reviewId } = await res.json();
    expect(await moderateReview(TEST_SHOP, BigInt(reviewId), "PUBLISHED")).toBe("PUBLISHED");
    expect(await moderateReview(TEST_SHOP, BigInt(reviewId), "PUBLISHED")).toBe("UNCHANGED");

    api.on("MetafieldsSet", (v) => ({ metafieldsSet: { metafields: (v.metafields as { key: string; namespace: string }[]).map((m) => ({ ...m, compareDigest: "d" })), userErrors: [] } }));
    api.on("MetafieldsDelete", { metafieldsDelete: { deletedMetafields: [{ key: "rating", namespace: "reviews" }], userErrors: [] } });
    expect(await syncProductRating(TEST_SHOP, PRODUCT_GID)).toBe("SYNCED");
    expect(await reviewJobs[JobName.ReviewsSyncProductRating]({ shop: TEST_SHOP, productGid: PRODUCT_GID })).toBe("UP_TO_DATE");
    expect(api.problems).toEqual([]);
    const written = api.calls[0]!.variables.metafields as { namespace: string; key: string; type: string; value: string }[];
    expect(written.find((m) => m.namespace === "reviews" && m.key === "rating")).toMatchObject({ type: "rating", value: JSON.stringify({ value: "3.0", scale_min: "1.0", scale_max: "5.0" }) });
    expect(written.find((m) => m.key === "rating_count")).toMatchObject({ type: "number_integer", value: "1" });
    expect(JSON.parse(written.find((m) => m.key === "summary")!.value)).toMatchObject({ count: 1, average: "3.0", reviews: [{ body: "Pending one", rating: 3 }] });

    expect(await moderateReview(TEST_SHOP, BigInt(reviewId), "REJECTED")).toBe("REJECTED");
    expect(await syncProductRating(TEST_SHOP, PRODUCT_GID)).toBe("CLEARED");
    expect(api.calls.map((c) => c.operationName)).toEqual(["MetafieldsSet", "MetafieldsSet", "MetafieldsDelete"]);
  });

  it("writes the summary with each review's whole text (a long one with emoji is not cut at 600)", async () => {
    await buy(customer, "8101");
    // 599 characters, then an emoji across the old cut at 600 (slice(0, 600) kept half of it).
    const body = `${"Très bon mug. ".repeat(42)}${"!".repeat(11)}😀 ${"Il garde le café chaud. ".repeat(100)}`.trim();
    expect(body.slice(0, 600)).toMatch(/\uD83D$/);
    expect((await review({ rating: 5, body }, { customerId: customer })).status).toBe(201);
    api.on("MetafieldsSet", (v) => ({ metafieldsSet: { metafields: (v.metafields as { key: string; namespace: string }[]).map((m) => ({ ...m, compareDigest: "d" })), userErrors: [] } }));
    expect(await syncProductRating(TEST_SHOP, PRODUCT_GID)).toBe("SYNCED");
    const written = api.calls[0]!.variables.metafields as { key: string; value: string }[];
    expect(JSON.parse(written.find((m) => m.key === "summary")!.value).reviews).toMatchObject([{ body, rating: 5 }]);
  });
});
