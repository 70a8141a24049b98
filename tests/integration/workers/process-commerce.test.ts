import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { handleWebhooksProcessEvent } from "~/webhooks/process.server";
import { recomputeShop } from "~/domains/segments/recompute.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { fixture, fixtureText, productionFixture } from "#test/fixtures";
import { checkoutPayload, customerPayload, nextId, orderPayload, refundPayload } from "#test/payloads";
import { deliverAndProcess, snapshotShop } from "#test/process";
import { resetQueues } from "#test/queues";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

const order = (gid: string) => db().order.findUniqueOrThrow({ where: { shop_orderGid: { shop: TEST_SHOP, orderGid: gid } }, include: { lineItems: true } });

describe("webhooks.process-event: orders", () => {
  it("normalizes Shopify's orders/create sample with exact ids, shop money in minor units and line items", async () => {
    const { outcome } = await deliverAndProcess("orders/create", fixtureText("orders/create"));
    expect(outcome).toBe("APPLIED");
    const o = await order("gid://shopify/Order/820982911946154508");
    expect(o).toMatchObject({
      name: "#9999",
      customerGid: "gid://shopify/Customer/115310627314723954",
      currency: "USD",
      subtotalMinor: 40495n,
      totalMinor: 40495n,
      discountsMinor: 2000n,
      // 10.00 shipping before discounts, 0.00 paid on its shipping line.
      shippingMinor: 0n,
      financialStatus: "voided",
      test: true,
      tags: ["tag1", "tag2"],
    });
    expect(o.cancelledAt?.toISOString()).toBe("2022-01-01T00:00:00.000Z");
    expect(o.lineItems.map((li) => li.lineItemGid).sort()).toContain("gid://shopify/LineItem/487817672276298554");
    expect(o.lineItems.find((li) => li.lineItemGid.endsWith("487817672276298554"))).toMatchObject({ priceMinor: 8999n, quantity: 1 });
    const customer = await db().customer.findUniqueOrThrow({ where: { shop_customerGid: { shop: TEST_SHOP, customerGid: "gid://shopify/Customer/115310627314723954" } } });
    expect(customer).toMatchObject({ email: "john@example.com", firstName: "John" });
  });

  it("runs twice with the same result: a second job for the event is ALREADY_DONE", async () => {
    const { eventId } = await deliverAndProcess("orders/paid", orderPayload({ id: "5001" }));
    const before = await snapshotShop(TEST_SHOP);
    expect(await handleWebhooksProcessEvent({ eventId })).toBe("ALREADY_DONE");
    expect(await snapshotShop(TEST_SHOP)).toEqual(before);
  });

  it("applies the same order twice under two webhook ids without duplicating rows", async () => {
    const body = orderPayload({ id: "5002" });
    await deliverAndProcess("orders/create", body);
    const once = await snapshotShop(TEST_SHOP);
    await deliverAndProcess("orders/updated", body);
    expect(await snapshotShop(TEST_SHOP)).toEqual(once);
    expect(await db().orderLineItem.count()).toBe(5);
  });

  it("drops a stale update that arrives after a newer one (updated_at wins)", async () => {
    await deliverAndProcess("orders/updated", orderPayload({ id: "5003", financialStatus: "refunded", updatedAt: "2026-10-02T10:00:00Z" }));
    const { outcome } = await deliverAndProcess("orders/paid", orderPayload({ id: "5003", financialStatus: "paid", updatedAt: "2026-10-01T10:00:00Z" }));
    expect(outcome).toBe("STALE");
    expect((await order("gid://shopify/Order/5003")).financialStatus).toBe("refunded");
    const stale = await db().webhookEvent.findFirstOrThrow({ where: { topic: "orders/paid" } });
    expect(stale).toMatchObject({ status: "SKIPPED", outcome: "STALE" });
  });

  it("ends in the same state whatever order orders/paid and orders/create arrive in", async () => {
    const created = orderPayload({ id: "5004", financialStatus: "pending", updatedAt: "2026-10-01T10:00:00Z" });
    const paid = { ...created, financial_status: "paid", updated_at: "2026-10-01T10:05:00Z" };
    await deliverAndProcess("orders/create", created);
    await deliverAndProcess("orders/paid", paid);
    const inOrder = await snapshotShop(TEST_SHOP);
    await resetDatabase();
    await deliverAndProcess("orders/paid", paid);
    await deliverAndProcess("orders/create", created);
    expect(await snapshotShop(TEST_SHOP)).toEqual(inOrder);
  });

  it("records cancellation and fulfilment", async () => {
    await deliverAndProcess("orders/cancelled", orderPayload({ id: "5005", cancelledAt: "2026-10-03T10:00:00Z", financialStatus: "voided", updatedAt: "2026-10-03T10:00:00Z" }));
    expect(await order("gid://shopify/Order/5005")).toMatchObject({ cancelReason: "customer", financialStatus: "voided" });
    await deliverAndProcess("orders/fulfilled", orderPayload({ id: "5006", fulfillmentStatus: "fulfilled", updatedAt: "2026-10-04T10:00:00Z" }));
    const fulfilled = await order("gid://shopify/Order/5006");
    expect(fulfilled.fulfillmentStatus).toBe("fulfilled");
    expect(fulfilled.fulfilledAt?.toISOString()).toBe("2026-10-04T10:00:00.000Z");
  });

  it("keeps a guest order without a customer", async () => {
    await deliverAndProcess("orders/create", orderPayload({ id: "5007", customerId: null, email: "guest@example.com" }));
    expect(await order("gid://shopify/Order/5007")).toMatchObject({ customerGid: null, email: "guest@example.com" });
    expect(await db().customer.count()).toBe(0);
  });

  it("stores amounts in shop money when the buyer paid in another currency", async () => {
    const body = orderPayload({ id: "5008", subtotal: "100.00" });
    body.presentment_currency = "EUR";
    body.subtotal_price_set = { shop_money: { amount: "100.00", currency_code: "USD" }, presentment_money: { amount: "92.00", currency_code: "EUR" } };
    await deliverAndProcess("orders/create", body);
    expect(await order("gid://shopify/Order/5008")).toMatchObject({ currency: "USD", presentmentCurrency: "EUR", subtotalMinor: 10000n });
  });

  it("keeps tax out of net spend where the shop's prices include it (taxes_included)", async () => {
    // Prices entered with VAT: the 120.00 subtotal holds 20.00 of the line items' tax (Shopify
    // documents subtotal_price as including tax then); 5.00 of shipping tax is in total_tax only.
    const taxLine = (amount: string) => ({ channel_liable: false, price: amount, price_set: { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } }, rate: 0.2, title: "VAT" });
    const body = orderPayload({ id: "5010", customerId: "5010", subtotal: "120.00", financialStatus: "partially_refunded" });
    body.taxes_included = true;
    body.total_tax_set = { shop_money: { amount: "25.00", currency_code: "USD" }, presentment_money: { amount: "25.00", currency_code: "USD" } };
    body.line_items[0].tax_lines = [taxLine("12.00"), taxLine("3.00")];
    body.line_items[1].tax_lines = [taxLine("5.00")];
    await deliverAndProcess("orders/paid", body);
    expect(await order("gid://shopify/Order/5010")).toMatchObject({ taxesIncluded: true, subtotalMinor: 12000n, lineItemsTaxMinor: 2000n, taxMinor: 2500n });
    // A refund of 60.00 of line items, 10.00 of it tax.
    const refund = refundPayload("5010", "60.00");
    refund.refund_line_items[0].total_tax_set = { shop_money: { amount: "10.00", currency_code: "USD" }, presentment_money: { amount: "10.00", currency_code: "USD" } };
    await deliverAndProcess("refunds/create", refund);
    expect(await db().refund.findFirstOrThrow({ where: { orderGid: "gid://shopify/Order/5010" } })).toMatchObject({ subtotalMinor: 6000n, taxMinor: 1000n });
    // Net spend: 120.00 - 20.00 tax - (60.00 - 10.00 tax) = 50.00 (60.00 before: the tax counted as spend).
    await recomputeShop(TEST_SHOP);
    expect(await db().customerProfile.findUniqueOrThrow({ where: { shop_customerGid: { shop: TEST_SHOP, customerGid: "gid://shopify/Customer/5010" } } })).toMatchObject({ amountSpentMinor: 5000n, averageOrderMinor: 5000n });
  });

  it("tolerates the full key set of a production orders payload", async () => {
    const { outcome } = await deliverAndProcess("orders/updated", { ...productionFixture<Record<string, unknown>>("orders"), currency: "USD" });
    // Anonymized values ("example string" amounts and dates) are unusable: rejected with the field
    // named, never a crash that Shopify-style retries would repeat.
    expect(outcome).toMatch(/^[\w.]+: /);
    expect(await db().webhookEvent.findFirstOrThrow()).toMatchObject({ status: "REJECTED" });
  });
});

