/**
 * Sync back to Shopify through the Admin API stand-in (real HTTP, operations and variables checked
 * against the 2026-04 schema): tags and the app metafield, idempotent reruns, removals, throttling,
 * refused customers and terminal failures.
 */
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { UnrecoverableError } from "bullmq";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { sessionStorage } from "~/shopify.server";
import { recomputeCustomers, recomputeShop } from "~/domains/segments/recompute.server";
import { handleSegmentsMaterializeSegment, handleSegmentsSyncSegment } from "~/domains/segments/segments.jobs.server";
import { createSegment, deleteSegment } from "~/domains/segments/segments.server";
import { syncSegment } from "~/domains/segments/sync.server";
import { AdminApiStandIn } from "#test/admin-api";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { resetQueues } from "#test/queues";
import { customerGid, makeCustomer, makeOrder, makeShop } from "#test/analytics";

const SHOP = TEST_SHOP;
let api: AdminApiStandIn;
const ok = (field: string) => () => ({ [field]: { node: { id: "gid://shopify/Customer/1" }, userErrors: [] } });

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  api = new AdminApiStandIn().install();
  api.on("CustomerTagsAdd", ok("tagsAdd")).on("CustomerTagsRemove", ok("tagsRemove"));
  api.on("MetafieldsSet", { metafieldsSet: { metafields: [], userErrors: [] } }).on("MetafieldsDelete", { metafieldsDelete: { deletedMetafields: [], userErrors: [] } });
});
afterEach(() => api.uninstall());
afterAll(closeQueues);

async function seedSegment(syncMode: "TAG" | "METAFIELD", name = "VIP") {
  await sessionStorage.storeSession(setUpValidSession({ shop: SHOP }));
  await makeShop(SHOP);
  for (let i = 1; i <= 3; i++) {
    await makeCustomer(SHOP, { id: i });
    await makeOrder(SHOP, { customer: i, processedAt: new Date(Date.now() - i * 86_400_000).toISOString(), subtotal: `${i * 100}.00` });
  }
  await recomputeShop(SHOP);
  const created = await createSegment(SHOP, { name, rule: { fact: "amountSpent", op: "gte", value: 200 }, syncMode, syncTag: syncMode === "TAG" ? "vip" : null });
  if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors));
  await handleSegmentsMaterializeSegment({ shop: SHOP, segmentId: created.segment.id.toString() }, { attemptsMade: 0 });
  return created.segment.id;
}

const job = (segmentId: bigint) => handleSegmentsSyncSegment({ shop: SHOP, segmentId: segmentId.toString() }, { attemptsMade: 0 });

describe("segments.sync-segment", () => {
  it("tags each member once; a second run writes nothing", async () => {
    const id = await seedSegment("TAG");
    expect(await job(id)).toBe("SYNCED_2_0");
    expect(api.problems).toEqual([]);
    expect(api.calls.map((c) => [c.operationName, c.variables])).toEqual([
      ["CustomerTagsAdd", { id: customerGid(2), tags: ["vip"] }],
      ["CustomerTagsAdd", { id: customerGid(3), tags: ["vip"] }],
    ]);
    expect(await job(id)).toBe("SYNCED_0_0");
    expect(api.calls).toHaveLength(2);
    expect(await db().segment.findUniqueOrThrow({ where: { id } })).toMatchObject({ syncStatus: "IDLE", syncError: null });
  });

  it("removes the tag when a customer leaves, and every tag when the segment is deleted", async () => {
    const id = await seedSegment("TAG");
    await job(id);
    await db().order.updateMany({ where: { customerGid: customerGid(2) }, data: { financialStatus: "refunded" } });
    await recomputeCustomers(SHOP, [customerGid(2)]);
    expect(await job(id)).toBe("SYNCED_0_1");
    expect(api.calls.at(-1)).toMatchObject({ operationName: "CustomerTagsRemove", variables: { id: customerGid(2), tags: ["vip"] } });
    await deleteSegment(SHOP, id);
    await handleSegmentsMaterializeSegment({ shop: SHOP, segmentId: id.toString() }, { attemptsMade: 0 });
    expect(await job(id)).toBe("SYNCED_0_1");
    expect(await db().segmentSyncState.count()).toBe(0);
  });

  it("writes the app-owned metafield with every synced segment of the customer", async () => {
    const id = await seedSegment("METAFIELD", "Big spenders");
    expect(await job(id)).toBe("SYNCED_2_0");
    expect(api.problems).toEqual([]);
    expect(api.calls[0]).toMatchObject({
      operationName: "MetafieldsSet",
      variables: { metafields: [{ ownerId: customerGid(2), namespace: "$app:journey", key: "segments", type: "list.single_line_text_field", value: '["Big spenders"]' }] },
    });
    await deleteSegment(SHOP, id);
    await handleSegmentsMaterializeSegment({ shop: SHOP, segmentId: id.toString() }, { attemptsMade: 0 });
    await job(id);
    expect(api.calls.filter((c) => c.operationName === "MetafieldsDelete")).toHaveLength(2);
  });

  it("waits out a THROTTLED answer and retries", async () => {
    const id = await seedSegment("TAG");
    let throttled = 1;
    api.on("CustomerTagsAdd", () => (throttled-- > 0 ? { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] } : ok("tagsAdd")()));
    const waits: number[] = [];
    const result = await syncSegment(SHOP, id, { sleep: async (ms) => void waits.push(ms) });
    expect(result).toMatchObject({ status: "DONE", added: 2 });
    expect(waits).toEqual([1000]);
    expect(await db().segmentSyncState.count()).toBe(2);
  });

  it("remembers a customer Shopify refuses and does not retry it every run", async () => {
    const id = await seedSegment("TAG");
    api.on("CustomerTagsAdd", (v) =>
      v.id === customerGid(3) ? { tagsAdd: { node: null, userErrors: [{ field: ["id"], message: "Customer does not exist" }] } } : ok("tagsAdd")(),
    );
    expect(await job(id)).toBe("SYNCED_1_0");
    expect(await db().segmentSyncState.findFirstOrThrow({ where: { customerGid: customerGid(3) } })).toMatchObject({ mode: "FAILED", value: "id: Customer does not exist" });
    const calls = api.calls.length;
    await job(id);
    expect(api.calls.length).toBe(calls);
  });

  it("stops for good when the shop has no session (uninstalled)", async () => {
    const id = await seedSegment("TAG");
    await sessionStorage.deleteSessions((await sessionStorage.findSessionsByShop(SHOP)).map((s) => s.id));
    await expect(job(id)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await db().segment.findUniqueOrThrow({ where: { id } })).toMatchObject({ syncStatus: "FAILED" });
  });
});
