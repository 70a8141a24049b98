/**
 * The ONLY shopifyApp(). Everything Shopify-authenticated goes through the exports below.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { db } from "~/db.server";
import { env, isLoopbackAddress } from "~/env.server";
import { demoRequestRefusal } from "~/lib/demo-guard";
import { API_VERSION } from "~/shopify/api-version";
import { onShopAuthenticated } from "~/domains/shops/install.server";

const config = env();

const shopify = shopifyApp({
  // shopify-api logs an INFO line per authenticated request (app proxy included): warnings only.
  logger: { level: LogSeverity.Warning },
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  // Scopes live in shopify.app.toml (Shopify-managed install); SCOPES only matters for legacy installs.
  scopes: config.SCOPES?.split(",").map((s) => s.trim()).filter(Boolean),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(db()),
  distribution: AppDistribution.AppStore,
  // Webhook subscriptions are app-specific, declared in shopify.app.toml; none are registered here
  // (declaring a topic in both places doubles every delivery).
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await onShopAuthenticated({ shop: session.shop, scopes: session.scope ?? null, admin });
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
/** What admin loaders and actions get: the shop, and the Admin API when a real session exists. */
export type AdminContext = {
  shop: string;
  admin: Awaited<ReturnType<typeof shopify.authenticate.admin>>["admin"] | null;
  demo: boolean;
};

/** Set by server.ts's getLoadContext: the TCP peer, which the demo-mode check needs. */
export type RequestContext = { remoteAddress?: string };

/**
 * Authenticates an admin request. Inside the Shopify admin this is `authenticate.admin` (session
 * token, token exchange). In the local demo mode it is the demo shop, but only when DEMO_MODE is
 * explicitly on (env.server.ts refuses it in production and on non-loopback hosts), the
 * request itself comes from a loopback address, is addressed to a loopback host (DNS rebinding),
 * and, when it writes, comes from the app's own pages (cross-site forms); see lib/demo-guard.ts.
 */
export async function authenticateAdmin(request: Request, context?: RequestContext): Promise<AdminContext> {
  if (config.DEMO_MODE) {
    if (!isLoopbackAddress(context?.remoteAddress)) {
      throw new Response("Demo mode answers loopback requests only", { status: 403 });
    }
    const refusal = demoRequestRefusal(request);
    if (refusal) throw new Response(refusal, { status: 403 });
    return { shop: config.DEMO_SHOP, admin: null, demo: true };
  }
  const { session, admin } = await shopify.authenticate.admin(request);
  return { shop: session.shop, admin, demo: false };
}
