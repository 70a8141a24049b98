/**
 * Merchant rule segments end to end: validation (nothing saved on a bad rule), preview, saving,
 * materialization through the job handler with enter/exit history, incremental membership as
 * facts change, member lists (keyset pages, sorts, search), CSV export and the explanation.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { JobName, QueueName } from "~/queues/jobs";
import { recomputeCustomers, recomputeShop } from "~/domains/segments/recompute.server";
import { handleSegmentsMaterializeSegment } from "~/domains/segments/segments.jobs.server";
import {
  createSegment,
  deleteSegment,
  exportSegmentMembersCsv,
  getSegment,
  listRfmGroups,
  listSegmentMembers,
  listSegments,
  previewSegmentRule,
  updateSegment,
} from "~/domains/segments/segments.server";
import { explainCustomer, searchCustomers } from "~/domains/segments/profiles.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { queuedJobs, resetQueues } from "#test/queues";
import { customerGid, makeCustomer, makeLoyalty, makeOrder, makeShop } from "#test/analytics";

const SHOP = TEST_SHOP;

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

const BIG_SPENDERS = { all: [{ fact: "amountSpent", op: "gte", value: 150 }, { fact: "tags", op: "has_none", value: ["Staff"] }] };

/** Customers 1..6 spend 50, 100, 150, 200, 250, 300 (one order each, recent); 4 is tagged "staff". */
async function seed() {
  await makeShop(SHOP);
  for (let i = 1; i <= 6; i++) {
    await makeCustomer(SHOP, { id: i, firstName: ["Ava", "Noah", "Mia", "Liam", "Zoe", "Hugo"][i - 1], lastName: "Martin", email: `c${i}@example.com`, tags: i === 4 ? ["staff"] : [] });
    await makeOrder(SHOP, { customer: i, processedAt: new Date(Date.now() - i * 86_400_000).toISOString(), subtotal: `${i * 50}.00` });
  }
  await makeLoyalty(SHOP, 6, 420);
  await recomputeShop(SHOP);
}

async function materialize(id: bigint) {
  expect(await handleSegmentsMaterializeSegment({ shop: SHOP, segmentId: id.toString() }, { attemptsMade: 0 })).toMatch(/MATERIALIZED|UNCHANGED/);
}

describe("segments: bad input", () => {
  it("rejects an invalid rule with errors naming the fields, and saves nothing", async () => {
    await seed();
    const result = await createSegment(SHOP, {
      name: "",
      rule: { all: [{ fact: "ordersCount", op: "gte", value: -1 }, { fact: "nope", op: "eq", value: 1 }, { fact: "stage", op: "in", value: ["SLEEPING"] }, { any: [] }] },
      syncMode: "TAG",
    });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        name: "required",
        "rule.all.0.value": "expected a whole number of at least 0",
        "rule.all.1.fact": expect.stringContaining("unknown fact"),
        "rule.all.2.value": expect.stringContaining('unknown value "SLEEPING"'),
        "rule.all.3.any": "expected a non-empty list of rules",
        syncTag: "required when syncing as a customer tag",
      },
    });
    expect(await db().segment.count()).toBe(0);
    expect([...(await queuedJobs(QueueName.Compute)), ...(await queuedJobs(QueueName.Maintenance))]).toHaveLength(0);
  });

  it("rejects a rule that is not JSON, and a duplicate name", async () => {
    await seed();
    expect(await createSegment(SHOP, { name: "X", rule: "{not json" })).toEqual({ ok: false, fieldErrors: { rule: "not valid JSON" } });
    expect((await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS })).ok).toBe(true);
    expect(await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS })).toEqual({ ok: false, fieldErrors: { name: "a segment with this name already exists" } });
    expect(await db().segment.count()).toBe(1);
  });

  it("previews nothing for an invalid rule", async () => {
    await seed();
    expect(await previewSegmentRule(SHOP, { fact: "lastOrderDate", op: "before", value: "2026-02-30" })).toEqual({ ok: false, fieldErrors: { "rule.value": "expected a date YYYY-MM-DD" } });
  });
});

