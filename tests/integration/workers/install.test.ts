/**
 * The afterAuth hook's work (onShopAuthenticated): install recorded, shop details read through the
 * Admin API stand-in, storefront config sync queued, and the history import started on a new
 * install (first install, reinstall); a re-authentication re-queues an unfinished import and
 * resumes a failed one, and never repeats a completed one.
 */
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { onShopAuthenticated } from "~/domains/shops/install.server";
import { getShopSettings } from "~/domains/shops/settings.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import { adminFor } from "~/shopify/admin.server";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { queuedJobs, resetQueues } from "#test/queues";

let api: AdminApiStandIn;
beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  api = new AdminApiStandIn().install();
  api.on("ShopDetails", { shop: { name: "Test Shop", email: "owner@example.com", currencyCode: "EUR", ianaTimezone: "Europe/Paris", myshopifyDomain: TEST_SHOP } });
  await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
});
afterEach(() => api.uninstall());
afterAll(closeQueues);

const authenticate = async () => onShopAuthenticated({ shop: TEST_SHOP, scopes: "read_orders,read_customers", admin: await adminFor(TEST_SHOP) });
const backfillJobs = async () => (await queuedJobs(QueueName.ShopifySync)).filter((j) => j.name === JobName.BackfillRun);

describe("onShopAuthenticated (afterAuth)", () => {
  it("records a first install, reads the shop, queues the storefront sync and starts the history import", async () => {
    expect(await authenticate()).toEqual({ newInstall: true });
    expect(api.problems).toEqual([]);
    expect(await db().shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ currency: "EUR", ianaTimezone: "Europe/Paris", uninstalledAt: null });
    // The loyalty program starts now: orders placed before it never earn.
    const earnFrom = (await getShopSettings(TEST_SHOP)).loyalty.earnFrom;
    expect(Date.now() - new Date(earnFrom!).getTime()).toBeLessThan(60_000);
    expect((await queuedJobs(QueueName.ShopifySync)).map((j) => j.name)).toContain(JobName.StorefrontSyncShopConfig);
    const runs = await db().backfillRun.findMany({ where: { shop: TEST_SHOP } });
    expect(runs.map((r) => [r.status, r.phase])).toEqual([["RUNNING", "CUSTOMERS"]]);
    expect((await backfillJobs()).map((j) => j.data)).toEqual([{ shop: TEST_SHOP, runId: runs[0]!.id.toString() }]);
  });

  it("does not import the history again on a re-authentication, and does after a reinstall", async () => {
    await authenticate();
    const programStart = (await getShopSettings(TEST_SHOP)).loyalty.earnFrom;
    await db().backfillRun.updateMany({ where: { shop: TEST_SHOP }, data: { status: "DONE", phase: "DONE" } });

    expect(await authenticate()).toEqual({ newInstall: false });
    expect(await db().backfillRun.count({ where: { shop: TEST_SHOP } })).toBe(1);

    await db().shop.update({ where: { shop: TEST_SHOP }, data: { uninstalledAt: new Date() } });
    expect(await authenticate()).toEqual({ newInstall: true });
    expect(await db().backfillRun.count({ where: { shop: TEST_SHOP, status: "RUNNING" } })).toBe(1);
    expect(await db().shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ uninstalledAt: null });
    // Neither moves the loyalty program's start (the settings were kept).
    expect((await getShopSettings(TEST_SHOP)).loyalty.earnFrom).toBe(programStart);
  });

  it("re-queues an unfinished import on a re-authentication, and resumes a failed one", async () => {
    await authenticate();
    const run = await db().backfillRun.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    // The first step's job was lost (the install's enqueue timed out, or BullMQ gave up on it).
    await resetQueues();
    expect(await authenticate()).toEqual({ newInstall: false });
    expect((await backfillJobs()).map((j) => j.data)).toEqual([{ shop: TEST_SHOP, runId: run.id.toString() }]);

    await resetQueues();
    await db().backfillRun.update({ where: { id: run.id }, data: { status: "FAILED", phase: "ORDERS", error: "Unauthorized" } });
    await authenticate();
    expect(await db().backfillRun.findMany({ where: { shop: TEST_SHOP } })).toEqual([expect.objectContaining({ id: run.id, status: "RUNNING", phase: "ORDERS", error: null })]);
    expect(await backfillJobs()).toHaveLength(1);
  });
});

