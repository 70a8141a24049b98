/**
 * Lighthouse performance score of a local sample product page with and without the widgets
 * (Shopify's App Store rule: an app may cost at most 10 points; ours: at most 1). Lighthouse's
 * default mobile profile (simulated slow 4G, 4× CPU), Debian's chromium, offline: every request
 * goes to the local storefront (tests/support/storefront-server.ts), per-shopper data through the
 * app's real proxy routes. Median of RUNS runs each, alternating.
 *
 *   npm run bench:storefront:lighthouse   (DATABASE_URL / REDIS_URL as for the tests)
 */
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { startBenchStorefronts } from "./setup";

const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 5);
const { storefronts, teardown, CUSTOMER } = await startBenchStorefronts();
const chrome = await chromeLauncher.launch({
  chromePath: "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

type Run = { score: number; lcp: number; tbt: number; cls: number; bytes: number };

async function audit(url: string): Promise<Run> {
  const result = await lighthouse(url, { port: chrome.port, onlyCategories: ["performance"], output: "json", logLevel: "error", extraHeaders: { Cookie: `customer=${CUSTOMER}` } });
  const lhr = result!.lhr;
  const num = (id: string) => Number(lhr.audits[id]?.numericValue ?? Number.NaN);
  return { score: Math.round((lhr.categories.performance?.score ?? 0) * 100), lcp: num("largest-contentful-paint"), tbt: num("total-blocking-time"), cls: num("cumulative-layout-shift"), bytes: num("total-byte-weight") };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const runs: { with: Run[]; without: Run[] } = { with: [], without: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.without.push(await audit(`${storefronts.without.url}/products/7000`));
    runs.with.push(await audit(`${storefronts.withWidgets.url}/products/7000`));
  }
  const summary = (rs: Run[]) =>
    `score ${median(rs.map((r) => r.score))} (runs ${rs.map((r) => r.score).join(" ")}) · LCP ${median(rs.map((r) => r.lcp)).toFixed(0)} ms · TBT ${median(rs.map((r) => r.tbt)).toFixed(0)} ms · CLS ${median(rs.map((r) => r.cls)).toFixed(3)} · ${(median(rs.map((r) => r.bytes)) / 1024).toFixed(1)} KB`;
  process.stdout.write(`Lighthouse ${"performance"} (mobile defaults), local product page, ${RUNS} runs each, signed-in customer:\n`);
  process.stdout.write(`  without widgets: ${summary(runs.without)}\n`);
  process.stdout.write(`  with widgets:    ${summary(runs.with)}\n`);
  process.stdout.write(`  drop: ${median(runs.without.map((r) => r.score)) - median(runs.with.map((r) => r.score))} points (budget 1)\n`);
} finally {
  chrome.kill();
  await teardown();
}
// Open handles (the rate limiter's Redis client, pg pools) would keep a finished benchmark alive.
process.exit(0);
