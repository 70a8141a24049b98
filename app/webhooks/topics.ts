/**
 * Every webhook topic the app subscribes to (shopify.app.toml) with its route. A test holds this
 * list, the toml subscriptions and the files in app/routes/webhooks.*.tsx equal.
 */
export const WEBHOOK_TOPICS = [
  "orders/create",
  "orders/paid",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "refunds/create",
  "checkouts/create",
  "checkouts/update",
  "checkouts/delete",
  "customers/create",
  "customers/update",
  "customers/delete",
  "app/uninstalled",
  "app/scopes_update",
] as const;

/** Mandatory privacy topics; subscribed through `compliance_topics` (never through the Admin API). */
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number] | (typeof COMPLIANCE_TOPICS)[number];

export const ALL_TOPICS: readonly WebhookTopic[] = [...WEBHOOK_TOPICS, ...COMPLIANCE_TOPICS];

/** `orders/create` -> `/webhooks/orders/create` (Shopify's underscores kept). */
export function webhookPath(topic: WebhookTopic): string {
  return `/webhooks/${topic}`;
}

/**
 * Shopify sends the topic header as `orders/create`; the older "Events" header family and some
 * proxies send `ORDERS_CREATE`. Normalizes both, returns null for a topic we do not handle.
 */
export function normalizeTopic(header: string): WebhookTopic | null {
  const lowered = header.trim().toLowerCase();
  const candidate = lowered.includes("/") ? lowered : lowered.replace("_", "/");
  return (ALL_TOPICS as readonly string[]).includes(candidate) ? (candidate as WebhookTopic) : null;
}

/** Topics that must be processed even after uninstall: privacy law outlives the install. */
export function isComplianceTopic(topic: WebhookTopic): boolean {
  return (COMPLIANCE_TOPICS as readonly string[]).includes(topic);
}
