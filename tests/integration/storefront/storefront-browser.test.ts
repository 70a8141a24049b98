/**
 * The widgets in a real browser (Debian's chromium through playwright-core): the blocks rendered
 * by an offline Liquid engine on a local product page, per-shopper data through signed app-proxy
 * requests to the app's real routes, metafields written by the app's real jobs.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { syncLoyaltyMetafield } from "~/domains/loyalty/loyalty.jobs.server";
import { syncOrderPoints } from "~/domains/loyalty/loyalty.server";
import { syncProductRating } from "~/domains/reviews/reviews.jobs.server";
import { submitReview } from "~/domains/reviews/reviews.server";
import { updateShopSettings } from "~/domains/shops/settings.server";
import { syncShopConfig } from "~/domains/storefront/storefront.jobs.server";
import { closeQueues } from "~/queues/queues.server";
import * as loyalty from "~/routes/proxy.loyalty";
import * as redeem from "~/routes/proxy.loyalty.redeem";
import * as prompt from "~/routes/proxy.reviews.prompt";
import * as reviews from "~/routes/proxy.reviews.$productId";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { resetQueues } from "#test/queues";
import { MetafieldStore, startStorefront, STOREFRONT_APP_OWNER } from "#test/storefront-server";

const CUSTOMER = "321321";
const PRODUCT = 7000;
const SHOTS = path.resolve(__dirname, "../../../.cache/screenshots");

let api: AdminApiStandIn;
let browser: Browser;
let store: Awaited<ReturnType<typeof startStorefront>>;
const metafields = new MetafieldStore();

beforeAll(async () => {
  await resetDatabase();
  await resetQueues();
  mkdirSync(SHOTS, { recursive: true });
  api = new AdminApiStandIn().install();
  metafields.attach(api);
  api.on("CurrentAppInstallation", { currentAppInstallation: { id: STOREFRONT_APP_OWNER } });
  api.on("WebPixelCurrent", { webPixel: null });
  api.on("WebPixelCreate", { webPixelCreate: { webPixel: { id: "gid://shopify/WebPixel/1" }, userErrors: [] } });
  api.on("DiscountCodeBasicCreate", { discountCodeBasicCreate: { codeDiscountNode: { id: "gid://shopify/DiscountCodeNode/1" }, userErrors: [] } });
  await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0 });
  await updateShopSettings(TEST_SHOP, "trustBadges", { paymentIcons: ["visa", "paypal"], guarantees: ["free_shipping", "easy_returns"], customText: "Shipped from Lyon" });

  // The customer bought the product (640 points); another shopper already reviewed it.
  await deliverAndProcess("orders/paid", orderPayload({ id: "9100", customerId: CUSTOMER, subtotal: "640.00" }));
  await syncOrderPoints(TEST_SHOP, "gid://shopify/Order/9100");
  await deliverAndProcess("orders/paid", orderPayload({ id: "9101", customerId: "555001", subtotal: "10.00" }));
  await submitReview({ shop: TEST_SHOP, productGid: `gid://shopify/Product/${PRODUCT}`, customerGid: "gid://shopify/Customer/555001", raw: { rating: 4, body: "Sturdy <b>mug</b>", authorName: "Ann", requestKey: "seed-review-1" } });
  // What the workers would do: mirror to Shopify (here, into the stand-in's metafield store).
  await syncShopConfig(TEST_SHOP);
  await syncProductRating(TEST_SHOP, `gid://shopify/Product/${PRODUCT}`);
  const account = await db().loyaltyAccount.findFirstOrThrow({ where: { customerGid: `gid://shopify/Customer/${CUSTOMER}` } });
  await syncLoyaltyMetafield(TEST_SHOP, account.id);

  store = await startStorefront({ metafields, routes: { loyalty, redeem, prompt, reviews } });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    // playwright gives every launch a fresh profile directory of its own (it refuses --user-data-dir).
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
  await api?.uninstall();
  await closeQueues();
});

async function openProduct(customerId: string | null) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.addInitScript(() => {
    (window as unknown as { __cls: number }).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) (window as unknown as { __cls: number }).__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(`${store.url}/login?customer=${customerId ?? ""}&next=/products/${PRODUCT}`);
  return { page, context, errors };
}

/** Sums the page's layout-shift entries from its first paint on (read with layoutShift). */
async function watchLayoutShift(page: Page) {
  await page.addInitScript(() => {
    (window as unknown as { __cls: number }).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { value: number })[]) (window as unknown as { __cls: number }).__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
}
const layoutShift = (page: Page) => page.evaluate(() => (window as unknown as { __cls: number }).__cls);

