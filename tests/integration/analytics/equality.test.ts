/**
 * Full recompute versus the incremental path, on a generated dataset (the demo's generator: a
 * year of a store's activity as Shopify deliveries). Incremental: every delivery goes through the
 * real webhook path, the recomputes it enqueues run as they would (by the queued jobs' data), the
 * abandonment sweep runs between batches, then the debounced rescore. Full: the analytics tables
 * are cleared (except the checkout activity the sweeps remembered) and the shop is recomputed from
 * the normalized tables in one go. Both must give the same profiles, scores, stages, memberships,
 * edges and abandonment figures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { JobName, QueueName } from "~/queues/jobs";
import { recomputeAbandonment, sweepShop } from "~/domains/abandonment/abandonment.server";
import { materializeSegment, recomputeCustomers, recomputeShop, rescoreShop } from "~/domains/segments/recompute.server";
import { createSegment } from "~/domains/segments/segments.server";
import { buildDemoDeliveries } from "../../../scripts/lib/demo-data";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { deliverAndProcess } from "#test/process";
import { queuedJobs, resetQueues } from "#test/queues";
import { checkoutPayload, orderPayload, refundPayload } from "#test/payloads";
import { getQueue } from "~/queues/queues.server";
import type { WebhookTopic } from "~/webhooks/topics";

const SHOP = TEST_SHOP;
const NOW = new Date("2026-10-01T12:00:00Z");
const AS_OF = new Date("2026-10-01T12:05:00Z");

beforeAll(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

const modes: string[] = [];

type Delivery = { topic: string; webhookId: string; triggeredAt: string; body: object };

/**
 * Deliveries the demo store lacks, each followed by a sweep so the next change to the same rows
 * reaches a sweep that already saw them: an order completing an abandoned checkout while unpaid,
 * paid weeks later (orders/paid); a recovery wholly refunded (refunds/create alone); a test order
 * completing an abandoned checkout; a point-of-sale checkout left open; an update and the
 * completion of a checkout arriving together.
 */
function extraDeliveries(): { deliveries: Delivery[]; sweepAfter: Set<string> } {
  const deliveries: Delivery[] = [];
  const add = (topic: string, at: string, body: object) => deliveries.push({ topic, webhookId: `extra-${deliveries.length}`, triggeredAt: at, body });
  const checkout = (token: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
    ...checkoutPayload({ token, customerId: null, email: `${token}@example.net`, createdAt }),
    ...extra,
  });
  const completed = (token: string, createdAt: string, at: string) => checkout(token, createdAt, { completed_at: at, updated_at: at });
  const order = (id: string, token: string, at: string, v: Parameters<typeof orderPayload>[0] = {}) =>
    orderPayload({ id, customerId: null, email: `${token}@example.net`, processedAt: at, checkoutToken: token, subtotal: "60.00", ...v });

  add("checkouts/create", "2026-08-01T10:00:00.000Z", checkout("eq-paid", "2026-08-01T10:00:00.000Z"));
  const unpaid = order("8801", "eq-paid", "2026-08-03T10:00:00.000Z", { financialStatus: "pending" });
  add("orders/create", "2026-08-03T10:00:00.000Z", unpaid);
  add("checkouts/update", "2026-08-03T10:00:01.000Z", completed("eq-paid", "2026-08-01T10:00:00.000Z", "2026-08-03T10:00:00.000Z"));
  add("orders/paid", "2026-08-20T10:00:00.000Z", { ...unpaid, financial_status: "paid", updated_at: "2026-08-20T10:00:00.000Z" });

  add("checkouts/create", "2026-08-05T10:00:00.000Z", checkout("eq-refund", "2026-08-05T10:00:00.000Z"));
  add("orders/create", "2026-08-07T10:00:00.000Z", order("8802", "eq-refund", "2026-08-07T10:00:00.000Z"));
  add("checkouts/update", "2026-08-07T10:00:01.000Z", completed("eq-refund", "2026-08-05T10:00:00.000Z", "2026-08-07T10:00:00.000Z"));
  add("refunds/create", "2026-08-25T10:00:00.000Z", refundPayload("8802", "60.00", { processedAt: "2026-08-25T10:00:00.000Z" }));

  add("checkouts/create", "2026-08-10T10:00:00.000Z", checkout("eq-test", "2026-08-10T10:00:00.000Z"));
  add("orders/create", "2026-08-11T10:00:00.000Z", order("8803", "eq-test", "2026-08-11T10:00:00.000Z", { test: true }));
  add("checkouts/update", "2026-08-11T10:00:01.000Z", completed("eq-test", "2026-08-10T10:00:00.000Z", "2026-08-11T10:00:00.000Z"));

  add("checkouts/create", "2026-08-12T10:00:00.000Z", checkout("eq-pos", "2026-08-12T10:00:00.000Z", { source_name: "pos" }));

  add("checkouts/create", "2026-08-15T10:00:00.000Z", checkout("eq-late", "2026-08-15T10:00:00.000Z"));
  add("checkouts/update", "2026-08-15T10:50:00.000Z", checkout("eq-late", "2026-08-15T10:00:00.000Z", { updated_at: "2026-08-15T10:50:00.000Z" }));
  add("orders/create", "2026-08-15T11:05:00.000Z", order("8804", "eq-late", "2026-08-15T11:05:00.000Z"));
  add("checkouts/update", "2026-08-15T11:05:01.000Z", completed("eq-late", "2026-08-15T10:00:00.000Z", "2026-08-15T11:05:00.000Z"));
  return { deliveries, sweepAfter: new Set(deliveries.map((d) => d.webhookId)) };
}