describe("webhooks.process-event: refunds", () => {
  it("stores Shopify's refunds/create sample, keyed by its exact GID, before its order exists", async () => {
    expect((await deliverAndProcess("refunds/create", fixtureText("refunds/create"))).outcome).toBe("APPLIED");
    const refund = await db().refund.findUniqueOrThrow({ where: { shop_refundGid: { shop: TEST_SHOP, refundGid: "gid://shopify/Refund/890088186047892319" } } });
    // Sample: five refunded lines worth 414.95 before tax; two successful refund transactions, 75 + 10.
    expect(refund).toMatchObject({ subtotalMinor: 41495n, taxMinor: 0n, totalMinor: 8500n, currency: "USD" });
    // The sample's order_id is a bare number (rounded by the scraper); the key follows the payload.
    expect(refund.orderGid).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
  });

  it("converges refunds from refunds/create and from the order's refunds array on one row", async () => {
    const refund = refundPayload("5101", "30.00", { id: "9101" });
    await deliverAndProcess("refunds/create", refund);
    await deliverAndProcess("orders/updated", orderPayload({ id: "5101", financialStatus: "partially_refunded", refunds: [refund] }));
    expect(await db().refund.count()).toBe(1);
    expect(await db().refund.findFirstOrThrow()).toMatchObject({ orderGid: "gid://shopify/Order/5101", subtotalMinor: 3000n, totalMinor: 3000n });
  });
});

