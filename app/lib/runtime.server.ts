/**
 * Process bootstrap shared by the web server, the worker and the demo: settles DATABASE_URL
 * before anything reads it. With DATABASE_URL unset, starts (or attaches to) the embedded Postgres
 * and applies migrations to it; with it set, the operator runs `npm run setup` as part of deploy.
 * Import this first, and the app's modules after it (dynamically).
 */
import { startEmbeddedPostgres } from "~/lib/embedded-postgres.server";
import { migrateDeploy } from "~/lib/migrate.server";

export type Runtime = { embedded: boolean; databaseUrl: string; shutdown: () => Promise<void> };

export async function prepareRuntime(role: "web" | "worker" | "demo" | "test", log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)): Promise<Runtime> {
  if (process.env.DATABASE_URL) {
    return { embedded: false, databaseUrl: process.env.DATABASE_URL, shutdown: async () => undefined };
  }
  const database = await startEmbeddedPostgres(log);
  process.env.DATABASE_URL = database.url;
  await migrateDeploy(database.url);
  log(`[${role}] using the embedded Postgres${database.started ? "" : " started by another process"}`);
  return { embedded: true, databaseUrl: database.url, shutdown: database.stop };
}
