/**
 * The web pixel's batch format (extensions/web-pixel sends it) and its mapping to PixelEvent rows.
 * Pure: the schema is the trust boundary, ids become GIDs. A batch whose envelope (shop, key, 1 to
 * 50 events) is off-shape is refused with 422; inside a good envelope an off-shape event is dropped
 * and counted, and the others are stored: one odd event (a field too long, a name we do not
 * take) must not lose the nine beside it, which the pixel cannot resend any better.
 */
import { z } from "zod";
import { PIXEL_STEP_EVENTS } from "~/domains/abandonment/abandonment";
import { gidTail, toGid } from "~/lib/gid";

export const PIXEL_EVENT_NAMES = ["page_viewed", "product_viewed", "product_added_to_cart", ...(Object.keys(PIXEL_STEP_EVENTS) as (keyof typeof PIXEL_STEP_EVENTS)[]), "checkout_completed"] as const;

const id = z.string().trim().min(1).max(255);
const optionalId = id.nullish();

export const PixelEventSchema = z.object({
  /** Shopify's event id: unique per event, the idempotency key with the shop. */
  id,
  name: z.enum(PIXEL_EVENT_NAMES),
  timestamp: z.iso.datetime({ offset: true }),
  clientId: id,
  customerId: optionalId,
  checkoutToken: optionalId,
  cartToken: optionalId,
  productId: optionalId,
  /**
   * Any length: only origin + path are kept, cut to 1,024 characters (pathOnly). The pixel sends
   * no query string, but an older one sent the whole href, and a 2,100-character gclid then
   * refused the batch. The body cap (64 KB) bounds it.
   */
  url: z.string().nullish(),
});

export type PixelEvent = z.infer<typeof PixelEventSchema>;

export const PixelBatchSchema = z
  .object({
    shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/),
    key: z.string().min(16).max(128),
    events: z.array(z.unknown()).min(1).max(50),
  })
  .transform((batch, ctx) => {
    const events = batch.events.flatMap((raw) => {
      const event = PixelEventSchema.safeParse(raw);
      return event.success ? [event.data] : [];
    });
    if (events.length === 0) {
      ctx.addIssue({ code: "custom", message: "no valid event in the batch", path: ["events"] });
      return z.NEVER;
    }
    return { shop: batch.shop, key: batch.key, events, dropped: batch.events.length - events.length };
  });

export type PixelBatch = z.infer<typeof PixelBatchSchema>;

/** A pixel sends ids either numeric or as GIDs; we store GIDs (cart ids lose their ?key= secret). */
function gid(type: "Customer" | "Product", value: string | null | undefined): string | null {
  if (!value) return null;
  const tail = gidTail(value);
  return /^\d{1,20}$/.test(tail) ? toGid(type, tail) : null;
}

/** Only the path of a URL: query strings can hold emails, tokens and discount codes. */
function pathOnly(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`.slice(0, 1024);
  } catch {
    return null;
  }
}

/**
 * The rows to store. `occurredAt` is the browser's clock, never later than the intake's: a forged
 * or skewed future time would otherwise hold a customer "considering" (recent cart activity) for
 * as long as it likes.
 */
export function toPixelRows(shop: string, batch: PixelBatch, receivedAt = new Date()) {
  return batch.events.map((e) => ({
    shop,
    eventId: e.id,
    name: e.name,
    clientId: e.clientId,
    customerGid: gid("Customer", e.customerId),
    checkoutToken: e.checkoutToken ?? null,
    cartToken: e.cartToken ? (gidTail(e.cartToken).split("?")[0] ?? null) : null,
    productGid: gid("Product", e.productId),
    url: pathOnly(e.url),
    occurredAt: new Date(Math.min(new Date(e.timestamp).getTime(), receivedAt.getTime())),
  }));
}
