/**
 * The web pixel's own code (extensions/web-pixel/src/pixel.ts) with a stand-in analytics bus and
 * send function: what leaves the browser, and when.
 */
import { describe, expect, it } from "vitest";
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
});
