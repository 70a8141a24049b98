/**
 * Product rating aggregate and what is published from it. Pure.
 * - Shopify's standard metafields: reviews.rating (type "rating", scale 1–5) and
 *   reviews.rating_count (number_integer), which themes and Shopify's own surfaces read.
 * - schema.org AggregateRating for JSON-LD, only when at least one review is published (Google
 *   treats a rating without reviews as misleading markup).
 */
export type Histogram = [number, number, number, number, number];

export function emptyHistogram(): Histogram {
  return [0, 0, 0, 0, 0];
}

export function aggregate(ratings: Iterable<number>): { count: number; sum: number; histogram: Histogram } {
  const histogram = emptyHistogram();
  let count = 0;
  let sum = 0;
  for (const r of ratings) {
    if (!Number.isInteger(r) || r < 1 || r > 5) continue;
    histogram[r - 1]! += 1;
    count++;
    sum += r;
  }
  return { count, sum, histogram };
}

/** Average to one decimal ("4.3"), or null without reviews. */
export function averageOf(count: number, sum: number): string | null {
  return count > 0 ? (Math.round((sum / count) * 10) / 10).toFixed(1) : null;
}

/** The value of Shopify's `rating` metafield type. */
export function ratingMetafieldValue(count: number, sum: number): string | null {
  const average = averageOf(count, sum);
  return average ? JSON.stringify({ value: average, scale_min: "1.0", scale_max: "5.0" }) : null;
}

export function aggregateRatingJsonLd(input: { count: number; sum: number; productName?: string; url?: string }) {
  const average = averageOf(input.count, input.sum);
  if (!average) return null;
  return {
    "@context": "https://schema.org",
    "@type": "Product",
    ...(input.productName ? { name: input.productName } : {}),
    ...(input.url ? { url: input.url } : {}),
    aggregateRating: { "@type": "AggregateRating", ratingValue: average, reviewCount: input.count, bestRating: "5", worstRating: "1" },
  };
}
