import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import { ALL_TOPICS } from "~/webhooks/topics";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { queuedJobs, resetQueues } from "#test/queues";
import { deliver } from "#test/webhooks";
import { TEST_SHOP } from "#test/constants";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

describe("webhook ingest, every subscribed topic", () => {
  for (const topic of ALL_TOPICS) {
    it(`stores a signed ${topic} delivery once and enqueues its id`, async () => {
      const res = await deliver(topic, fixtureText(topic), { webhookId: `wh-${topic}` });
      expect(res.status).toBe(200);

      const rows = await db().webhookEvent.findMany({ where: { webhookId: `wh-${topic}` } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ shop: TEST_SHOP, topic, apiVersion: "2026-04", status: "RECEIVED" });
      expect(rows[0]!.triggeredAt).toBeInstanceOf(Date);

      const jobs = await queuedJobs(QueueName.Webhooks);
      expect(jobs.map((j) => j.id)).toEqual([`${JobName.WebhooksProcessEvent}-${rows[0]!.id}`]);
      // Only the row id travels through the queue: no payload, no personal data.
      expect(jobs[0]!.data).toEqual({ eventId: rows[0]!.id.toString() });
    });

    it(`answers a duplicate ${topic} delivery with 200, one row and one job`, async () => {
      const first = await deliver(topic, fixtureText(topic), { webhookId: `dup-${topic}` });
      const second = await deliver(topic, fixtureText(topic), { webhookId: `dup-${topic}` });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(await db().webhookEvent.count({ where: { webhookId: `dup-${topic}` } })).toBe(1);
      expect(await queuedJobs(QueueName.Webhooks)).toHaveLength(1);
    });
  }

  it("keeps ids above 2^53 exact in the stored payload", async () => {
    await deliver("orders/create", fixtureText("orders/create"), { webhookId: "big-ids" });
    const [row] = await db().$queryRaw<{ id: string }[]>`SELECT "payload"->>'id' AS id FROM "WebhookEvent" WHERE "webhookId" = 'big-ids'`;
    // The sample's literal text: exactly what Shopify signed, no float rounding.
    expect(row!.id).toBe(JSON.parse(fixtureText("orders/create").replace(/"id": (\d+)/, '"id": "$1"')).id);
  });
});
