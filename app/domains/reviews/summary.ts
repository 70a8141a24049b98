/**
 * The product's `$app:reviews.summary` metafield (type json), which the product reviews block
 * renders server-side: the aggregate and the latest reviews, each with its whole text. Pure.
 *
 * "Show more" in the block pages through older reviews only, so a text cut here could never be
 * read in full anywhere on the storefront. The whole text fits: a review body is at most
 * REVIEW_LIMITS.body (submission.ts: 5,000) characters, so five reviews take at most ~80 KB of JSON (3 UTF-8 bytes
 * per UTF-16 unit at worst), under Shopify's 128 KB for a json metafield
 * (https://shopify.dev/docs/apps/build/metafields/metafield-limits). Only text stored past those
 * limits (none is today) would be shortened, to fit SUMMARY_MAX_BYTES: at a grapheme boundary
 * (never inside an emoji or a surrogate pair), ending in "…", with `truncated: true`.
 */
/** Under Shopify's 128 KB (131,072 bytes) json metafield limit, with room for the envelope. */
export const SUMMARY_MAX_BYTES = 120_000;

export type SummaryReviewInput = {
  id: bigint | string;
  authorName: string;
  rating: number;
  title: string | null;
  body: string;
  verifiedBuyer: boolean;
  publishedAt: Date | null;
};

export type SummaryReview = { id: string; author: string; rating: number; title: string | null; body: string; verified: boolean; date: string | null; truncated?: true };

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** `text` in at most `max` code points, cut between graphemes and ending in "…" when shortened. */
export function shortenText(text: string, max: number): string {
  if ([...text].length <= max) return text;
  let out = "";
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = [...segment].length;
    if (used + size > max - 1) break;
    out += segment;
    used += size;
  }
  return `${out.trimEnd()}…`;
}

const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

/** The summary metafield's value: whole review texts, shortened only past SUMMARY_MAX_BYTES. */
export function computeReviewSummary(
  aggregate: { count: number; average: string | null; histogram: unknown },
  latest: SummaryReviewInput[],
  maxBytes = SUMMARY_MAX_BYTES,
): { count: number; average: string | null; histogram: unknown; reviews: SummaryReview[] } {
  const reviews: SummaryReview[] = latest.map((r) => ({
    id: r.id.toString(),
    author: r.authorName,
    rating: r.rating,
    title: r.title,
    body: r.body,
    verified: r.verifiedBuyer,
    date: r.publishedAt?.toISOString().slice(0, 10) ?? null,
  }));
  const summary = { ...aggregate, reviews };
  if (byteLength(summary) <= maxBytes) return summary;
  // Largest common body length (in code points) that fits; the longest bodies give way first.
  const capped = (max: number) => ({
    ...aggregate,
    reviews: reviews.map((r): SummaryReview => (r.body.length > max && [...r.body].length > max ? { ...r, body: shortenText(r.body, max), truncated: true } : r)),
  });
  let lo = 0;
  let hi = Math.max(0, ...reviews.map((r) => [...r.body].length));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (byteLength(capped(mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return capped(lo);
}
