import { describe, expect, it } from "vitest";
import { isLoopbackAddress, parseEnv } from "~/env.server";

const PROD = { NODE_ENV: "production", SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://journey.example.com", HOST: "0.0.0.0" } as const;

describe("parseEnv: the local demo mode", () => {
  it("is off unless asked for explicitly", () => {
    expect(parseEnv({ ...PROD }).DEMO_MODE).toBe(false);
    expect(parseEnv({ ...PROD, DEMO_MODE: "0" }).DEMO_MODE).toBe(false);
  });

  it("is refused by a production configuration", () => {
    expect(() => parseEnv({ ...PROD, DEMO_MODE: "1" })).toThrow(/DEMO_MODE is refused when NODE_ENV=production/);
  });

  it("is refused on a non-loopback host or with a public app URL, even outside production", () => {
    expect(() => parseEnv({ NODE_ENV: "development", DEMO_MODE: "1", HOST: "0.0.0.0" })).toThrow(/needs HOST on loopback/);
    expect(() => parseEnv({ NODE_ENV: "development", DEMO_MODE: "1", HOST: "127.0.0.1", SHOPIFY_APP_URL: "https://journey.example.com" })).toThrow(
      /public SHOPIFY_APP_URL/,
    );
  });

  it("runs on loopback with demo credentials", () => {
    const env = parseEnv({ NODE_ENV: "development", DEMO_MODE: "1", HOST: "127.0.0.1", PORT: "3100" });
    expect(env).toMatchObject({ DEMO_MODE: true, SHOPIFY_APP_URL: "http://127.0.0.1:3100", SHOPIFY_API_KEY: "demo-api-key" });
  });
});

describe("parseEnv: required settings", () => {
  it("names every missing Shopify credential outside demo mode", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/SHOPIFY_API_KEY[\s\S]*SHOPIFY_API_SECRET[\s\S]*SHOPIFY_APP_URL/);
  });
});

describe("parseEnv: TRUST_PROXY_HOPS", () => {
  it("trusts no X-Forwarded-For unless told how many proxies write it", () => {
    expect(parseEnv({ ...PROD }).TRUST_PROXY_HOPS).toBe(0);
    expect(parseEnv({ ...PROD, TRUST_PROXY_HOPS: "2" }).TRUST_PROXY_HOPS).toBe(2);
    expect(() => parseEnv({ ...PROD, TRUST_PROXY_HOPS: "-1" })).toThrow(/TRUST_PROXY_HOPS/);
  });
});

describe("isLoopbackAddress", () => {
  it("accepts IPv4, IPv6 and mapped loopback only", () => {
    expect(["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.8.9.1"].every(isLoopbackAddress)).toBe(true);
    expect(["10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "", undefined].some(isLoopbackAddress)).toBe(false);
  });
});