describe("segments: preview, save, materialize", () => {
  it("previews count and sample before saving", async () => {
    await seed();
    const preview = await previewSegmentRule(SHOP, BIG_SPENDERS);
    // 150, 200 (staff, excluded), 250, 300 → customers 3, 5, 6.
    expect(preview).toMatchObject({ ok: true, count: 3, totalCustomers: 6 });
    if (preview.ok) expect(preview.sample.map((s) => s.customerGid)).toEqual([6, 5, 3].map(customerGid));
  });

  it("materializes members with ENTERED events holding the facts the rule saw; runs twice harmlessly", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Big spenders", rule: BIG_SPENDERS });
    if (!created.ok) throw new Error("not saved");
    const jobs = await queuedJobs(QueueName.Maintenance);
    expect(jobs.map((j) => j.name)).toEqual([JobName.SegmentsMaterializeSegment]);
    await materialize(created.segment.id);
    const members = await db().segmentMember.findMany({ where: { segmentId: created.segment.id }, orderBy: { customerGid: "asc" } });
    expect(members.map((m) => m.customerGid)).toEqual([3, 5, 6].map(customerGid));
    const event = await db().segmentMemberEvent.findFirstOrThrow({ where: { customerGid: customerGid(6), kind: "ENTERED" } });
    expect(event.facts).toEqual({ amountSpent: 30000, tags: [] });
    expect(await handleSegmentsMaterializeSegment({ shop: SHOP, segmentId: created.segment.id.toString() }, { attemptsMade: 0 })).toBe("UNCHANGED");
    expect(await db().segmentMemberEvent.count()).toBe(3);
    const [summary] = await listSegments(SHOP);
    expect(summary).toMatchObject({ name: "Big spenders", memberCount: 3, change7d: 3, sync: { mode: "NONE" } });
  });

  it("gives the planner fresh statistics after a large materialization", async () => {
    // Before: the member page planned for the handful of rows the table last held and joined
    // every member of a 200,000-member segment in about a second.
    await makeShop(SHOP);
    await db().$executeRaw`INSERT INTO "Customer" (shop, "customerGid", email, "updatedAt")
      SELECT ${SHOP}, 'gid://shopify/Customer/' || n, 'c' || n || '@example.com', now() FROM generate_series(1, 1500) n`;
    await recomputeShop(SHOP);
    const created = await createSegment(SHOP, { name: "Everyone", rule: { all: [{ fact: "ordersCount", op: "gte", value: 0 }] } });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    expect(await db().segmentMember.count()).toBe(1500);
    const [stats] = await db().$queryRaw<{ tuples: number }[]>`SELECT reltuples::float8 AS tuples FROM pg_class WHERE relname = 'SegmentMember'`;
    expect(stats!.tuples).toBeGreaterThanOrEqual(1500);
  });

  it("keeps membership current as a customer's facts change, with an EXITED then ENTERED history", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    // Customer 3 is refunded 100 of 150 → 50 spent: leaves. Then orders 200 more: comes back.
    const order = await db().order.findFirstOrThrow({ where: { customerGid: customerGid(3) } });
    await db().refund.create({ data: { shop: SHOP, refundGid: "gid://shopify/Refund/77", orderGid: order.orderGid, currency: "USD", subtotalMinor: 10000n, taxMinor: 0n, totalMinor: 10000n, processedAt: new Date() } });
    await recomputeCustomers(SHOP, [customerGid(3)]);
    expect(await db().segmentMember.count({ where: { segmentId: created.segment.id, customerGid: customerGid(3) } })).toBe(0);
    await makeOrder(SHOP, { customer: 3, processedAt: new Date().toISOString(), subtotal: "200.00" });
    await recomputeCustomers(SHOP, [customerGid(3)]);
    const history = await db().segmentMemberEvent.findMany({ where: { customerGid: customerGid(3) }, orderBy: { id: "asc" } });
    expect(history.map((h) => h.kind)).toEqual(["ENTERED", "EXITED", "ENTERED"]);
    expect((await getSegment(SHOP, created.segment.id))?.memberCount).toBe(3);
  });

  it("re-materializes on a rule change (new rule version) and exits everyone on deletion", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    const updated = await updateSegment(SHOP, created.segment.id, { name: "Points", rule: { fact: "pointsBalance", op: "gte", value: 100 } });
    expect(updated.ok).toBe(true);
    await materialize(created.segment.id);
    const detail = await getSegment(SHOP, created.segment.id);
    expect(detail).toMatchObject({ name: "Points", ruleVersion: 2, memberCount: 1 });
    expect(await db().segmentMember.findMany({ where: { segmentId: created.segment.id } })).toMatchObject([{ customerGid: customerGid(6), ruleVersion: 2 }]);
    expect(await deleteSegment(SHOP, created.segment.id)).toBe(true);
    await materialize(created.segment.id);
    expect(await db().segmentMember.count()).toBe(0);
    expect(await listSegments(SHOP)).toEqual([]);
    // The name is free again; the history still names the deleted segment.
    expect((await createSegment(SHOP, { name: "Points", rule: BIG_SPENDERS })).ok).toBe(true);
  });
});

