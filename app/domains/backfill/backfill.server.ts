/**
 * History backfill through Admin GraphQL bulk operations, as a resumable state machine stored in
 * BackfillRun: CUSTOMERS → ORDERS → ABANDONED_CHECKOUTS (each: start a bulk query, poll it, stream
 * its JSONL) → RECOMPUTE (abandonment + segments, whole shop) → DONE.
 *
 * Each call of runBackfillStep does a bounded amount of work and says when to be called again;
 * the job re-enqueues itself. A worker killed mid-file loses at most one uncommitted batch: the
 * applied line count is committed with each batch, and a resumed run re-downloads the file (the
 * URL is valid for a week) and skips what was applied. Applying twice is harmless anyway: objects
 * go through the webhook domain code (upserts by GID, older updated_at dropped).
 *
 * A phase whose bulk result is lost (the operation FAILED with INTERNAL_SERVER_ERROR or TIMEOUT,
 * it EXPIRED, or its file answers non-2xx) runs its bulk query again from the first line, at most
 * MAX_PHASE_RETRIES times; what cannot succeed by retrying (ACCESS_DENIED, an INVALID query) fails
 * the run at once, with Shopify's reason.
 */
import { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { logger } from "~/lib/logger.server";
import { parseJsonLossless } from "~/lib/json";
import { adminFor, adminQuery, type AdminGraphql } from "~/shopify/admin.server";
import { BackfillAbandonedCheckouts } from "~/shopify/operations/BackfillAbandonedCheckouts";
import { BackfillBulkOperation } from "~/shopify/operations/BackfillBulkOperation";
import { BackfillBulkQueryRun } from "~/shopify/operations/BackfillBulkQueryRun";
import { BackfillCustomers } from "~/shopify/operations/BackfillCustomers";
import { BackfillOrders } from "~/shopify/operations/BackfillOrders";
import { applyCheckoutPayload } from "~/domains/checkouts/checkouts.server";
import { applyCustomerPayload } from "~/domains/customers/customers.server";
import { applyOrderPayload } from "~/domains/orders/orders.server";
import { recomputeAbandonment } from "~/domains/abandonment/abandonment.server";
import { recomputeShop } from "~/domains/segments/recompute.server";
import { CheckoutPayloadSchema, CustomerPayloadSchema, OrderPayloadSchema } from "~/webhooks/payloads";
import {
  abandonedCheckoutPayload,
  customerPayload,
  groupRoots,
  judgeBulkOperation,
  MAX_PHASE_RETRIES,
  MAX_STALLS,
  nextPhase,
  orderPayload,
  shouldWaitFor,
  stallDueAt,
  STALL_AFTER_MS,
  type BackfillPhase,
  type JsonObject,
} from "~/domains/backfill/backfill";
import {
  applyBatch,
  countStall,
  failStalledRun,
  findOrCreateRun,
  getRun,
  latestRun,
  listIdleRuns,
  noteRunError,
  rememberShopifyRfmGroups,
  updateRun,
  type BackfillRunRow,
} from "~/domains/backfill/backfill.repo.server";
import type { SqlClient } from "~/db.server";

const QUERIES: Partial<Record<BackfillPhase, string>> = {
  CUSTOMERS: BackfillCustomers,
  ORDERS: BackfillOrders,
  ABANDONED_CHECKOUTS: BackfillAbandonedCheckouts,
};

/** How many root objects go into one transaction (and one progress commit). */
const BATCH = 250;

export type StepOutcome = {
  outcome: "STARTED" | "RUNNING" | "IMPORTED" | "DOWNLOAD_FAILED" | "RESTARTED" | "PHASE_DONE" | "COMPLETED" | "FAILED" | "MISSING" | "FINISHED_ALREADY";
  againInMs: number | null;
};

export type StepOptions = { admin?: AdminGraphql; budgetMs?: number; fetch?: typeof fetch; pollMs?: number; batchSize?: number };

/** Starts, resumes (a FAILED latest run) or returns the running backfill of a shop. The caller enqueues backfill.run. */
export async function startBackfill(shop: string) {
  return findOrCreateRun(shop);
}

function stripGraphqlTag(query: string): string {
  return query.replace("#graphql", "").trim();
}

type BulkOperation = { id: string; status: string; errorCode: string | null; objectCount: string; rootObjectCount: string; url: string | null; partialDataUrl: string | null };

/**
 * The result file answered non-2xx: its signed URL expired (7 days after the operation completed)
 * or storage refused it. Retrying the same URL cannot help; the operation is polled again.
 */
class ResultUnavailableError extends Error {
  constructor(readonly status: number) {
    super(`bulk result download answered ${status}`);
    this.name = "ResultUnavailableError";
  }
}

async function* jsonlLines(url: string, skip: number, fetchImpl: typeof fetch): AsyncGenerator<{ index: number; object: JsonObject }> {
  const res = await fetchImpl(url);
  if (!res.ok || !res.body) throw new ResultUnavailableError(res.status);
  const lines = createInterface({ input: Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), crlfDelay: Infinity });
  let index = 0;
  for await (const line of lines) {
    const current = index++;
    if (current < skip || !line.trim()) continue;
    yield { index: current, object: parseJsonLossless(line) as JsonObject };
  }
}

