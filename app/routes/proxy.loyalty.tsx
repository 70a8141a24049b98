/**
 * GET /apps/journey/loyalty (app proxy): the signed-in customer's balance, pending points, tier,
 * history and redemption options; for a guest, the program teaser (how to earn) only.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLoyaltySummary, getLoyaltyTeaser } from "~/domains/loyalty/loyalty.server";
import { authenticateProxy, json } from "~/domains/storefront/proxy.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const ctx = await authenticateProxy(request);
  if (!ctx.customerGid) return json({ loggedIn: false, ...(await getLoyaltyTeaser(ctx.shop)) });
  return json({ loggedIn: true, ...(await getLoyaltySummary(ctx.shop, ctx.customerGid)) });
};
