/**
 * POST /pixel/events: batches from the web pixel (extensions/web-pixel). The pixel posts
 * text/plain JSON from Shopify's sandbox (a CORS "simple request": no preflight), so the answer
 * carries Access-Control-Allow-Origin: *. The batch authenticates itself with the shop's pixel
 * key; there are no cookies or credentials to protect. 64 KB at most.
 *
 * The key is public (it is in every storefront page's pixel settings), so a verified batch only
 * proves it names an installed shop: anyone can send one. Budgets: the client's (see
 * consumePixelBudget), then the shop's.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import type { RequestContext } from "~/shopify.server";
import { refreshPixelKey, storePixelBatch, verifyPixelBatch } from "~/domains/pixel/pixel.server";
import { consumePixelBudget } from "~/domains/storefront/rate-limit.server";
import { BodyTooLargeError, readTextCapped } from "~/lib/body.server";

const MAX_BYTES = 65_536;
const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type" };

function reply(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...CORS, ...headers } });
}

export const loader = () => reply(405, { error: "method_not_allowed" }, { Allow: "POST, OPTIONS" });

export const action = async ({ request, context }: ActionFunctionArgs) => {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
  if (request.method !== "POST") return reply(405, { error: "method_not_allowed" }, { Allow: "POST, OPTIONS" });
  let body: unknown;
  try {
    body = JSON.parse(await readTextCapped(request, MAX_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return reply(413, { error: "body_too_large" });
    return reply(400, { error: "invalid_json" });
  }
  const verified = await verifyPixelBatch(body);
  if (!verified.ok) return reply(verified.status, { error: verified.error });
  // Counted once the batch names an installed shop (junk spends no budget). That stops no one from
  // spending this shop's budget, the key being public: the per-client budget under it does.
  const budget = await consumePixelBudget(verified.batch.shop, request, (context as RequestContext | undefined)?.remoteAddress);
  if (!budget.ok) return reply(429, { error: "rate_limited", scope: budget.scope }, { "Retry-After": String(budget.retryAfterSeconds) });
  if (verified.staleKey) await refreshPixelKey(verified.batch.shop);
  return reply(200, await storePixelBatch(verified.batch));
};