describe("webhooks.process-event: checkouts", () => {
  it("normalizes Shopify's checkout sample: token, cart token, contact info, line items, value", async () => {
    expect((await deliverAndProcess("checkouts/create", fixtureText("checkouts/create"))).outcome).toBe("APPLIED");
    const c = await db().checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: "123123123" } }, include: { lineItems: true } });
    expect(c).toMatchObject({
      cartToken: "eeafa272cebfd4b22385bc4b645e762c",
      checkoutId: "981820079255243537",
      email: "example@email.com",
      hasContact: true,
      totalMinor: 42188n,
      subtotalMinor: 39800n,
      sourceName: "web",
      customerGid: "gid://shopify/Customer/603851970716743426",
    });
    expect(c.lineItems).toHaveLength(2);
    expect(c.lineItems[0]).toMatchObject({ productGid: "gid://shopify/Product/632910392", priceMinor: 19900n });
  });

  it("records a guest checkout without contact information", async () => {
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "t-nocontact", email: null, customerId: null }));
    expect(await db().checkout.findFirstOrThrow({ where: { token: "t-nocontact" } })).toMatchObject({ hasContact: false, email: null, customerGid: null });
  });

  it("records the furthest checkout step the payloads show, and never lowers it", async () => {
    const step = async () => (await db().checkout.findFirstOrThrow({ where: { token: "t-steps" } })).stepReached;
    // Shopify's sample: an email and a shipping address, no shipping method or gateway yet.
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "t-steps", updatedAt: "2026-10-01T10:00:00Z" }));
    expect(await step()).toBe(2);
    const shippingLine = fixture<{ shipping_lines: unknown[] }>("orders/create").shipping_lines[0];
    await deliverAndProcess("checkouts/update", checkoutPayload({ token: "t-steps", updatedAt: "2026-10-01T10:05:00Z", shippingLines: [shippingLine] }));
    expect(await step()).toBe(3);
    // The buyer went back and cleared the address: still got as far as the shipping method.
    await deliverAndProcess("checkouts/update", checkoutPayload({ token: "t-steps", updatedAt: "2026-10-01T10:06:00Z", shippingAddress: null }));
    expect(await step()).toBe(3);
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "t-contact", shippingAddress: null }));
    expect((await db().checkout.findFirstOrThrow({ where: { token: "t-contact" } })).stepReached).toBe(1);
    // Delivered out of order: the later payload (address cleared) first, then the earlier one with a
    // shipping method. The earlier one is stale, yet its step was reached.
    await deliverAndProcess("checkouts/update", checkoutPayload({ token: "t-reordered", updatedAt: "2026-10-01T10:06:00Z", shippingAddress: null }));
    const earlier = await deliverAndProcess("checkouts/update", checkoutPayload({ token: "t-reordered", updatedAt: "2026-10-01T10:05:00Z", shippingLines: [shippingLine] }));
    expect(earlier.outcome).toBe("STALE");
    expect(await db().checkout.findFirstOrThrow({ where: { token: "t-reordered" } })).toMatchObject({ stepReached: 3, sourceUpdatedAt: new Date("2026-10-01T10:06:00Z") });
  });

  it("drops a stale checkouts/update and keeps the newer one", async () => {
    await deliverAndProcess("checkouts/update", checkoutPayload({ token: "t-stale", total: "50.00", updatedAt: "2026-10-01T12:00:00Z" }));
    const { outcome } = await deliverAndProcess("checkouts/update", checkoutPayload({ token: "t-stale", total: "40.00", updatedAt: "2026-10-01T11:00:00Z" }));
    expect(outcome).toBe("STALE");
    expect((await db().checkout.findFirstOrThrow({ where: { token: "t-stale" } })).totalMinor).toBe(5000n);
  });

  it("links a completed order to its checkout, whichever arrives first", async () => {
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "t-first" }));
    await deliverAndProcess("orders/create", orderPayload({ id: "5201", checkoutToken: "t-first", processedAt: "2026-10-01T10:30:00Z" }));
    expect(await db().checkout.findFirstOrThrow({ where: { token: "t-first" } })).toMatchObject({ orderGid: "gid://shopify/Order/5201" });

    await deliverAndProcess("orders/create", orderPayload({ id: "5202", checkoutToken: "t-late", processedAt: "2026-10-01T10:30:00Z" }));
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "t-late" }));
    const late = await db().checkout.findFirstOrThrow({ where: { token: "t-late" } });
    expect(late.orderGid).toBe("gid://shopify/Order/5202");
    expect(late.completedAt?.toISOString()).toBe("2026-10-01T10:30:00.000Z");
  });

  it("marks a deleted checkout through its numeric id (checkouts/delete carries no token)", async () => {
    await deliverAndProcess("checkouts/create", fixtureText("checkouts/create"));
    expect((await deliverAndProcess("checkouts/delete", fixtureText("checkouts/delete"))).outcome).toBe("DELETED");
    expect((await db().checkout.findFirstOrThrow({ where: { token: "123123123" } })).deletedAt).toBeInstanceOf(Date);
    expect((await deliverAndProcess("checkouts/delete", fixtureText("checkouts/delete"))).outcome).toBe("DELETED");
  });
});

