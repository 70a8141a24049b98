/**
 * Storefront widget budgets (issue 5): total widget JS and CSS compressed (≤ 10 KB each), and the
 * layout shift the blocks cause (0). The baseline of the sizes is the budget itself; the baseline
 * of the layout shift is the same product page without the widgets, measured in the same run.
 *
 * Layout shift: a local product page rendered by the offline Liquid engine with every block and
 * the app embed (tests/support/storefront-server.ts), per-shopper data through signed calls to the
 * app's real proxy routes, slowed by PROXY_DELAY_MS so it lands after first paint; chromium with
 * a 4× CPU slowdown, mobile and desktop viewports, a signed-in customer with points and reviews.
 *
 *   npm run bench:storefront:widgets      (DATABASE_URL / REDIS_URL as for the tests)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startBenchStorefronts } from "./setup";

const root = path.resolve(import.meta.dirname, "../..");
const assets = path.join(root, "extensions/storefront/assets");
const BUDGET = 10 * 1024;
const PROXY_DELAY_MS = Number(process.env.PROXY_DELAY_MS ?? 600);

function sizes(file: string) {
  const raw = readFileSync(path.join(assets, file));
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length, brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
}

process.stdout.write("widget assets (everything the storefront loads from the app):\n");
for (const file of ["journey.js", "journey.css"]) {
  const s = sizes(file);
  process.stdout.write(`  ${file.padEnd(12)} raw ${s.raw} B · gzip ${s.gzip} B · brotli ${s.brotli} B · budget ${BUDGET} B · gzip/budget ${(s.gzip / BUDGET).toFixed(2)}\n`);
}

const { storefronts, teardown, CUSTOMER } = await startBenchStorefronts({ proxyDelayMs: PROXY_DELAY_MS });
const withWidgets = storefronts.withWidgets;
const without = storefronts.without;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function measure(base: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.addInitScript(() => {
    const w = window as unknown as { __cls: number; __lcp: number };
    w.__cls = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) w.__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__lcp = e.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
  });
  await page.goto(`${base}/login?customer=${CUSTOMER}&next=/products/7000`, { waitUntil: "load" });
  await page.waitForTimeout(PROXY_DELAY_MS + 1500);
  const result = await page.evaluate(() => {
    const w = window as unknown as { __cls: number; __lcp: number };
    return { cls: w.__cls, lcp: w.__lcp, balance: document.querySelector("[data-balance]")?.textContent ?? null };
  });
  await context.close();
  return result;
}

try {
  process.stdout.write(`layout shift (CLS), 4× CPU slowdown, proxy answers after ${PROXY_DELAY_MS} ms:\n`);
  for (const [name, viewport] of [
    ["mobile 390×844", { width: 390, height: 844 }],
    ["desktop 1280×900", { width: 1280, height: 900 }],
  ] as const) {
    const a = await measure(without.url, viewport);
    const b = await measure(withWidgets.url, viewport);
    if (b.balance !== "1280") throw new Error(`the widget did not refresh the balance (${b.balance})`);
    process.stdout.write(
      `  ${name.padEnd(17)} with widgets CLS ${b.cls.toFixed(4)} (LCP ${b.lcp.toFixed(0)} ms) · without CLS ${a.cls.toFixed(4)} (LCP ${a.lcp.toFixed(0)} ms) · difference ${(b.cls - a.cls).toFixed(4)}\n`,
    );
  }
} finally {
  await browser.close();
  await teardown();
}
// Open handles (the rate limiter's Redis client, pg pools) would keep a finished benchmark alive.
process.exit(0);
