import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { getDataExport, listComplianceRequests } from "~/domains/shops/privacy.server";
import { getShopDataSummary } from "~/domains/shops/shops.server";
import { closeQueues } from "~/queues/queues.server";
import { countDeliveriesByStatus, listDeliveries } from "~/webhooks/deliveries.server";
import { OTHER_SHOP, TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { checkoutPayload, orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { resetQueues } from "#test/queues";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

describe("tenant isolation", () => {
  it("never shows one shop's data to another", async () => {
    await deliverAndProcess("orders/create", orderPayload({ id: "1", email: "a@example.com" }), { shop: TEST_SHOP });
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "ta" }), { shop: TEST_SHOP });
    await deliverAndProcess("customers/data_request", fixtureText("customers/data_request"), { shop: TEST_SHOP });
    await deliverAndProcess("orders/create", orderPayload({ id: "2", email: "b@example.com" }), { shop: OTHER_SHOP });

    expect(await getShopDataSummary(OTHER_SHOP)).toEqual({ customers: 1, orders: 1, checkouts: 0, refunds: 0 });
    expect((await listDeliveries(OTHER_SHOP)).deliveries.map((d) => d.topic)).toEqual(["orders/create"]);
    expect((await countDeliveriesByStatus(OTHER_SHOP)).PROCESSED).toBe(1);
    expect(await listComplianceRequests(OTHER_SHOP)).toEqual([]);

    const [request] = await listComplianceRequests(TEST_SHOP);
    expect(await getDataExport(TEST_SHOP, request!.id)).not.toBeNull();
    // Another shop asking for the same export id gets nothing.
    expect(await getDataExport(OTHER_SHOP, request!.id)).toBeNull();
  });

  it("keeps the same Shopify ids of two shops apart", async () => {
    await deliverAndProcess("orders/create", orderPayload({ id: "42", subtotal: "10.00" }), { shop: TEST_SHOP });
    await deliverAndProcess("orders/create", orderPayload({ id: "42", subtotal: "20.00" }), { shop: OTHER_SHOP });
    const orders = await db().order.findMany({ where: { orderGid: "gid://shopify/Order/42" }, orderBy: { shop: "asc" } });
    expect(orders.map((o) => [o.shop, o.subtotalMinor])).toEqual([
      [OTHER_SHOP, 2000n],
      [TEST_SHOP, 1000n],
    ]);
  });
});
