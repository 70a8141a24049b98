/**
 * The web pixel's shop key. A pixel runs in Shopify's sandbox on the storefront and can hold no
 * secret, so its events are authenticated the way a webhook's shop is: the app gives each shop's
 * pixel (through webPixelCreate settings) a key derived from the app secret and the shop, and the
 * endpoint recomputes it. A key proves which shop's pixel sent the batch; it cannot be forged for
 * another shop without the app secret. It is not secret itself: every storefront page carries it.
 *
 * A client-secret rotation changes every key, but a shop's pixel keeps the key it was given until
 * storefront.sync-shop-config pushes the new one. While SHOPIFY_API_SECRET_PREVIOUS is set, a key
 * made with it is still accepted (as a webhook signed with it is), and the caller re-syncs that
 * shop's pixel; see refreshPixelKey in pixel.server.ts and storefront.resync-pixel-keys.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";

function keyWith(secret: string, shop: string): string {
  return createHmac("sha256", secret).update(`web-pixel:${shop}`).digest("base64url");
}

export function pixelKeyFor(shop: string): string {
  return keyWith(env().SHOPIFY_API_SECRET, shop);
}

function same(a: string, b: string): boolean {
  const given = Buffer.from(a);
  const expected = Buffer.from(b);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Which secret made the key: "current", "previous" (made before a rotation; the shop's pixel needs
 * the new one), or null when neither did.
 */
export function checkPixelKey(shop: string, key: string): "current" | "previous" | null {
  const { SHOPIFY_API_SECRET_PREVIOUS } = env();
  if (same(key, pixelKeyFor(shop))) return "current";
  if (SHOPIFY_API_SECRET_PREVIOUS && same(key, keyWith(SHOPIFY_API_SECRET_PREVIOUS, shop))) return "previous";
  return null;
}

/**
 * A short, one-way name for the current secret's generation of keys: the rotation sweep runs once
 * per generation (its dedup id), without the secret itself reaching the queue.
 */
export function pixelKeyGeneration(): string {
  return createHmac("sha256", env().SHOPIFY_API_SECRET).update("web-pixel-key-generation").digest("hex").slice(0, 16);
}

/** Where the pixel posts its batches. */
export function pixelEndpoint(): string {
  return new URL("/pixel/events", env().SHOPIFY_APP_URL).toString();
}
