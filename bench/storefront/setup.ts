/**
 * The app behind a local storefront for the browser benchmarks: a fresh database, the app's
 * environment, seeded reviews and a loyalty member, the workers' metafield writes captured by the
 * Admin API stand-in, and two storefronts (tests/support/storefront-server.ts) serving the same
 * product page with and without the widgets.
 */
import path from "node:path";
import { benchPrefix, clearRedisPrefix, createBenchDatabase } from "../lib/services";

const root = path.resolve(import.meta.dirname, "../..");

export async function startBenchStorefronts(opts: { proxyDelayMs?: number } = {}) {
  const database = await createBenchDatabase("widgets");
  const prefix = benchPrefix("widgets");
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    QUEUE_PREFIX: prefix,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_APP_URL: "https://my-test-app.myshopify.io",
    LOG_LEVEL: "silent",
  });
  // tests/support/admin-schema.ts finds its fixture through __dirname (CommonJS, as vitest
  // provides); this script runs as an ES module, so give it the folder it expects.
  (globalThis as { __dirname?: string }).__dirname = path.join(root, "tests/support");
  const { setUpValidSession, API_SECRET_KEY } = await import("@shopify/shopify-api/test-helpers");
  process.env.SHOPIFY_API_SECRET = API_SECRET_KEY;
  const { sessionStorage } = await import("~/shopify.server");
  const { updateShopSettings } = await import("~/domains/shops/settings.server");
  const { submitReview } = await import("~/domains/reviews/reviews.server");
  const { syncProductRating } = await import("~/domains/reviews/reviews.jobs.server");
  const { syncShopConfig } = await import("~/domains/storefront/storefront.jobs.server");
  const { syncLoyaltyMetafield } = await import("~/domains/loyalty/loyalty.jobs.server");
  const { db, disconnectDb } = await import("~/db.server");
  const { closeQueues } = await import("~/queues/queues.server");
  const { AdminApiStandIn } = await import("#test/admin-api");
  const { MetafieldStore, startStorefront, STOREFRONT_APP_OWNER } = await import("#test/storefront-server");
  const { TEST_SHOP } = await import("#test/constants");
  const routes = {
    loyalty: await import("~/routes/proxy.loyalty"),
    redeem: await import("~/routes/proxy.loyalty.redeem"),
    prompt: await import("~/routes/proxy.reviews.prompt"),
    reviews: await import("~/routes/proxy.reviews.$productId"),
  };

  const api = new AdminApiStandIn().install();
  const metafields = new MetafieldStore().attach(api);
  api.on("CurrentAppInstallation", { currentAppInstallation: { id: STOREFRONT_APP_OWNER } });
  api.on("WebPixelCurrent", { webPixel: null });
  api.on("WebPixelCreate", { webPixelCreate: { webPixel: { id: "gid://shopify/WebPixel/1" }, userErrors: [] } });

  const CUSTOMER = "777";
  await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await db().shop.upsert({ where: { shop: TEST_SHOP }, create: { shop: TEST_SHOP, currency: "USD" }, update: {} });
  await updateShopSettings(TEST_SHOP, "reviews", { autoPublish: "all" });
  for (let i = 0; i < 8; i++) {
    await submitReview({
      shop: TEST_SHOP,
      productGid: "gid://shopify/Product/7000",
      customerGid: `gid://shopify/Customer/${100 + i}`,
      raw: { rating: 3 + (i % 3), title: `Review ${i}`, body: "Solid mug, keeps coffee warm. ".repeat(3), requestKey: `bench-review-${i}` },
    });
  }
  const account = await db().loyaltyAccount.create({ data: { shop: TEST_SHOP, customerGid: `gid://shopify/Customer/${CUSTOMER}`, pointsBalance: 0 } });
  await db().loyaltyLedgerEntry.create({ data: { shop: TEST_SHOP, accountId: account.id, source: "ORDER", sourceKey: "bench:1", points: 1280, availableAt: new Date(0) } });
  await db().loyaltyAccount.update({ where: { id: account.id }, data: { pointsBalance: 1000 } }); // stale on purpose: the widget refreshes it
  await syncShopConfig(TEST_SHOP);
  await syncProductRating(TEST_SHOP, "gid://shopify/Product/7000");
  await syncLoyaltyMetafield(TEST_SHOP, account.id);
  // The page's proxy calls only read; nothing reaches the Admin API from here on, and the
  // stand-in's interceptor would block the browser tools' own loopback HTTP.
  await api.uninstall();

  const storefronts = {
    withWidgets: await startStorefront({ metafields, routes, proxyDelayMs: opts.proxyDelayMs }),
    without: await startStorefront({ metafields, routes, widgets: false }),
  };
  return {
    CUSTOMER,
    storefronts,
    teardown: async () => {
      await storefronts.withWidgets.close();
      await storefronts.without.close();
      await closeQueues();
      await disconnectDb();
      await clearRedisPrefix(prefix);
      await database.drop();
    },
  };
}
