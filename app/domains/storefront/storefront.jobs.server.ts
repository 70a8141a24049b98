/**
 * storefront.sync-shop-config: mirrors the shop's storefront settings to the app-data metafield
 * the blocks read (app.metafields.storefront.config) and connects the web pixel with its
 * settings. Idempotent: both writes set the same values again; the pixel is created once and
 * updated afterwards.
 *
 * storefront.resync-pixel-keys: the same sync for every installed shop after a client-secret
 * rotation. The pixel endpoint re-syncs a shop whose pixel sends a pre-rotation key, but only while
 * SHOPIFY_API_SECRET_PREVIOUS is set and only if the storefront sends something meanwhile; a quiet
 * shop would keep the old key and be refused for good once the previous secret is removed.
 */
import { z } from "zod";
import { pixelEndpoint, pixelKeyFor, pixelKeyGeneration } from "~/domains/pixel/pixel-key.server";
import { getShopSettings } from "~/domains/shops/settings.server";
import { getShop, listInstalledShopDomains } from "~/domains/shops/shops.server";
import { storefrontConfig } from "~/domains/storefront/storefront-config";
import { env } from "~/env.server";
import { enqueue, enqueueMany } from "~/queues/enqueue.server";
import { JobName, type JobHandler } from "~/queues/jobs";
import { adminFor, adminQuery, assertNoUserErrors, isTerminal, ShopifyGraphqlError, terminalAware, type AdminGraphql } from "~/shopify/admin.server";
import { CurrentAppInstallation } from "~/shopify/operations/CurrentAppInstallation";
import { MetafieldsSet } from "~/shopify/operations/MetafieldsSet";
import { WebPixelCreate } from "~/shopify/operations/WebPixelCreate";
import { WebPixelCurrent } from "~/shopify/operations/WebPixelCurrent";
import { WebPixelUpdate } from "~/shopify/operations/WebPixelUpdate";

type UserErrors = { userErrors: { field: string[] | null; message: string; code?: string | null }[] };

export async function syncShopConfig(shop: string, admin?: AdminGraphql): Promise<"SYNCED"> {
  const api = admin ?? (await adminFor(shop));
  const [settings, shopRow] = await Promise.all([getShopSettings(shop), getShop(shop)]);
  const { currentAppInstallation } = await adminQuery<{ currentAppInstallation: { id: string } }>(api, CurrentAppInstallation);
  const written = await adminQuery<{ metafieldsSet: UserErrors }>(api, MetafieldsSet, {
    metafields: [{ ownerId: currentAppInstallation.id, namespace: "storefront", key: "config", type: "json", value: JSON.stringify(storefrontConfig(settings, shopRow?.currency ?? "USD")) }],
  });
  assertNoUserErrors(written.metafieldsSet.userErrors);

  const pixelSettings = JSON.stringify({ shop, key: pixelKeyFor(shop), endpoint: pixelEndpoint() });
  let pixel: { id: string; settings: unknown } | null = null;
  try {
    pixel = (await adminQuery<{ webPixel: { id: string; settings: unknown } | null }>(api, WebPixelCurrent)).webPixel;
  } catch (error) {
    // Shopify answers the query with an error when the app has no pixel on the shop yet.
    if (!(error instanceof ShopifyGraphqlError) || isTerminal(error)) throw error;
  }
  if (!pixel) {
    const created = await adminQuery<{ webPixelCreate: UserErrors }>(api, WebPixelCreate, { webPixel: { settings: pixelSettings } });
    assertNoUserErrors(created.webPixelCreate.userErrors);
  } else if (JSON.stringify(typeof pixel.settings === "string" ? JSON.parse(pixel.settings) : pixel.settings) !== pixelSettings) {
    const updated = await adminQuery<{ webPixelUpdate: UserErrors }>(api, WebPixelUpdate, { id: pixel.id, webPixel: { settings: pixelSettings } });
    assertNoUserErrors(updated.webPixelUpdate.userErrors);
  }
  return "SYNCED";
}

const RESYNC_PAGE = 500;

/**
 * Queues storefront.sync-shop-config (reason "pixel-key", so a shop re-synced by the pixel
 * endpoint within the hour is skipped) for every installed shop. Idempotent: rerun, it queues
 * nothing new while those syncs are deduplicated, and a sync writes the same values again.
 */
export const handleStorefrontResyncPixelKeys: JobHandler<JobName.StorefrontResyncPixelKeys> = async () => {
  let after: string | null = null;
  let shops = 0;
  for (;;) {
    const page: string[] = await listInstalledShopDomains(after, RESYNC_PAGE);
    if (page.length === 0) break;
    await enqueueMany(page.map((shop) => ({ name: JobName.StorefrontSyncShopConfig, data: { shop, reason: "pixel-key" as const } })));
    shops += page.length;
    after = page[page.length - 1]!;
  }
  return `QUEUED_${shops}`;
};

/**
 * Called at worker boot: while SHOPIFY_API_SECRET_PREVIOUS is set (a rotation is under way), queues
 * the rotation sweep, once a day per key generation however often workers restart.
 */
export async function requestPixelKeyResync(): Promise<"QUEUED" | "NO_ROTATION"> {
  if (!env().SHOPIFY_API_SECRET_PREVIOUS) return "NO_ROTATION";
  await enqueue({ name: JobName.StorefrontResyncPixelKeys, data: { generation: pixelKeyGeneration() } });
  return "QUEUED";
}

export const storefrontJobs = {
  [JobName.StorefrontSyncShopConfig]: async (data) => {
    const { shop } = z.object({ shop: z.string().min(1) }).parse(data);
    return terminalAware(() => syncShopConfig(shop));
  },
  [JobName.StorefrontResyncPixelKeys]: handleStorefrontResyncPixelKeys,
} satisfies { [N in JobName]?: JobHandler<N> };
