import { describe, expect, it } from "vitest";
import { CheckoutPayloadSchema, CustomerPayloadSchema, OrderPayloadSchema } from "~/webhooks/payloads";
import {
  abandonedCheckoutPayload,
  customerPayload,
  groupRoots,
  isStalled,
  judgeBulkOperation,
  nextPhase,
  orderPayload,
  readsAllOrders,
  shouldWaitFor,
  stallDueAt,
  tokenFromRecoveryUrl,
} from "~/domains/backfill/backfill";
import { toOrderRows } from "~/domains/orders/order-mapping";

const money = (amount: string, currencyCode = "USD") => ({ shopMoney: { amount, currencyCode }, presentmentMoney: { amount, currencyCode } });

describe("backfill mapping (GraphQL bulk objects → webhook payload shapes)", () => {
  it("maps a customer, keeping Shopify's rfmGroup aside", () => {
    const { payload, rfmGroup } = customerPayload({
      id: "gid://shopify/Customer/12345678901234567",
      firstName: "Ava",
      lastName: null,
      state: "ENABLED",
      tags: ["vip", "b2b"],
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-02T00:00:00Z",
      defaultEmailAddress: { emailAddress: "ava@example.com", marketingState: "SUBSCRIBED" },
      statistics: { rfmGroup: "LOYAL" },
    });
    expect(rfmGroup).toBe("LOYAL");
    const parsed = CustomerPayloadSchema.parse(payload);
    expect(parsed).toMatchObject({ id: "12345678901234567", admin_graphql_api_id: "gid://shopify/Customer/12345678901234567", email: "ava@example.com", tags: "vip, b2b", state: "enabled", email_marketing_consent: { state: "subscribed" } });
  });

  it("maps an order with line items and puts the refunded subtotal on its latest refund", () => {
    const payload = orderPayload(
      {
        id: "gid://shopify/Order/1",
        displayFinancialStatus: "PARTIALLY_REFUNDED",
        displayFulfillmentStatus: "FULFILLED",
        currencyCode: "EUR",
        subtotalPriceSet: money("100.00", "EUR"),
        currentSubtotalPriceSet: money("70.00", "EUR"),
        totalDiscountsSet: money("5.00", "EUR"),
        totalPriceSet: money("110.00", "EUR"),
        processedAt: "2026-06-01T10:00:00Z",
        refunds: [
          { id: "gid://shopify/Refund/2", processedAt: "2026-06-03T10:00:00Z", totalRefundedSet: money("20.00", "EUR") },
          { id: "gid://shopify/Refund/1", processedAt: "2026-06-02T10:00:00Z", totalRefundedSet: money("12.00", "EUR") },
        ],
      },
      [{ id: "gid://shopify/LineItem/9", title: "Hat", quantity: 2, product: { id: "gid://shopify/Product/7" }, originalUnitPriceSet: money("50.00", "EUR"), __parentId: "gid://shopify/Order/1" }],
    );
    const parsed = OrderPayloadSchema.parse(payload);
    expect(parsed).toMatchObject({ financial_status: "partially_refunded", fulfillment_status: "fulfilled", currency: "EUR" });
    expect(parsed.line_items).toMatchObject([{ id: "9", product_id: "7", quantity: 2 }]);
    expect(parsed.refunds.map((r) => [r.id, r.refund_line_items[0]?.subtotal_set?.shop_money?.amount])).toEqual([
      ["1", "0.000000"],
      ["2", "30.000000"],
    ]);
  });

  it("maps the order's shipping after shipping discounts (its shipping line summary), none when nothing shipped", () => {
    const node = { id: "gid://shopify/Order/3", currencyCode: "USD", subtotalPriceSet: money("40.00"), totalShippingPriceSet: money("10.00") };
    const shipped = OrderPayloadSchema.parse(orderPayload({ ...node, shippingLine: { discountedPriceSet: money("0.00") } }, []));
    expect(shipped.shipping_lines).toEqual([{ discounted_price_set: { shop_money: { amount: "0.00", currency_code: "USD" } } }]);
    expect(OrderPayloadSchema.parse(orderPayload({ ...node, shippingLine: null }, [])).shipping_lines).toEqual([]);
  });

  it("maps taxesIncluded and the line items' tax, and puts the refunded lines' tax on the latest refund", () => {
    const tax = (amount: string) => ({ priceSet: money(amount, "EUR") });
    const payload = orderPayload(
      {
        id: "gid://shopify/Order/2",
        displayFinancialStatus: "PARTIALLY_REFUNDED",
        currencyCode: "EUR",
        taxesIncluded: true,
        subtotalPriceSet: money("120.00", "EUR"),
        currentSubtotalPriceSet: money("60.00", "EUR"),
        // Line items' tax before returns (two rates) and after.
        taxLines: [tax("15.00"), tax("5.00")],
        currentTaxLines: [tax("7.50"), tax("2.50")],
        processedAt: "2026-06-01T10:00:00Z",
        refunds: [{ id: "gid://shopify/Refund/3", processedAt: "2026-06-03T10:00:00Z", totalRefundedSet: money("60.00", "EUR") }],
      },
      [
        { id: "gid://shopify/LineItem/10", title: "Hat", quantity: 1, originalUnitPriceSet: money("90.00", "EUR"), taxLines: [tax("15.00")], __parentId: "gid://shopify/Order/2" },
        { id: "gid://shopify/LineItem/11", title: "Scarf", quantity: 1, originalUnitPriceSet: money("30.00", "EUR"), taxLines: [tax("5.00")], __parentId: "gid://shopify/Order/2" },
      ],
    );
    const parsed = OrderPayloadSchema.parse(payload);
    expect(parsed.taxes_included).toBe(true);
    expect(parsed.line_items.map((li) => li.tax_lines.map((t) => t.price_set?.shop_money?.amount))).toEqual([["15.00"], ["5.00"]]);
    const { order, refunds } = toOrderRows(parsed, null, new Date());
    expect(order).toMatchObject({ taxesIncluded: true, subtotalMinor: 12000n, lineItemsTaxMinor: 2000n });
    expect(refunds.map((r) => [r.subtotalMinor, r.taxMinor])).toEqual([[6000n, 1000n]]);
  });

  it("reads the checkout token from the recovery URL", () => {
    expect(tokenFromRecoveryUrl("https://shop.example/1234/checkouts/ac/Z2NwLXVz123/recover?key=abc")).toBe("Z2NwLXVz123");
    expect(tokenFromRecoveryUrl("https://shop.myshopify.com/5/checkouts/0123456789abcdef/recover")).toBe("0123456789abcdef");
    expect(tokenFromRecoveryUrl(null)).toBeNull();
    const parsed = CheckoutPayloadSchema.parse(abandonedCheckoutPayload({ id: "gid://shopify/AbandonedCheckout/77", abandonedCheckoutUrl: "https://x/checkouts/nope", totalPriceSet: money("5.00") }, []));
    expect(parsed.token).toBe("ac-77");
  });

  it("groups JSONL lines into roots with their children", async () => {
    async function* lines() {
      const objects = [{ id: "A" }, { id: "a1", __parentId: "A" }, { id: "a2", __parentId: "A" }, { id: "B" }, { id: "x", __parentId: "Z" }, { id: "C" }];
      for (const [index, object] of objects.entries()) yield { index, object };
    }
    const out = [];
    for await (const g of groupRoots(lines())) out.push([g.root.id, g.children.map((c) => c.id), g.firstIndex, g.lastIndex]);
    expect(out).toEqual([
      ["A", ["a1", "a2"], 0, 2],
      ["B", [], 3, 3],
      ["C", [], 5, 5],
    ]);
    expect(nextPhase("CUSTOMERS")).toBe("ORDERS");
    expect(nextPhase("DONE")).toBe("DONE");
  });
});

