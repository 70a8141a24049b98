import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { pixelKeyFor } from "~/domains/pixel/pixel-key.server";
import { recordInstall } from "~/domains/shops/shops.server";
import { saveStorefrontSection } from "~/domains/storefront/storefront-settings.server";
import { requestPixelKeyResync, storefrontJobs } from "~/domains/storefront/storefront.jobs.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { OTHER_SHOP, TEST_API_SECRET, TEST_APP_URL, TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { endRotation, rotateSecret } from "#test/secret-rotation";
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

describe("storefront.resync-pixel-keys: a client-secret rotation", () => {
  const rotate = rotateSecret;
  afterEach(endRotation);
  const jobs = async (name: JobName, queue: QueueName) => (await queuedJobs(queue)).filter((j) => j.name === name);

  it("is queued at worker boot only while the previous secret is set, once however often workers restart", async () => {
    expect(await requestPixelKeyResync()).toBe("NO_ROTATION");
    rotate(TEST_API_SECRET);
    expect(await requestPixelKeyResync()).toBe("QUEUED");
    expect(await requestPixelKeyResync()).toBe("QUEUED");
    expect(await jobs(JobName.StorefrontResyncPixelKeys, QueueName.Maintenance)).toHaveLength(1);
  });

  it("re-syncs every installed shop, so a pixel that sent nothing during the rotation gets the new key; a rerun queues nothing new", async () => {
    await recordInstall({ shop: TEST_SHOP, scopes: null });
    await recordInstall({ shop: OTHER_SHOP, scopes: null });
    await recordInstall({ shop: "gone.myshopify.com", scopes: null });
    await db().shop.update({ where: { shop: "gone.myshopify.com" }, data: { uninstalledAt: new Date() } });
    // The shop's pixel holds the key of the secret before the rotation.
    const pixel = { id: "gid://shopify/WebPixel/1", settings: JSON.stringify({ shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), endpoint: `${TEST_APP_URL}/pixel/events` }) };
    rotate(TEST_API_SECRET);

    const sweep = storefrontJobs[JobName.StorefrontResyncPixelKeys];
    expect(await sweep({ generation: "g" }, { attemptsMade: 0 })).toBe("QUEUED_2");
    const syncs = await jobs(JobName.StorefrontSyncShopConfig, QueueName.ShopifySync);
    expect(syncs.map((j) => j.data).sort((a, b) => a.shop.localeCompare(b.shop))).toEqual([
      { shop: OTHER_SHOP, reason: "pixel-key" },
      { shop: TEST_SHOP, reason: "pixel-key" },
    ]);
    expect(await sweep({ generation: "g" }, { attemptsMade: 0 })).toBe("QUEUED_2");
    expect(await jobs(JobName.StorefrontSyncShopConfig, QueueName.ShopifySync)).toHaveLength(2);

    api.on("CurrentAppInstallation", { currentAppInstallation: { id: "gid://shopify/AppInstallation/9" } });
    api.on("MetafieldsSet", (v) => ({ metafieldsSet: { metafields: (v.metafields as { key: string; namespace: string }[]).map((m) => ({ ...m, compareDigest: "d" })), userErrors: [] } }));
    api.on("WebPixelCurrent", () => ({ webPixel: pixel }));
    api.on("WebPixelUpdate", (v) => {
      pixel.settings = (v.webPixel as { settings: string }).settings;
      return { webPixelUpdate: { webPixel: { id: pixel.id }, userErrors: [] } };
    });
    const sync = syncs.find((j) => j.data.shop === TEST_SHOP)!;
    expect(await storefrontJobs[JobName.StorefrontSyncShopConfig](sync.data)).toBe("SYNCED");
    expect(api.problems).toEqual([]);
    expect(JSON.parse(pixel.settings).key).toBe(pixelKeyFor(TEST_SHOP)); // the new secret's key
  });
});
