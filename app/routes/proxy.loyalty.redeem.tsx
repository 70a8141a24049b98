/**
 * POST /apps/journey/loyalty/redeem (app proxy) {points, requestKey}: spend points on a discount
 * code. 200 with the code (the same one for a repeated requestKey); 422 with the reason when
 * refused (below minimum, off-step, more than the balance); 502 when Shopify refused the code
 * (the points are back); 503 when Shopify could not be reached (retry with the same key).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { redeemPoints } from "~/domains/loyalty/loyalty.server";
import { authenticateProxy, json, problem, readBody, requireCustomer } from "~/domains/storefront/proxy.server";

const RedeemSchema = z.object({
  points: z.coerce.number().int().positive().max(10_000_000),
  requestKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});

export const loader = () => problem(405, "method_not_allowed");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return problem(405, "method_not_allowed");
  const ctx = await authenticateProxy(request, { write: true });
  const customerGid = requireCustomer(ctx);
  const parsed = RedeemSchema.safeParse(await readBody(request));
  if (!parsed.success) {
    return json({ error: "invalid", fieldErrors: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])) }, 422);
  }
  if (!ctx.admin) return problem(503, "shopify_unavailable");
  try {
    const result = await redeemPoints({ shop: ctx.shop, customerGid, admin: ctx.admin, ...parsed.data });
    if (result.ok) return json(result);
    if (result.reason === "SHOPIFY_REFUSED") return json(result, 502);
    if (result.reason === "KEY_REUSED") return json(result, 409);
    return json(result, 422);
  } catch {
    // Not refused, just not reached: the redemption stays pending and the same key retries it.
    return problem(503, "shopify_unavailable", {}, { "Retry-After": "5" });
  }
};