describe("webhooks.process-event: customers", () => {
  it("normalizes Shopify's customers/create sample with its exact GID", async () => {
    expect((await deliverAndProcess("customers/create", fixtureText("customers/create"))).outcome).toBe("APPLIED");
    expect(await db().customer.findFirstOrThrow()).toMatchObject({
      customerGid: "gid://shopify/Customer/706405506930370084",
      email: "bob@biller.com",
      firstName: "Bob",
      lastName: "Biller",
    });
  });

  it("lets customers/update win over the copy embedded in an order, and drops stale updates", async () => {
    const id = nextId();
    await deliverAndProcess("customers/update", customerPayload({ id, firstName: "Robert", updatedAt: "2026-10-02T00:00:00Z" }));
    await deliverAndProcess("orders/create", orderPayload({ customerId: id }));
    expect((await db().customer.findFirstOrThrow()).firstName).toBe("Robert");
    const { outcome } = await deliverAndProcess("customers/update", customerPayload({ id, firstName: "Bobby", updatedAt: "2026-10-01T00:00:00Z" }));
    expect(outcome).toBe("STALE");
    expect((await db().customer.findFirstOrThrow()).firstName).toBe("Robert");
  });

  it("clears a deleted customer's personal fields but keeps their orders", async () => {
    await deliverAndProcess("orders/create", orderPayload({ id: "5301", customerId: "706405506930370084" }));
    expect((await deliverAndProcess("customers/delete", fixtureText("customers/delete"))).outcome).toBe("DELETED");
    const c = await db().customer.findFirstOrThrow();
    expect(c).toMatchObject({ email: null, firstName: null, lastName: null, phone: null });
    expect(c.deletedAt).toBeInstanceOf(Date);
    expect(await db().order.count()).toBe(1);
    // A customers/create or update still in flight (retried, reordered) does not bring them back.
    for (const topic of ["customers/create", "customers/update"] as const) {
      const late = customerPayload({ id: "706405506930370084", firstName: "Late", updatedAt: "2030-01-01T00:00:00Z" });
      expect((await deliverAndProcess(topic, late)).outcome).toBe("STALE");
    }
    expect(await db().customer.findFirstOrThrow()).toMatchObject({ email: null, firstName: null, phone: null });
  });
});
