import type { Db } from "~/db.server";

/**
 * Serializes the storefront's writers of one resource (a loyalty account, a review request) for
 * the rest of the transaction: a Postgres advisory lock, released at commit or rollback.
 */
export async function lockKey(tx: Db, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
