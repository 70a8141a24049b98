import type { Db } from "~/db.server";

/**
 * Serializes writers of one resource for the rest of the transaction (a Postgres advisory lock,
 * released at commit). Two deliveries about the same order, handled by two workers at once, then
 * apply one after the other, and the updated_at comparison between them is sound.
 */
export async function lockResource(tx: Db, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
