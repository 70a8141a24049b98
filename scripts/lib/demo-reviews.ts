/**
 * The demo shoppers' reviews (demo-data.ts buildDemoReviews), each through submitReview: the
 * domain entry the app proxy route calls once Shopify's signature is verified, so validation, the
 * verified-buyer check, moderation, the rating and the loyalty bonus all run as for a shopper.
 * Not through the proxy itself: the demo shop has no Shopify session, and its proxy answers 404
 * app_not_installed as for a shop that uninstalled. Idempotent (request keys). Import it in a
 * process whose DATABASE_URL is the demo's: the app's modules read it once.
 */
import { submitReview } from "../../app/domains/reviews/reviews.server";
import { buildDemoDeliveries, buildDemoReviews } from "./demo-data";

export async function postDemoReviews(shop: string, customers: number): Promise<{ posted: number; published: number }> {
  let published = 0;
  const reviews = buildDemoReviews(buildDemoDeliveries({ customers, shop }));
  for (const { customerId, productId, ...raw } of reviews) {
    const result = await submitReview({ shop, productGid: `gid://shopify/Product/${productId}`, customerGid: `gid://shopify/Customer/${customerId}`, raw });
    if (!result.ok && result.reason !== "ALREADY_REVIEWED") throw new Error(`review by customer ${customerId} of product ${productId} refused: ${JSON.stringify(result)}`);
    if (result.ok && result.status === "PUBLISHED") published++;
  }
  return { posted: reviews.length, published };
}
