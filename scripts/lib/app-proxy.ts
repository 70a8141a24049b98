/**
 * App proxy signing the way Shopify forwards a storefront request: Shopify's parameters (shop,
 * logged_in_customer_id, path_prefix, timestamp) and `signature`, the hex HMAC-SHA256 of the sorted
 * `key=value` pairs (repeated keys joined with commas) with the app secret, as shopify-api checks it.
 * For the demo seeder, the tests and the proxy benchmark.
 */
import { createHmac } from "node:crypto";

export const PROXY_PATH_PREFIX = "/apps/journey";

export function signProxyParams(params: URLSearchParams, secret: string): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) if (key !== "signature") grouped.set(key, [...(grouped.get(key) ?? []), value]);
  const message = [...grouped.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** Shopify's parameters for `shop` and a signed-in customer (null: a guest), signed. */
export function signedProxyParams(shop: string, customerId: string | null, secret: string, timestamp = Math.trunc(Date.now() / 1000)): URLSearchParams {
  const params = new URLSearchParams({ shop, logged_in_customer_id: customerId ?? "", path_prefix: PROXY_PATH_PREFIX, timestamp: String(timestamp) });
  params.set("signature", signProxyParams(params, secret));
  return params;
}