describe("judgeBulkOperation", () => {
  const op = (status: string, errorCode: string | null = null, url: string | null = null, objectCount = "10") => ({ status, errorCode, objectCount, url });
  it("waits while the operation runs and imports once it completed", () => {
    for (const status of ["CREATED", "RUNNING", "CANCELING"]) expect(judgeBulkOperation(op(status)).kind).toBe("WAIT");
    expect(judgeBulkOperation(op("COMPLETED", null, "https://storage/x.jsonl"))).toEqual({ kind: "COMPLETED" });
    expect(judgeBulkOperation(op("COMPLETED", null, null, "0"))).toEqual({ kind: "COMPLETED" });
  });
  it("runs the query again when the result is lost or the failure may be intermittent", () => {
    expect(judgeBulkOperation(op("FAILED", "INTERNAL_SERVER_ERROR"))).toEqual({ kind: "RETRY", reason: "INTERNAL_SERVER_ERROR" });
    expect(judgeBulkOperation(op("FAILED", "TIMEOUT"))).toEqual({ kind: "RETRY", reason: "TIMEOUT" });
    expect(judgeBulkOperation(op("EXPIRED"))).toEqual({ kind: "RETRY", reason: "EXPIRED" });
    expect(judgeBulkOperation(null).kind).toBe("RETRY");
    expect(judgeBulkOperation(op("COMPLETED", null, null, "10")).kind).toBe("RETRY");
  });
  it("fails on what no retry changes", () => {
    expect(judgeBulkOperation(op("FAILED", "ACCESS_DENIED"))).toEqual({ kind: "FAIL", reason: "ACCESS_DENIED" });
    expect(judgeBulkOperation(op("FAILED", null))).toEqual({ kind: "FAIL", reason: "FAILED" });
    expect(judgeBulkOperation(op("CANCELED"))).toEqual({ kind: "FAIL", reason: "CANCELED" });
  });
});

