import { describe, expect, it } from "vitest";
import { PixelBatchSchema, toPixelRows } from "~/domains/pixel/pixel-events";

const event = { id: "e1", name: "product_viewed", timestamp: "2026-11-20T10:00:00.000Z", clientId: "c1" };

describe("pixel batch", () => {
  it("maps ids to GIDs, strips query strings and cart keys", () => {
    const batch = PixelBatchSchema.parse({
      shop: "s.myshopify.com",
      key: "k".repeat(43),
      events: [{ ...event, customerId: "42", productId: "gid://shopify/Product/7", cartToken: "gid://shopify/Cart/abc?key=secret", url: "https://s.com/p?email=a@b.c" }],
    });
    expect(toPixelRows("s.myshopify.com", batch)[0]).toMatchObject({
      customerGid: "gid://shopify/Customer/42",
      productGid: "gid://shopify/Product/7",
      cartToken: "abc",
      url: "https://s.com/p",
      occurredAt: new Date("2026-11-20T10:00:00.000Z"),
    });
  });
  it("never dates an event after its arrival (a skewed or forged future clock)", () => {
    const batch = PixelBatchSchema.parse({ shop: "s.myshopify.com", key: "k".repeat(43), events: [{ ...event, timestamp: "2027-01-01T00:00:00.000Z" }, event] });
    const receivedAt = new Date("2026-11-21T00:00:00.000Z");
    expect(toPixelRows("s.myshopify.com", batch, receivedAt).map((r) => r.occurredAt)).toEqual([receivedAt, new Date("2026-11-20T10:00:00.000Z")]);
  });
  it("keeps an event with a 2,100-character click id in its URL: the query goes, the event stays", () => {
    const events = Array.from({ length: 10 }, (_, i) => ({ ...event, id: `e${i}`, url: `https://s.com/p${i}?gclid=${"x".repeat(2100)}` }));
    const batch = PixelBatchSchema.parse({ shop: "s.myshopify.com", key: "k".repeat(43), events });
    expect(batch.dropped).toBe(0);
    expect(toPixelRows("s.myshopify.com", batch).map((r) => r.url)).toEqual(events.map((_, i) => `https://s.com/p${i}`));
    const long = PixelBatchSchema.parse({ shop: "s.myshopify.com", key: "k".repeat(43), events: [{ ...event, url: `https://s.com/${"p".repeat(3000)}` }] });
    expect(toPixelRows("s.myshopify.com", long)[0]!.url).toHaveLength(1024);
  });
  it("drops an off-shape event and keeps the rest of its batch", () => {
    const good = Array.from({ length: 8 }, (_, i) => ({ ...event, id: `e${i}` }));
    const batch = PixelBatchSchema.parse({ shop: "s.myshopify.com", key: "k".repeat(43), events: [...good, { ...event, id: "bad1", name: "search_submitted" }, { ...event, id: "x".repeat(300) }] });
    expect(batch.events.map((e) => e.id)).toEqual(good.map((e) => e.id));
    expect(batch.dropped).toBe(2);
  });
  it("refuses unknown events, foreign shops, empty and oversized batches", () => {
    const ok = { shop: "s.myshopify.com", key: "k".repeat(43), events: [event] };
    expect(PixelBatchSchema.safeParse(ok).success).toBe(true);
    expect(PixelBatchSchema.safeParse({ ...ok, shop: "evil.com" }).success).toBe(false);
    // A batch with nothing to store is refused as a whole.
    expect(PixelBatchSchema.safeParse({ ...ok, events: [{ ...event, name: "search_submitted" }] }).success).toBe(false);
    expect(PixelBatchSchema.safeParse({ ...ok, events: [] }).success).toBe(false);
    expect(PixelBatchSchema.safeParse({ ...ok, events: Array(51).fill(event) }).success).toBe(false);
  });
});
