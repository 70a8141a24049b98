/**
 * `npm run recompute -- --shop <domain> [--example-segments] [--demo-reviews N]`: recomputes a
 * shop's analytics now, in this process (abandonment outcomes and daily tables, then profiles,
 * RFM, stages and every segment's membership): what the nightly job does, for an operator who
 * cannot wait, and the last step of `npm run demo`. `--example-segments` first creates a few
 * example segments (idempotent by name) so the admin pages have something to show;
 * `--demo-reviews N` first posts the reviews the demo shoppers (seeded for N customers) write
 * (scripts/lib/demo-reviews.ts).
 *
 * Uses DATABASE_URL, or the embedded Postgres when unset. Prints one summary line.
 */
import { prepareRuntime } from "../app/lib/runtime.server";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const shop = option("--shop");
if (!shop) {
  process.stderr.write("usage: npm run recompute -- --shop <domain> [--example-segments] [--demo-reviews N]\n");
  process.exit(2);
}
if (!process.env.SHOPIFY_API_KEY) process.env.DEMO_MODE ??= "1";
process.env.LOG_LEVEL ??= "warn";

const runtime = await prepareRuntime("worker", (m) => process.stderr.write(`${m}\n`));
const { recomputeAbandonment } = await import("../app/domains/abandonment/abandonment.server");
const { recomputeShop } = await import("../app/domains/segments/recompute.server");
const { ensureSegments } = await import("../app/domains/segments/segments.server");
const { disconnectDb } = await import("../app/db.server");
const demoReviewsFor = option("--demo-reviews");

/** Segments a merchant would start with; the rule language's documentation in practice. */
const EXAMPLES = [
  { name: "Repeat buyers", description: "Two or more orders.", rule: { fact: "ordersCount", op: "gte", value: 2 } },
  {
    name: "Win back: at risk",
    description: "Good customers who stopped ordering and accept marketing.",
    rule: { all: [{ fact: "rfmGroup", op: "in", value: ["AT_RISK", "CANT_LOSE_THEM", "ABOUT_TO_SLEEP"] }, { fact: "acceptsMarketing", op: "is", value: true }] },
  },
  {
    name: "Abandoned recently, never ordered",
    description: "Left a checkout in the last 30 days and has no order yet.",
    rule: { all: [{ fact: "lastAbandonedDate", op: "within_last_days", value: 30 }, { fact: "ordersCount", op: "eq", value: 0 }] },
  },
  { name: "Big spenders", description: "Spent 300 or more in the shop currency.", rule: { fact: "amountSpent", op: "gte", value: 300 } },
];

let code = 0;
try {
  const started = Date.now();
  const created = args.includes("--example-segments") ? await ensureSegments(shop, EXAMPLES) : [];
  if (demoReviewsFor) {
    const { postDemoReviews } = await import("./lib/demo-reviews");
    const reviews = await postDemoReviews(shop, Number(demoReviewsFor));
    process.stdout.write(`${shop}: ${reviews.posted} shopper reviews (${reviews.published} published, the others waiting for moderation)\n`);
  }
  const abandonment = await recomputeAbandonment(shop);
  // Materializes every segment, the new examples included.
  const segments = await recomputeShop(shop);
  process.stdout.write(
    `${shop}: ${segments.scored} customers scored, ${segments.prospects} prospects, ${segments.memberships.length} segments (${created.length} created), ${abandonment.checkouts} checkout outcomes updated, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  process.stderr.write(`recompute failed: ${error instanceof Error ? error.message : String(error)}\n`);
  code = 1;
} finally {
  await disconnectDb();
  await runtime.shutdown();
}
process.exit(code);
