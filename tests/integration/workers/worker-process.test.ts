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
    const first = orderPayload({ id: "8002", customerId: "8802", financialStatus: "pending", updatedAt: "2026-10-01T10:00:00Z" });
    const paid = { ...first, financial_status: "paid", updated_at: "2026-10-01T10:05:00Z" };
    await deliverAndProcess("orders/create", first);
    // Hold the order's row so the worker blocks inside its transaction, mid-job.
    const blocker = new pg.Client(pgPoolConfig(process.env.DATABASE_URL!));
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query(`SELECT 1 FROM "Order" WHERE "orderGid" = 'gid://shopify/Order/8002' FOR UPDATE`);

    // Only the webhooks queue: other features' follow-up jobs must not compete for the order row.
    const killed = await startWorkerProcess({ WORKER_LOCK_DURATION_MS: "1500", WORKER_QUEUES: "webhooks" });
    await deliver("orders/paid", paid, { webhookId: "killed" });
    await waitFor(
      async () =>
        (
          await blocker.query(
            // The delivery's transaction (the only worker queue running) waiting for the held order row.
            `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE NOT l.granted AND l.locktype = 'transactionid' AND a.datname = current_database()`,
          )
        ).rowCount,
      20_000,
      "the worker to block on the order row",
    );
    killed.child.kill("SIGKILL");
    await killed.exited;
    await blocker.query("ROLLBACK");
    await blocker.end();
    expect(await statusOf("killed")).toBe("RECEIVED"); // the killed transaction left nothing behind

    const second = await startWorkerProcess({ WORKER_LOCK_DURATION_MS: "1500", WORKER_QUEUES: "webhooks" });
    try {
      await waitFor(async () => (await statusOf("killed")) === "PROCESSED", 30_000, "the stalled job to be re-run");
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
    const afterCrash = await snapshotShop(TEST_SHOP);

    await resetDatabase();
    await deliverAndProcess("orders/create", first);
    await deliverAndProcess("orders/paid", paid);
    expect(afterCrash).toEqual(await snapshotShop(TEST_SHOP));
  }, 90_000);
});
