/**
 * App proxy requests the way Shopify forwards them: the storefront path under /proxy with Shopify's
 * parameters and signature (scripts/lib/app-proxy.ts), or a forged, tampered or unsigned variant.
 */
import { PROXY_PATH_PREFIX, signProxyParams as sign } from "../../scripts/lib/app-proxy";
import { TEST_API_SECRET, TEST_SHOP } from "./constants";

export type ProxyRequestOptions = {
  shop?: string;
  /** Numeric customer id Shopify says is logged in; omitted = a guest (Shopify sends it blank). */
  customerId?: string | null;
  method?: string;
  body?: unknown;
  query?: Record<string, string>;
  /** Seconds since the epoch (default: now). */
  timestamp?: number;
  secret?: string;
  /** Replace the computed signature (forged), or null to send none. */
  signature?: string | null;
  /** Change a parameter after signing (tampering). */
  tamper?: Record<string, string>;
  origin?: string;
};

export function signProxyParams(params: URLSearchParams, secret = TEST_API_SECRET): string {
  return sign(params, secret);
}

export function proxyRequest(path: string, opts: ProxyRequestOptions = {}): Request {
  const url = new URL(`${opts.origin ?? "https://my-test-app.myshopify.io"}/proxy${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  url.searchParams.set("shop", opts.shop ?? TEST_SHOP);
  url.searchParams.set("logged_in_customer_id", opts.customerId ?? "");
  url.searchParams.set("path_prefix", PROXY_PATH_PREFIX);
  url.searchParams.set("timestamp", String(opts.timestamp ?? Math.trunc(Date.now() / 1000)));
  const signature = opts.signature === undefined ? signProxyParams(url.searchParams, opts.secret) : opts.signature;
  if (signature !== null) url.searchParams.set("signature", signature);
  for (const [k, v] of Object.entries(opts.tamper ?? {})) url.searchParams.set(k, v);
  const method = opts.method ?? (opts.body === undefined ? "GET" : "POST");
  return new Request(url, {
    method,
    headers: opts.body === undefined ? {} : { "Content-Type": "application/json" },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
}

/** Runs a route module's loader (GET) or action (anything else) and returns its Response. */
export async function callRoute(
  route: { loader?: (args: never) => unknown; action?: (args: never) => unknown },
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  const fn = (request.method === "GET" ? route.loader : route.action) as ((args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>) | undefined;
  if (!fn) throw new Error(`route has no ${request.method === "GET" ? "loader" : "action"}`);
  try {
    return (await fn({ request, params, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
