import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { API_VERSION } from "~/shopify/api-version";
import { ALL_TOPICS, COMPLIANCE_TOPICS, webhookPath, WEBHOOK_TOPICS } from "~/webhooks/topics";

const root = path.resolve(__dirname, "../../..");
type Subscription = { topics?: string[]; compliance_topics?: string[]; uri: string };
const toml = parse(readFileSync(path.join(root, "shopify.app.toml"), "utf8")) as {
  webhooks: { api_version: string; subscriptions: Subscription[] };
  access_scopes: { scopes: string };
  app_proxy: { url: string };
};

describe("one Admin API version", () => {
  it("is the toml's [webhooks] api_version", () => {
    expect(toml.webhooks.api_version).toBe(API_VERSION);
  });

  it("is the version GraphQL codegen and the schema validation use", () => {
    const graphqlrc = readFileSync(path.join(root, ".graphqlrc.ts"), "utf8");
    expect(graphqlrc).toMatch(/import \{ API_VERSION \} from "\.\/app\/shopify\/api-version"/);
    expect(readdirSync(path.join(root, "tests/support/fixtures/admin-schema"))).toContain(`admin_${API_VERSION}.introspection.json.gz`);
  });
});

describe("shopify.app.toml webhook subscriptions", () => {
  const subscribed = toml.webhooks.subscriptions.flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])].map((t) => ({ topic: t, uri: s.uri })));

  it("subscribes every handled topic exactly once, compliance topics as compliance_topics", () => {
    expect(subscribed.map((s) => s.topic).sort()).toEqual([...ALL_TOPICS].sort());
    const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect(compliance.sort()).toEqual([...COMPLIANCE_TOPICS].sort());
  });

  it("points each topic at /webhooks/<topic>, which server.ts hands to the intake", () => {
    for (const { topic, uri } of subscribed) expect(uri).toBe(webhookPath(topic as (typeof ALL_TOPICS)[number]));
    expect(readFileSync(path.join(root, "server.ts"), "utf8")).toMatch(/app\.all\("\/webhooks\/\*"[\s\S]*handleWebhookHttp/);
  });

  it("declares the scopes the topics need", () => {
    const scopes = toml.access_scopes.scopes.split(",");
    const needs = (prefix: string) => WEBHOOK_TOPICS.some((t) => t.startsWith(prefix));
    if (needs("orders/") || needs("checkouts/") || needs("refunds/")) expect(scopes).toContain("read_orders");
    if (needs("customers/")) expect(scopes).toContain("read_customers");
    expect(scopes).toEqual(expect.arrayContaining(["read_products", "write_discounts", "write_app_proxy"]));
  });

  it("declares the app proxy the storefront calls", () => {
    expect(new URL(toml.app_proxy.url).pathname).toBe("/proxy");
  });
});
