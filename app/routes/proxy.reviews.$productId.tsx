/**
 * /apps/journey/reviews/<productId> (app proxy)
 * GET: the published aggregate, a page of reviews (?before=<id>), and for a signed-in customer
 *      whether they may review and as a verified buyer.
 * POST {rating, title, body, authorName, requestKey[, email for guests]}: submit a review. 201
 *      with its moderation status; 422 with field errors; 401 when the shop requires an account;
 *      409 when the customer reviewed the product already.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getProductReviews, submitReview } from "~/domains/reviews/reviews.server";
import { authenticateProxy, json, productGidParam, readBody } from "~/domains/storefront/proxy.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const ctx = await authenticateProxy(request);
  const productGid = productGidParam(params.productId);
  const before = ctx.url.searchParams.get("before");
  const data = await getProductReviews({ shop: ctx.shop, productGid, customerGid: ctx.customerGid, before: before && /^\d{1,19}$/.test(before) ? BigInt(before) : undefined });
  return json(data);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405);
  const ctx = await authenticateProxy(request, { write: true });
  const productGid = productGidParam(params.productId);
  const result = await submitReview({ shop: ctx.shop, productGid, customerGid: ctx.customerGid, raw: await readBody(request) });
  if (result.ok) return json(result, 201);
  if (result.reason === "INVALID") return json({ error: "invalid", fieldErrors: result.fieldErrors }, 422);
  if (result.reason === "LOGIN_REQUIRED") return json({ error: "login_required" }, 401);
  return json({ error: "already_reviewed" }, 409);
};
