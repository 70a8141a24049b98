/**
 * The only PrismaClient. Created on first use, after the bootstrap has settled DATABASE_URL;
 * kept on globalThis so Vite's dev-server reloads do not open a new pool each time.
 */
import { PrismaClient, type Prisma } from "@prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { pgPoolConfig } from "../prisma/pg";
import { databaseUrl } from "~/env.server";

export function createPrisma(url = databaseUrl()) {
  return new PrismaClient({ adapter: new PrismaPg(pgPoolConfig(url)) });
}

const holder = globalThis as unknown as { __prisma?: PrismaClient };

export function db(): PrismaClient {
  holder.__prisma ??= createPrisma();
  return holder.__prisma;
}

export async function disconnectDb() {
  const client = holder.__prisma;
  holder.__prisma = undefined;
  await client?.$disconnect();
}

/** Postgres errors that mean "the database is not reachable right now", so callers answer 503. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const text = String((error as { code?: string; message?: string })?.code ?? "") + " " + String((error as Error)?.message ?? "");
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|57P0[123]|53300|P1001|P1017|Connection terminated|connect ECONN|DatabaseNotReachable|the database system is (starting up|shutting down)/i.test(text);
}

/** A Prisma client or the client of an interactive transaction; repos accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;
