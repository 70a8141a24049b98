/**
 * Webhook intake, shared by every app/routes/webhooks.*.tsx route:
 * verify → persist the raw delivery keyed by X-Shopify-Webhook-Id → await the enqueue of its id → 200.
 *
 * One DB write and one queue write; no Admin API calls, no domain work (the worker does that).
 * Answers, so Shopify retries exactly when it should:
 *   405 not POST · 413 body over the limit · 401 bad or missing HMAC · 400 missing headers or empty body
 *   503 Postgres unreachable (Shopify retries; nothing was stored) · 200 everything stored,
 *   including duplicates, unknown topics (SKIPPED) and signed bodies we cannot use (REJECTED).
 * A queue failure after the row is stored still answers 200: the row stays RECEIVED and the
 * webhooks.redrive schedule enqueues it again.
 *
 * We do not call authenticate.webhook: it JSON.parse()s (rounding 64-bit ids, and a 500 on a
 * non-JSON body) and loads the offline session, possibly refreshing its token over the network,
 * on every delivery. Verification is Shopify's HMAC rule, see verify.server.ts.
 */
import { env } from "~/env.server";
import { isDatabaseUnavailable } from "~/db.server";
import { BodyTooLargeError, readTextCapped } from "~/lib/body.server";
import { logger } from "~/lib/logger.server";
import { enqueueBatched } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";
import { normalizeTopic } from "~/webhooks/topics";
import { verifyWebhook, type HeaderReader } from "~/webhooks/verify.server";
import { insertDelivery, type NewDelivery } from "~/webhooks/webhook-events.repo.server";

const log = logger.child({ component: "webhook-ingest" });

/** How long a delivery waits for the queue before answering anyway (the redrive catches up). */
const ENQUEUE_TIMEOUT_MS = 1_500;

/** The answer to a delivery, independent of the HTTP layer (Node adapter: webhooks/http.server.ts). */
export type IngestReply = { status: number; message?: string; headers?: Record<string, string> };

const reply = (status: number, message?: string, headers?: Record<string, string>): IngestReply => ({ status, message, headers });

export function toResponse(r: IngestReply): Response {
  return new Response(r.message ?? null, {
    status: r.status,
    headers: { ...(r.message ? { "Content-Type": "text/plain; charset=utf-8" } : {}), ...r.headers },
  });
}

export const methodNotAllowed = () => reply(405, "Method Not Allowed", { Allow: "POST" });
export const bodyTooLarge = (limit: number) => reply(413, `Body over ${limit} bytes`);

function parseTriggeredAt(value: string | null): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** What a verified body turns into: a payload to process, or a reason to record and skip. */
function classify(topicHeader: string, rawBody: string): Pick<NewDelivery, "topic" | "payloadText" | "rawBody" | "status" | "outcome"> {
  const topic = normalizeTopic(topicHeader);
  let parsed: unknown;
  try {
    // Only validity matters here (the raw text is what gets stored), so the fast native parse;
    // the worker parses losslessly.
    parsed = JSON.parse(rawBody);
  } catch {
    return { topic: topic ?? topicHeader, payloadText: null, rawBody, status: "REJECTED", outcome: "body is not valid JSON" };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { topic: topic ?? topicHeader, payloadText: null, rawBody, status: "REJECTED", outcome: "body is not a JSON object" };
  }
  if (!topic) {
    return { topic: topicHeader, payloadText: rawBody, rawBody: null, status: "SKIPPED", outcome: `unknown topic ${topicHeader}` };
  }
  return { topic, payloadText: rawBody, rawBody: null, status: "RECEIVED", outcome: null };
}

/** Web Request adapter (tests, any fetch-style runtime): method and size checks, then ingestBody. */
export async function ingestWebhook(request: Request): Promise<Response> {
  if (request.method !== "POST") return toResponse(methodNotAllowed());
  const limit = env().WEBHOOK_MAX_BODY_BYTES;
  let rawBody: string;
  try {
    rawBody = await readTextCapped(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return toResponse(bodyTooLarge(limit));
    throw error;
  }
  return toResponse(await ingestBody((name) => request.headers.get(name), rawBody));
}

function webhookSecrets(): string[] {
  const { SHOPIFY_API_SECRET, SHOPIFY_API_SECRET_PREVIOUS } = env();
  return SHOPIFY_API_SECRET_PREVIOUS ? [SHOPIFY_API_SECRET, SHOPIFY_API_SECRET_PREVIOUS] : [SHOPIFY_API_SECRET];
}

/** The intake itself, once the body is read: verify, store, enqueue. */
export async function ingestBody(header: HeaderReader, rawBody: string): Promise<IngestReply> {
  if (rawBody.length === 0) return reply(400, "Empty body");

  const check = verifyWebhook(header, rawBody, webhookSecrets());
  if (!check.ok) {
    // A missing signature is as unauthenticated as a wrong one (Shopify's compliance checks expect 401).
    if (check.reason !== "missing_headers") return reply(401, "Invalid HMAC");
    return reply(400, `Invalid webhook request (missing_headers: ${check.missing.join(", ")})`);
  }

  // Authentic from here on: whatever happens next is recorded, never dropped.
  const { delivery: d } = check;
  const delivery: NewDelivery = {
    webhookId: d.webhookId,
    eventId: d.eventId,
    shop: d.shop.toLowerCase(),
    apiVersion: d.apiVersion,
    triggeredAt: parseTriggeredAt(d.triggeredAt),
    ...classify(d.topic, rawBody),
  };

  let stored;
  try {
    stored = await insertDelivery(delivery);
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      log.error({ err: error, shop: delivery.shop, topic: delivery.topic }, "database unavailable; asking Shopify to retry");
      return reply(503, "Database unavailable, retry later", { "Retry-After": "10" });
    }
    throw error;
  }

  if (stored.status !== "RECEIVED") return reply(200);

  try {
    await enqueueBatched({ name: JobName.WebhooksProcessEvent, data: { eventId: stored.id.toString() } }, ENQUEUE_TIMEOUT_MS);
  } catch (error) {
    // The row is the source of truth; the redrive schedule enqueues it later.
    log.warn({ err: error, shop: delivery.shop, topic: delivery.topic, eventId: stored.id.toString() }, "enqueue failed; left for redrive");
  }
  return reply(200);
}
