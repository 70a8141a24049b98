/**
 * GET /apps/journey/reviews/prompt (app proxy): review-prompt eligibility of the signed-in
 * customer: products from their review requests (sent N days after fulfilment) not reviewed yet.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getReviewPrompt } from "~/domains/reviews/reviews.server";
import { authenticateProxy, json } from "~/domains/storefront/proxy.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const ctx = await authenticateProxy(request);
  if (!ctx.customerGid) return json({ loggedIn: false, eligible: false, products: [] });
  return json({ loggedIn: true, ...(await getReviewPrompt(ctx.shop, ctx.customerGid)) });
};
