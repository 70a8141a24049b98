/**
 * Server time of each admin page's loader with 200,000 customers loaded (target < 300 ms), as
 * Remix runs it for a client navigation: GET <page>.data?_routes=<route id> (auth + the loader +
 * encoding), median and p95 of 30 runs after 3 warm-ups. Baseline in the same run: the layout's
 * loader alone (authentication and one shop read), as a ratio.
 *
 *   DATABASE_URL=… REDIS_URL=… npm run bench:admin-loaders
 */
import { adminPages, withAdminBench } from "./stack";

const RUNS = 30;
const WARMUP = 3;

async function time(url: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`${url} answered ${res.status}`);
    if (i >= WARMUP) out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

function dataUrl(base: string, path: string, route: string): string {
  const url = new URL(path, base);
  url.pathname = `${url.pathname === "/" ? "/_root" : url.pathname}.data`;
  url.searchParams.set("_routes", route);
  return url.toString();
}

await withAdminBench("loaders", async (bench) => {
  const baseline = await time(dataUrl(bench.baseUrl, "/app", "routes/app"));
  const base50 = pct(baseline, 50);
  const rows = [];
  for (const page of adminPages(bench)) {
    const t = await time(dataUrl(bench.baseUrl, page.path, page.route));
    rows.push({ page: page.name, p50: pct(t, 50), p95: pct(t, 95) });
  }
  process.stdout.write(`\nadmin loaders, 200,000 customers (ms; target p95 < 300)\n`);
  process.stdout.write(`baseline: layout loader alone p50 ${base50.toFixed(1)} ms\n`);
  for (const r of rows) {
    process.stdout.write(`${r.page.padEnd(36)} p50 ${r.p50.toFixed(1).padStart(7)}  p95 ${r.p95.toFixed(1).padStart(7)}  ${(r.p50 / base50).toFixed(1).padStart(5)}× baseline  ${r.p95 < 300 ? "ok" : "OVER BUDGET"}\n`);
  }
});
