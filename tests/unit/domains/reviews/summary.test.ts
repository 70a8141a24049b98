import { describe, expect, it } from "vitest";
import { computeReviewSummary, shortenText, SUMMARY_MAX_BYTES } from "~/domains/reviews/summary";

const aggregate = { count: 5, average: "4.2", histogram: [0, 0, 1, 2, 2] };
const review = (id: number, body: string) => ({ id: BigInt(id), authorName: "Zoé", rating: 4, title: "Mug", body, verifiedBuyer: true, publishedAt: new Date("2026-11-01T10:00:00Z") });
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("computeReviewSummary", () => {
  it("carries each review's whole text, five of the longest the form accepts, in any script, within Shopify's 128 KB", () => {
    const bodies = ["a".repeat(5000), "😀".repeat(2500), "猫".repeat(5000), '"\\'.repeat(2500), "é\n".repeat(2500)];
    const summary = computeReviewSummary(aggregate, bodies.map((b, i) => review(i + 1, b)));
    expect(summary.reviews.map((r) => r.body)).toEqual(bodies);
    expect(summary.reviews.some((r) => r.truncated)).toBe(false);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(summary.reviews[0]).toEqual({ id: "1", author: "Zoé", rating: 4, title: "Mug", body: bodies[0], verified: true, date: "2026-11-01" });
  });

  it("shortens only text stored past the limits, at a grapheme boundary with an ellipsis, to fit", () => {
    const long = "👍🏽 great ".repeat(20_000); // 180,000 code units, skin-tone emoji every 9 characters
    const summary = computeReviewSummary(aggregate, [review(1, long), review(2, "Short and sweet")]);
    expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    const [cut, kept] = summary.reviews;
    expect(cut!.truncated).toBe(true);
    expect(cut!.body.endsWith("…")).toBe(true);
    expect(long.startsWith(cut!.body.slice(0, -1))).toBe(true);
    expect(cut!.body).not.toMatch(loneSurrogate);
    expect(cut!.body).not.toMatch(/👍…$|\uD83C…$/); // never a thumb without its skin tone
    expect(kept).toMatchObject({ body: "Short and sweet" });
    expect(kept!.truncated).toBeUndefined();
  });
});

describe("shortenText", () => {
  it("never splits a code point or a grapheme", () => {
    expect(shortenText("ab😀😀😀", 4)).toBe("ab😀…");
    expect(shortenText("👨‍👩‍👧 family", 3)).toBe("…");
    expect(shortenText("short", 10)).toBe("short");
    expect(shortenText("😀".repeat(10), 5)).not.toMatch(loneSurrogate);
  });
});
