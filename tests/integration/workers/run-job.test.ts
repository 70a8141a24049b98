/**
 * runJob, what each Worker calls: a job that must write to Shopify for a shop without an offline
 * session (uninstalled, the demo shop) is done, not failed; other failures still reach BullMQ.
 */
import { UnrecoverableError } from "bullmq";
import { beforeEach, describe, expect, it } from "vitest";
import { JobName } from "~/queues/jobs";
import { buildRegistry } from "~/workers/registry.server";
import { runJob, type RunnableJob } from "~/workers/workers.server";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { makeLoyalty, makeShop } from "#test/analytics";

beforeEach(resetDatabase);

const job = (name: string, data: unknown): RunnableJob => ({ name, data, id: "1", attemptsMade: 0, opts: {}, updateProgress: async () => undefined }) as unknown as RunnableJob;

describe("runJob", () => {
  it("completes a Shopify write for a shop with no offline session as skipped, twice alike", async () => {
    await makeShop(TEST_SHOP);
    const account = await makeLoyalty(TEST_SHOP, 1, 120);
    const sync = job(JobName.LoyaltySyncMetafield, { shop: TEST_SHOP, accountId: account.id.toString() });
    expect(await runJob(buildRegistry(), sync)).toBe("SKIPPED_SHOP_NOT_CONNECTED");
    expect(await runJob(buildRegistry(), sync)).toBe("SKIPPED_SHOP_NOT_CONNECTED");
  });

  it("still fails on anything else: an unknown job name, a handler's own error", async () => {
    await expect(runJob(buildRegistry(), job("no.such-job", {}))).rejects.toBeInstanceOf(UnrecoverableError);
    const failing = { [JobName.WebhooksPrune]: async () => Promise.reject(new Error("disk full")) } as unknown as ReturnType<typeof buildRegistry>;
    await expect(runJob(failing, job(JobName.WebhooksPrune, {}))).rejects.toThrow("disk full");
  });
});
