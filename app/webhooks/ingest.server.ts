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
 * We read the body ourselves instead of calling authenticate.webhook: that helper JSON.parse()s
 * (rounding 64-bit ids, and a 500 on a non-JSON body) and loads the offline session, possibly
 * refreshing its token over the network, on every delivery. Verification is the same library
 * call it makes: shopify.api.webhooks.validate over the raw body.
 */
import { WebhookValidationErrorReason } from "@shopify/shopify-api";
import { env } from "~/env.server";
import { isDatabaseUnavailable } from "~/db.server";
import { logger } from "~/lib/logger.server";
import { parseJsonLossless } from "~/lib/json";
import { validateWebhook } from "~/shopify.server";
import { enqueue } from "~/queues/enqueue.server";
import { JobName } from "~/queues/jobs";
import { normalizeTopic } from "~/webhooks/topics";
import { insertDelivery, type NewDelivery } from "~/webhooks/webhook-events.repo.server";

const log = logger.child({ component: "webhook-ingest" });

/** How long a delivery waits for the queue before answering anyway (the redrive catches up). */
const ENQUEUE_TIMEOUT_MS = 1_500;

function reply(status: number, message?: string, headers?: Record<string, string>): Response {
  return new Response(message ?? null, { status, headers: { ...(message ? { "Content-Type": "text/plain; charset=utf-8" } : {}), ...headers } });
}

/** Reads the body as text, or null once it exceeds `limit` bytes (the rest is never buffered). */
async function readBodyWithLimit(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

function parseTriggeredAt(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** What a verified body turns into: a payload to process, or a reason to record and skip. */
function classify(topicHeader: string, rawBody: string): Pick<NewDelivery, "topic" | "payloadText" | "rawBody" | "status" | "outcome"> {
  const topic = normalizeTopic(topicHeader);
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(rawBody);
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

export async function ingestWebhook(request: Request): Promise<Response> {
  if (request.method !== "POST") return reply(405, "Method Not Allowed", { Allow: "POST" });

  const limit = env().WEBHOOK_MAX_BODY_BYTES;
  if (Number(request.headers.get("content-length") ?? 0) > limit) return reply(413, `Body over ${limit} bytes`);
  const rawBody = await readBodyWithLimit(request, limit);
  if (rawBody === null) return reply(413, `Body over ${limit} bytes`);
  if (rawBody.length === 0) return reply(400, "Empty body");

  const check = await validateWebhook({ rawBody, rawRequest: request });
  if (!check.valid) {
    // A missing signature is as unauthenticated as a wrong one (Shopify's compliance checks expect 401).
    if (check.reason === WebhookValidationErrorReason.InvalidHmac || check.reason === WebhookValidationErrorReason.MissingHmac) {
      return reply(401, "Invalid HMAC");
    }
    const missing = "missingHeaders" in check && check.missingHeaders?.length ? `: ${check.missingHeaders.join(", ")}` : "";
    return reply(400, `Invalid webhook request (${check.reason}${missing})`);
  }

  // Authentic from here on: whatever happens next is recorded, never dropped.
  const delivery: NewDelivery = {
    webhookId: check.webhookId,
    eventId: "eventId" in check ? (check.eventId ?? null) : null,
    shop: check.domain.toLowerCase(),
    apiVersion: check.apiVersion,
    triggeredAt: parseTriggeredAt(check.triggeredAt),
    ...classify(check.topic, rawBody),
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
    await enqueue({ name: JobName.WebhooksProcessEvent, data: { eventId: stored.id.toString() } }, {}, ENQUEUE_TIMEOUT_MS);
  } catch (error) {
    // The row is the source of truth; the redrive schedule enqueues it later.
    log.warn({ err: error, shop: delivery.shop, topic: delivery.topic, eventId: stored.id.toString() }, "enqueue failed; left for redrive");
  }
  return reply(200);
}
