/**
 * The analytics job handlers: the webhook path enqueues a debounced recompute, and every handler
 * is safe to run twice (run it, snapshot, run it again, same state).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues, getQueue } from "~/queues/queues.server";
import { JobName, QueueName } from "~/queues/jobs";
import {
  handleSegmentsRecomputeCustomer,
  handleSegmentsRecomputeShop,
  handleSegmentsRescoreShop,
  handleSegmentsScheduleShops,
  nightlyPattern,
} from "~/domains/segments/segments.jobs.server";
import { handleAbandonmentSweep, handleAbandonmentSweepShop } from "~/domains/abandonment/abandonment.jobs.server";
import { createSegment } from "~/domains/segments/segments.server";
import { TEST_SHOP, OTHER_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { queuedJobs, resetQueues } from "#test/queues";
import { customerGid, makeCheckout, makeCustomer, makeOrder, makeShop } from "#test/analytics";

const SHOP = TEST_SHOP;
const ctx = { attemptsMade: 0 };

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

async function analyticsState() {
  const [profiles, members, transitions, outcomes, daily] = await Promise.all([
    db().customerProfile.findMany({ where: { shop: SHOP }, orderBy: { customerGid: "asc" } }),
    db().segmentMember.findMany({ where: { shop: SHOP }, orderBy: [{ segmentId: "asc" }, { customerGid: "asc" }] }),
    db().journeyTransition.count({ where: { shop: SHOP } }),
    db().checkoutOutcome.findMany({ where: { shop: SHOP }, orderBy: { token: "asc" }, omit: { computedAt: true } }),
    db().abandonmentDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { currency: "asc" }], omit: { computedAt: true } }),
  ]);
  return { profiles, members, transitions, outcomes, daily };
}

async function seed() {
  await makeShop(SHOP);
  for (let i = 1; i <= 4; i++) {
    await makeCustomer(SHOP, { id: i });
    for (let k = 0; k < i; k++) await makeOrder(SHOP, { customer: i, processedAt: new Date(Date.now() - (k + 1) * 5 * 86_400_000).toISOString() });
  }
  await makeCheckout(SHOP, { customer: 1, createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString() });
  const segment = await createSegment(SHOP, { name: "Repeat", rule: { fact: "ordersCount", op: "gte", value: 2 } });
  if (!segment.ok) throw new Error("segment");
}

describe("segments.recompute-customer from the webhook path", () => {
  it("is enqueued once, debounced, for a burst of deliveries about one customer", async () => {
    await makeShop(SHOP);
    const body = orderPayload({ id: "7001", customerId: "4242", financialStatus: "pending" });
    await deliverAndProcess("orders/create", body);
    await deliverAndProcess("orders/paid", { ...body, financial_status: "paid", updated_at: "2026-10-01T10:05:00-04:00" });
    const jobs = (await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.SegmentsRecomputeCustomer);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toEqual({ shop: SHOP, customerGid: "gid://shopify/Customer/4242" });
    expect(jobs[0]!.opts.delay).toBeGreaterThan(0);
    // First recompute of a shop without a snapshot scores the whole shop; then the customer alone.
    expect(await handleSegmentsRecomputeCustomer(jobs[0]!.data, ctx)).toBe("FULL_RECOMPUTE");
    expect(await db().customerProfile.findFirstOrThrow({ where: { customerGid: "gid://shopify/Customer/4242" } })).toMatchObject({ ordersCount: 1, stage: "PURCHASE" });
    const before = await analyticsState();
    expect(await handleSegmentsRecomputeCustomer(jobs[0]!.data, ctx)).toBe("UNCHANGED");
    expect(await analyticsState()).toEqual(before);
  });

  it("is not enqueued for a guest order", async () => {
    await makeShop(SHOP);
    await deliverAndProcess("orders/create", orderPayload({ id: "7002", customerId: null, email: "guest@example.com" }));
    expect((await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.SegmentsRecomputeCustomer)).toHaveLength(0);
  });
});

describe("analytics handlers run twice with the same result", () => {
  it("segments.recompute-shop (nightly: abandonment, then profiles and segments)", async () => {
    await seed();
    expect(await handleSegmentsRecomputeShop({ shop: SHOP, reason: "nightly" }, ctx)).toBe("RECOMPUTED_4");
    const once = await analyticsState();
    expect(once.members).toHaveLength(3);
    expect(once.outcomes).toHaveLength(1);
    expect(await handleSegmentsRecomputeShop({ shop: SHOP, reason: "nightly" }, ctx)).toBe("RECOMPUTED_4");
    const twice = await analyticsState();
    expect(twice).toEqual({ ...once, profiles: twice.profiles });
    expect(twice.profiles.map(({ computedAt: _c, rfmSnapshotId: _s, ...p }) => p)).toEqual(once.profiles.map(({ computedAt: _c, rfmSnapshotId: _s, ...p }) => p));
  });

  it("segments.recompute-shop skips an uninstalled shop", async () => {
    await seed();
    await db().shop.update({ where: { shop: SHOP }, data: { uninstalledAt: new Date() } });
    expect(await handleSegmentsRecomputeShop({ shop: SHOP, reason: "nightly" }, ctx)).toBe("SHOP_NOT_INSTALLED");
  });

  it("segments.rescore-shop", async () => {
    await seed();
    await handleSegmentsRecomputeShop({ shop: SHOP }, ctx);
    await makeOrder(SHOP, { customer: 1, processedAt: new Date().toISOString() });
    expect(await handleSegmentsRecomputeCustomer({ shop: SHOP, customerGid: customerGid(1) }, ctx)).toBe("UPDATED");
    // The update queued a debounced rescore.
    expect((await queuedJobs(QueueName.Maintenance)).map((j) => j.name)).toContain(JobName.SegmentsRescoreShop);
    await handleSegmentsRescoreShop({ shop: SHOP }, ctx);
    const once = await analyticsState();
    expect(await handleSegmentsRescoreShop({ shop: SHOP }, ctx)).toBe("EDGES_UNCHANGED");
    expect((await analyticsState()).profiles.map((p) => [p.customerGid, p.rScore, p.fScore, p.mScore, p.rfmGroup, p.stage])).toEqual(
      once.profiles.map((p) => [p.customerGid, p.rScore, p.fScore, p.mScore, p.rfmGroup, p.stage]),
    );
  });

  it("abandonment.sweep fans out once per shop with checkouts; abandonment.sweep-shop", async () => {
    await seed();
    await makeShop(OTHER_SHOP);
    expect(await handleAbandonmentSweep({}, ctx)).toBe("QUEUED_1");
    expect(await handleAbandonmentSweep({}, ctx)).toBe("QUEUED_1");
    expect((await queuedJobs(QueueName.Maintenance)).filter((j) => j.name === JobName.AbandonmentSweepShop)).toHaveLength(1);
    expect(await handleAbandonmentSweepShop({ shop: SHOP }, ctx)).toBe("FULL_RECOMPUTE");
    const once = await analyticsState();
    expect(await handleAbandonmentSweepShop({ shop: SHOP }, ctx)).toBe("UNCHANGED");
    expect(await analyticsState()).toEqual(once);
  });

  it("segments.schedule-shops keeps one nightly scheduler per installed shop", async () => {
    await makeShop(SHOP, { timezone: "Europe/Paris" });
    await makeShop(OTHER_SHOP);
    expect(await handleSegmentsScheduleShops({}, ctx)).toBe("SCHEDULED_2_REMOVED_0");
    expect(await handleSegmentsScheduleShops({}, ctx)).toBe("SCHEDULED_2_REMOVED_0");
    const schedulers = await getQueue(QueueName.Maintenance).getJobSchedulers(0, -1, true);
    const mine = schedulers.find((s) => s.key === `segments-nightly-${SHOP}`);
    expect(mine).toMatchObject({ pattern: nightlyPattern(SHOP), tz: "Europe/Paris", name: JobName.SegmentsRecomputeShop });
    await db().shop.update({ where: { shop: OTHER_SHOP }, data: { uninstalledAt: new Date() } });
    expect(await handleSegmentsScheduleShops({}, ctx)).toBe("SCHEDULED_1_REMOVED_1");
  });
});
