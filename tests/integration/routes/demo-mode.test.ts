import { afterEach, describe, expect, it, vi } from "vitest";
import { reloadEnv } from "~/env.server";

/** Loads a fresh copy of the app's auth module under the given environment. */
async function authenticateAdminWith(env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  reloadEnv();
  vi.resetModules();
  try {
    return (await import("~/shopify.server")).authenticateAdmin;
  } finally {
    process.env = saved;
    reloadEnv();
  }
}

afterEach(() => vi.resetModules());

const request = () => new Request("http://127.0.0.1:3000/app");

describe("authenticateAdmin in the local demo mode", () => {
  it("serves the demo shop to a loopback client when DEMO_MODE is on", async () => {
    const authenticateAdmin = await authenticateAdminWith({ DEMO_MODE: "1", NODE_ENV: "development", HOST: "127.0.0.1", SHOPIFY_APP_URL: "http://127.0.0.1:3000" });
    expect(await authenticateAdmin(request(), { remoteAddress: "127.0.0.1" })).toMatchObject({ shop: "demo-journey.myshopify.com", demo: true, admin: null });
  });

  it("refuses a non-loopback client even when DEMO_MODE is on", async () => {
    const authenticateAdmin = await authenticateAdminWith({ DEMO_MODE: "1", NODE_ENV: "development", HOST: "127.0.0.1", SHOPIFY_APP_URL: "http://127.0.0.1:3000" });
    const thrown = await authenticateAdmin(request(), { remoteAddress: "203.0.113.9" }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
  });

  it("does not exist without DEMO_MODE: a loopback request without a session token is sent to Shopify's auth", async () => {
    const authenticateAdmin = await authenticateAdminWith({ DEMO_MODE: "" });
    const thrown = await authenticateAdmin(request(), { remoteAddress: "127.0.0.1" }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect([302, 401, 410]).toContain((thrown as Response).status);
  });

  it("cannot be switched on by a production configuration", async () => {
    await expect(authenticateAdminWith({ DEMO_MODE: "1", NODE_ENV: "production", HOST: "127.0.0.1" })).rejects.toThrow(/DEMO_MODE is refused/);
  });
});
