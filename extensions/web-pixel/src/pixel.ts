/**
 * Journey's web pixel: the storefront events behind the awareness and consideration stages and
 * cart-based abandonment. Batches events (10 at most per request, or every 2 s) and posts them as
 * text/plain JSON, a CORS simple request with no preflight, with `keepalive` so a request the page
 * leaves behind still arrives (Shopify's advice for the strict sandbox, where the deprecated
 * browser.sendBeacon was the alternative).
 *
 * A batch still waiting for its timer dies with the page, and the sandbox (a web worker) sees no
 * pagehide or visibilitychange. So what usually comes right before a navigation sends at once: the
 * events that lead to the cart or through checkout (SEND_AT_ONCE), and a click or a form submit
 * (Shopify's `clicked` and `form_submitted` DOM events), which flush what is queued without
 * being stored themselves. Views within a page stay batched.
 *
 * Kept free of module state so tests can run it with a stand-in `analytics` and `fetch`.
 */
import type { ExtensionApi } from "@shopify/web-pixels-extension";

/** Checkout steps as submitted (Checkout Extensibility checkouts): how far an abandoned checkout got. */
const CHECKOUT_STEP_EVENTS = ["checkout_contact_info_submitted", "checkout_address_info_submitted", "checkout_shipping_info_submitted", "payment_info_submitted"] as const;

export const PIXEL_EVENTS = ["page_viewed", "product_viewed", "product_added_to_cart", "checkout_started", ...CHECKOUT_STEP_EVENTS, "checkout_completed"] as const;

type OutEvent = {
  id: string;
  name: (typeof PIXEL_EVENTS)[number];
  timestamp: string;
  clientId: string;
  customerId: string | null;
  checkoutToken: string | null;
  cartToken: string | null;
  productId: string | null;
  url: string | null;
};

type AnyEvent = {
  id: string;
  name: string;
  timestamp: string;
  clientId: string;
  context?: { document?: { location?: { origin?: string; pathname?: string } } };
  data?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

/** Usually followed by a navigation (to /cart, into or through checkout, the thank-you page). */
const SEND_AT_ONCE: ReadonlySet<string> = new Set(["product_added_to_cart", "checkout_started", ...CHECKOUT_STEP_EVENTS, "checkout_completed"]);

const MAX_BATCH = 10;
const FLUSH_MS = 2000;

export function startPixel(api: Pick<ExtensionApi, "analytics" | "init" | "settings">, send: (url: string, body: string) => Promise<unknown> = defaultSend) {
  const { shop, key, endpoint } = api.settings as { shop?: string; key?: string; endpoint?: string };
  if (!shop || !key || !endpoint) return;
  const queue: OutEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    while (queue.length) {
      const events = queue.splice(0, MAX_BATCH);
      send(endpoint, JSON.stringify({ shop, key, events })).catch(() => undefined);
    }
  };

  const customerId = () => (api.init.data.customer?.id as string | undefined) ?? null;
  const cartToken = () => (api.init.data.cart?.id as string | undefined) ?? null;

  const push = (event: AnyEvent, extra: Partial<OutEvent>) => {
    queue.push({
      id: event.id,
      name: event.name as OutEvent["name"],
      timestamp: event.timestamp,
      clientId: event.clientId,
      customerId: customerId(),
      checkoutToken: null,
      cartToken: cartToken(),
      productId: null,
      url: pageUrl(event),
      ...extra,
    });
    if (queue.length >= MAX_BATCH || SEND_AT_ONCE.has(event.name)) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };

  const subscribe = (name: string, handler: (e: AnyEvent) => void) => api.analytics.subscribe(name, handler as never);
  subscribe("page_viewed", (e) => push(e, {}));
  subscribe("product_viewed", (e) => push(e, { productId: e.data?.productVariant?.product?.id ?? null }));
  subscribe("product_added_to_cart", (e) => push(e, { productId: e.data?.cartLine?.merchandise?.product?.id ?? null }));
  subscribe("checkout_started", (e) => push(e, { checkoutToken: e.data?.checkout?.token ?? null }));
  for (const step of CHECKOUT_STEP_EVENTS) subscribe(step, (e) => push(e, { checkoutToken: e.data?.checkout?.token ?? null }));
  subscribe("checkout_completed", (e) =>
    push(e, { checkoutToken: e.data?.checkout?.token ?? null, customerId: e.data?.checkout?.order?.customer?.id ?? customerId() }),
  );
  // A link or button click, a form submit: the page may be about to go, so send what waits.
  subscribe("clicked", flush);
  subscribe("form_submitted", flush);
  return { flush };
}

/**
 * The page as origin + path: a query string can carry an email, a token or a 2,000-character click
 * id, none of which should leave the browser (the app would drop it anyway).
 */
function pageUrl(event: AnyEvent): string | null {
  const location = event.context?.document?.location;
  return location?.origin && location.pathname ? location.origin + location.pathname : null;
}

function defaultSend(url: string, body: string) {
  return fetch(url, { method: "POST", body, keepalive: true, headers: { "Content-Type": "text/plain" } });
}
