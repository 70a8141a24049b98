/**
 * One measured run in its own process (so its peak RSS is the recompute's alone):
 *   node --import tsx bench/analytics/recompute-child.ts <databaseUrl> <shop> segments|abandonment
 * Prints one JSON line: wall time, peak RSS, and what the run did.
 */
export {};

const [databaseUrl, shop, what] = process.argv.slice(2);
process.env.DATABASE_URL = databaseUrl;
process.env.DEMO_MODE ??= "1";
process.env.LOG_LEVEL = "warn";
const { disconnectDb } = await import("../../app/db.server");
const started = performance.now();
let detail: unknown;
if (what === "abandonment") {
  const { recomputeAbandonment } = await import("../../app/domains/abandonment/abandonment.server");
  detail = await recomputeAbandonment(shop!);
} else {
  const { recomputeShop } = await import("../../app/domains/segments/recompute.server");
  const r = await recomputeShop(shop!);
  detail = { scored: r.scored, prospects: r.prospects, changed: r.changed, transitions: r.transitions, memberships: r.memberships.map((m) => m.entered - m.exited) };
}
const ms = performance.now() - started;
await disconnectDb();
process.stdout.write(
  `${JSON.stringify({ ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), detail }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : Array.isArray(v) && v.length > 20 ? v.length : v))}\n`,
);
process.exit(0);
