/**
 * The web process: Express + Remix. `npm start` serves the production build; `--dev` serves the
 * app through Vite's dev middleware (what `shopify app dev` runs).
 *
 * Why a custom server rather than remix-serve: the demo-mode check needs the TCP peer address
 * (getLoadContext), SIGTERM must close queue and database connections, and webhook responses skip
 * compression and request logging (they are the hot path). Keep-alive stays above the 60 s of
 * typical load balancers; Shopify reuses connections for deliveries.
 */
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import { prepareRuntime } from "./app/lib/runtime.server";

const dev = process.argv.includes("--dev");
const runtime = await prepareRuntime("web");

const viteDevServer = dev ? await import("vite").then((vite) => vite.createServer({ server: { middlewareMode: true } })) : undefined;
const loadBuild = async (): Promise<ServerBuild> =>
  viteDevServer
    ? ((await viteDevServer.ssrLoadModule("virtual:remix/server-build")) as ServerBuild)
    : // @ts-expect-error the build exists after `npm run build`
      ((await import("./build/server/index.js")) as ServerBuild);

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", false);
app.use(compression({ filter: (req, res) => !req.path.startsWith("/webhooks/") && compression.filter(req, res) }));

if (viteDevServer) {
  app.use(viteDevServer.middlewares);
} else {
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  app.use(express.static("build/client", { maxAge: "1h" }));
}

app.all(
  "*",
  createRequestHandler({
    build: viteDevServer ? loadBuild : await loadBuild(),
    // The demo mode's loopback check uses the real TCP peer, never a header a proxy could forge.
    getLoadContext: (req) => ({ remoteAddress: req.socket.remoteAddress }),
  }),
);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const server = app.listen(port, host, () => {
  process.stderr.write(`web listening on http://${host.includes(":") ? `[${host}]` : host}:${port}\n`);
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`web stopping (${signal})\n`);
  server.close();
  server.closeIdleConnections();
  const build = await loadBuild();
  await (build.entry.module as { shutdown?: () => Promise<void> }).shutdown?.();
  await viteDevServer?.close();
  await runtime.shutdown();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
