/**
 * What happens when a merchant installs the app or Shopify re-authenticates it (shopifyApp's
 * afterAuth hook): the shop is marked installed, its name, currency and timezone are read, the
 * storefront settings are pushed to app-data metafields, the loyalty program's start is recorded
 * (orders placed before it never earn), and on a new install (first, or after an
 * uninstall) the store's history is imported, so the pages show a year of journeys, not only what
 * happens from now on; an unfinished or failed import is picked up again. Every step is
 * idempotent; the queued ones are best effort (the merchant's page must not wait for the queue)
 * with a way to catch up: the settings save, the backfill stall sweep, the home page's buttons.
 */
import { requestBackfill } from "~/domains/backfill/backfill.jobs.server";
import { latestRun } from "~/domains/backfill/backfill.repo.server";
import { startProgram } from "~/domains/loyalty/loyalty.server";
import { recordInstall, syncShopDetails } from "~/domains/shops/shops.server";
import { logger } from "~/lib/logger.server";
import { enqueue } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";
import type { AdminGraphql } from "~/shopify/admin.server";

const QUEUE_TIMEOUT_MS = 2_000;

export async function onShopAuthenticated(input: { shop: string; scopes: string | null; admin: AdminGraphql }) {
  const { shop, admin } = input;
  const newInstall = await recordInstall({ shop, scopes: input.scopes });
  await startProgram(shop);
  // Best effort: the name, currency and timezone also arrive later (orders, uninstall payload).
  await syncShopDetails(shop, admin).catch((error) => logger.warn({ err: error, shop }, "shop details not read"));
  await enqueue({ name: JobName.StorefrontSyncShopConfig, data: { shop } }, {}, QUEUE_TIMEOUT_MS).catch((error) =>
    logger.warn({ err: error, shop }, "storefront config sync not queued; it runs on the next settings save"),
  );
  const latest = await latestRun(shop);
  // A new install imports the history; a re-authentication also re-queues an unfinished import
  // (its chain of jobs may have broken) and resumes a failed one (a revoked token or a missing
  // scope is what a re-authentication fixes). A completed import is not repeated.
  if (newInstall || !latest || latest.status === "RUNNING" || latest.status === "FAILED") {
    // Not queued in time: the run stays RUNNING, and the stall sweep queues it within minutes.
    await requestBackfill(shop, QUEUE_TIMEOUT_MS).catch((error) => logger.warn({ err: error, shop }, "history import not queued; the stall sweep will"));
  }
  return { newInstall };
}

