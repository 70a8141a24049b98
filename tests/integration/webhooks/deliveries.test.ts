/**
 * The "Data & deliveries" read side: each stored delivery with its outcome and the customer it
 * concerned, named while the shop still holds that customer.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeQueues } from "~/queues/queues.server";
import { recomputeShop } from "~/domains/segments/recompute.server";
import { countDeliveriesByStatus, listDeliveries } from "~/webhooks/deliveries.server";
import { isDeliveryOutcome } from "~/webhooks/statuses";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { customerPayload, orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { resetQueues } from "#test/queues";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

const CUSTOMER = "191167"; // the customer of Shopify's compliance samples
const GID = `gid://shopify/Customer/${CUSTOMER}`;

describe("listDeliveries", () => {
  it("names the customer each delivery concerned, until that customer is erased", async () => {
    await deliverAndProcess("customers/create", customerPayload({ id: CUSTOMER, email: "john@example.com" }));
    await deliverAndProcess("orders/create", orderPayload({ id: "299938", customerId: CUSTOMER, email: "john@example.com" }));
    await deliverAndProcess("orders/create", orderPayload({ id: "299939", customerId: null })); // a guest order: no customer
    await recomputeShop(TEST_SHOP); // the profiles the worker's follow-up jobs write (their journey pages)

    const { deliveries } = await listDeliveries(TEST_SHOP);
    expect(deliveries.map((d) => [d.topic, d.outcome, d.customer])).toEqual([
      ["orders/create", "APPLIED", null],
      ["orders/create", "APPLIED", { gid: GID, label: "Bob Biller" }],
      ["customers/create", "APPLIED", { gid: GID, label: "Bob Biller" }],
    ]);
    expect(deliveries.every((d) => isDeliveryOutcome(d.outcome!))).toBe(true);
    // From the customer's journey: only the deliveries about them, and their counts.
    const theirs = await listDeliveries(TEST_SHOP, { customerGid: GID });
    expect(theirs.deliveries.map((d) => d.topic)).toEqual(["orders/create", "customers/create"]);
    expect(await countDeliveriesByStatus(TEST_SHOP, { customerGid: GID })).toMatchObject({ PROCESSED: 2, SKIPPED: 0 });
    expect(await countDeliveriesByStatus(TEST_SHOP)).toMatchObject({ PROCESSED: 3 });

    await deliverAndProcess("customers/redact", fixtureText("customers/redact").replaceAll("{shop}.myshopify.com", TEST_SHOP));
    const after = await listDeliveries(TEST_SHOP);
    expect(after.deliveries.map((d) => [d.topic, d.outcome, d.customer])).toEqual([
      ["customers/redact", "REDACTED", null],
      ["orders/create", "APPLIED", null],
      ["orders/create", "APPLIED", null],
      ["customers/create", "APPLIED", null],
    ]);
  });
});
