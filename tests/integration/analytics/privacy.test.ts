/**
 * Privacy reaches the analytics tables: a data request exports the customer's profile, stage and
 * segment histories and checkout outcomes; a redaction erases them (segment sizes follow) and
 * anonymizes the outcomes, leaving other customers untouched.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { getDataExport } from "~/domains/shops/privacy.server";
import { recomputeShop } from "~/domains/segments/recompute.server";
import { sweepShop } from "~/domains/abandonment/abandonment.server";
import { createSegment } from "~/domains/segments/segments.server";
import { materializeSegment } from "~/domains/segments/recompute.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { deliverAndProcess } from "#test/process";
import { resetQueues } from "#test/queues";
import { customerGid, makeCheckout, makeCustomer, makeOrder, makeShop } from "#test/analytics";

const SHOP = TEST_SHOP;
const CUSTOMER = "191167"; // the customer of Shopify's compliance samples
const EMAIL = "john@example.com";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

async function seed() {
  await makeShop(SHOP);
  await makeCustomer(SHOP, { id: CUSTOMER, email: EMAIL });
  await makeCustomer(SHOP, { id: 2, email: "other@example.com" });
  for (const id of [CUSTOMER, 2]) await makeOrder(SHOP, { customer: id, email: id === 2 ? "other@example.com" : EMAIL, processedAt: new Date(Date.now() - 86_400_000).toISOString() });
  await makeCheckout(SHOP, { token: "john-abandoned", customer: CUSTOMER, email: EMAIL, createdAt: new Date(Date.now() - 5 * 3_600_000).toISOString() });
  await makeCheckout(SHOP, { token: "guest-abandoned", email: EMAIL, createdAt: new Date(Date.now() - 4 * 3_600_000).toISOString() });
  const segment = await createSegment(SHOP, { name: "Buyers", rule: { fact: "ordersCount", op: "gte", value: 1 } });
  if (!segment.ok) throw new Error("segment");
  await sweepShop(SHOP);
  await recomputeShop(SHOP);
  await materializeSegment(SHOP, segment.segment.id);
  return segment.segment.id;
}

const compliance = (topic: string) => fixtureText(topic).replaceAll("{shop}.myshopify.com", SHOP);

describe("privacy of analytics data", () => {
  it("exports the customer's analytics rows", async () => {
    await seed();
    expect((await deliverAndProcess("customers/data_request", compliance("customers/data_request"))).outcome).toBe("EXPORTED");
    const request = await db().complianceRequest.findFirstOrThrow({ where: { topic: "customers/data_request" } });
    const data = (await getDataExport(SHOP, request.id)) as Record<string, { [k: string]: unknown }[]>;
    expect(data.analyticsProfile!.map((p) => p.customerGid)).toEqual([customerGid(CUSTOMER)]);
    expect(data.journeyTransitions).toHaveLength(1);
    expect(data.segmentMemberships).toHaveLength(1);
    expect(data.segmentHistory).toHaveLength(1);
    expect(data.checkoutOutcomes!.map((o) => o.token).sort()).toEqual(["guest-abandoned", "john-abandoned"]);
    expect(JSON.stringify(data)).not.toContain("other@example.com");
  });

  it("erases them on customers/redact, keeping segment sizes right and others untouched", async () => {
    const segmentId = await seed();
    expect((await db().segment.findUniqueOrThrow({ where: { id: segmentId } })).memberCount).toBe(2);
    expect((await deliverAndProcess("customers/redact", compliance("customers/redact"))).outcome).toBe("REDACTED");
    const gid = customerGid(CUSTOMER);
    expect(await db().customerProfile.count({ where: { customerGid: gid } })).toBe(0);
    expect(await db().journeyTransition.count({ where: { customerGid: gid } })).toBe(0);
    expect(await db().segmentMember.count({ where: { customerGid: gid } })).toBe(0);
    expect(await db().segmentMemberEvent.count({ where: { customerGid: gid } })).toBe(0);
    expect(await db().checkoutOutcome.count({ where: { OR: [{ customerGid: gid }, { buyerKey: EMAIL }] } })).toBe(0);
    expect(await db().checkoutOutcome.count()).toBe(2); // still counted, anonymously
    expect((await db().segment.findUniqueOrThrow({ where: { id: segmentId } })).memberCount).toBe(1);
    expect(await db().customerProfile.count({ where: { customerGid: customerGid(2) } })).toBe(1);
    // A recompute afterwards does not bring anything back.
    await sweepShop(SHOP);
    await recomputeShop(SHOP);
    expect(await db().customerProfile.count({ where: { customerGid: gid } })).toBe(0);
    expect(await db().checkoutOutcome.count({ where: { buyerKey: EMAIL } })).toBe(0);
  });
});