async function applyRoot(sql: SqlClient, shop: string, phase: BackfillPhase, root: JsonObject, children: JsonObject[], now: Date, rfm: { customerGid: string; group: string | null }[]) {
  if (phase === "CUSTOMERS") {
    const { payload, rfmGroup } = customerPayload(root);
    const parsed = CustomerPayloadSchema.safeParse(payload);
    if (!parsed.success) return false;
    await applyCustomerPayload(sql, shop, parsed.data, now);
    rfm.push({ customerGid: String(root.id), group: rfmGroup });
    return true;
  }
  if (phase === "ORDERS") {
    const parsed = OrderPayloadSchema.safeParse(orderPayload(root, children));
    if (!parsed.success) return false;
    await applyOrderPayload(sql, shop, parsed.data, now);
    return true;
  }
  const parsed = CheckoutPayloadSchema.safeParse(abandonedCheckoutPayload(root, children));
  if (!parsed.success) return false;
  await applyCheckoutPayload(sql, shop, parsed.data, now, "import");
  return true;
}

/** Streams the phase's JSONL from where the run stopped, within the time budget. */
async function importFile(run: BackfillRunRow, url: string, opts: Required<Pick<StepOptions, "budgetMs" | "fetch" | "batchSize">>): Promise<"DONE" | "MORE"> {
  const phase = run.phase as BackfillPhase;
  const deadline = Date.now() + opts.budgetMs;
  const imported = { ...(run.objectsImported as Record<string, number>) };
  const key = phase.toLowerCase();
  let batch: { root: JsonObject; children: JsonObject[]; lastIndex: number }[] = [];
  let linesDone = run.linesDone;
  const flush = async () => {
    if (!batch.length) return;
    const now = new Date();
    const upTo = batch[batch.length - 1]!.lastIndex + 1;
    let ok = 0;
    let rejected = 0;
    await applyBatch(run.id, upTo, imported, async (sql) => {
      const rfm: { customerGid: string; group: string | null }[] = [];
      for (const item of batch) {
        if (await applyRoot(sql, run.shop, phase, item.root, item.children, now, rfm)) ok++;
        else rejected++;
      }
      await rememberShopifyRfmGroups(sql, run.shop, rfm);
      imported[key] = (imported[key] ?? 0) + ok;
      if (rejected) imported[`${key}Rejected`] = (imported[`${key}Rejected`] ?? 0) + rejected;
      // applyBatch records `imported` after fn: the counters above are part of this commit.
    });
    linesDone = upTo;
    batch = [];
  };
  for await (const group of groupRoots(jsonlLines(url, run.linesDone, opts.fetch))) {
    batch.push(group);
    if (batch.length >= opts.batchSize) {
      await flush();
      if (Date.now() > deadline) return "MORE";
    }
  }
  await flush();
  logger.info({ shop: run.shop, phase, linesDone }, "backfill phase imported");
  return "DONE";
}

/**
 * One step of a shop's backfill (handler of backfill.run). Idempotent: it reads the stored state
 * and does the next thing; `againInMs` says when to run the next step (null: finished).
 */
