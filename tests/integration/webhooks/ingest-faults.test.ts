import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "~/db.server";
import { reloadEnv } from "~/env.server";
import { QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import { handleWebhooksPrune, handleWebhooksRedrive } from "~/webhooks/webhooks.jobs.server";
import { handleWebhooksProcessEvent } from "~/webhooks/process.server";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { queuedJobs, resetQueues } from "#test/queues";
import { deliver, deliveryRequest } from "#test/webhooks";
import { ingestWebhook } from "~/webhooks/ingest.server";

const ORIGINAL = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, WEBHOOK_REDRIVE_AFTER_MS: process.env.WEBHOOK_REDRIVE_AFTER_MS };

async function restoreServices() {
  await closeQueues();
  await disconnectDb();
  for (const [k, v] of Object.entries(ORIGINAL)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  reloadEnv();
}

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterEach(restoreServices);
afterAll(closeQueues);

const rows = () => db().webhookEvent.count();

describe("webhook ingest: bad input", () => {
  it("answers 401 to a forged HMAC and stores nothing", async () => {
    const res = await deliver("orders/create", fixtureText("orders/create"), { hmac: "Zm9yZ2VkIHNpZ25hdHVyZQ==" });
    expect(res.status).toBe(401);
    expect(await rows()).toBe(0);
  });

  it("answers 401 to a body signed with another secret", async () => {
    const res = await deliver("orders/create", fixtureText("orders/create"), { secret: "not-the-app-secret" });
    expect(res.status).toBe(401);
    expect(await rows()).toBe(0);
  });

  it("answers 401 when the HMAC header is missing", async () => {
    const res = await deliver("customers/redact", fixtureText("customers/redact"), { hmac: null });
    expect(res.status).toBe(401);
    expect(await rows()).toBe(0);
  });

  it("answers 401 to a tampered body (signature of the original)", async () => {
    const original = fixtureText("orders/create");
    const req = deliveryRequest("orders/create", original);
    const tampered = new Request(req.url, { method: "POST", headers: req.headers, body: original.replace('"voided"', '"paid"') });
    expect((await ingestWebhook(tampered)).status).toBe(401);
    expect(await rows()).toBe(0);
  });

  it("answers 405 to a GET", async () => {
    const res = await deliver("orders/create", "", { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
    expect(await rows()).toBe(0);
  });

  it("answers 413 to a body over 5 MB and stores nothing", async () => {
    const huge = JSON.stringify({ note: "x".repeat(5 * 1024 * 1024) });
    const res = await deliver("orders/create", huge);
    expect(res.status).toBe(413);
    expect(await rows()).toBe(0);
  });

  it("answers 400 naming the missing headers", async () => {
    const res = await deliver("orders/create", fixtureText("orders/create"), { omitHeaders: ["X-Shopify-Webhook-Id"] });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/missing_headers.*webhook-id/i);
    expect(await rows()).toBe(0);
  });

  it("answers 400 to an empty body", async () => {
    const res = await deliver("orders/create", "");
    expect(res.status).toBe(400);
    expect(await rows()).toBe(0);
  });

  it("records a validly signed body that is not JSON as REJECTED, with 200 and no job", async () => {
    const res = await deliver("orders/create", "{not json", { webhookId: "bad-json" });
    expect(res.status).toBe(200);
    const row = await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: "bad-json" } });
    expect(row).toMatchObject({ status: "REJECTED", outcome: "body is not valid JSON", rawBody: "{not json", payload: null });
    expect(await queuedJobs(QueueName.Webhooks)).toHaveLength(0);
  });

  it("records a JSON body that is not an object as REJECTED", async () => {
    await deliver("orders/create", "[1,2,3]", { webhookId: "array-body" });
    expect(await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: "array-body" } })).toMatchObject({ status: "REJECTED" });
  });

  it("records a signed payload that misses required fields as REJECTED when processed, naming the field", async () => {
    await deliver("orders/create", JSON.stringify({ id: 1, line_items: [] }), { webhookId: "no-currency" });
    const row = await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: "no-currency" } });
    expect(await handleWebhooksProcessEvent({ eventId: row.id.toString() })).toMatch(/^currency: /);
    expect(await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: "no-currency" } })).toMatchObject({ status: "REJECTED" });
    expect(await db().order.count()).toBe(0);
  });

  it("answers 200 to an unknown topic and records it as SKIPPED", async () => {
    const res = await deliver("products/update", JSON.stringify({ id: 1 }), { webhookId: "unknown-topic" });
    expect(res.status).toBe(200);
    expect(await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: "unknown-topic" } })).toMatchObject({
      status: "SKIPPED",
      outcome: "unknown topic products/update",
    });
    expect(await queuedJobs(QueueName.Webhooks)).toHaveLength(0);
  });
});