describe("segments: edits that are not rule changes", () => {
  it("keeps the rule version when only the name or description changes (jsonb reorders the stored rule's keys)", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    await resetQueues();
    const updated = await updateSegment(SHOP, created.segment.id, { name: "Big spenders", description: "Over 150", rule: BIG_SPENDERS });
    expect(updated.ok).toBe(true);
    expect(await getSegment(SHOP, created.segment.id)).toMatchObject({ name: "Big spenders", ruleVersion: 1 });
    expect(await queuedJobs(QueueName.Maintenance)).toHaveLength(0);
    expect(await queuedJobs(QueueName.ShopifySync)).toHaveLength(0);
  });

  it("re-syncs a metafield-synced segment when it is renamed (the metafield holds segment names) and retries refused customers", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS, syncMode: "METAFIELD" });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    await db().segmentSyncState.create({ data: { shop: SHOP, segmentId: created.segment.id, customerGid: customerGid(3), mode: "FAILED", value: "refused", syncedAt: new Date() } });
    await resetQueues();
    expect((await updateSegment(SHOP, created.segment.id, { name: "Big spenders", rule: BIG_SPENDERS, syncMode: "METAFIELD" })).ok).toBe(true);
    expect((await queuedJobs(QueueName.ShopifySync)).map((j) => j.name)).toEqual([JobName.SegmentsSyncSegment]);
    expect(await db().segmentSyncState.count({ where: { mode: "FAILED" } })).toBe(0);
  });

  it("refuses a sync tag another live segment writes, whatever its case, and nothing is saved", async () => {
    await seed();
    expect((await createSegment(SHOP, { name: "VIP A", rule: BIG_SPENDERS, syncMode: "TAG", syncTag: "vip" })).ok).toBe(true);
    const second = await createSegment(SHOP, { name: "VIP B", rule: BIG_SPENDERS, syncMode: "TAG", syncTag: "VIP" });
    expect(second).toEqual({ ok: false, fieldErrors: { syncTag: "another segment already syncs this tag" } });
    expect(await db().segment.count()).toBe(1);
    const other = await createSegment(SHOP, { name: "VIP B", rule: BIG_SPENDERS });
    if (!other.ok) throw new Error("not saved");
    expect(await updateSegment(SHOP, other.segment.id, { name: "VIP B", rule: BIG_SPENDERS, syncMode: "TAG", syncTag: "Vip" })).toMatchObject({ ok: false, fieldErrors: { syncTag: expect.any(String) } });
    // The segment that holds the tag may keep it when it is edited.
    const [first] = await db().segment.findMany({ where: { name: "VIP A" } });
    expect((await updateSegment(SHOP, first!.id, { name: "VIP A", rule: BIG_SPENDERS, syncMode: "TAG", syncTag: "vip" })).ok).toBe(true);
  });
});