export async function runBackfillStep(shop: string, runId: bigint, opts: StepOptions = {}): Promise<StepOutcome> {
  const run = await getRun(shop, runId);
  if (!run) return { outcome: "MISSING", againInMs: null };
  if (run.status !== "RUNNING") return { outcome: "FINISHED_ALREADY", againInMs: null };
  const phase = run.phase as BackfillPhase;
  const pollMs = opts.pollMs ?? 5_000;

  if (phase === "RECOMPUTE") {
    await recomputeAbandonment(shop);
    await recomputeShop(shop);
    await updateRun(run.id, { phase: "DONE", status: "COMPLETED", finishedAt: new Date() });
    return { outcome: "COMPLETED", againInMs: null };
  }
  if (phase === "DONE") {
    await updateRun(run.id, { status: "COMPLETED", finishedAt: run.finishedAt ?? new Date() });
    return { outcome: "COMPLETED", againInMs: null };
  }

  const admin = opts.admin ?? (await adminFor(shop));
  if (!run.bulkOperationGid) {
    const data = await adminQuery<{ bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: { message: string; code?: string | null }[] } }>(
      admin,
      BackfillBulkQueryRun,
      { query: stripGraphqlTag(QUERIES[phase]!) },
    );
    const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
    if (!bulkOperation) {
      const message = userErrors.map((e) => e.message).join("; ").slice(0, 500);
      if (shouldWaitFor(userErrors)) {
        // Another bulk query of the shop is still running (ours or another app's), or the limit: wait.
        await updateRun(run.id, { error: message });
        return { outcome: "RUNNING", againInMs: pollMs * 6 };
      }
      // INVALID (or an error without a code) answers the same on every try.
      if (!userErrors.length) throw new Error("bulkOperationRunQuery returned neither an operation nor userErrors");
      await updateRun(run.id, { status: "FAILED", error: message, finishedAt: new Date() });
      return { outcome: "FAILED", againInMs: null };
    }
    await updateRun(run.id, { bulkOperationGid: bulkOperation.id, bulkStatus: bulkOperation.status, linesDone: 0, resultUrl: null, error: null });
    return { outcome: "STARTED", againInMs: pollMs };
  }

  let url = run.resultUrl;
  let objectsImported = run.objectsImported;
  if (!url) {
    const data = await adminQuery<{ bulkOperation: BulkOperation | null }>(admin, BackfillBulkOperation, { id: run.bulkOperationGid });
    const op = data.bulkOperation;
    const verdict = judgeBulkOperation(op);
    if (verdict.kind === "RETRY") return retryPhase(run, verdict.reason);
    if (verdict.kind === "FAIL" || !op) {
      // The operation is dropped, so a resumed run asks for a new one (a granted scope, say).
      const error = verdict.kind === "FAIL" ? verdict.reason : "bulk operation not found";
      await updateRun(run.id, { ...NO_OPERATION, status: "FAILED", bulkStatus: op?.status ?? null, error, finishedAt: new Date() });
      return { outcome: "FAILED", againInMs: null };
    }
    // What the progress bar divides the imported objects by: root objects only (customers, orders,
    // checkouts); objectCount counts their line items too. Recorded on the completing poll as well,
    // since an operation may already be COMPLETED when first polled.
    const seen = { ...(run.objectsImported as object), [`${phase.toLowerCase()}Seen`]: Number(op.rootObjectCount) };
    if (verdict.kind === "WAIT") {
      await updateRun(run.id, { bulkStatus: op.status, objectsImported: seen });
      return { outcome: "RUNNING", againInMs: pollMs };
    }
    if (!op.url) {
      // Completed with no objects: Shopify gives no file.
      await updateRun(run.id, { phase: nextPhase(phase), phaseRetries: 0, ...NO_OPERATION });
      return { outcome: "PHASE_DONE", againInMs: 0 };
    }
    url = op.url;
    await updateRun(run.id, { bulkStatus: op.status, resultUrl: url, objectsImported: seen });
    objectsImported = seen;
  }
  let done: "DONE" | "MORE";
  try {
    done = await importFile({ ...run, resultUrl: url, objectsImported }, url, { budgetMs: opts.budgetMs ?? 25_000, fetch: opts.fetch ?? fetch, batchSize: opts.batchSize ?? BATCH });
  } catch (error) {
    if (!(error instanceof ResultUnavailableError)) throw error;
    // Forget the URL and poll the operation again: EXPIRED starts the phase over, COMPLETED hands
    // out the file again. Counted, so a file that never downloads ends the run.
    if (run.phaseRetries >= MAX_PHASE_RETRIES) return failPhase(run, error.message);
    await updateRun(run.id, { resultUrl: null, phaseRetries: { increment: 1 }, error: error.message });
    return { outcome: "DOWNLOAD_FAILED", againInMs: pollMs };
  }
  if (done === "MORE") return { outcome: "IMPORTED", againInMs: 0 };
  await updateRun(run.id, { phase: nextPhase(phase), phaseRetries: 0, ...NO_OPERATION });
  return { outcome: "PHASE_DONE", againInMs: 0 };
}

