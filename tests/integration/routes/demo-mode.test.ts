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

// What server.ts hands Remix: the browser's own Host header (and Origin on writes) included.
const request = (init: { method?: string; headers?: Record<string, string> } = {}) =>
  new Request("http://127.0.0.1:3000/app/segments/s1", { method: init.method ?? "GET", headers: { host: "127.0.0.1:3000", ...init.headers } });
const DEMO = { DEMO_MODE: "1", NODE_ENV: "development", HOST: "127.0.0.1", SHOPIFY_APP_URL: "http://127.0.0.1:3000" };
const LOOPBACK = { remoteAddress: "127.0.0.1" };
const statusOf = async (pending: Promise<unknown>) => {
  const thrown = await pending.then(() => null, (e: unknown) => e);
  return thrown instanceof Response ? thrown.status : thrown === null ? "served" : thrown;
};

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

  it("refuses writes a page of another site sends (an auto-submitted form): Origin, else Referer, must be the app's own", async () => {
    const authenticateAdmin = await authenticateAdminWith(DEMO);
    const post = (headers: Record<string, string>) => statusOf(authenticateAdmin(request({ method: "POST", headers }), LOOPBACK));
    expect(await post({ origin: "https://evil.example" })).toBe(403);
    expect(await post({ origin: "http://127.0.0.1:3001" })).toBe(403); // another local server
    expect(await post({ origin: "null" })).toBe(403); // sandboxed frame, data: URL
    expect(await post({ referer: "https://evil.example/page" })).toBe(403);
    expect(await post({})).toBe(403);
    expect(await statusOf(authenticateAdmin(request({ method: "DELETE", headers: { origin: "https://evil.example" } }), LOOPBACK))).toBe(403);
    expect(await post({ origin: "http://127.0.0.1:3000" })).toBe("served");
    expect(await post({ referer: "http://127.0.0.1:3000/app/segments/s1" })).toBe("served");
  });

  it("answers only requests addressed to a loopback name, so a rebound DNS name cannot read the demo", async () => {
    const authenticateAdmin = await authenticateAdminWith(DEMO);
    const get = (host: string) => statusOf(authenticateAdmin(request({ headers: { host } }), LOOPBACK));
    expect(await get("evil.example:3000")).toBe(403);
    expect(await get("127.0.0.1.nip.io:3000")).toBe(403);
    expect(await get("localhost.:3000")).toBe(403);
    expect(await get("localhost:3000")).toBe("served");
    expect(await get("[::1]:3000")).toBe("served");
    // Same-origin writes from the page the developer opened as localhost.
    const post = authenticateAdmin(request({ method: "POST", headers: { host: "localhost:3000", origin: "http://localhost:3000" } }), LOOPBACK);
    expect(await statusOf(post)).toBe("served");
  });

  it("leaves the embedded app alone: without DEMO_MODE a cross-site write goes to Shopify's auth like any other", async () => {
    const authenticateAdmin = await authenticateAdminWith({ DEMO_MODE: "" });
    const status = await statusOf(authenticateAdmin(request({ method: "POST", headers: { origin: "https://admin.shopify.com", host: "journey.example.com" } }), LOOPBACK));
    expect([302, 401, 410]).toContain(status);
  });
});
