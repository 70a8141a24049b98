/**
 * A local storefront for browser tests and the storefront benchmark, playing Shopify's parts:
 * - product pages rendered by liquidjs from the extension's blocks, with the metafields the app's
 *   jobs wrote through the Admin API stand-in (MetafieldStore), and a signed-in customer from a
 *   cookie (GET /login?customer=<id>);
 * - /assets/* served from the extension (gzip, like Shopify's CDN);
 * - /apps/journey/* as Shopify's app proxy: the request is signed (shop, logged_in_customer_id,
 *   path_prefix, timestamp, signature) and handed to the app's real proxy route modules.
 * Listens on loopback, on a port of the storefront range (3200-3299).
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { proxyRequest, callRoute } from "./app-proxy";
import { TEST_SHOP } from "./constants";
import { EXTENSION_DIR, renderBlock, blockDefaults } from "./liquid-theme";
import type { AdminApiStandIn } from "./admin-api";

type RouteModule = Parameters<typeof callRoute>[0];

/** A metafield's `.value` as Liquid sees it: json parsed, a rating as Shopify's rating object, integers as numbers. */
function liquidValue(type: string, value: string): unknown {
  if (type === "json") return JSON.parse(value);
  if (type === "number_integer") return Number(value);
  if (type === "rating") {
    const r = JSON.parse(value) as { value: string; scale_min: string; scale_max: string };
    return { rating: Number(r.value), scale_min: Number(r.scale_min), scale_max: Number(r.scale_max) };
  }
  return value;
}

/** What the app wrote to Shopify: metafields by owner GID, namespace and key. */
export class MetafieldStore {
  readonly values = new Map<string, Map<string, unknown>>();

  /** Answers MetafieldsSet / CustomerLoyaltyMetafield on the stand-in, keeping what is written. */
  attach(api: AdminApiStandIn): this {
    api.on("MetafieldsSet", (v) => {
      const written = v.metafields as { ownerId: string; namespace: string; key: string; type: string; value: string }[];
      for (const m of written) this.set(m.ownerId, m.namespace, m.key, liquidValue(m.type, m.value));
      return { metafieldsSet: { metafields: written.map((m) => ({ key: m.key, namespace: m.namespace, compareDigest: "d" })), userErrors: [] } };
    });
    api.on("MetafieldsDelete", (v) => {
      for (const m of v.metafields as { ownerId: string; namespace: string; key: string }[]) this.values.get(m.ownerId)?.delete(`${m.namespace}.${m.key}`);
      return { metafieldsDelete: { deletedMetafields: [], userErrors: [] } };
    });
    api.on("CustomerLoyaltyMetafield", (v) => ({ customer: { id: v.id, metafield: null } }));
    return this;
  }

  set(owner: string, namespace: string, key: string, value: unknown) {
    if (!this.values.has(owner)) this.values.set(owner, new Map());
    this.values.get(owner)!.set(`${namespace}.${key}`, value);
  }

  /** Liquid's view: metafields[namespace][key].value */
  liquid(owner: string): Record<string, Record<string, { value: unknown }>> {
    const out: Record<string, Record<string, { value: unknown }>> = {};
    for (const [k, value] of this.values.get(owner) ?? []) {
      const dot = k.lastIndexOf(".");
      (out[k.slice(0, dot)] ??= {})[k.slice(dot + 1)] = { value };
    }
    return out;
  }
}

export type StorefrontOptions = {
  metafields: MetafieldStore;
  routes: { loyalty: RouteModule; redeem: RouteModule; prompt: RouteModule; reviews: RouteModule };
  shop?: string;
  /** Render the page without the widgets (benchmark baseline). */
  widgets?: boolean;
  /** Extra latency before proxy answers (ms), to see the page while per-shopper data is in flight. */
  proxyDelayMs?: number;
  /** The storefront's language: the blocks' translations and <html lang>. */
  locale?: "en" | "fr";
};

const PRODUCT_TITLE = "Ceramic mug";

