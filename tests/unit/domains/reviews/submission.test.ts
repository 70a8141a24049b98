import { describe, expect, it } from "vitest";
import { aggregate, aggregateRatingJsonLd, averageOf, ratingMetafieldValue } from "~/domains/reviews/rating";
import { followUpsFor } from "~/domains/customers/changes.server";
import { reviewsReaction } from "~/domains/reviews/reactions";
import { JobName } from "~/queues/jobs";
import { parseSubmission, toPlainText } from "~/domains/reviews/submission";

describe("toPlainText", () => {
  it("strips every tag, drops script and style contents, keeps the words", () => {
    expect(toPlainText('<p>Great <b>mug</b></p><script>alert("x")</script><style>p{}</style>')).toBe("Great mug");
    expect(toPlainText('<img src=x onerror="alert(1)">ok')).toBe("ok");
  });
  it("keeps text that merely looks like markup characters, as characters", () => {
    expect(toPlainText("3 < 5 & 6 > 2 \"quoted\" it's")).toBe("3 < 5 & 6 > 2 \"quoted\" it's");
  });
  it("never stores markup smuggled through entities", () => {
    expect(toPlainText("&lt;script&gt;alert(1)&lt;/script&gt;hi")).toBe("hi");
    expect(toPlainText("&amp;lt;b&amp;gt;x")).not.toMatch(/<\s*[a-z]/i);
  });
  it("removes control characters and tidies whitespace", () => {
    expect(toPlainText("a\u0000b \t c\r\n\r\n\r\n\r\nd ")).toBe("ab c\n\nd");
  });
});

describe("parseSubmission", () => {
  const valid = { rating: "4", body: "Nice", requestKey: "abcdefgh" };
  it("accepts a form submission and coerces the rating", () => {
    expect(parseSubmission(valid)).toEqual({ ok: true, value: { rating: 4, body: "Nice", title: "", authorName: "", requestKey: "abcdefgh" } });
  });
  it("names each invalid field", () => {
    const r = parseSubmission({ rating: 9, body: "<b></b>", title: "x".repeat(121), requestKey: "no" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.fieldErrors).sort()).toEqual(["body", "rating", "requestKey", "title"]);
  });
});

describe("rating", () => {
  it("aggregates 1–5 ratings, ignoring anything else, and averages to one decimal", () => {
    const a = aggregate([5, 4, 4, 1, 0, 6, 3.5]);
    expect(a).toEqual({ count: 4, sum: 14, histogram: [1, 0, 0, 2, 1] });
    expect(averageOf(a.count, a.sum)).toBe("3.5");
    expect(averageOf(0, 0)).toBeNull();
  });
  it("writes Shopify's rating type and JSON-LD only when reviews exist", () => {
    expect(ratingMetafieldValue(3, 13)).toBe('{"value":"4.3","scale_min":"1.0","scale_max":"5.0"}');
    expect(ratingMetafieldValue(0, 0)).toBeNull();
    expect(aggregateRatingJsonLd({ count: 0, sum: 0 })).toBeNull();
    expect(aggregateRatingJsonLd({ count: 2, sum: 9, productName: "Mug" })).toMatchObject({ "@type": "Product", aggregateRating: { ratingValue: "4.5", reviewCount: 2 } });
  });
  it("schedules a review request on orders/fulfilled only", () => {
    expect(reviewsReaction({ shop: "s", customerGid: null, cause: "order", topic: "orders/fulfilled", orderGid: "gid://shopify/Order/1" })).toHaveLength(1);
    expect(reviewsReaction({ shop: "s", customerGid: null, cause: "order", topic: "orders/paid", orderGid: "gid://shopify/Order/1" })).toEqual([]);
  });
  it("still schedules it for a stale orders/fulfilled, which asks nothing else (the fulfilment happened; the state is older)", () => {
    const fulfilled = { shop: "s", customerGid: "gid://shopify/Customer/1", cause: "order" as const, topic: "orders/fulfilled", orderGid: "gid://shopify/Order/1" };
    expect(followUpsFor(fulfilled).map((j) => j.name)).toEqual([JobName.ReviewsScheduleRequest, JobName.SegmentsRecomputeCustomer]);
    expect(followUpsFor(fulfilled, { stale: true }).map((j) => j.name)).toEqual([JobName.ReviewsScheduleRequest]);
    expect(followUpsFor({ ...fulfilled, topic: "orders/paid" }, { stale: true })).toEqual([]);
  });
});
