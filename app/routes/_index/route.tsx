import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { env } from "~/env.server";

/**
 * The app URL. Shopify opens it with ?shop=…&host=… (embedded): hand over to /app with the same
 * query. The local demo goes straight to /app. Anything else: the login page.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop") || env().DEMO_MODE) throw redirect(`/app${url.search}`);
  throw redirect("/auth/login");
};
