import { describe, expect, it } from "vitest";
import { toOrderRows } from "~/domains/orders/order-mapping";
import { OrderPayloadSchema } from "~/webhooks/payloads";
import { fixture } from "#test/fixtures";

describe("toOrderRows", () => {
  it("takes the shipping the buyer paid, after shipping discounts, from Shopify's sample order", () => {
    const sample = OrderPayloadSchema.parse(fixture("orders/paid"));
    // The sample lists 10.00 shipping in total_shipping_price_set, discounted to 0.00 on its line.
    expect(sample.total_shipping_price_set?.shop_money?.amount).toBe("10.00");
    const { order } = toOrderRows(sample, null, new Date());
    expect(order).toMatchObject({ subtotalMinor: 40495n, shippingMinor: 0n });
  });

  it("adds up the lines' discounted prices, and falls back to the total for a body without shipping_lines", () => {
    const sample = fixture<Record<string, unknown>>("orders/paid");
    const line = (sample.shipping_lines as Record<string, unknown>[])[0]!;
    const paid = (amount: string) => ({ ...line, discounted_price: amount, discounted_price_set: { shop_money: { amount, currency_code: "USD" } } });
    const two = OrderPayloadSchema.parse({ ...sample, shipping_lines: [paid("4.00"), paid("2.50")] });
    expect(toOrderRows(two, null, new Date()).order.shippingMinor).toBe(650n);
    const none = OrderPayloadSchema.parse({ ...sample, shipping_lines: [] });
    expect(toOrderRows(none, null, new Date()).order.shippingMinor).toBe(0n);
    const { shipping_lines: _dropped, ...bare } = sample;
    expect(toOrderRows(OrderPayloadSchema.parse(bare), null, new Date()).order.shippingMinor).toBe(1000n);
  });
});
