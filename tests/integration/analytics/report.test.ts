/**
 * The report CLI, run as operators run it (a child process on the test database): segments,
 * abandonment and customer reports in text, JSON and CSV, and its exit codes.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeQueues } from "~/queues/queues.server";
import { recomputeShop } from "~/domains/segments/recompute.server";
import { sweepShop } from "~/domains/abandonment/abandonment.server";
import { createSegment } from "~/domains/segments/segments.server";
import { materializeSegment } from "~/domains/segments/recompute.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { makeCheckout, makeCustomer, makeOrder, makeShop } from "#test/analytics";

const SHOP = TEST_SHOP;
const root = path.resolve(__dirname, "../../..");
const node = path.join(root, "node_modules/.bin/node");

function report(...args: string[]) {
  const result = spawnSync(node, ["--import", "tsx", "scripts/report.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent" },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  await resetDatabase();
  await makeShop(SHOP);
  await makeCustomer(SHOP, { id: 1, email: "ava@example.com", firstName: "Ava", lastName: "Martin" });
  await makeCustomer(SHOP, { id: 2, email: "noah@example.com", firstName: "Noah", lastName: "Smith" });
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
  await makeOrder(SHOP, { customer: 1, processedAt: day(3), subtotal: "120.00" });
  await makeOrder(SHOP, { customer: 1, processedAt: day(20), subtotal: "80.00", financialStatus: "partially_refunded", refunds: ["30.00"] });
  // Recorded under a former shop currency: counts for R and F, adds nothing to spend.
  await makeOrder(SHOP, { customer: 1, processedAt: day(30), subtotal: "60.00", currency: "EUR", name: "#EUR1" });
  await makeOrder(SHOP, { customer: 2, processedAt: day(200), subtotal: "40.00", test: true });
  await makeCheckout(SHOP, { customer: 2, email: "noah@example.com", createdAt: day(2), total: "55.00", step: 3, lines: [{ productId: 9, title: "Lantern", price: "55.00" }] });
  // From the history import (Shopify's abandoned checkouts list): beside the rate, not in it.
  await makeCheckout(SHOP, { email: "guest@example.net", createdAt: day(5), total: "30.00", sourceName: null, imported: true, lines: [{ productId: 10, title: "Kettle", price: "30.00" }] });
  const segment = await createSegment(SHOP, { name: "Repeat buyers", rule: { fact: "ordersCount", op: "gte", value: 2 } });
  if (!segment.ok) throw new Error("segment");
  await sweepShop(SHOP);
  await recomputeShop(SHOP);
  await materializeSegment(SHOP, segment.segment.id);
});
afterAll(closeQueues);

describe("npm run report", () => {
  it("segments: lists segments, RFM groups and the funnel", () => {
    const r = report("segments", "--shop", SHOP);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Repeat buyers");
    // The segments page's group table: Ava (the only scored customer) tops every quintile; Noah's
    // only order is a test order, so he is a prospect.
    expect(r.stdout).toContain("Customers by RFM group");
    expect(r.stdout).toMatch(/Champions\s+R 5 · F 4–5\s+1\s+50\.0%\s+\$170\.00\n/);
    expect(r.stdout).toMatch(/Prospects\s+No qualifying order\s+1\s+50\.0%\s+\$0\.00\n/);
    expect(r.stdout).toContain("Journey funnel");
  });

  it("segments --segment --csv: streams the members", () => {
    const r = report("segments", "--shop", SHOP, "--segment", "repeat buyers", "--csv");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^customer_id,email,/);
    expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual(["ava@example.com"]);
  });

  it("abandonment: KPIs with the denominator, --json parses", () => {
    const text = report("abandonment", "--shop", SHOP);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("100.0% · 1 abandoned of 1 checkout started · +1 imported from Shopify's history, not in the rate");
    expect(text.stdout).toContain("1 abandoned checkout imported from Shopify's history counts in the value, the products and the recoveries, not in the rate");
    expect(text.stdout).toContain("Lantern");
    expect(text.stdout).toContain("Kettle");
    // Noah's checkout got as far as the shipping method: every step before it passed.
    expect(text.stdout).toMatch(/Where checkouts stop: stopped here \/ reached\n\s+Checkout started\s+0\/1\s+0\.0%\n\s+Contact details\s+0\/1\s+0\.0%\n\s+Shipping address\s+0\/1\s+0\.0%\n\s+Shipping method\s+1\/1\s+100\.0%\n\s+Payment\s+0\/0\s+–\n/);
    const json = report("abandonment", "--shop", SHOP, "--json");
    const parsed = JSON.parse(json.stdout);
    expect(parsed.kpis).toMatchObject({ started: 1, abandoned: 1, imported: { abandoned: 1 }, abandonedValue: [{ currency: "USD", minor: "8500" }] });
    const csv = report("abandonment", "--shop", SHOP, "--csv").stdout.trim().split("\n");
    expect(csv[0]).toBe("day,started,abandoned,rate,imported_abandoned,recovered_link,recovered_window,recovered_link_revenue,recovered_window_revenue");
    // The imported checkout's day: nothing started there that we know of, so no rate (not 100 %).
    expect(csv.filter((l) => /,0,0,,1,/.test(l))).toHaveLength(1);
    expect(parsed.steps.map((s: { step: string; stopped: number }) => [s.step, s.stopped])).toEqual([["started", 0], ["contact", 0], ["address", 0], ["shipping", 1], ["payment", 0]]);
  });

  it("customer <email>: explains the group, the stage, the segments and why orders (do not) count", () => {
    const r = report("customer", "ava@example.com", "--shop", SHOP);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Ava Martin <ava@example.com>");
    expect(r.stdout).toContain("Journey stage: Retention");
    // The whole set of edges the customer was scored against, lowest score first.
    expect(r.stdout).toMatch(/Monetary +1: \$0\.00 to \$[\d,.]+ \| .*5: \$[\d,.]+ or more/);
    // The admin pages' words: the customer page says the same.
    expect(r.stdout).toContain("✓ Number of orders is at least 2");
    // Each order with the net figure M counts (80.00 less 30.00 refunded), as on the customer page.
    expect(r.stdout).toMatch(/#\d+ +\S.* \$50\.00 +Counts\n/);
    expect(r.stdout).toMatch(/#EUR1 +\S.* €60\.00 +Counts for recency and frequency, not for spend: another currency\n/);
    const noah = report("customer", "noah@example.com", "--shop", SHOP);
    expect(noah.stdout).toMatch(/#\S+ .* No: test order/);
    expect(noah.stdout).toContain("Checkout abandoned");
  });

  it("exits 1 for an unknown customer or shop and 2 on bad usage", () => {
    expect(report("customer", "nobody@example.com", "--shop", SHOP).code).toBe(1);
    const typo = report("segments", "--shop", "typo-shop.myshopify.com");
    expect([typo.code, typo.stderr.trim()]).toEqual([1, "no shop typo-shop.myshopify.com in this database"]);
    expect(report("segments").code).toBe(2);
    expect(report("abandonment", "--shop", SHOP, "--from", "2026-13-99").code).toBe(2);
  });
});
