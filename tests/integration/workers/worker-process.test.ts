import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { pgPoolConfig } from "../../../prisma/pg";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { orderPayload } from "#test/payloads";
import { deliverAndProcess, snapshotShop } from "#test/process";
import { resetQueues } from "#test/queues";
import { deliver } from "#test/webhooks";
import { startWorkerProcess, waitFor } from "#test/worker-process";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

const statusOf = async (webhookId: string) => (await db().webhookEvent.findUnique({ where: { webhookId } }))?.status;

describe("the worker process", () => {
  it("processes a delivery end to end and stops cleanly on SIGTERM", async () => {
    const worker = await startWorkerProcess();
    try {
      expect((await deliver("orders/create", orderPayload({ id: "8001" }), { webhookId: "e2e-1" })).status).toBe(200);
      await waitFor(async () => (await statusOf("e2e-1")) === "PROCESSED", 20_000, "delivery processed");
      expect(await db().order.count({ where: { orderGid: "gid://shopify/Order/8001" } })).toBe(1);
    } finally {
      worker.child.kill("SIGTERM");
    }
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('"msg":"worker stopped"');
  });

  it("re-runs a job whose worker was SIGKILLed mid-job; the tables equal one clean run", async () => {
    const body = orderPayload({ id: "8002", customerId: "8802", checkoutToken: "tok-8002" });
    // Hold the order's lock so the worker blocks inside its transaction, mid-job.
    const blocker = new pg.Client(pgPoolConfig(process.env.DATABASE_URL!));
    await blocker.connect();
    await blocker.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [`order:${TEST_SHOP}:gid://shopify/Order/8002`]);

    const first = await startWorkerProcess({ WORKER_LOCK_DURATION_MS: "1500" });
    await deliver("orders/create", body, { webhookId: "killed" });
    await waitFor(
      async () => (await blocker.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rowCount,
      20_000,
      "the worker to block on the order lock",
    );
    first.child.kill("SIGKILL");
    await first.exited;
    await blocker.query("SELECT pg_advisory_unlock_all()");
    await blocker.end();
    expect(await statusOf("killed")).toBe("RECEIVED"); // the killed transaction left nothing behind

    const second = await startWorkerProcess({ WORKER_LOCK_DURATION_MS: "1500" });
    try {
      await waitFor(async () => (await statusOf("killed")) === "PROCESSED", 30_000, "the stalled job to be re-run");
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
    const afterCrash = await snapshotShop(TEST_SHOP);

    await resetDatabase();
    await deliverAndProcess("orders/create", body);
    expect(afterCrash).toEqual(await snapshotShop(TEST_SHOP));
  }, 90_000);
});