describe("webhook ingest: faults", () => {
  it("answers 200 while the queue is down, and the redrive enqueues the stored row later", async () => {
    await closeQueues();
    process.env.REDIS_URL = "redis://127.0.0.1:1"; // nothing listens there
    reloadEnv();
    const started = Date.now();
    const res = await deliver("orders/create", fixtureText("orders/create"), { webhookId: "redis-down" });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(4_000); // inside Shopify's 5 s
    expect(await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: "redis-down" } })).toMatchObject({ status: "RECEIVED" });

    await restoreServices();
    expect(await queuedJobs(QueueName.Webhooks)).toHaveLength(0);
    process.env.WEBHOOK_REDRIVE_AFTER_MS = "1";
    reloadEnv();
    await new Promise((r) => setTimeout(r, 5));
    expect(await handleWebhooksRedrive()).toBe("REDRIVEN_1");
    const jobs = await queuedJobs(QueueName.Webhooks);
    expect(jobs).toHaveLength(1);
    expect(await handleWebhooksProcessEvent(jobs[0]!.data)).toBe("APPLIED");
    expect(await db().webhookEvent.findUniqueOrThrow({ where: { webhookId: "redis-down" } })).toMatchObject({ status: "PROCESSED" });
  });

  it("answers 503 while Postgres is unreachable, so Shopify retries; the retry is stored", async () => {
    await disconnectDb();
    process.env.DATABASE_URL = "postgresql://postgres:x@127.0.0.1:1/none";
    reloadEnv();
    const down = await deliver("orders/create", fixtureText("orders/create"), { webhookId: "pg-down" });
    expect(down.status).toBe(503);
    expect(down.headers.get("Retry-After")).toBeTruthy();

    await restoreServices();
    const retry = await deliver("orders/create", fixtureText("orders/create"), { webhookId: "pg-down" });
    expect(retry.status).toBe(200);
    expect(await db().webhookEvent.count({ where: { webhookId: "pg-down" } })).toBe(1);
  });
});

describe("webhooks.prune", () => {
  it("deletes every finished delivery past retention, failed ones too (their raw payloads hold personal data); runs twice", async () => {
    for (const id of ["processed", "skipped", "rejected", "failed", "received", "recent"]) {
      expect((await deliver("orders/create", fixtureText("orders/create"), { webhookId: id })).status).toBe(200);
    }
    const old = new Date(Date.now() - 31 * 86_400_000);
    for (const [webhookId, status] of [["processed", "PROCESSED"], ["skipped", "SKIPPED"], ["rejected", "REJECTED"], ["failed", "FAILED"], ["received", "RECEIVED"]] as const) {
      await db().webhookEvent.update({ where: { webhookId }, data: { status, receivedAt: old } });
    }
    await db().webhookEvent.update({ where: { webhookId: "recent" }, data: { status: "FAILED" } });
    expect(await handleWebhooksPrune()).toBe("PRUNED_4");
    expect(await handleWebhooksPrune()).toBe("PRUNED_0");
    // A RECEIVED one is still owed processing (the redrive's); a recent failure stays for the operator.
    expect((await db().webhookEvent.findMany({ select: { webhookId: true }, orderBy: { webhookId: "asc" } })).map((r) => r.webhookId)).toEqual(["received", "recent"]);
  });
});
