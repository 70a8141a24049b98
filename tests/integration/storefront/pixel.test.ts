import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { reloadEnv } from "~/env.server";
import { pixelKeyFor } from "~/domains/pixel/pixel-key.server";
import { PROXY_LIMITS } from "~/domains/storefront/rate-limit.server";
import { recordInstall } from "~/domains/shops/shops.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import * as route from "~/routes/pixel.events";
import { startPixel } from "../../../extensions/web-pixel/src/pixel";
import { OTHER_SHOP, TEST_API_SECRET, TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { endRotation, rotateSecret } from "#test/secret-rotation";
import { queuedJobs, resetQueues } from "#test/queues";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  await recordInstall({ shop: TEST_SHOP, scopes: null });
});
afterAll(closeQueues);

const post = (body: string, headers: Record<string, string> = { "Content-Type": "text/plain" }) =>
  route.action({ request: new Request("https://my-test-app.myshopify.io/pixel/events", { method: "POST", body, headers }), params: {}, context: {} } as never) as Promise<Response>;

/** Runs the real pixel code with a stand-in analytics bus; returns what it would POST. */
function runPixel(settings: Record<string, string>) {
  const handlers = new Map<string, (e: unknown) => void>();
  const sent: { url: string; body: string }[] = [];
  const pixel = startPixel(
    {
      settings,
      init: { data: { customer: { id: "gid://shopify/Customer/4242" }, cart: { id: "gid://shopify/Cart/c1-abc?key=secret" } } } as never,
      analytics: { subscribe: (name: string, cb: (e: unknown) => void) => (handlers.set(name, cb), () => true) } as never,
    },
    async (url, body) => void sent.push({ url, body }),
  );
  const emit = (name: string, data: unknown, n: number) =>
    handlers.get(name)!({ id: `evt-${name}-${n}`, name, timestamp: "2026-11-20T10:00:00.000Z", clientId: "client-1", context: { document: { location: { href: "https://shop.example/products/x?email=a@b.c", origin: "https://shop.example", pathname: "/products/x" } } }, data });
  return { handlers, sent, emit, flush: () => pixel!.flush() };
}

