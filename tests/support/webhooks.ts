/**
 * Deliveries the way Shopify sends them: the raw body, HMAC-SHA256 with the app secret (shopify-api's
 * test helper getHmac) and Shopify's headers, handed to the real route action.
 */
import { randomUUID } from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { ingestWebhook } from "~/webhooks/ingest.server";
import { webhookPath, type WebhookTopic } from "~/webhooks/topics";
import { TEST_API_SECRET, TEST_API_VERSION, TEST_SHOP } from "./constants";

export type DeliveryOptions = {
  shop?: string;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  apiVersion?: string;
  secret?: string;
  /** Replace the computed HMAC (a forged or corrupted signature). */
  hmac?: string | null;
  method?: string;
  omitHeaders?: string[];
  topicHeader?: string;
};

export function deliveryRequest(topic: WebhookTopic | string, body: string | object, opts: DeliveryOptions = {}): Request {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": opts.topicHeader ?? topic,
    "X-Shopify-Shop-Domain": opts.shop ?? TEST_SHOP,
    "X-Shopify-API-Version": opts.apiVersion ?? TEST_API_VERSION,
    "X-Shopify-Webhook-Id": opts.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": opts.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": opts.triggeredAt ?? new Date().toISOString(),
  };
  const hmac = opts.hmac === undefined ? getHmac(raw, opts.secret ?? TEST_API_SECRET) : opts.hmac;
  if (hmac !== null) headers["X-Shopify-Hmac-Sha256"] = hmac;
  for (const h of opts.omitHeaders ?? []) delete headers[h];
  const method = opts.method ?? "POST";
  const path = topic.includes("/") ? webhookPath(topic as WebhookTopic) : `/webhooks/${topic}`;
  return new Request(`https://my-test-app.myshopify.io${path}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : raw,
  });
}

/** Sends one signed delivery through the route's action and returns the response. */
export async function deliver(topic: WebhookTopic | string, body: string | object, opts: DeliveryOptions = {}): Promise<Response> {
  return ingestWebhook(deliveryRequest(topic, body, opts));
}
