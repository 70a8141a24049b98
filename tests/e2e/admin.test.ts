/**
 * The admin pages in chromium against the running app on demo data (tests/e2e/global-setup.ts):
 * every page renders without errors and without serious accessibility violations, with a
 * screenshot saved per page; the rule builder creates a segment that fills up; its CSV export
 * downloads and parses; a customer search opens a timeline; bad input says what to do.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seriousViolations } from "./support/axe";
import { launchChromium, screenshotPath } from "./support/browser";

const base = inject("appUrl");
let context: BrowserContext;
let close: () => Promise<void>;
let db: pg.Client;

beforeAll(async () => {
  ({ context, close } = await launchChromium());
  db = new pg.Client({ connectionString: inject("appDatabaseUrl") });
  await db.connect();
});

afterAll(async () => {
  await close?.();
  await db?.end();
});

/** Opens a page and collects what went wrong on it (uncaught errors, failed responses). */
async function open(path: string): Promise<{ page: Page; problems: string[]; status: number }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  const response = await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
  return { page, problems, status: response?.status() ?? 0 };
}

async function checkPage(name: string, path: string, heading: string | RegExp) {
  const { page, problems, status } = await open(path);
  try {
    expect(status).toBe(200);
    await expect(page.getByRole("heading", { level: 1 }).first().textContent()).resolves.toMatch(heading);
    // Charts load after the page: give them a moment so the screenshot and axe see them.
    await page.waitForTimeout(600);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}

async function customerWithOrders(): Promise<{ id: string; email: string; name: string }> {
  const { rows } = await db.query(
    `SELECT "customerGid", email, "displayName" FROM "CustomerProfile" WHERE "ordersCount" >= 2 AND email IS NOT NULL ORDER BY "ordersCount" DESC, "customerGid" LIMIT 1`,
  );
  const row = rows[0] as { customerGid: string; email: string; displayName: string };
  return { id: row.customerGid.split("/").pop()!, email: row.email, name: row.displayName };
}

describe("admin pages in chromium", () => {
  it("renders every page with its data, no errors and no serious accessibility violations", async () => {
    const customer = await customerWithOrders();
    await checkPage("home", "/app", "Home");
    await checkPage("segments-empty", "/app/segments", "Segments");
    await checkPage("segment-new", "/app/segments/new?template=champions", "New segment");
    await checkPage("abandonment", "/app/abandonment?days=90", "Checkout abandonment");
    await checkPage("customers", "/app/customers", "Customer journeys");
    await checkPage("customer", `/app/customers/${customer.id}`, customer.name);
    await checkPage("settings", "/app/settings", "Settings");
    await checkPage("home-fr", "/app?locale=fr", "Accueil");
    await checkPage("abandonment-fr", "/app/abandonment?locale=fr", "Abandons au paiement");
    // The other pages of the app's menu (data, privacy, storefront) share the layout: they must hold too.
    await checkPage("deliveries", "/app/deliveries", "Data & deliveries");
    await checkPage("privacy", "/app/privacy", "Privacy requests");
    await checkPage("reviews", "/app/reviews", "Reviews");
    await checkPage("storefront", "/app/storefront", "Storefront");
  });

  it("shows the funnel and abandonment figures computed from the seeded deliveries", async () => {
    const { page } = await open("/app?days=365");
    const funnel = page.getByRole("list", { name: "Journey funnel" });
    await expect(funnel.textContent()).resolves.toMatch(/Purchase.*in the period/);
    const { rows } = await db.query(`SELECT sum(started)::int AS started FROM "AbandonmentDaily"`);
    expect(rows[0].started).toBeGreaterThan(0);
    await expect(page.getByText(/checkouts started/).first().textContent()).resolves.toMatch(/of [\d,]+ checkouts started/);
    await page.close();
  });

  it("shows where checkouts stop, step by step, whole and by device", async () => {
    const span = (await db.query(`SELECT min(day)::text AS "from", max(day)::text AS "to" FROM "AbandonmentStepDaily"`)).rows[0] as { from: string; to: string };
    const counts = (await db.query(`SELECT step, sum(started)::int AS started, sum(stopped)::int AS stopped FROM "AbandonmentStepDaily" WHERE dimension = 'device' GROUP BY step ORDER BY step`))
      .rows as { step: number; started: number; stopped: number }[];
    // Demo buyers stop at every step; completed checkouts count at payment.
    expect(counts.map((c) => c.step)).toEqual([0, 1, 2, 3, 4]);
    expect(counts.slice(0, 4).every((c) => c.stopped > 0)).toBe(true);
    const reached = (step: number) => counts.filter((c) => c.step >= step).reduce((n, c) => n + c.started, 0);
    const { page, problems } = await open(`/app/abandonment?from=${span.from}&to=${span.to}`);
    const table = page.getByRole("table").filter({ hasText: "Stopped here" });
    const rows = table.getByRole("row");
    expect(await rows.count()).toBe(6);
    const names = ["Checkout started", "Contact details", "Shipping address", "Shipping method", "Payment"];
    for (const [step, name] of names.entries()) {
      await expect(rows.nth(step + 1).locator("th, td").allTextContents()).resolves.toEqual(
        expect.arrayContaining([name, reached(step).toLocaleString("en"), counts[step]!.stopped.toLocaleString("en")]),
      );
    }
    await expect(page.getByText(/Shopify's abandoned checkouts list holds the [\d,]+ that stopped/).count()).resolves.toBe(1);
    await page.getByRole("tab", { name: "By device" }).click();
    const byDevice = page.getByRole("table").filter({ hasText: "Shipping method" });
    await expect(byDevice.getByRole("columnheader").allTextContents()).resolves.toEqual(expect.arrayContaining(["Web"]));
    await page.screenshot({ path: screenshotPath("abandonment-steps-by-device"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lists customers per RFM group and starts a segment from one", async () => {
    const counts = new Map(
      (await db.query(`SELECT "rfmGroup" AS g, count(*)::int AS n FROM "CustomerProfile" GROUP BY 1`)).rows.map((r: { g: string; n: number }) => [r.g, r.n]),
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const { page, problems } = await open("/app/segments");
    const table = page.getByRole("table").filter({ hasText: "Recency · frequency" });
    // A header, then the 11 groups in grid order and Prospects, empty ones included.
    const rows = table.getByRole("row");
    expect(await rows.count()).toBe(13);
    const cells = (i: number) => rows.nth(i).locator("th, td").allTextContents();
    const n = (group: string) => (counts.get(group) ?? 0).toLocaleString("en");
    await expect(cells(1)).resolves.toEqual(expect.arrayContaining(["Champions", "R 5 · F 4–5", n("CHAMPIONS")]));
    await expect(cells(12)).resolves.toEqual(expect.arrayContaining(["Prospects", "No qualifying order", n("PROSPECTS")]));

    // A group with customers: its segment starts pre-filled, and previews exactly that group.
    expect(counts.get("HIBERNATING")).toBeGreaterThan(0);
    await page.getByRole("link", { name: "Create segment: Hibernating" }).click();
    await page.waitForURL(/\/app\/segments\/new\?rfmGroup=HIBERNATING$/);
    await expect(page.getByLabel("Name").inputValue()).resolves.toBe("Hibernating");
    const expected = `${n("HIBERNATING")} of ${total.toLocaleString("en")} customers match now`;
    await expect.poll(async () => page.getByTestId("segment-preview").textContent(), { timeout: 10_000 }).toContain(expected);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("creates a segment with the rule builder, fills it, explains a member and exports it as CSV", async () => {
    const { page, problems } = await open("/app/segments/new");
    await page.getByLabel("Name").fill("Repeat buyers");
    await page.locator("#rule-0-fact").selectOption("ordersCount");
    await page.locator("#rule-0-op").selectOption("gte");
    await page.locator("#rule-0-value").fill("2");
    const preview = page.getByTestId("segment-preview");
    const expected = Number((await db.query(`SELECT count(*)::int AS n FROM "CustomerProfile" WHERE "ordersCount" >= 2`)).rows[0].n);
    const total = Number((await db.query(`SELECT count(*)::int AS n FROM "CustomerProfile"`)).rows[0].n);
    await expect.poll(async () => preview.textContent(), { timeout: 10_000 }).toContain(`${expected.toLocaleString("en")} of ${total.toLocaleString("en")} customers match now`);

    await page.getByRole("button", { name: "Create segment" }).click();
    await page.waitForURL(/\/app\/segments\/\d+\?created=1/);
    await page.getByText("Segment created").first().waitFor();

    // The worker materializes membership; the page shows members once it has.
    await expect
      .poll(
        async () => {
          await page.reload({ waitUntil: "networkidle" });
          return page.locator("tbody tr").count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("segment-detail"), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    // A segment made today has one recorded size: said in words, not drawn as a lone dot.
    await expect(page.getByText(`when the segment held ${expected.toLocaleString("en")} members`).isVisible()).resolves.toBe(true);

    // Sorting by amount spent puts the biggest spender first.
    await page.getByRole("button", { name: /Amount spent/ }).click();
    await page.waitForURL(/sort=amountSpent/);
    const topSpender = (await db.query(`SELECT p."displayName" FROM "SegmentMember" m JOIN "CustomerProfile" p USING (shop, "customerGid") ORDER BY p."amountSpentMinor" DESC, p."customerGid" DESC LIMIT 1`)).rows[0].displayName as string;
    await expect.poll(() => page.locator("tbody tr").first().textContent()).toContain(topSpender);

    // Why is the first member here?
    await page.locator("tbody tr").first().getByRole("button", { name: /Why is/ }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent(), { timeout: 10_000 }).toMatch(/Number of orders is at least 2/);
    await page.screenshot({ path: screenshotPath("segment-why"), fullPage: false });
    await dialog.getByRole("button", { name: "Close" }).click();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const file = await download.path();
    const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("customer_id,email,name,rfm_group,stage,orders,amount_spent,currency,last_order_at,entered_at");
    expect(lines.length - 1).toBe(expected);
    const first = lines[1]!.split(",");
    expect(Number(first[5])).toBeGreaterThanOrEqual(2);
    expect(download.suggestedFilename()).toMatch(/^segment-repeat-buyers-\d{4}-\d{2}-\d{2}\.csv$/);

    await checkPage("segments", "/app/segments", "Segments");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("finds a customer by email and shows their journey with reasons", async () => {
    const customer = await customerWithOrders();
    const { page } = await open("/app/customers");
    await page.getByLabel("Email, name or order number").fill(customer.email);
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(new RegExp(`/app/customers/${customer.id}`));
    const timeline = page.getByRole("list", { name: "Journey" });
    await expect(timeline.textContent()).resolves.toContain("Order placed");
    await expect(timeline.textContent()).resolves.toContain("Stage changed");
    await expect(page.getByText("Recency", { exact: true }).isVisible()).resolves.toBe(true);

    // Support staff check what Shopify sent about them: only their deliveries, each linking back.
    await page.getByRole("link", { name: "Shopify deliveries" }).click();
    await page.waitForURL(new RegExp(`/app/deliveries\\?customer=${customer.id}$`));
    await page.getByText(`Deliveries about ${customer.name} only`).waitFor();
    const links = await page.locator("tbody tr").getByRole("link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const expected = Number((await db.query(`SELECT count(*)::int AS n FROM "WebhookEvent" WHERE "customerGid" = $1`, [`gid://shopify/Customer/${customer.id}`])).rows[0].n);
    expect(links.length).toBe(Math.min(expected, 50));
    expect(new Set(links)).toEqual(new Set([`/app/customers/${customer.id}`]));
    await page.close();
  });

  it("says when a name matches more customers than the search lists", async () => {
    // Demo customers share a dozen last names: the commonest has more than the 25 listed, a first
    // name shared by a few has them all listed.
    const count = async (sql: string) => (await db.query(sql)).rows[0] as { name: string; n: number };
    const many = await count(`SELECT split_part("displayName", ' ', 2) AS name, count(*)::int AS n FROM "CustomerProfile" GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`);
    const few = await count(`SELECT split_part("displayName", ' ', 1) AS name, count(*)::int AS n FROM "CustomerProfile" GROUP BY 1 HAVING count(*) BETWEEN 2 AND 25 ORDER BY 2 DESC, 1 LIMIT 1`);
    expect(many.n).toBeGreaterThan(25);
    const notice = "Showing the first 25 matches. Type more of the email or name to narrow them down.";

    const crowded = await open(`/app/customers?q=${encodeURIComponent(many.name)}`);
    await expect(crowded.page.locator("tbody tr").count()).resolves.toBe(25);
    await expect(crowded.page.getByText(notice).isVisible()).resolves.toBe(true);
    await crowded.page.close();

    const listed = await open(`/app/customers?q=${encodeURIComponent(few.name)}`);
    await expect(listed.page.locator("tbody tr").count()).resolves.toBe(few.n);
    await expect(listed.page.getByText(notice).count()).resolves.toBe(0);
    await listed.page.close();
  });

  it("downloads a customer's data-request export from the privacy page", async () => {
    const { page } = await open("/app/privacy");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download export" }).first().click()]);
    const data = JSON.parse(readFileSync((await download.path())!, "utf8")) as { shop: string; customers: unknown[]; orders: unknown[] };
    expect(download.suggestedFilename()).toMatch(/^data-request-\d+\.json$/);
    expect(data.shop).toMatch(/myshopify\.com$/);
    expect(Array.isArray(data.customers) && Array.isArray(data.orders)).toBe(true);
    await page.close();
  });

  it("finds a customer by order number", async () => {
    const { rows } = await db.query(`SELECT o.name, o."customerGid" FROM "Order" o WHERE o."customerGid" IS NOT NULL AND o.name IS NOT NULL ORDER BY o.id LIMIT 1`);
    const { page } = await open(`/app/customers?q=${encodeURIComponent(rows[0].name)}`);
    expect(page.url()).toContain(`/app/customers/${String(rows[0].customerGid).split("/").pop()}`);
    await page.close();
  });

  it("says clearly when input is wrong: an invalid rule, an unknown customer, a range without data", async () => {
    const rule = await open("/app/segments/new");
    await rule.page.getByLabel("Name").fill("Broken");
    await rule.page.locator("#rule-0-value").fill("lots");
    await expect.poll(() => rule.page.getByTestId("segment-preview").textContent(), { timeout: 10_000 }).toContain("Fix the highlighted conditions");
    await rule.page.getByRole("button", { name: "Create segment" }).click();
    await rule.page.getByText(/Fix 1 problem/).waitFor();
    expect(await rule.page.getByText("Enter a whole number of 0 or more.").count()).toBeGreaterThan(0);
    expect(rule.page.url()).toMatch(/\/app\/segments\/new$/);
    await rule.page.screenshot({ path: screenshotPath("segment-invalid-rule"), fullPage: true });
    await rule.page.close();

    const unknown = await open("/app/customers?q=nobody-at-all%40example.invalid");
    await expect(unknown.page.getByText("No customer matches “nobody-at-all@example.invalid”").isVisible()).resolves.toBe(true);
    await unknown.page.screenshot({ path: screenshotPath("customer-unknown"), fullPage: true });
    await unknown.page.close();

    const missing = await open("/app/customers/999999999999");
    expect(missing.status).toBe(404);
    await expect(missing.page.getByText("Customer not found").first().isVisible()).resolves.toBe(true);
    await missing.page.close();

    const quiet = await open("/app/abandonment?from=2001-01-01&to=2001-01-31");
    await expect(quiet.page.getByText("No activity between Jan 1, 2001 and Jan 31, 2001").isVisible()).resolves.toBe(true);
    await quiet.page.screenshot({ path: screenshotPath("abandonment-empty-range"), fullPage: true });
    await quiet.page.close();

    const reversed = await open("/app?from=2026-02-01&to=2026-01-01");
    await expect(reversed.page.getByText("The start date is after the end date").isVisible()).resolves.toBe(true);
    await reversed.page.close();

    const settings = await open("/app/settings");
    const rfm = settings.page.getByRole("form", { name: "RFM scoring" });
    await rfm.getByLabel("Lookback window").fill("7");
    await rfm.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => settings.page.getByText("Enter a whole number of days between 30 and 1,825.").count()).toBeGreaterThan(0);
    await settings.page.close();
  });

  it("moderates the shoppers' reviews: products by name, publishing moves a review out of the queue", async () => {
    const pending = async () => Number((await db.query(`SELECT count(*)::int AS n FROM "Review" WHERE status = 'PENDING'`)).rows[0].n);
    const before = await pending();
    expect(before).toBeGreaterThan(0); // the seeded reviews of products their author never ordered
    const { page, problems } = await open("/app/reviews");
    await expect(page.getByRole("tab", { name: `To moderate (${before})` }).isVisible()).resolves.toBe(true);
    // Named by the title the product sold under, not by its numeric id.
    const firstRow = page.locator(".Polaris-IndexTable__TableRow").first();
    await expect(firstRow.textContent()).resolves.toMatch(/Merino wool beanie|Trail running socks|Insulated water bottle|Packable rain jacket|Camp mug|Headlamp|Dry bag 20L|Hiking poles/);
    // A signed-in author links to their journey.
    await expect(firstRow.getByRole("link").first().getAttribute("href")).resolves.toMatch(/^\/app\/customers\/\d+$/);
    await firstRow.getByRole("button", { name: "Publish" }).click();
    await expect.poll(pending, { timeout: 10_000 }).toBe(before - 1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