/** Runs the queued segments.recompute-customer jobs (their data), as the worker would, then clears them. */
async function drainRecomputes() {
  const jobs = (await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.SegmentsRecomputeCustomer);
  const gids = [...new Set(jobs.map((j) => (j.data as { customerGid: string }).customerGid))];
  for (let i = 0; i < gids.length; i += 25) modes.push((await recomputeCustomers(SHOP, gids.slice(i, i + 25), { asOf: AS_OF })).mode);
  await getQueue(QueueName.Compute).obliterate({ force: true });
  return gids.length;
}

const normalized = async () => {
  const profiles = await db().customerProfile.findMany({ where: { shop: SHOP }, orderBy: { customerGid: "asc" }, omit: { computedAt: true, stageSince: true, rfmSnapshotId: true } });
  const members = await db().segmentMember.findMany({ where: { shop: SHOP }, orderBy: [{ segmentId: "asc" }, { customerGid: "asc" }], select: { segmentId: true, customerGid: true, ruleVersion: true } });
  const snapshot = await db().rfmSnapshot.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { id: "desc" } });
  const outcomes = await db().checkoutOutcome.findMany({ where: { shop: SHOP }, orderBy: { token: "asc" }, omit: { computedAt: true } });
  const daily = await db().abandonmentDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { currency: "asc" }], omit: { computedAt: true } });
  const breakdowns = await db().abandonmentBreakdownDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { dimension: "asc" }, { value: "asc" }] });
  const products = await db().abandonedProductDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { productKey: "asc" }, { currency: "asc" }] });
  const steps = await db().abandonmentStepDaily.findMany({ where: { shop: SHOP }, orderBy: [{ day: "asc" }, { dimension: "asc" }, { value: "asc" }, { step: "asc" }] });
  const segments = await db().segment.findMany({ where: { shop: SHOP }, orderBy: { id: "asc" }, select: { id: true, memberCount: true } });
  return {
    profiles,
    members,
    edges: { r: snapshot.recencyEdges, f: snapshot.frequencyEdges, m: snapshot.monetaryEdges, modes: [snapshot.recencyMode, snapshot.frequencyMode, snapshot.monetaryMode], scored: snapshot.customersScored },
    outcomes,
    daily,
    breakdowns,
    products,
    steps,
    segments,
  };
};

