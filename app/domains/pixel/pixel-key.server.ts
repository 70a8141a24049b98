/**
 * The web pixel's shop key. A pixel runs in Shopify's sandbox on the storefront and can hold no
 * secret, so its events are authenticated the way a webhook's shop is: the app gives each shop's
 * pixel (through webPixelCreate settings) a key derived from the app secret and the shop, and the
 * endpoint recomputes it. A key proves which shop's pixel sent the batch; it cannot be forged for
 * another shop without the app secret.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";

export function pixelKeyFor(shop: string): string {
  return createHmac("sha256", env().SHOPIFY_API_SECRET).update(`web-pixel:${shop}`).digest("base64url");
}

export function verifyPixelKey(shop: string, key: string): boolean {
  const expected = Buffer.from(pixelKeyFor(shop));
  const given = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Where the pixel posts its batches. */
export function pixelEndpoint(): string {
  return new URL("/pixel/events", env().SHOPIFY_APP_URL).toString();
}
