import { db } from "~/db.server";
import { QueueName } from "~/queues/jobs";
import { getQueue } from "~/queues/queues.server";

async function check(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), timeoutMs)))]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the database and the queue backend answer; webhook intake needs the database only. */
export async function getHealth() {
  const [database, queue] = await Promise.all([check(() => db().$queryRaw`SELECT 1`), check(() => getQueue(QueueName.Webhooks).count())]);
  return { ok: database, database, queue };
}
