/**
 * Why is this customer in this segment? (resource route for the member table's "Why" dialog):
 * the rule's conditions and whether each holds now, the facts the rule saw when they entered,
 * and their RFM group and journey stage with the reasons.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { explainCustomer } from "~/domains/segments/profiles.server";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";
import { customerGidFromParam, parseSegmentId } from "~/components/segments/ids";
import { explanationView } from "~/components/customers/explanation-view";

export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const segmentId = parseSegmentId(params.segmentId);
  const gid = customerGidFromParam(params.customerId);
  const explanation = segmentId && gid ? await explainCustomer(shop, gid) : null;
  if (!segmentId || !explanation) throw new Response("Customer not found", { status: 404 });
  const view = explanationView(explanation);
  return { ...view, segments: view.segments.filter((s) => s.segmentId === segmentId.toString()) };
};
