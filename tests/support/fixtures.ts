import { readFileSync } from "node:fs";
import path from "node:path";
import { parseJsonLossless } from "~/lib/json";

const DIR = path.join(__dirname, "fixtures");

/**
 * Two subscribed topics have no sample in the shared set; their bodies are derived, not invented:
 * - customers/delete sends the customer resource, the same object as customers/create;
 * - app/scopes_update sends the granted scopes in `current` (the field Shopify's app template reads).
 */
const DERIVED: Record<string, () => string> = {
  "customers/delete": () => fixtureText("customers/create"),
  "app/scopes_update": () => JSON.stringify({ current: ["read_orders", "read_customers", "write_customers"] }),
};

/** A Shopify sample body as raw text (ids above 2^53 exactly as written). `orders/create` -> orders_create.json */
export function fixtureText(topic: string): string {
  const derive = DERIVED[topic];
  if (derive) return derive();
  return readFileSync(path.join(DIR, "webhooks", `${topic.replace("/", "_")}.json`), "utf8");
}

export function fixture<T = Record<string, unknown>>(topic: string): T {
  return parseJsonLossless(fixtureText(topic)) as T;
}

export function productionFixture<T = Record<string, unknown>>(resource: "orders" | "refunds" | "checkouts" | "customers"): T {
  return parseJsonLossless(readFileSync(path.join(DIR, "webhooks-production", `${resource}_1.json`), "utf8")) as T;
}
