/**
 * The only PrismaClient. Created on first use, after the bootstrap has settled DATABASE_URL;
 * kept on globalThis so Vite's dev-server reloads do not open a new pool each time.
 */
import { PrismaClient, type Prisma } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { pgPoolConfig } from "../prisma/pg";
import { databaseUrl } from "~/env.server";


const holder = globalThis as unknown as { __prisma?: PrismaClient; __pool?: pg.Pool };

/** One pg pool per process, shared by Prisma and the few hot-path statements that use it directly. */
function pool(): pg.Pool {
  holder.__pool ??= new pg.Pool(pgPoolConfig(databaseUrl()));
  return holder.__pool;
}

export function db(): PrismaClient {
  holder.__prisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return holder.__prisma;
}

/**
 * The pg pool behind db(), for a statement on a measured hot path only (webhook intake). Prisma's
 * Wasm query compiler spends ~0.8 ms of CPU per 15 KB delivery row there; plain pg does not.
 */
export function sqlPool(): pg.Pool {
  return pool();
}

export async function disconnectDb() {
  const client = holder.__prisma;
  const p = holder.__pool;
  holder.__prisma = undefined;
  holder.__pool = undefined;
  await client?.$disconnect();
  await p?.end().catch(() => undefined);
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
