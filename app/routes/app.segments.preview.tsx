/**
 * Live preview of a rule being edited (resource route, POST {rule}): how many customers match now,
 * out of how many, with a few of them; or the rule's field errors (422). Nothing is saved.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { previewSegmentRule } from "~/domains/segments/segments.server";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";

const SAMPLE = 5;

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const form = await request.formData();
  const rule = form.get("rule");
  const preview = await previewSegmentRule(shop, typeof rule === "string" ? rule : null, SAMPLE);
  if (!preview.ok) return data(preview, { status: 422 });
  return { ok: true as const, count: preview.count, totalCustomers: preview.totalCustomers, sample: preview.sample.map((c) => ({ customerGid: c.customerGid, email: c.email, displayName: c.displayName })) };
};
