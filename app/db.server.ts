/**
 * The only PrismaClient. Created on first use, after the bootstrap has settled DATABASE_URL;
 * kept on globalThis so Vite's dev-server reloads do not open a new pool each time.
 */
import { PrismaClient, type Prisma } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { pgPoolConfig } from "../prisma/pg";
import { databaseUrl } from "~/env.server";
import { logger } from "~/lib/logger.server";


const holder = globalThis as unknown as { __prisma?: PrismaClient; __pool?: pg.Pool };

/** One pg pool per process, shared by Prisma and the few hot-path statements that use it directly. */
function pool(): pg.Pool {
  if (!holder.__pool) {
    holder.__pool = new pg.Pool(pgPoolConfig(databaseUrl()));
    // An idle connection that Postgres closes (restart, failover, the embedded server stopping)
    // is emitted here; without a listener Node turns it into an uncaught exception and the
    // process dies. The pool drops that connection and opens a new one when needed.
    holder.__pool.on("error", (error: Error & { code?: string }) => logger.warn({ code: error.code, reason: error.message }, "idle database connection closed by the server"));
  }
  return holder.__pool;
}

export function db(): PrismaClient {
  holder.__prisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return holder.__prisma;
}

/**
 * The pg pool behind db(), for measured hot paths only (webhook intake, the worker's delivery
 * transaction). Prisma 6.19's client engine compiles every query in Wasm on the event loop:
 * ~1.1 ms of CPU per model query and ~0.4 ms per raw query here, against ~0.08 ms through pg
 * (Prisma 7.4 caches query plans, but session-storage-prisma pins Prisma 6).
 */
export function sqlPool(): pg.Pool {
  return pool();
}

/** A connection inside a transaction, for plain parameterized SQL. */
export type SqlClient = {
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
};

// Prisma's DateTime columns are `timestamp(3)` without time zone, holding UTC. pg would read them
// as local time and write Dates in local time; both are pinned to UTC here. int8 → bigint, as Prisma.
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
const typeParsers = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === TIMESTAMP_OID) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    if (oid === INT8_OID) return (v: string) => BigInt(v);
    return pg.types.getTypeParser(oid, format as "text");
  }) as typeof pg.types.getTypeParser,
};
const toParam = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === "bigint" ? v.toString() : v);

function sqlClient(client: pg.PoolClient): SqlClient {
  return {
    async query<R>(text: string, values: readonly unknown[] = []) {
      const result = await client.query({ text, values: values.map(toParam), types: typeParsers });
      return result.rows as R[];
    },
  };
}

/** Runs `fn` in one Postgres transaction on a pool connection; rolls back if it throws. */
export async function sqlTransaction<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    const result = await fn(sqlClient(client));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function disconnectDb() {
  const client = holder.__prisma;
  const p = holder.__pool;
  holder.__prisma = undefined;
  holder.__pool = undefined;
  // The pool first, awaited until its connections are closed (Prisma's adapter ends the pool it
  // was given without waiting, so the other order let callers stop Postgres under open sockets).
  await p?.end();
  await client?.$disconnect().catch(() => undefined);
}

const UNREACHABLE_KINDS = new Set(["DatabaseNotReachable", "DatabaseDoesNotExist", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/**
 * Errors that mean "the database is not reachable right now" (callers answer 503 so the sender
 * retries), as opposed to a bug or bad data. Through the driver adapter they arrive as P2010 with
 * the adapter's error kind in `meta`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  if (e?.code === "P1001" || e?.code === "P1017") return true;
  const kind = e?.meta?.driverAdapterError?.cause?.kind;
  if (kind && UNREACHABLE_KINDS.has(kind)) return true;
  return /Can't reach database server|ECONNREFUSED|ECONNRESET|Connection terminated|the database system is (starting up|shutting down)/i.test(e?.message ?? "");
}

/** A Prisma client or the client of an interactive transaction; repos accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;