describe("web pixel → POST /pixel/events", () => {
  it("subscribes to the journey and checkout step events and stores each batch once, like a webhook", async () => {
    const settings = { shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), endpoint: "https://my-test-app.myshopify.io/pixel/events" };
    const pixel = runPixel(settings);
    expect([...pixel.handlers.keys()].sort()).toEqual([
      "checkout_address_info_submitted",
      "checkout_completed",
      "checkout_contact_info_submitted",
      "checkout_shipping_info_submitted",
      "checkout_started",
      "clicked",
      "form_submitted",
      "page_viewed",
      "payment_info_submitted",
      "product_added_to_cart",
      "product_viewed",
    ]);
    pixel.emit("page_viewed", {}, 1);
    pixel.emit("product_viewed", { productVariant: { product: { id: "632910392" } } }, 1);
    expect(pixel.sent).toHaveLength(0); // batched
    // Add to cart and each checkout step usually precede a navigation: each sends at once.
    pixel.emit("product_added_to_cart", { cartLine: { merchandise: { product: { id: "632910392" } } } }, 1);
    expect(pixel.sent).toHaveLength(1);
    pixel.emit("checkout_started", { checkout: { token: "tok-1" } }, 1);
    pixel.emit("checkout_contact_info_submitted", { checkout: { token: "tok-1" } }, 1);
    pixel.emit("checkout_address_info_submitted", { checkout: { token: "tok-1" } }, 1);
    pixel.emit("checkout_completed", { checkout: { token: "tok-1", order: { customer: { id: "4242" } } } }, 1);
    expect(pixel.sent.map((b) => (JSON.parse(b.body) as { events: unknown[] }).events.length)).toEqual([3, 1, 1, 1, 1]);

    const postAll = async () => {
      const answers = [];
      for (const { body } of pixel.sent) {
        const res = await post(body);
        expect(res.status).toBe(200);
        expect(res.headers.get("access-control-allow-origin")).toBe("*");
        answers.push((await res.json()) as { stored: number; duplicates: number; dropped: number });
      }
      return answers.reduce((a, b) => ({ stored: a.stored + b.stored, duplicates: a.duplicates + b.duplicates, dropped: a.dropped + b.dropped }));
    };
    expect(await postAll()).toEqual({ stored: 7, duplicates: 0, dropped: 0 });
    const recomputes = async () => (await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.SegmentsRecomputeCustomer);
    expect((await recomputes()).map((j) => j.data)).toEqual([{ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/4242" }]);
    await resetQueues();
    expect(await postAll()).toEqual({ stored: 0, duplicates: 7, dropped: 0 });
    // A resent batch (a retry, or a replay: the key is public) asks no recompute.
    expect(await recomputes()).toEqual([]);

    const rows = await db().pixelEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.name)).toEqual([
      "page_viewed",
      "product_viewed",
      "product_added_to_cart",
      "checkout_started",
      "checkout_contact_info_submitted",
      "checkout_address_info_submitted",
      "checkout_completed",
    ]);
    expect(rows[1]).toMatchObject({ shop: TEST_SHOP, productGid: "gid://shopify/Product/632910392", customerGid: "gid://shopify/Customer/4242", clientId: "client-1", cartToken: "c1-abc" });
    expect(rows.slice(3).map((r) => r.checkoutToken)).toEqual(["tok-1", "tok-1", "tok-1", "tok-1"]);
    // Query strings (emails, tokens) never leave the browser, nor reach the table.
    expect(pixel.sent[0]!.body).not.toContain("email");
    expect(rows[0]!.url).toBe("https://shop.example/products/x");
  });

  it("answers 401 to a batch signed with another shop's key, 404 for a shop that is not installed, 422 to junk", async () => {
    const event = { id: "e1", name: "page_viewed", timestamp: "2026-11-20T10:00:00Z", clientId: "c" };
    expect((await post(JSON.stringify({ shop: TEST_SHOP, key: pixelKeyFor(OTHER_SHOP), events: [event] }))).status).toBe(401);
    expect((await post(JSON.stringify({ shop: OTHER_SHOP, key: pixelKeyFor(OTHER_SHOP), events: [event] }))).status).toBe(404);
    expect((await post(JSON.stringify({ shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), events: [{ ...event, name: "add_payment_info" }] }))).status).toBe(422);
    expect((await post("not json")).status).toBe(400);
    expect((await post(JSON.stringify({ shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), events: Array(51).fill(event) }))).status).toBe(422);
    expect(await db().pixelEvent.count()).toBe(0);
  });

  it("stores a batch whose one event has a 2,100-character URL, and the nine good events beside an off-shape one", async () => {
    const event = (n: number) => ({ id: `ev-${n}`, name: "page_viewed", timestamp: "2026-11-20T10:00:00Z", clientId: "c" });
    const withGclid = [...Array.from({ length: 9 }, (_, n) => event(n)), { ...event(9), url: `https://shop.example/?gclid=${"x".repeat(2100)}` }];
    const first = await post(JSON.stringify({ shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), events: withGclid }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ stored: 10, duplicates: 0, dropped: 0 });
    expect((await db().pixelEvent.findFirstOrThrow({ where: { eventId: "ev-9" } })).url).toBe("https://shop.example/");
    const mixed = [...Array.from({ length: 9 }, (_, n) => event(10 + n)), { ...event(19), timestamp: "yesterday" }];
    const second = await post(JSON.stringify({ shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), events: mixed }));
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ stored: 9, duplicates: 0, dropped: 1 });
    expect(await db().pixelEvent.count()).toBe(19);
  });

  it("refuses oversized bodies (413) and other methods (405)", async () => {
    expect((await post("x".repeat(70_000))).status).toBe(413);
    // A chunked body with no Content-Length that never ends: refused once past the cap, not buffered
    // (request.text() would wait for the end and hold all of it).
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16_384).fill(120));
      },
    });
    const request = new Request("https://my-test-app.myshopify.io/pixel/events", { method: "POST", body: endless, duplex: "half" } as RequestInit);
    expect(((await route.action({ request, params: {}, context: {} } as never)) as Response).status).toBe(413);
    expect(pulled).toBeLessThan(10);
    const res = (await route.loader()) as Response;
    expect(res.status).toBe(405);
  });

  describe("during a client-secret rotation", () => {
    const rotate = rotateSecret;
    afterEach(endRotation);
    const batch = (key: string, n: number) =>
      JSON.stringify({ shop: TEST_SHOP, key, events: [{ id: `rot-${n}`, name: "page_viewed", timestamp: "2026-11-20T10:00:00Z", clientId: "c" }] });
    const syncs = async () => (await queuedJobs(QueueName.ShopifySync)).filter((j) => j.name === JobName.StorefrontSyncShopConfig);

    it("stores batches a pixel still keys with the previous secret, and queues one config sync of that shop for all of them", async () => {
      const oldKey = pixelKeyFor(TEST_SHOP); // what the shop's pixel settings hold
      rotate(TEST_API_SECRET);
      expect(pixelKeyFor(TEST_SHOP)).not.toBe(oldKey);
      for (let n = 0; n < 3; n++) expect((await post(batch(oldKey, n))).status).toBe(200);
      expect(await db().pixelEvent.count()).toBe(3);
      expect((await syncs()).map((j) => j.data)).toEqual([{ shop: TEST_SHOP, reason: "pixel-key" }]);
      // A batch with the current key is a pixel already in step: no sync.
      await resetQueues();
      expect((await post(batch(pixelKeyFor(TEST_SHOP), 9))).status).toBe(200);
      expect(await syncs()).toEqual([]);
    });

    it("refuses the old key once the previous secret is removed, and a key made with neither secret", async () => {
      const oldKey = pixelKeyFor(TEST_SHOP);
      rotate(undefined);
      expect((await post(batch(oldKey, 1))).status).toBe(401);
      rotate("some-other-secret");
      expect((await post(batch(oldKey, 2))).status).toBe(401);
      expect(await db().pixelEvent.count()).toBe(0);
      expect(await syncs()).toEqual([]);
    });
  });

  describe("budgets: the key is public, so anyone can send a valid batch", () => {
    const from = (peer: string, n: number, headers: Record<string, string> = {}) =>
      route.action({
        request: new Request("https://my-test-app.myshopify.io/pixel/events", {
          method: "POST",
          headers: { "Content-Type": "text/plain", ...headers },
          body: JSON.stringify({ shop: TEST_SHOP, key: pixelKeyFor(TEST_SHOP), events: [{ id: `b-${peer}-${n}`, name: "page_viewed", timestamp: "2026-11-20T10:00:00Z", clientId: `c-${n}` }] }),
        }),
        params: {},
        context: { remoteAddress: peer },
      } as never) as Promise<Response>;
    afterEach(() => {
      delete process.env.TRUST_PROXY_HOPS;
      reloadEnv();
    });

    it("one client spends its own budget, not the shop's: other shoppers' batches still land", async () => {
      // Every request claims another X-Forwarded-For: with no proxy configured the header is ignored.
      for (let n = 0; n < PROXY_LIMITS.pixelClientPerMinute; n++) expect((await from("203.0.113.7", n, { "X-Forwarded-For": `198.51.100.${n % 250}` })).status).toBe(200);
      const refused = await from("203.0.113.7", -1);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ error: "rate_limited", scope: "client" });
      expect((await from("::ffff:203.0.113.8", 0)).status).toBe(200);
      expect(await db().pixelEvent.count()).toBe(PROXY_LIMITS.pixelClientPerMinute + 1);
    });

    it("behind a configured proxy, budgets the address the proxy saw", async () => {
      process.env.TRUST_PROXY_HOPS = "1";
      reloadEnv();
      const viaProxy = (client: string, n: number) => from("10.0.0.2", n, { "X-Forwarded-For": `6.6.6.6, ${client}` });
      for (let n = 0; n < PROXY_LIMITS.pixelClientPerMinute; n++) expect((await viaProxy("192.0.2.10", n)).status).toBe(200);
      expect((await viaProxy("192.0.2.10", -1)).status).toBe(429);
      expect((await viaProxy("192.0.2.11", 0)).status).toBe(200);
    });
  });
});