describe("shouldWaitFor (bulkOperationRunQuery userErrors)", () => {
  it("waits only when every error says later", () => {
    expect(shouldWaitFor([{ code: "OPERATION_IN_PROGRESS" }])).toBe(true);
    expect(shouldWaitFor([{ code: "LIMIT_REACHED" }])).toBe(true);
    expect(shouldWaitFor([{ code: "INVALID" }])).toBe(false);
    expect(shouldWaitFor([{ code: "OPERATION_IN_PROGRESS" }, { code: "INVALID" }])).toBe(false);
    expect(shouldWaitFor([{ code: null }])).toBe(false);
    expect(shouldWaitFor([])).toBe(false);
  });
});

describe("stalled runs", () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 12, minutes));
  it("are due for a re-queue 15 minutes after their last progress, twice as late after each", () => {
    expect([0, 1, 2, 3, 4].map((stalls) => (stallDueAt(at(0), stalls).getTime() - at(0).getTime()) / 60_000)).toEqual([15, 30, 60, 120, 240]);
  });
  it("are running runs idle for 15 minutes", () => {
    expect(isStalled({ status: "RUNNING", updatedAt: at(0) }, at(14))).toBe(false);
    expect(isStalled({ status: "RUNNING", updatedAt: at(0) }, at(15))).toBe(true);
    expect(isStalled({ status: "FAILED", updatedAt: at(0) }, at(60))).toBe(false);
  });
});


describe("readsAllOrders (Shopify shares 60 days of orders without read_all_orders)", () => {
  it("reads the granted scopes, and does not guess when they are unknown", () => {
    expect(readsAllOrders("read_orders,read_all_orders,read_customers")).toBe(true);
    expect(readsAllOrders("read_orders, read_customers")).toBe(false);
    expect(readsAllOrders(null)).toBeNull();
  });
});
