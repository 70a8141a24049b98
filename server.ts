/**
 * The web process: Express + Remix. `npm start` serves the production build; `--dev` serves the
 * app through Vite's dev middleware (what `shopify app dev` runs).
 *
 * Why a custom server rather than remix-serve: the demo-mode check needs the TCP peer address
 * (getLoadContext), SIGTERM must close queue and database connections, and webhook responses skip
 * compression and request logging (they are the hot path). Keep-alive stays above the 60 s of
 * typical load balancers; Shopify reuses connections for deliveries.
 */
import cluster from "node:cluster";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import { prepareRuntime } from "./app/lib/runtime.server";

const dev = process.argv.includes("--dev");
// WEB_CONCURRENCY > 1: a primary forks that many web processes sharing the port (node:cluster).
// They are stateless (sessions and data in Postgres, jobs in the queue), so this is the same
// scale-out a load balancer does across machines, here across cores.
const processes = dev ? 1 : Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1));
const runtime = cluster.isPrimary ? await prepareRuntime("web") : { shutdown: async () => undefined };

if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i++) cluster.fork();
  let stopping = false;
  const stopAll = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const exits = Object.values(cluster.workers ?? {}).map(
      (w) => new Promise((resolve) => (w!.isDead() ? resolve(null) : w!.once("exit", resolve)))
    );
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    await Promise.all(exits);
    await runtime.shutdown();
    process.exit(0);
  };
  cluster.on("exit", (worker, code) => {
    if (!stopping) process.stderr.write(`web process ${worker.process.pid} exited (${code}); stopping\n`);
    void stopAll("SIGTERM");
  });
  process.on("SIGTERM", () => void stopAll("SIGTERM"));
  process.on("SIGINT", () => void stopAll("SIGINT"));
} else {
  await serve();
}

async function serve() {
  const viteDevServer = dev ? await import("vite").then((vite) => vite.createServer({ server: { middlewareMode: true } })) : undefined;
  // BUILD_DIR lets a test or benchmark serve its own build while `npm run demo` rebuilds ./build.
  const buildDir = process.env.BUILD_DIR ?? "build";
  const loadBuild = async (): Promise<ServerBuild> =>
    viteDevServer
      ? ((await viteDevServer.ssrLoadModule("virtual:remix/server-build")) as ServerBuild)
      : ((await import(pathToFileURL(path.resolve(buildDir, "server/index.js")).href)) as ServerBuild);

  type AppEntry = {
    shutdown?: () => Promise<void>;
    handleWebhookHttp: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  };
  const entryModule = async () => (await loadBuild()).entry.module as unknown as AppEntry;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);

  // Webhook intake first: no compression, no Remix (see app/webhooks/http.server.ts).
  const productionEntry = viteDevServer ? undefined : await entryModule();
  app.all("/webhooks/*", (req, res) => {
    void (productionEntry ? Promise.resolve(productionEntry) : entryModule()).then((entry) => entry.handleWebhookHttp(req, res));
  });

  app.use(compression());

  if (viteDevServer) {
    app.use(viteDevServer.middlewares);
  } else {
    app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  }

  app.all(
    "*",
    createRequestHandler({
      build: viteDevServer ? loadBuild : await loadBuild(),
      // The demo mode's loopback check uses the real TCP peer, never a header a proxy could forge.
      getLoadContext: (req) => ({ remoteAddress: req.socket.remoteAddress }),
    })
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
    await (await entryModule()).shutdown?.();
    await viteDevServer?.close();
    await runtime.shutdown();
    process.exit(0);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
