import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { pixelKeyFor } from "~/domains/pixel/pixel-key.server";
import { saveStorefrontSection } from "~/domains/storefront/storefront-settings.server";
import { storefrontJobs } from "~/domains/storefront/storefront.jobs.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { TEST_APP_URL, TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { queuedJobs, resetQueues } from "#test/queues";

let api: AdminApiStandIn;
beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  api = new AdminApiStandIn().install();
  await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
});
afterEach(() => api.uninstall());
afterAll(closeQueues);

describe("storefront.sync-shop-config", () => {
  it("writes the settings the blocks read to the app-data metafield and connects the pixel once; a rerun only rewrites the same values", async () => {
    expect(await saveStorefrontSection(TEST_SHOP, "trustBadges", { paymentIcons: ["visa"], guarantees: ["easy_returns"], customText: "Made in Lyon" })).toMatchObject({ ok: true });
    expect((await queuedJobs(QueueName.ShopifySync)).map((j) => [j.name, j.data])).toEqual([[JobName.StorefrontSyncShopConfig, { shop: TEST_SHOP }]]);

    let pixel: { id: string; settings: string } | null = null;
    api.on("CurrentAppInstallation", { currentAppInstallation: { id: "gid://shopify/AppInstallation/9" } });
    api.on("MetafieldsSet", (v) => ({ metafieldsSet: { metafields: (v.metafields as { key: string; namespace: string }[]).map((m) => ({ ...m, compareDigest: "d" })), userErrors: [] } }));
    // Shopify answers webPixel with an error while the app has no pixel on the shop.
    api.on("WebPixelCurrent", () => (pixel ? { webPixel: pixel } : { errors: [{ message: "No web pixel was found for this app." }] }));
    api.on("WebPixelCreate", (v) => {
      pixel = { id: "gid://shopify/WebPixel/1", settings: (v.webPixel as { settings: string }).settings };
      return { webPixelCreate: { webPixel: { id: pixel.id }, userErrors: [] } };
    });

    const run = storefrontJobs[JobName.StorefrontSyncShopConfig];
    expect(await run({ shop: TEST_SHOP })).toBe("SYNCED");
    expect(await run({ shop: TEST_SHOP })).toBe("SYNCED");
    expect(api.problems).toEqual([]);
    expect(api.calls.map((c) => c.operationName)).toEqual(["CurrentAppInstallation", "MetafieldsSet", "WebPixelCurrent", "WebPixelCreate", "CurrentAppInstallation", "MetafieldsSet", "WebPixelCurrent"]);
    const [config] = api.calls[1]!.variables.metafields as { ownerId: string; namespace: string; key: string; type: string; value: string }[];
    expect(config).toMatchObject({ ownerId: "gid://shopify/AppInstallation/9", namespace: "storefront", key: "config", type: "json" });
    expect(JSON.parse(config!.value)).toMatchObject({ badges: { payment: ["visa"], guarantees: ["easy_returns"], text: "Made in Lyon" }, loyalty: { enabled: true, signupBonus: 100 } });
    expect(JSON.parse(pixel!.settings)).toEqual({ shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), endpoint: `${TEST_APP_URL}/pixel/events` });
  });

  it("refuses invalid settings with the field named, and queues nothing", async () => {
    const result = await saveStorefrontSection(TEST_SHOP, "loyalty", { pointsPerUnit: -1, tiers: [{ name: "", threshold: 5 }] });
    expect(result).toMatchObject({ ok: false, fieldErrors: { "loyalty.pointsPerUnit": expect.any(String), "loyalty.tiers.0.name": expect.any(String) } });
    expect(await queuedJobs(QueueName.ShopifySync)).toEqual([]);
  });
});
