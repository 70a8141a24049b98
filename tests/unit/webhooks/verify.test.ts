import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "~/webhooks/verify.server";
import { fixtureText } from "#test/fixtures";

const SECRET = "unit-test-secret";
const library = shopifyApi({
  apiKey: "k",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.April26,
  hostName: "app.example.com",
  isEmbeddedApp: true,
  logger: { level: 0 },
});

const body = fixtureText("orders/create");
const base = {
  "X-Shopify-Topic": "orders/create",
  "X-Shopify-Shop-Domain": "test-shop.myshopify.com",
  "X-Shopify-API-Version": "2026-04",
  "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
  "X-Shopify-Event-Id": "98880550-7158-44b4-b7cd-2c97c8a091b5",
  "X-Shopify-Triggered-At": "2026-10-01T10:00:00.000Z",
  "X-Shopify-Hmac-Sha256": getHmac(body, SECRET),
};

const cases: { name: string; headers: Record<string, string>; body: string; secrets?: string[] }[] = [
  { name: "a delivery signed with the app secret", headers: base, body },
  { name: "lower-case header names (HTTP/2)", headers: Object.fromEntries(Object.entries(base).map(([k, v]) => [k.toLowerCase(), v])), body },
  { name: "a body signed with another secret", headers: { ...base, "X-Shopify-Hmac-Sha256": getHmac(body, "other") }, body },
  { name: "a tampered body", headers: base, body: body.replace('"voided"', '"paid"') },
  { name: "a missing signature", headers: Object.fromEntries(Object.entries(base).filter(([k]) => k !== "X-Shopify-Hmac-Sha256")), body },
  { name: "a signature that is not base64 of 32 bytes", headers: { ...base, "X-Shopify-Hmac-Sha256": "abc" }, body },
  ...["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"].map((missing) => ({
    name: `a missing ${missing}`,
    headers: Object.fromEntries(Object.entries(base).filter(([k]) => k !== missing)),
    body,
  })),
];

async function libraryVerdict(headers: Record<string, string>, rawBody: string) {
  const result = await library.webhooks.validate({ rawBody, rawRequest: new Request("https://app.example.com/webhooks", { method: "POST", headers }) });
  return result.valid ? "valid" : result.reason;
}

describe("verifyWebhook", () => {
  for (const c of cases) {
    it(`agrees with shopify-api's validator on ${c.name}`, async () => {
      const h = new Headers(c.headers);
      const ours = verifyWebhook((name) => h.get(name), c.body, [SECRET]);
      expect(ours.ok ? "valid" : ours.reason).toBe(await libraryVerdict(c.headers, c.body));
    });
  }

  it("returns the delivery's identity from the headers", () => {
    const h = new Headers(base);
    expect(verifyWebhook((name) => h.get(name), body, [SECRET])).toEqual({
      ok: true,
      delivery: {
        topic: "orders/create",
        shop: "test-shop.myshopify.com",
        apiVersion: "2026-04",
        webhookId: base["X-Shopify-Webhook-Id"],
        eventId: base["X-Shopify-Event-Id"],
        triggeredAt: base["X-Shopify-Triggered-At"],
      },
    });
  });

  it("accepts the previous secret during a rotation, and only the secrets given", () => {
    const h = new Headers({ ...base, "X-Shopify-Hmac-Sha256": getHmac(body, "old-secret") });
    expect(verifyWebhook((name) => h.get(name), body, [SECRET, "old-secret"]).ok).toBe(true);
    expect(verifyWebhook((name) => h.get(name), body, [SECRET]).ok).toBe(false);
  });
});