/** The run's current bulk operation forgotten: the next step starts a new one. */
const NO_OPERATION = { bulkOperationGid: null, bulkStatus: null, resultUrl: null, linesDone: 0 } as const;

/**
 * The phase's bulk result is lost (see judgeBulkOperation): its bulk query runs again, from the
 * first line. Re-applying what was applied is harmless (upserts by GID, stale updated_at dropped);
 * the phase's counters restart with it so they still count each object once.
 */
async function retryPhase(run: BackfillRunRow, reason: string): Promise<StepOutcome> {
  if (run.phaseRetries >= MAX_PHASE_RETRIES) return failPhase(run, reason);
  const key = run.phase.toLowerCase();
  const { [key]: _applied, [`${key}Rejected`]: _rejected, ...imported } = run.objectsImported as Record<string, number>;
  logger.warn({ shop: run.shop, phase: run.phase, reason, retry: run.phaseRetries + 1 }, "backfill phase starts over");
  await updateRun(run.id, { ...NO_OPERATION, objectsImported: imported, phaseRetries: { increment: 1 }, error: reason });
  return { outcome: "RESTARTED", againInMs: 0 };
}

async function failPhase(run: BackfillRunRow, reason: string): Promise<StepOutcome> {
  await updateRun(run.id, { status: "FAILED", error: `${reason} (after ${run.phaseRetries} retries of the phase)`, finishedAt: new Date(), ...NO_OPERATION });
  return { outcome: "FAILED", againInMs: null };
}

/**
 * The stall sweep's candidates: running runs whose next re-queue is due (stallDueAt), split into
 * those to re-queue and those re-queued MAX_STALLS times already, to fail.
 */
export async function findStalledRuns(now: Date) {
  const idle = await listIdleRuns(new Date(now.getTime() - STALL_AFTER_MS), 1_000);
  const due = idle.filter((run) => stallDueAt(run.updatedAt, run.stalls) <= now);
  return { requeue: due.filter((run) => run.stalls < MAX_STALLS), giveUp: due.filter((run) => run.stalls >= MAX_STALLS) };
}

/** Counts a re-queue of a stalled run; false when it progressed meanwhile (nothing to count). */
export async function recordStall(run: BackfillRunRow): Promise<boolean> {
  return countStall(run);
}

/** Fails a run the sweep re-queued MAX_STALLS times in vain, with its last error; the merchant can resume it. */
export async function giveUpStalledRun(run: BackfillRunRow): Promise<boolean> {
  const why = `no progress since ${run.updatedAt.toISOString()}, re-queued ${run.stalls} times`;
  logger.warn({ shop: run.shop, runId: run.id.toString(), phase: run.phase, error: run.error }, "backfill stalled; failed");
  return failStalledRun(run, run.error ? `${why}; last error: ${run.error}` : why);
}

/** A step's retryable error, kept on the run (the sweep's failure message quotes it). */
export async function noteStepError(runId: bigint, error: unknown) {
  await noteRunError(runId, error instanceof Error ? error.message : String(error));
}

export type BackfillProgress = {
  runId: bigint;
  status: string;
  phase: string;
  bulkStatus: string | null;
  linesDone: number;
  imported: Record<string, number>;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
} | null;

/** The shop's latest backfill and where it is (admin progress display, report). */
export async function getBackfillProgress(shop: string): Promise<BackfillProgress> {
  const run = await latestRun(shop);
  if (!run) return null;
  return {
    runId: run.id,
    status: run.status,
    phase: run.phase,
    bulkStatus: run.bulkStatus,
    linesDone: run.linesDone,
    imported: run.objectsImported as Record<string, number>,
    error: run.error,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
  };
}
