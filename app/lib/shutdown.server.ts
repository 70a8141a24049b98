import { disconnectDb } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";

/**
 * Releases the web process's connections (queue producers, then the database pool). server.ts
 * calls it through the server build on SIGTERM, after the HTTP server stopped accepting requests.
 */
export async function shutdown(): Promise<void> {
  await closeQueues();
  await disconnectDb();
}
