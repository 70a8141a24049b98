/**
 * The storefront settings page's commands: save one section (badges, reviews, loyalty) and push
 * the result to the theme (storefront.sync-shop-config), all in one place so the page stays thin.
 */
import { updateShopSettings, type SettingsUpdate } from "~/domains/shops/settings.server";
import { logger } from "~/lib/logger.server";
import { forgetShopSettings } from "~/domains/storefront/hot-reads.server";
import { enqueue } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";

export const STOREFRONT_SECTIONS = ["trustBadges", "reviews", "loyalty"] as const;
export type StorefrontSection = (typeof STOREFRONT_SECTIONS)[number];

/**
 * Validates and saves a section; on success the app-data metafield the blocks read is rewritten
 * by a job (a failed enqueue is retried by the next save; the settings themselves are saved).
 */
export async function saveStorefrontSection(shop: string, section: StorefrontSection, value: unknown): Promise<SettingsUpdate> {
  const result = await updateShopSettings(shop, section, value);
  forgetShopSettings(shop);
  if (result.ok) {
    await enqueue({ name: JobName.StorefrontSyncShopConfig, data: { shop } }, {}, 2_000).catch((error: unknown) =>
      logger.warn({ err: error, shop }, "storefront config sync not enqueued; the next save retries"),
    );
  }
  return result;
}