function page(body: string, widgets: boolean, locale: string) {
  const head = widgets ? `<link rel="stylesheet" href="/assets/journey.css"><script src="/assets/journey.js" defer></script>` : "";
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${PRODUCT_TITLE}</title>${head}
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a}main{max-width:960px;margin:0 auto;padding:1rem}.product{display:grid;grid-template-columns:1fr 1fr;gap:2rem}.image{aspect-ratio:1;background:#e8e0d8}button.atc{width:100%;min-height:48px;background:#1a1a1a;color:#fff;border:0;font:inherit}footer{padding:2rem 1rem;background:#f4f4f4}</style>
</head><body>${body}</body></html>`;
}

function cookie(req: IncomingMessage, name: string): string | null {
  const match = new RegExp(`(?:^|; )${name}=([^;]*)`).exec(req.headers.cookie ?? "");
  return match ? decodeURIComponent(match[1]!) : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startStorefront(opts: StorefrontOptions): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const shop = opts.shop ?? TEST_SHOP;
  const widgets = opts.widgets ?? true;
  const locale = opts.locale ?? "en";
  const appOwner = "gid://shopify/AppInstallation/1";

  async function renderProduct(productId: number, customerId: string | null) {
    const product = { id: productId, title: PRODUCT_TITLE, url: `/products/${productId}`, metafields: opts.metafields.liquid(`gid://shopify/Product/${productId}`) };
    const customer = customerId ? { id: Number(customerId), first_name: "Jon", metafields: opts.metafields.liquid(`gid://shopify/Customer/${customerId}`) } : null;
    const app = { metafields: opts.metafields.liquid(appOwner) };
    const ctx = { product, customer, app, shop: { url: `https://${shop}`, enabled_payment_types: ["visa", "master", "paypal"] } };
    const block = async (name: string) => (widgets ? renderBlock(name, blockDefaults(name), ctx, locale) : "");
    return page(
      `<main><div class="product"><div class="image"></div><div><h1>${PRODUCT_TITLE}</h1>${await block("rating-stars")}<p>24.00 EUR</p>
<button class="atc" type="button">Add to cart</button>${await block("trust-badges")}</div></div>
${await block("product-reviews")}${await block("loyalty-points")}</main><footer><p>Footer</p></footer>${await block("journey-embed")}`,
      widgets,
      locale,
    );
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, url: URL) {
    const sub = url.pathname.slice("/apps/journey".length);
    const customerId = cookie(req, "customer");
    const route =
      sub === "/loyalty" ? opts.routes.loyalty : sub === "/loyalty/redeem" ? opts.routes.redeem : sub === "/reviews/prompt" ? opts.routes.prompt : sub.startsWith("/reviews/") ? opts.routes.reviews : null;
    if (!route) return void res.writeHead(404).end();
    const query = Object.fromEntries(url.searchParams);
    const body = req.method === "POST" ? await readBody(req) : undefined;
    const signed = proxyRequest(sub, { shop, customerId, query, method: req.method });
    const request = new Request(signed.url, { method: req.method, headers: { "Content-Type": String(req.headers["content-type"] ?? "application/json") }, body });
    if (opts.proxyDelayMs) await new Promise((r) => setTimeout(r, opts.proxyDelayMs));
    const response = await callRoute(route, request, sub.startsWith("/reviews/") && sub !== "/reviews/prompt" ? { productId: sub.split("/")[2]! } : {});
    // Shopify's proxy strips cookies; everything else passes.
    const headers = Object.fromEntries([...response.headers].filter(([k]) => k !== "set-cookie"));
    res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    (async () => {
      if (url.pathname === "/login") {
        res.writeHead(302, { "Set-Cookie": `customer=${url.searchParams.get("customer") ?? ""}; Path=/`, Location: url.searchParams.get("next") ?? "/" }).end();
      } else if (url.pathname.startsWith("/assets/")) {
        const file = path.join(EXTENSION_DIR, "assets", path.basename(url.pathname));
        const type = file.endsWith(".js") ? "text/javascript" : "text/css";
        res.writeHead(200, { "Content-Type": type, "Content-Encoding": "gzip", "Cache-Control": "max-age=3600" }).end(gzipSync(readFileSync(file)));
      } else if (url.pathname.startsWith("/apps/journey/")) {
        await proxy(req, res, url);
      } else if (/^\/products\/\d+$/.test(url.pathname)) {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(await renderProduct(Number(url.pathname.split("/")[2]), cookie(req, "customer") || null));
      } else res.writeHead(404).end();
    })().catch((error: unknown) => {
      res.writeHead(500, { "Content-Type": "text/plain" }).end(String(error instanceof Error ? error.stack : error));
    });
  });
  for (let port = 3210; ; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (ok) return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((r) => server.close(() => r())) };
    if (port >= 3299) throw new Error("no free port in 3210-3299");
  }
}

export const STOREFRONT_APP_OWNER = "gid://shopify/AppInstallation/1";
