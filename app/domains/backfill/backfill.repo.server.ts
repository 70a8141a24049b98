/** BackfillRun rows, and the transaction imported objects are applied in. */
import type { Prisma } from "@prisma/client";
import { db, sqlTransaction, type SqlClient } from "~/db.server";

export type BackfillRunRow = Prisma.BackfillRunGetPayload<object>;

/**
 * The shop's running backfill; else its latest run if that one FAILED, resumed where it stopped
 * (same phase and position, its retry budgets renewed); else a new run from the first phase (after
 * a completed import, "import again" means all of it). One at a time per shop.
 */
export async function findOrCreateRun(shop: string): Promise<{ run: BackfillRunRow; created: boolean; resumed: boolean }> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`backfill:${shop}`}, 0))`;
    const running = await tx.backfillRun.findFirst({ where: { shop, status: "RUNNING" }, orderBy: { id: "desc" } });
    if (running) return { run: running, created: false, resumed: false };
    const latest = await tx.backfillRun.findFirst({ where: { shop }, orderBy: { id: "desc" } });
    if (latest?.status === "FAILED") {
      const run = await tx.backfillRun.update({ where: { id: latest.id }, data: { status: "RUNNING", error: null, finishedAt: null, phaseRetries: 0, stalls: 0 } });
      return { run, created: false, resumed: true };
    }
    return { run: await tx.backfillRun.create({ data: { shop, status: "RUNNING", phase: "CUSTOMERS" } }), created: true, resumed: false };
  });
}

export async function getRun(shop: string, id: bigint) {
  return db().backfillRun.findFirst({ where: { shop, id } });
}

export async function latestRun(shop: string) {
  return db().backfillRun.findFirst({ where: { shop }, orderBy: { id: "desc" } });
}

/** Records a step's progress (updatedAt moves: the stall sweep's clock, and its count restarts). */
export async function updateRun(id: bigint, data: Prisma.BackfillRunUncheckedUpdateInput) {
  return db().backfillRun.update({ where: { id }, data: { ...data, stalls: 0 } });
}

/** A step's retryable error, kept for the record; not progress, so updatedAt stays where it was. */
export async function noteRunError(id: bigint, message: string) {
  await db().$executeRaw`UPDATE "BackfillRun" SET error = ${message.slice(0, 500)} WHERE id = ${id} AND status = 'RUNNING'`;
}

/** Running runs without progress since `before` (the stall sweep's candidates). */
export async function listIdleRuns(before: Date, limit: number) {
  return db().backfillRun.findMany({ where: { status: "RUNNING", updatedAt: { lt: before } }, orderBy: { updatedAt: "asc" }, take: limit });
}

/**
 * The sweep re-queued a run: counted, keeping updatedAt (the last progress). Compare-and-set on
 * updatedAt and stalls, so a step that progressed meanwhile, or a second sweep, wins; false then.
 */
export async function countStall(run: Pick<BackfillRunRow, "id" | "updatedAt" | "stalls">): Promise<boolean> {
  const { count } = await db().backfillRun.updateMany({
    where: { id: run.id, status: "RUNNING", updatedAt: run.updatedAt, stalls: run.stalls },
    data: { stalls: run.stalls + 1, updatedAt: run.updatedAt },
  });
  return count === 1;
}

/** The sweep gives up on a run (same compare-and-set as countStall). */
export async function failStalledRun(run: Pick<BackfillRunRow, "id" | "updatedAt" | "stalls">, error: string): Promise<boolean> {
  const { count } = await db().backfillRun.updateMany({
    where: { id: run.id, status: "RUNNING", updatedAt: run.updatedAt, stalls: run.stalls },
    data: { status: "FAILED", error: error.slice(0, 500), finishedAt: new Date(), updatedAt: run.updatedAt },
  });
  return count === 1;
}

/** Applies a batch of imported objects and records the progress in the same transaction. */
export async function applyBatch(runId: bigint, linesDone: number, imported: Record<string, number>, fn: (sql: SqlClient) => Promise<void>) {
  await sqlTransaction(async (sql) => {
    await fn(sql);
    await sql.query(`UPDATE "BackfillRun" SET "linesDone" = $2, "objectsImported" = $3::jsonb, stalls = 0, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`, [
      runId,
      linesDone,
      JSON.stringify(imported),
    ]);
  });
}

/**
 * Shopify's own RFM group for customers, kept on their profile. A customer without a profile yet
 * gets a placeholder one (a known contact, not scored) that the recompute completes.
 */
export async function rememberShopifyRfmGroups(sql: SqlClient, shop: string, groups: { customerGid: string; group: string | null }[]) {
  if (!groups.length) return;
  await sql.query(
    `INSERT INTO "CustomerProfile" (shop, "customerGid", "rfmGroup", "rfmRulesVersion", stage, "stageRulesVersion", "stageSince", "stageReason",
       "computedAt", "shopifyRfmGroup", "shopifyRfmReadAt")
     SELECT $1, g.gid, 'PROSPECTS', 0, 'AWARENESS', 0, now() AT TIME ZONE 'UTC', 'AWARENESS_KNOWN_CONTACT', 'epoch', g.grp, now() AT TIME ZONE 'UTC'
     FROM unnest($2::text[], $3::text[]) AS g(gid, grp)
     ON CONFLICT (shop, "customerGid") DO UPDATE SET "shopifyRfmGroup" = EXCLUDED."shopifyRfmGroup", "shopifyRfmReadAt" = EXCLUDED."shopifyRfmReadAt"`,
    [shop, groups.map((g) => g.customerGid), groups.map((g) => g.group)],
  );
}