describe("storefront widgets in chromium", () => {
  it("shows the trust badges, the stars and the published review", async () => {
    const { page, context, errors } = await openProduct(null);
    const badges = page.locator(".journey-trust");
    await expect.poll(() => badges.isVisible()).toBe(true);
    expect(await page.locator(".journey-trust__payments title").allTextContents()).toEqual(["visa", "paypal"]);
    expect(await page.locator(".journey-badge").allTextContents()).toEqual([expect.stringContaining("Free shipping"), expect.stringContaining("Easy returns")]);
    expect(await page.locator(".journey-trust__text").textContent()).toBe("Shipped from Lyon");
    expect(await page.locator(".journey-rating__count").textContent()).toBe("(1)");
    expect(await page.locator(".journey-review__body").first().textContent()).toBe("Sturdy mug");
    expect(await page.locator(".journey-reviews__login a").textContent()).toBe("Sign in to write a review");
    await page.screenshot({ path: path.join(SHOTS, "storefront-guest.png"), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a signed-in customer's points balance, refreshed from the app proxy, and redeems points for a code", async () => {
    const { page, context, errors } = await openProduct(CUSTOMER);
    await expect.poll(() => page.locator("[data-balance]").textContent()).toBe("640");
    await page.locator(".journey-loyalty__panel summary", { hasText: "Spend points" }).click();
    const option = page.locator("[data-options] button").first();
    await expect.poll(() => option.textContent()).toBe("500 points for $5.00 off");
    await option.click();
    await expect.poll(() => page.locator("[data-status] .journey-code").textContent()).toMatch(/^PTS-/);
    await expect.poll(() => page.locator("[data-balance]").textContent()).toBe("140");
    await page.locator(".journey-loyalty__panel summary", { hasText: "Points history" }).click();
    expect(await page.locator("[data-history] li").allTextContents()).toEqual([expect.stringMatching(/^-500 · Discount code · /), expect.stringMatching(/^\+640 · Order · /)]);
    expect(await db().loyaltyRedemption.count()).toBe(1);
    const code = (await page.locator("[data-status] .journey-code").textContent())!;
    // The code stays listed in the panel: after a reload it is still there, with its value.
    await page.reload();
    await page.locator(".journey-loyalty__panel summary", { hasText: "Spend points" }).click();
    await expect.poll(() => page.locator("[data-codes] li").allTextContents()).toEqual([`Code ${code}: $5.00 off`]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "storefront-loyalty.png"), fullPage: true });
    await context.close();
  });

  it("lists a code the settle job issued later (the shopper's redeem got a 503), not one still pending", async () => {
    const member = "321600";
    const account = await db().loyaltyAccount.create({ data: { shop: TEST_SHOP, customerGid: `gid://shopify/Customer/${member}`, pointsBalance: 0 } });
    const redemption = (n: number, status: "ISSUED" | "PENDING") => ({
      shop: TEST_SHOP,
      accountId: account.id,
      customerGid: `gid://shopify/Customer/${member}`,
      requestKey: `settled-${n}`,
      points: 1000,
      valueMinor: 1000n,
      currency: "USD",
      code: `PTS-SETTL-ED00${n}`,
      status,
    });
    await db().loyaltyRedemption.create({ data: redemption(1, "ISSUED") });
    await db().loyaltyRedemption.create({ data: redemption(2, "PENDING") });
    const { page, context, errors } = await openProduct(member);
    await page.locator(".journey-loyalty__panel summary", { hasText: "Spend points" }).click();
    await expect.poll(() => page.locator("[data-codes] li").allTextContents()).toEqual(["Code PTS-SETTL-ED001: $10.00 off"]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("submits a review with the keyboard-accessible form; script in the text stays text", async () => {
    const { page, context, errors } = await openProduct(CUSTOMER);
    await page.locator(".journey-reviews__write summary").click();
    const block = page.locator("journey-reviews");
    await block.locator(".journey-rate label[for$='-r5']").click();
    await block.getByLabel("Title (optional)").fill("Perfect <script>alert(1)</script>");
    await block.getByLabel("Your review", { exact: true }).fill("Keeps coffee hot. <img src=x onerror=alert(1)>");
    await block.getByRole("button", { name: "Submit review" }).click();
    await expect.poll(() => page.locator(".journey-reviews .journey-form__status").textContent()).toBe("Thank you! Your review is published.");
    const stored = await db().review.findFirstOrThrow({ where: { customerGid: `gid://shopify/Customer/${CUSTOMER}` } });
    expect(stored).toMatchObject({ rating: 5, title: "Perfect", body: "Keeps coffee hot.", verifiedBuyer: true, status: "PUBLISHED" });
    // A second try is refused: one review per customer and product.
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "storefront-review.png"), fullPage: true });
    await context.close();
  });

  it("rating input: Tab lands on 1 star, ArrowRight goes up, the chosen star and those before it are filled", async () => {
    const { page, context, errors } = await openProduct(CUSTOMER);
    const block = page.locator("journey-reviews");
    await block.locator(".journey-reviews__write summary").click();
    await block.locator(".journey-reviews__write summary").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe("1");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await block.locator("input[name=rating]:checked").getAttribute("value")).toBe("3");
    await page.mouse.move(0, 0); // no hover preview
    const drawn = await block.locator(".journey-rate label").evaluateAll((labels) => labels.map((l) => (getComputedStyle(l).backgroundImage.includes("b35c00") ? "full" : "empty")));
    expect(drawn).toEqual(["full", "full", "full", "empty", "empty"]);
    // Laid out left to right in that order.
    const xs = await block.locator(".journey-rate label").evaluateAll((labels) => labels.map((l) => l.getBoundingClientRect().x));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(errors).toEqual([]);
    await context.close();
  });

  it("prompts a customer with a sent review request, from any page, and takes the review in place", async () => {
    const order = await db().order.findFirstOrThrow({ where: { orderGid: "gid://shopify/Order/9100" }, include: { lineItems: true } });
    const product = order.lineItems.find((l) => l.productGid !== `gid://shopify/Product/${PRODUCT}`)!;
    await db().reviewRequest.create({
      data: { shop: TEST_SHOP, orderGid: order.orderGid, customerGid: `gid://shopify/Customer/${CUSTOMER}`, productGids: [product.productGid!], status: "SENT", dueAt: new Date(), sentAt: new Date() },
    });
    const { page, context, errors } = await openProduct(CUSTOMER);
    const prompt = page.locator("journey-review-prompt");
    await expect.poll(() => prompt.isVisible()).toBe(true);
    expect(await prompt.locator("p").first().textContent()).toBe(`How do you like ${product.title}?`);
    await prompt.locator("label[for='journey-prompt-r4']").click();
    await prompt.locator("textarea").fill("Good value.");
    await prompt.getByRole("button", { name: "Submit review" }).click();
    await expect.poll(() => prompt.locator(".journey-form__status").textContent()).toBe("Thank you! Your review is published.");
    expect(await db().review.findFirstOrThrow({ where: { productGid: product.productGid! } })).toMatchObject({ rating: 4, body: "Good value.", verifiedBuyer: true });
    expect((await db().reviewRequest.findFirstOrThrow()).status).toBe("COMPLETED");
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "storefront-prompt.png") });
    await context.close();
  });

  it("never prompts a customer about another's purchase when a tab changes hands", async () => {
    const [a, b] = ["321700", "321701"];
    await deliverAndProcess("orders/paid", orderPayload({ id: "9200", customerId: a, subtotal: "20.00" }));
    const order = await db().order.findFirstOrThrow({ where: { orderGid: "gid://shopify/Order/9200" }, include: { lineItems: true } });
    const item = order.lineItems.find((l) => l.productGid)!;
    await db().reviewRequest.create({
      data: { shop: TEST_SHOP, orderGid: order.orderGid, customerGid: `gid://shopify/Customer/${a}`, productGids: [item.productGid!], status: "SENT", dueAt: new Date(), sentAt: new Date() },
    });
    const { page, context, errors } = await openProduct(a);
    const prompt = page.locator("journey-review-prompt");
    await expect.poll(() => prompt.isVisible()).toBe(true);
    expect(await prompt.locator("p").first().textContent()).toBe(`How do you like ${item.title}?`);
    // A signs out, B signs in within 10 minutes, in the same tab (same sessionStorage).
    const asked = page.waitForResponse((r) => r.url().includes("/apps/journey/reviews/prompt"), { timeout: 5000 }).catch(() => null);
    await page.goto(`${store.url}/login?customer=${b}&next=/products/${PRODUCT}`);
    expect(await asked).not.toBeNull();
    await page.waitForTimeout(300);
    expect(await prompt.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("French storefront: field messages, money, the stars journey.js adds, all in French", async () => {
    // A member with points, and a second product with more reviews than the block renders.
    const account = await db().loyaltyAccount.create({ data: { shop: TEST_SHOP, customerGid: "gid://shopify/Customer/321400", pointsBalance: 0 } });
    await db().loyaltyLedgerEntry.create({ data: { shop: TEST_SHOP, accountId: account.id, source: "ORDER", sourceKey: "fr:1", points: 700, availableAt: new Date(0) } });
    await updateShopSettings(TEST_SHOP, "reviews", { autoPublish: "all" });
    for (let i = 0; i < 6; i++) {
      const raw = { rating: 3, body: `Avis ${i}`, authorName: "Zoé", requestKey: `fr-review-${i}` };
      await submitReview({ shop: TEST_SHOP, productGid: "gid://shopify/Product/7002", customerGid: `gid://shopify/Customer/55510${i}`, raw });
    }
    await updateShopSettings(TEST_SHOP, "reviews", { autoPublish: "verified" });
    await syncProductRating(TEST_SHOP, "gid://shopify/Product/7002");
    const fr = await startStorefront({ metafields, routes: { loyalty, redeem, prompt, reviews }, locale: "fr" });
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${fr.url}/login?customer=321400&next=/products/7002`);

    await page.locator(".journey-loyalty__panel summary").first().click();
    await expect.poll(() => page.locator("[data-options] button").first().textContent()).toMatch(/^500 points pour 5,00\s\$US de réduction$/);

    const block = page.locator("journey-reviews");
    await block.locator(".journey-reviews__write summary").click();
    await block.locator("[type=submit]").click();
    await expect.poll(() => block.locator(".journey-form__status").textContent()).toBe(
      "Votre avis n'a pas pu être envoyé. Vérifiez les champs et réessayez. Choisissez une note de 1 à 5 étoiles. Écrivez quelques mots sur le produit (5 000 caractères au plus).",
    );

    await block.locator("[data-more]").click();
    await expect.poll(() => block.locator(".journey-review").count()).toBe(6);
    expect(await block.locator(".journey-review .journey-stars").last().getAttribute("aria-label")).toBe("3 sur 5 étoiles");
    expect(errors).toEqual([]);
    await context.close();
    await fr.close();
  });

  it("does not shift the layout while per-shopper data arrives", async () => {
    const slow = await startStorefront({ metafields, routes: { loyalty, redeem, prompt, reviews }, proxyDelayMs: 400 });
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await watchLayoutShift(page);
    await page.goto(`${slow.url}/login?customer=${CUSTOMER}&next=/products/${PRODUCT}`);
    await page.waitForTimeout(1500);
    expect(await layoutShift(page)).toBe(0);
    await context.close();
    await slow.close();
  });

  it("does not shift the layout at 375 px when pending points arrive that the page did not know of", async () => {
    // A member with 150 points in the return window; the customer metafield says none are pending.
    const member = "321500";
    const account = await db().loyaltyAccount.create({ data: { shop: TEST_SHOP, customerGid: `gid://shopify/Customer/${member}`, pointsBalance: 0 } });
    await db().loyaltyLedgerEntry.createMany({
      data: [
        { shop: TEST_SHOP, accountId: account.id, source: "ORDER", sourceKey: "cls:1", points: 1000, availableAt: new Date(0) },
        { shop: TEST_SHOP, accountId: account.id, source: "ORDER", sourceKey: "cls:2", points: 150, availableAt: new Date(Date.now() + 30 * 86_400_000) },
      ],
    });
    metafields.set(`gid://shopify/Customer/${member}`, "$app:loyalty", "points", { balance: 1000, pending: 0, tier: null });
    const slow = await startStorefront({ metafields, routes: { loyalty, redeem, prompt, reviews }, proxyDelayMs: 400 });
    for (const [lang, width] of [["en", 375], ["en", 320], ["fr", 375]] as const) {
      const store = lang === "en" ? slow : await startStorefront({ metafields, routes: { loyalty, redeem, prompt, reviews }, proxyDelayMs: 400, locale: lang });
      // Tall enough that the loyalty block is in view: shifts below the fold do not count.
      const context = await browser.newContext({ viewport: { width, height: 2400 } });
      const page = await context.newPage();
      await watchLayoutShift(page);
      await page.goto(`${store.url}/login?customer=${member}&next=/products/${PRODUCT}`);
      await expect.poll(() => page.locator("[data-pending]").textContent()).toMatch(/^150 /);
      await page.waitForTimeout(300);
      expect({ lang, width, cls: await layoutShift(page) }).toEqual({ lang, width, cls: 0 });
      expect(await page.locator("[data-pending]").isVisible()).toBe(true);
      await context.close();
      if (store !== slow) await store.close();
    }
    await slow.close();
  });
});