describe("full recompute = incremental path", () => {
  it("gives identical results on a generated store", async () => {
    const extra = extraDeliveries();
    const deliveries: Delivery[] = [...buildDemoDeliveries({ customers: 40, seed: 7, now: NOW, shop: SHOP }).filter((d) => d.topic !== "customers/data_request"), ...extra.deliveries].sort(
      (a, b) => a.triggeredAt.localeCompare(b.triggeredAt),
    );
    for (const rule of [
      { name: "Repeat buyers", rule: { fact: "ordersCount", op: "gte", value: 2 } },
      { name: "Lapsing big spenders", rule: { all: [{ fact: "amountSpent", op: "gte", value: 150 }, { fact: "lastOrderDate", op: "more_than_days_ago", value: 60 }] } },
      { name: "Abandoners", rule: { any: [{ fact: "abandonedCheckoutsCount", op: "gte", value: 1 }, { fact: "stage", op: "in", value: ["CONSIDERATION"] }] } },
    ]) {
      const created = await createSegment(SHOP, rule);
      if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors));
      await materializeSegment(SHOP, created.segment.id, { asOf: AS_OF });
    }
    await getQueue(QueueName.Compute).obliterate({ force: true });

    // Incremental: deliveries in order, recomputes and sweeps as they come.
    let recomputed = 0;
    for (let i = 0; i < deliveries.length; i += 60) {
      for (const d of deliveries.slice(i, i + 60)) {
        const { outcome } = await deliverAndProcess(d.topic as WebhookTopic, d.body, { webhookId: d.webhookId, triggeredAt: d.triggeredAt });
        expect(outcome).not.toMatch(/^[\w.]+: /); // nothing rejected
        if (extra.sweepAfter.has(d.webhookId)) await sweepShop(SHOP, { asOf: AS_OF });
      }
      recomputed += await drainRecomputes();
      // As abandonment.sweep-shop's follow-ups: the changed customers, or the whole shop after a full run.
      const swept = await sweepShop(SHOP, { asOf: AS_OF });
      if (swept.mode === "FULL") await recomputeShop(SHOP, { asOf: AS_OF });
      else if (swept.customers.length) await recomputeCustomers(SHOP, swept.customers, { asOf: AS_OF });
    }
    await rescoreShop(SHOP, { asOf: AS_OF, chunk: 7 }); // the debounced rescore, a few customers per transaction
    expect(recomputed).toBeGreaterThan(30);
    // The first recompute of the shop is a full one (no snapshot yet); the rest are incremental.
    expect(modes[0]).toBe("FULL");
    expect(modes.filter((m) => m === "INCREMENTAL").length).toBeGreaterThan(5);
    const incremental = await normalized();
    expect(incremental.profiles.length).toBe(40);
    expect(incremental.members.length).toBeGreaterThan(0);
    expect(incremental.outcomes.filter((o) => o.status === "RECOVERED").length).toBeGreaterThan(0);
    const extraOutcome = (token: string) => incremental.outcomes.find((o) => o.token === token);
    expect(extraOutcome("eq-paid")).toMatchObject({ status: "RECOVERED", recoveredMinor: 6000n });
    expect(extraOutcome("eq-refund")).toMatchObject({ status: "ABANDONED", recoveredMinor: null, windowOrderGid: null });
    expect(extraOutcome("eq-test")).toMatchObject({ status: "ABANDONED", recoveredMinor: null });
    expect(extraOutcome("eq-pos")).toMatchObject({ status: "EXCLUDED" });

    // Full: from the normalized tables, with only the remembered checkout activity kept.
    await db().$transaction([
      db().customerProfile.deleteMany({ where: { shop: SHOP } }),
      db().segmentMember.deleteMany({ where: { shop: SHOP } }),
      db().segment.updateMany({ where: { shop: SHOP }, data: { memberCount: 0 } }),
      db().rfmSnapshot.deleteMany({ where: { shop: SHOP } }),
      db().abandonmentDaily.deleteMany({ where: { shop: SHOP } }),
      db().abandonmentBreakdownDaily.deleteMany({ where: { shop: SHOP } }),
      db().abandonedProductDaily.deleteMany({ where: { shop: SHOP } }),
      db().abandonmentStepDaily.deleteMany({ where: { shop: SHOP } }),
    ]);
    await recomputeAbandonment(SHOP, { asOf: AS_OF });
    await recomputeShop(SHOP, { asOf: AS_OF });
    const full = await normalized();

    expect(full.edges).toEqual(incremental.edges);
    expect(full.profiles).toEqual(incremental.profiles);
    expect(full.members).toEqual(incremental.members);
    expect(full.segments).toEqual(incremental.segments);
    expect(full.outcomes).toEqual(incremental.outcomes);
    expect(full.daily).toEqual(incremental.daily);
    expect(full.breakdowns).toEqual(incremental.breakdowns);
    expect(full.products).toEqual(incremental.products);
    expect(full.steps).toEqual(incremental.steps);
  }, 300_000);

  // Runs on the store the test above loaded. A whole-shop recompute refreshes its segments in
  // parallel transactions after the profiles commit, so per-customer recomputes can interleave
  // with them: nobody may enter or leave twice, and the counts must match the rows.
  it("keeps memberships, counts and history exact when per-customer recomputes race a whole-shop one", async () => {
    await recomputeShop(SHOP, { asOf: AS_OF });
    const alone = await normalized();
    expect(alone.members.length).toBeGreaterThan(0);
    await db().$transaction([
      db().segmentMember.deleteMany({ where: { shop: SHOP } }),
      db().segmentMemberEvent.deleteMany({ where: { shop: SHOP } }),
      db().segment.updateMany({ where: { shop: SHOP }, data: { memberCount: 0 } }),
    ]);
    const gids = alone.profiles.map((p) => p.customerGid);
    const chunks = Array.from({ length: Math.ceil(gids.length / 4) }, (_, i) => gids.slice(i * 4, i * 4 + 4));
    await Promise.all([recomputeShop(SHOP, { asOf: AS_OF }), ...chunks.map((c) => recomputeCustomers(SHOP, c, { asOf: AS_OF }))]);

    const raced = await normalized();
    expect(raced.members).toEqual(alone.members);
    expect(raced.segments).toEqual(alone.segments);
    const events = await db().segmentMemberEvent.findMany({ where: { shop: SHOP }, select: { segmentId: true, customerGid: true, kind: true } });
    const entered = events.filter((e) => e.kind === "ENTERED").map((e) => `${e.segmentId}:${e.customerGid}`);
    expect(events.filter((e) => e.kind === "EXITED")).toEqual([]);
    expect(entered.sort()).toEqual(alone.members.map((m) => `${m.segmentId}:${m.customerGid}`).sort());
  }, 120_000);
});
