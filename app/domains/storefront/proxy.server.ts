/**
 * The common front of every app proxy route (app/routes/proxy.*.tsx):
 * 1. authenticate.public.appProxy verifies the `signature` parameter (HMAC over the sorted query,
 *    timestamp within 90 s). A forged, missing or expired signature answers 401 (the library
 *    throws a 400; Shopify's security checks expect 401 for an unauthenticated request).
 * 2. The shop comes from the verified signature only, never from an unsigned parameter; no
 *    offline session means the app is not installed there: 404.
 * 3. The customer is `logged_in_customer_id`, which Shopify signs with the rest (given twice: 401);
 *    a request that names another customer is refused with 403.
 * 4. The shop's and the customer's rate budgets (429 with Retry-After).
 * Responses are JSON with `Cache-Control: private, no-store` when they hold a customer's data.
 */
import { consumeProxyBudget } from "~/domains/storefront/rate-limit.server";
import { BodyTooLargeError, readTextCapped } from "~/lib/body.server";
import { toGid } from "~/lib/gid";
import { authenticate } from "~/shopify.server";
import type { AdminGraphql } from "~/shopify/admin.server";

export type ProxyContext = { shop: string; customerGid: string | null; admin: AdminGraphql | null; url: URL };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff", ...headers },
  });
}

function problem(status: number, error: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ error, ...extra }, status, headers);
}

const NUMERIC_ID = /^\d{1,20}$/;
const IDENTITY_PARAMS = ["logged_in_customer_id", "customer_id"];

/**
 * Authenticates a proxy request or throws the Response to send. `write` selects the tighter
 * write budget (redeem, submit).
 */
export async function authenticateProxy(request: Request, opts: { write?: boolean } = {}): Promise<ProxyContext> {
  let context;
  try {
    context = await authenticate.public.appProxy(request);
  } catch (error) {
    if (error instanceof Response && error.status === 400) throw problem(401, "invalid_signature");
    throw error;
  }
  if (!context.session) throw problem(404, "app_not_installed");
  const url = new URL(request.url);
  // Shopify forwards the shopper's own query ahead of its parameters and signs a repeated key as
  // its values joined with commas, so a typed `logged_in_customer_id=<someone>` would pass the
  // signature and be the value read first. The identity parameters must appear once.
  if (IDENTITY_PARAMS.some((key) => url.searchParams.getAll(key).length > 1)) throw problem(401, "invalid_signature");
  const loggedIn = url.searchParams.get("logged_in_customer_id") ?? "";
  if (loggedIn && !NUMERIC_ID.test(loggedIn)) throw problem(401, "invalid_signature");
  const customerGid = loggedIn ? toGid("Customer", loggedIn) : null;

  // A request about a specific customer must be about the one Shopify says is logged in.
  const named = url.searchParams.get("customer_id");
  if (named !== null && named !== loggedIn) throw problem(403, "forbidden_customer");

  const decision = await consumeProxyBudget(context.session.shop, customerGid, opts.write ?? false);
  if (!decision.ok) throw problem(429, "rate_limited", { scope: decision.scope }, { "Retry-After": String(decision.retryAfterSeconds) });
  return { shop: context.session.shop, customerGid, admin: (context.admin as AdminGraphql | undefined) ?? null, url };
}

/** A customer-only endpoint: 401 for a shopper who is not signed in. */
export function requireCustomer(ctx: ProxyContext): string {
  if (!ctx.customerGid) throw problem(401, "login_required");
  return ctx.customerGid;
}

/** The product in the path: a numeric id or a Product GID, else 404. */
export function productGidParam(value: string | undefined): string {
  const id = value?.startsWith("gid://shopify/Product/") ? value.slice("gid://shopify/Product/".length) : value;
  if (!id || !NUMERIC_ID.test(id)) throw problem(404, "unknown_product");
  return toGid("Product", id);
}

/** Reads a JSON or form body (the widgets send JSON; a no-JS form posts urlencoded). Max 32 KB. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readTextCapped(request, 32_768);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw problem(413, "body_too_large");
    throw error;
  }
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(text || "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw problem(400, "invalid_json");
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export { problem };
