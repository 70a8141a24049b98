import { describe, expect, it } from "vitest";
import { JobName, JOB_QUEUE, QueueName } from "~/queues/jobs";
import { buildRegistry, HANDLER_MODULES } from "~/workers/registry.server";

const noop = async () => "OK";

describe("job catalogue", () => {
  it("gives every job name exactly one handler and one queue", () => {
    const registry = buildRegistry();
    for (const name of Object.values(JobName)) {
      expect(typeof registry[name]).toBe("function");
      expect(Object.values(QueueName)).toContain(JOB_QUEUE[name]);
    }
  });

  it("refuses to boot with a job that has two handlers", () => {
    expect(() => buildRegistry({ ...HANDLER_MODULES, copy: { [JobName.WebhooksPrune]: noop } })).toThrow(/webhooks.prune has two handlers/);
  });

  it("refuses to boot with a job that has no handler", () => {
    const { [JobName.WebhooksRedrive]: _dropped, ...rest } = HANDLER_MODULES.webhooks!;
    expect(() => buildRegistry({ ...HANDLER_MODULES, webhooks: rest })).toThrow(/webhooks.redrive has no handler/);
  });
});
