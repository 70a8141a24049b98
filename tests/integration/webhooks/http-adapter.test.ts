import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import { handleWebhookHttp } from "~/webhooks/http.server";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { queuedJobs, resetQueues } from "#test/queues";
import { deliveryRequest } from "#test/webhooks";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => void handleWebhookHttp(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeQueues();
});
beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});

/** Sends a signed delivery over real HTTP, as Shopify does. */
async function post(topic: string, body: string, opts: Parameters<typeof deliveryRequest>[2] = {}) {
  const signed = deliveryRequest(topic, body, opts);
  return fetch(`${base}${new URL(signed.url).pathname}`, { method: opts.method ?? "POST", headers: signed.headers, body: opts.method === "GET" ? undefined : body });
}

describe("the Node HTTP adapter of the intake (what server.ts mounts at /webhooks/*)", () => {
  it("stores a signed delivery and enqueues it", async () => {
    const res = await post("orders/create", fixtureText("orders/create"), { webhookId: "http-1" });
    expect(res.status).toBe(200);
    expect(await db().webhookEvent.count({ where: { webhookId: "http-1", status: "RECEIVED" } })).toBe(1);
    expect(await queuedJobs(QueueName.Webhooks)).toHaveLength(1);
  });

  it("answers 401, 405 and 400 like the core", async () => {
    expect((await post("orders/create", fixtureText("orders/create"), { hmac: "bad" })).status).toBe(401);
    expect((await post("orders/create", "", { method: "GET" })).status).toBe(405);
    expect((await post("orders/create", fixtureText("orders/create"), { omitHeaders: ["X-Shopify-Topic"] })).status).toBe(400);
    expect(await db().webhookEvent.count()).toBe(0);
  });

  it("answers 413 to an oversized body even without a Content-Length (chunked)", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/webhooks/orders/create`, { method: "POST", headers: { "Transfer-Encoding": "chunked" } }, (res) => resolve(res.statusCode!));
      req.on("error", (e) => (String(e).includes("EPIPE") || String(e).includes("ECONNRESET") ? undefined : reject(e)));
      const chunk = "x".repeat(1024 * 1024);
      for (let i = 0; i < 6; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    expect(await db().webhookEvent.count()).toBe(0);
  });

  it("answers 413 at once when the declared Content-Length is over the limit", async () => {
    const res = await fetch(`${base}/webhooks/orders/create`, { method: "POST", body: "x".repeat(5 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
  });
});
