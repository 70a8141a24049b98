/**
 * Node HTTP adapter of the webhook intake, mounted by server.ts at /webhooks/* ahead of Remix.
 *
 * Why not a Remix route per topic (STYLE.md's one-line route files): intake is the hot path
 * (Shopify's 5 s deadline, bursts of deliveries) and on a 2-core machine Remix's per-request work
 * (Node stream → web stream conversion, route matching, response conversion) cost more CPU than
 * verifying, storing and enqueueing the delivery (bench/webhooks/ingest.ts). Here the body is read
 * from the socket with a size cap and handed to the same ingestBody() the tests drive.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "~/env.server";
import { logger } from "~/lib/logger.server";
import { bodyTooLarge, ingestBody, methodNotAllowed, type IngestReply } from "~/webhooks/ingest.server";

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

function send(res: ServerResponse, r: IngestReply) {
  res.writeHead(r.status, { ...(r.message ? { "Content-Type": "text/plain; charset=utf-8" } : {}), ...r.headers });
  res.end(r.message);
}

/** Node lower-cases incoming header names; a repeated header arrives joined with ", ". */
const headerOf = (req: IncomingMessage) => (name: string) => {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
};

export async function handleWebhookHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method !== "POST") return send(res, methodNotAllowed());
    const limit = env().WEBHOOK_MAX_BODY_BYTES;
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      send(res, bodyTooLarge(limit));
      req.destroy();
      return;
    }
    const rawBody = await readBody(req, limit);
    if (rawBody === null) {
      send(res, bodyTooLarge(limit));
      req.destroy();
      return;
    }
    send(res, await ingestBody(headerOf(req), rawBody));
  } catch (error) {
    // Anything unexpected: 500, so Shopify retries; the delivery was not acknowledged.
    logger.error({ err: error, path: req.url }, "webhook intake failed");
    if (!res.headersSent) send(res, { status: 500, message: "Internal error" });
  }
}