describe("segments: member lists and export", () => {
  it("pages members with a keyset cursor, sorts and searches", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Everyone", rule: { fact: "ordersCount", op: "gte", value: 1 } });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    const first = await listSegmentMembers(SHOP, created.segment.id, { sort: "amountSpent", direction: "desc", limit: 4 });
    expect(first?.members.map((m) => m.amountSpentMinor)).toEqual([30000n, 25000n, 20000n, 15000n]);
    const second = await listSegmentMembers(SHOP, created.segment.id, { sort: "amountSpent", direction: "desc", limit: 4, after: first!.nextCursor! });
    expect(second?.members.map((m) => m.amountSpentMinor)).toEqual([10000n, 5000n]);
    expect(second?.nextCursor).toBeNull();
    const byName = await listSegmentMembers(SHOP, created.segment.id, { sort: "name", direction: "asc" });
    expect(byName?.members.map((m) => m.displayName?.split(" ")[0])).toEqual(["Ava", "Hugo", "Liam", "Mia", "Noah", "Zoe"]);
    const found = await listSegmentMembers(SHOP, created.segment.id, { search: "zo" });
    expect(found?.members.map((m) => m.email)).toEqual(["c5@example.com"]);
    const byLastName = await listSegmentMembers(SHOP, created.segment.id, { search: "mart", limit: 250 });
    expect(byLastName?.members).toHaveLength(6);
    expect(await listSegmentMembers(SHOP, 999n)).toBeNull();
  });

  it("streams the CSV export page by page", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    let csv = "";
    for await (const chunk of exportSegmentMembersCsv(SHOP, created.segment.id)) csv += chunk;
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("customer_id,email,name,rfm_group,stage,orders,amount_spent,currency,last_order_at,entered_at");
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 2))).toEqual([
      ["3", "c3@example.com"],
      ["5", "c5@example.com"],
      ["6", "c6@example.com"],
    ]);
    expect(lines[3]).toContain(",300.00,USD,");
  });
});

describe("segments: explanations and search", () => {
  it("explains why a customer is in a segment: the rule, the facts at entry, which conditions hold", async () => {
    await seed();
    const created = await createSegment(SHOP, { name: "Big", rule: BIG_SPENDERS });
    if (!created.ok) throw new Error("not saved");
    await materialize(created.segment.id);
    const explained = await explainCustomer(SHOP, customerGid(5));
    expect(explained?.segments).toEqual([
      expect.objectContaining({
        name: "Big",
        factsAtEntry: { amountSpent: 25000, tags: [] },
        conditions: [
          { path: "rule.all.0", condition: { fact: "amountSpent", op: "gte", value: 150 }, holds: true },
          { path: "rule.all.1", condition: { fact: "tags", op: "has_none", value: ["Staff"] }, holds: true },
        ],
      }),
    ]);
    const staff = await explainCustomer(SHOP, customerGid(4));
    expect(staff?.segments).toEqual([]);
  });

  it("finds customers by email, name prefix or order number", async () => {
    await seed();
    expect((await searchCustomers(SHOP, "c2@example.com")).map((h) => h.customerGid)).toEqual([customerGid(2)]);
    expect((await searchCustomers(SHOP, "liam")).map((h) => h.customerGid)).toEqual([customerGid(4)]);
    const order = await db().order.findFirstOrThrow({ where: { customerGid: customerGid(5) } });
    expect((await searchCustomers(SHOP, `#${order.orderNumber}`)).map((h) => h.customerGid)).toEqual([customerGid(5)]);
  });

  it("counts customers per RFM group, zeros included", async () => {
    await seed();
    const groups = await listRfmGroups(SHOP);
    expect(groups).toHaveLength(12);
    expect(groups.reduce((a, g) => a + g.customers, 0)).toBe(6);
  });
});
