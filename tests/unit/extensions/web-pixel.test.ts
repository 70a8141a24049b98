/**
 * The web pixel's own code (extensions/web-pixel/src/pixel.ts) with a stand-in analytics bus and
 * send function: what leaves the browser, and when.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startPixel } from "../../../extensions/web-pixel/src/pixel";

const settings = { shop: "s.myshopify.com", key: "k".repeat(43), endpoint: "https://app.example/pixel/events" };

function runPixel() {
  const handlers = new Map<string, (e: unknown) => void>();
  const sent: { events: { name: string; url: string | null }[] }[] = [];
  const pixel = startPixel(
    {
      settings,
      init: { data: { customer: null, cart: null } } as never,
      analytics: { subscribe: (name: string, cb: (e: unknown) => void) => (handlers.set(name, cb), () => true) } as never,
    },
    async (_url, body) => void sent.push(JSON.parse(body)),
  );
  let n = 0;
  const location = { href: "https://shop.example/products/mug?email=ann%40example.com&gclid=" + "x".repeat(2100), origin: "https://shop.example", pathname: "/products/mug", search: "?email=ann%40example.com" };
  const emit = (name: string, data: unknown = {}) =>
    handlers.get(name)!({ id: `evt-${++n}`, name, timestamp: "2026-11-20T10:00:00.000Z", clientId: "client-1", context: { document: { location } }, data });
  return { handlers, sent, emit, pixel: pixel! };
}

describe("web pixel", () => {
  it("sends the page as origin + path: no query string (emails, click ids) leaves the browser", () => {
    const { sent, emit, pixel } = runPixel();
    emit("page_viewed");
    pixel.flush();
    expect(sent[0]!.events[0]!.url).toBe("https://shop.example/products/mug");
    expect(JSON.stringify(sent)).not.toMatch(/email|gclid|\?/);
  });

  describe("when the page is about to go", () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    });
    const names = (batch: { events: { name: string }[] }) => batch.events.map((e) => e.name);

    it("sends add-to-cart at once, with the views queued before it (a redirect to /cart follows)", () => {
      const { sent, emit } = runPixel();
      emit("page_viewed");
      emit("product_viewed", { productVariant: { product: { id: "7" } } });
      expect(sent).toEqual([]);
      emit("product_added_to_cart", { cartLine: { merchandise: { product: { id: "7" } } } });
      expect(sent.map(names)).toEqual([["page_viewed", "product_viewed", "product_added_to_cart"]]);
      vi.advanceTimersByTime(5000);
      expect(sent).toHaveLength(1);
    });

    it("sends checkout_started and every checkout step at once", () => {
      const { sent, emit } = runPixel();
      for (const name of ["checkout_started", "checkout_contact_info_submitted", "checkout_address_info_submitted", "checkout_shipping_info_submitted", "payment_info_submitted", "checkout_completed"])
        emit(name, { checkout: { token: "t" } });
      expect(sent.map(names)).toEqual([["checkout_started"], ["checkout_contact_info_submitted"], ["checkout_address_info_submitted"], ["checkout_shipping_info_submitted"], ["payment_info_submitted"], ["checkout_completed"]]);
    });

    it("flushes what is queued on a click or a form submit, which are not stored themselves", () => {
      const { sent, emit } = runPixel();
      emit("page_viewed");
      emit("clicked", { element: { href: "/collections/all" } });
      expect(sent.map(names)).toEqual([["page_viewed"]]);
      emit("product_viewed");
      emit("form_submitted", { element: { action: "/search" } });
      expect(sent.map(names)).toEqual([["page_viewed"], ["product_viewed"]]);
      emit("clicked");
      expect(sent).toHaveLength(2); // nothing queued, nothing sent
    });

    it("keeps batching views: one request after 2 s, or at 10 events", () => {
      const { sent, emit } = runPixel();
      emit("page_viewed");
      emit("product_viewed");
      vi.advanceTimersByTime(1999);
      expect(sent).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(sent.map(names)).toEqual([["page_viewed", "product_viewed"]]);
      for (let i = 0; i < 10; i++) emit("product_viewed");
      expect(sent.map((b) => b.events.length)).toEqual([2, 10]);
    });

    it("posts with fetch keepalive, so a request the page leaves behind still arrives", () => {
      const fetch = vi.fn(async () => new Response(null));
      vi.stubGlobal("fetch", fetch);
      const handlers = new Map<string, (e: unknown) => void>();
      startPixel({ settings, init: { data: {} } as never, analytics: { subscribe: (name: string, cb: (e: unknown) => void) => (handlers.set(name, cb), () => true) } as never });
      handlers.get("product_added_to_cart")!({ id: "e1", name: "product_added_to_cart", timestamp: "2026-11-20T10:00:00.000Z", clientId: "c", data: {} });
      expect(fetch).toHaveBeenCalledWith(settings.endpoint, expect.objectContaining({ method: "POST", keepalive: true, headers: { "Content-Type": "text/plain" } }));
    });
  });
});
