/**
 * The app proxy routes behind a plain Node HTTP server, for the latency benchmark (run as a child
 * process by proxy-latency.ts, so the load generator and the server do not share an event loop).
 * Requests arrive signed, exactly as Shopify forwards them; each is handed to the route module's
 * loader, as Remix would. /proxy/bare is the baseline: signature check and session lookup only,
 * the least any proxy endpoint does.
 */
import { createServer } from "node:http";
import * as loyalty from "~/routes/proxy.loyalty";
import * as prompt from "~/routes/proxy.reviews.prompt";
import * as reviews from "~/routes/proxy.reviews.$productId";
import { authenticateProxy, json } from "~/domains/storefront/proxy.server";

type Loader = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>;

const bare: Loader = async ({ request }) => {
  await authenticateProxy(request);
  return json({});
};

function route(pathname: string): { loader: Loader; params: Record<string, string> } | null {
  if (pathname === "/proxy/bare") return { loader: bare, params: {} };
  if (pathname === "/proxy/loyalty") return { loader: loyalty.loader as unknown as Loader, params: {} };
  if (pathname === "/proxy/reviews/prompt") return { loader: prompt.loader as unknown as Loader, params: {} };
  const m = /^\/proxy\/reviews\/(\d+)$/.exec(pathname);
  return m ? { loader: reviews.loader as unknown as Loader, params: { productId: m[1]! } } : null;
}

const port = Number(process.env.PORT);
createServer((req, res) => {
  const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
  const match = route(url.pathname);
  if (!match) return void res.writeHead(404).end();
  match
    .loader({ request: new Request(url, { method: "GET" }), params: match.params, context: {} })
    .catch((thrown: unknown) => {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    })
    .then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
    })
    .catch((error: unknown) => res.writeHead(500).end(String(error)));
}).listen(port, "127.0.0.1", () => process.stderr.write("proxy bench server ready\n"));
