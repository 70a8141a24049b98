import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDataExport } from "~/domains/shops/privacy.server";
import { authenticateAdmin, type RequestContext } from "~/shopify.server";

/** The JSON export of a customers/data_request, for the merchant to pass on to the customer. */
export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request, context as RequestContext);
  const id = params.requestId ?? "";
  if (!/^\d+$/.test(id)) throw new Response("Not found", { status: 404 });
  const data = await getDataExport(shop, BigInt(id));
  if (data === null) throw new Response("Not found", { status: 404 });
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="data-request-${id}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
