import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { reviewJobs } from "~/domains/reviews/reviews.jobs.server";
import { syncOrderPoints } from "~/domains/loyalty/loyalty.server";
import { submitReview, scheduleReviewRequest } from "~/domains/reviews/reviews.server";
import { getDataExport } from "~/domains/shops/privacy.server";
import { updateShopSettings } from "~/domains/shops/settings.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { checkoutPayload, customerPayload, orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { queuedJobs, resetQueues } from "#test/queues";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

const CUSTOMER = "191167"; // the customer of Shopify's compliance samples
const EMAIL = "john@example.com";
const GID = `gid://shopify/Customer/${CUSTOMER}`;
const compliance = (topic: string) => fixtureText(topic).replaceAll("{shop}.myshopify.com", TEST_SHOP);

/** Points, a redemption-free ledger, a published review, a review request and pixel events for John; a review by someone else. */
async function seed() {
  await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0 });
  await updateShopSettings(TEST_SHOP, "reviews", { autoPublish: "all" });
  await deliverAndProcess("customers/create", customerPayload({ id: CUSTOMER, email: EMAIL }));
  await deliverAndProcess("orders/paid", orderPayload({ id: "299938", customerId: CUSTOMER, email: EMAIL }));
  await syncOrderPoints(TEST_SHOP, "gid://shopify/Order/299938");
  await deliverAndProcess("orders/fulfilled", orderPayload({ id: "299938", customerId: CUSTOMER, email: EMAIL, fulfillmentStatus: "fulfilled", updatedAt: "2026-10-05T00:00:00Z" }));
  await scheduleReviewRequest(TEST_SHOP, "gid://shopify/Order/299938");
  await submitReview({ shop: TEST_SHOP, productGid: "gid://shopify/Product/7000", customerGid: GID, raw: { rating: 2, body: "John's words", authorName: "John", requestKey: "john-review-1" } });
  await submitReview({ shop: TEST_SHOP, productGid: "gid://shopify/Product/7000", customerGid: "gid://shopify/Customer/42", raw: { rating: 5, body: "Other words", requestKey: "other-review-1" } });
  await db().pixelEvent.create({ data: { shop: TEST_SHOP, eventId: "px-1", name: "page_viewed", clientId: "c-john", customerGid: GID, occurredAt: new Date() } });
  // A checkout John started as a guest: its step events carry only the checkout token, and the same
  // browser's earlier anonymous visit carries only the browser id.
  await deliverAndProcess("checkouts/create", checkoutPayload({ token: "tok-guest-john", email: EMAIL, customerId: null }));
  await db().pixelEvent.createMany({
    data: [
      { shop: TEST_SHOP, eventId: "px-step", name: "checkout_shipping_info_submitted", clientId: "c-guest-john", checkoutToken: "tok-guest-john", occurredAt: new Date() },
      { shop: TEST_SHOP, eventId: "px-visit", name: "product_added_to_cart", clientId: "c-guest-john", cartToken: "cart-1", occurredAt: new Date() },
      { shop: TEST_SHOP, eventId: "px-other", name: "checkout_started", clientId: "c-other", checkoutToken: "tok-other", occurredAt: new Date() },
    ],
  });
  await db().productRating.update({ where: { shop_productGid: { shop: TEST_SHOP, productGid: "gid://shopify/Product/7000" } }, data: { syncedCount: 2, syncedSum: 7 } });
}

describe("privacy: storefront tables", () => {
  it("exports the customer's loyalty account, ledger, reviews, review requests and pixel events", async () => {
    await seed();
    await deliverAndProcess("customers/data_request", compliance("customers/data_request"));
    const request = await db().complianceRequest.findFirstOrThrow({ where: { topic: "customers/data_request" } });
    const data = (await getDataExport(TEST_SHOP, request.id)) as Record<string, { [k: string]: unknown }[]>;
    expect(data.loyaltyAccounts!.map((a) => a.customerGid)).toEqual([GID]);
    expect(data.loyaltyLedger!.map((e) => e.source)).toEqual(["ORDER", "REVIEW"]);
    expect(data.reviews!.map((r) => r.body)).toEqual(["John's words"]);
    expect(data.reviewRequests).toHaveLength(1);
    // Tied to John or his checkouts; not the browser's anonymous visit (a shared browser's other
    // visitors are not his to receive), not someone else's.
    expect(data.pixelEvents!.map((p) => p.eventId).sort()).toEqual(["px-1", "px-step"]);
    expect(JSON.stringify(data)).not.toContain("Other words");
  });

  it("erases them on customers/redact, recomputes the product's rating and resyncs it to Shopify", async () => {
    await seed();
    expect((await deliverAndProcess("customers/redact", compliance("customers/redact"))).outcome).toBe("REDACTED");
    // Only the other reviewer's account (and its review bonus) is left.
    expect((await db().loyaltyAccount.findMany()).map((a) => a.customerGid)).toEqual(["gid://shopify/Customer/42"]);
    expect((await db().loyaltyLedgerEntry.findMany()).map((e) => e.source)).toEqual(["REVIEW"]);
    expect(await db().reviewRequest.count()).toBe(0);
    // His events go, the guest checkout's step events and that browser's other visits included.
    expect((await db().pixelEvent.findMany()).map((p) => p.eventId)).toEqual(["px-other"]);
    expect((await db().review.findMany()).map((r) => r.body)).toEqual(["Other words"]);
    expect(await db().productRating.findFirstOrThrow()).toMatchObject({ count: 1, ratingSum: 5, histogram: [0, 0, 0, 0, 1] });
    await resetQueues();
    expect(await reviewJobs[JobName.ReviewsSyncStaleRatings]()).toBe("ENQUEUED_1");
    expect((await queuedJobs(QueueName.ShopifySync)).map((j) => j.data)).toEqual([{ shop: TEST_SHOP, productGid: "gid://shopify/Product/7000" }]);
  });
});
