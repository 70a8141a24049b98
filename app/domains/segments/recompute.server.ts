/**
 * Recomputing profiles (facts, RFM, stage) and segment memberships. Three entry points, one set
 * of statements (segments.repo.server.ts), differing only in scope and in where edges come from:
 *
 * - recomputeCustomers: after an event, for a few customers; scores them against the latest
 *   snapshot's quintile edges (falls back to a full recompute when there is no usable snapshot:
 *   none, one of other settings or versions, or one without edges once someone has ordered).
 * - rescoreShop: debounced after incremental work; new edges from the stored facts, and the
 *   customers whose profile they change rescored. After it, the incremental path equals a full
 *   recompute (tested).
 * - recomputeShop: nightly and on demand; facts re-read from orders, new edges, everyone.
 *
 * All are idempotent: rows that would not change are not written, and membership changes are
 * set differences.
 */
import { createHash } from "node:crypto";
import { addDays, localDate, safeTimeZone, startOfLocalDate } from "~/lib/calendar";
import { logger } from "~/lib/logger.server";
import { raw, sql, type Sql } from "~/lib/sql";
import { getShopSettings } from "~/domains/shops/settings.server";
import { STAGE_RULES_VERSION } from "~/domains/journey/stages";
import { RFM_RULES_VERSION, resolveEdges, type EdgeMinimaInput, type RfmEdges } from "~/domains/segments/rfm";
import { compileRule, referencedFacts, RULE_FACTS, validateRule, type CompileContext, type Rule } from "~/domains/segments/rules";
import {
  analyzeMembers,
  analyzeProfiles,
  anyoneWithOrders,
  buildFacts,
  computeEdgeMinima,
  deleteStaleProfiles,
  factsFromProfiles,
  exitAllMembers,
  finishSnapshot,
  lockSegment,
  changedProfileGids,
  findSegmentAnyState,
  getShopRow,
  guessShopCurrency,
  inShopTransaction,
  insertSnapshot,
  latestSnapshot,
  listActiveSegments,
  lockCustomers,
  pruneSnapshots,
  refreshMembership,
  writeProfiles,
  type MembershipDelta,
  type Scope,
  type SegmentRow,
  type NewSnapshot,
  type SnapshotRow,
  type Tx,
} from "~/domains/segments/segments.repo.server";

export type AnalyticsContext = {
  shop: string;
  asOf: Date;
  asOfDate: string;
  timezone: string;
  currency: string;
  windowStart: Date;
  considerationStart: Date;
  settings: Awaited<ReturnType<typeof getShopSettings>>;
  /** Changes when anything that shapes scores or stages changes: then a full recompute runs. */
  configKey: string;
};

/** Everything a recompute needs to know about the shop and the moment. */
export async function analyticsContext(shop: string, asOf = new Date()): Promise<AnalyticsContext> {
  const [row, settings] = await Promise.all([getShopRow(shop), getShopSettings(shop)]);
  const timezone = safeTimeZone(row?.ianaTimezone);
  const currency = row?.currency ?? (await guessShopCurrency(shop)) ?? "USD";
  const asOfDate = localDate(asOf, timezone);
  // The window holds `lookbackDays` shop-local days, today included.
  const windowStart = startOfLocalDate(addDays(asOfDate, -(settings.rfm.lookbackDays - 1)), timezone);
  const considerationStart = startOfLocalDate(addDays(asOfDate, -(settings.journey.considerationDays - 1)), timezone);
  const configKey = createHash("sha256")
    .update(JSON.stringify({ RFM_RULES_VERSION, STAGE_RULES_VERSION, rfm: settings.rfm, journey: settings.journey, timezone, currency }))
    .digest("hex")
    .slice(0, 16);
  return { shop, asOf, asOfDate, timezone, currency, windowStart, considerationStart, settings, configKey };
}

function compileContext(ctx: AnalyticsContext): CompileContext {
  return { currency: ctx.currency, timezone: ctx.timezone, asOf: ctx.asOf };
}

/** The values of the facts a rule reads, as a jsonb object (kept with each membership event). */
function factsJsonSql(rule: Rule, alias = "p"): Sql {
  const pairs = referencedFacts(rule).map((fact) => raw(`'${fact}', ${alias}."${RULE_FACTS[fact].column}"`));
  return pairs.length ? sql`jsonb_build_object(${pairs.reduce((acc, p, i) => (i === 0 ? p : sql`${acc}, ${p}`), raw(""))})` : raw("'{}'::jsonb");
}

async function refreshSegments(tx: Tx, ctx: AnalyticsContext, segments: SegmentRow[], scope: Scope): Promise<MembershipDelta[]> {
  const deltas: MembershipDelta[] = [];
  for (const segment of segments) {
    const parsed = validateRule(segment.rule);
    if (!parsed.ok) {
      // Stored rules were validated on save; one that no longer parses (a fact removed in a new
      // version) is skipped, loudly, rather than emptying the segment.
      logger.error({ shop: ctx.shop, segmentId: segment.id.toString(), fieldErrors: parsed.fieldErrors }, "stored segment rule no longer validates");
      continue;
    }
    deltas.push(
      await refreshMembership(tx, ctx.shop, segment, compileRule(parsed.rule, compileContext(ctx)), factsJsonSql(parsed.rule), scope, ctx.asOf, ctx.asOfDate),
    );
  }
  return deltas;
}

/**
 * Whole-shop segment refreshes this many at a time, each in its own transaction on its own
 * connection. A large one is a single-threaded stream of inserts in Postgres (164,000 members and
 * their events: 1.6 s); two at once use both cores of a 2-core server (cold full recompute of the
 * 200,000-customer bench shop: memberships 3.3 s one after another).
 */
const SEGMENT_LANES = 2;

/**
 * Re-materializes segments for every customer, under the shared shop lock and each segment's own
 * lock (per-customer refreshes of a segment serialize with it on its row). Largest first, so the
 * lanes finish together.
 */
async function materializeSegments(ctx: AnalyticsContext, segments: SegmentRow[]): Promise<MembershipDelta[]> {
  const queue = [...segments].sort((a, b) => b.memberCount - a.memberCount || Number(a.id - b.id));
  const deltas: MembershipDelta[] = [];
  const lane = async () => {
    while (queue.length) {
      const segment = queue.shift()!;
      const refreshed = await inShopTransaction(ctx.shop, "shared", async (tx) => {
        await lockSegment(tx, segment.id);
        return refreshSegments(tx, ctx, [segment], "all");
      });
      deltas.push(...refreshed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEGMENT_LANES, queue.length) }, lane));
  // A large materialization leaves the planner thinking the segment holds the handful of rows it
  // held before: the member page then joined 200,000 rows in ~1 s until autovacuum analyzed it.
  if (deltas.reduce((n, d) => n + d.entered + d.exited, 0) > 1_000) await analyzeMembers();
  return deltas.sort((a, b) => Number(a.segmentId - b.segmentId));
}

function snapshotEdges(s: SnapshotRow): RfmEdges | null {
  if (s.customersScored === 0 || s.frequencyEdges.length !== 4) return null;
  return { recency: s.recencyEdges.map((d) => d.toISOString().slice(0, 10)), frequency: s.frequencyEdges, monetary: s.monetaryEdges };
}

/** Whether freshly resolved edges and modes are the ones the snapshot holds. */
function sameEdges(resolved: ReturnType<typeof resolveEdges>, snapshot: SnapshotRow): boolean {
  const text = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
  return (
    text(resolved.edges) === text(snapshotEdges(snapshot)) &&
    resolved.modes.frequency === snapshot.frequencyMode &&
    resolved.modes.recency === snapshot.recencyMode &&
    resolved.modes.monetary === snapshot.monetaryMode
  );
}

/** Closes a whole-shop run: its duration and prospects count on the snapshot, old snapshots pruned. */
async function finishRun(shop: string, snapshotId: bigint, started: number): Promise<{ prospects: number; durationMs: number }> {
  const durationMs = Date.now() - started;
  const prospects = await inShopTransaction(shop, "shared", async (tx) => {
    const n = await finishSnapshot(tx, shop, snapshotId, durationMs);
    await pruneSnapshots(tx, shop);
    return n;
  });
  return { prospects, durationMs };
}

export type ShopRecomputeResult = {
  scored: number;
  prospects: number;
  changed: number;
  transitions: number;
  removed: number;
  memberships: MembershipDelta[];
  snapshotId: bigint;
  durationMs: number;
};

/**
 * Whole-shop recompute. `source: "orders"` re-derives every fact from the normalized tables
 * (nightly, settings change, backfill); `"profiles"` reuses stored facts and only refreshes edges,
 * scores, stages and memberships (the debounced rescore).
 */
export async function recomputeShop(shop: string, opts: { asOf?: Date; source?: "orders" | "profiles" } = {}): Promise<ShopRecomputeResult> {
  const started = Date.now();
  const ctx = await analyticsContext(shop, opts.asOf);
  const segments = await listActiveSegments(shop);
  const profiles = await inShopTransaction(
    shop,
    "exclusive",
    async (tx) => {
      if (opts.source === "profiles") await factsFromProfiles(tx, shop);
      else await buildFacts(tx, shop, "all", ctx);
      const minima = await computeEdgeMinima(tx);
      const resolved = resolveEdges(minima, ctx.settings.rfm, ctx.currency, ctx.asOfDate, addDays);
      const snapshotId = await insertSnapshot(tx, snapshotRow(ctx, resolved, minima));
      const written = await writeProfiles(tx, shop, { ...ctx, scope: "all", edges: resolved.edges, snapshotId });
      if (written.changed > 1_000) await analyzeProfiles(tx);
      const removed = await deleteStaleProfiles(tx, shop, "all");
      return { scored: minima.scored, snapshotId, changed: written.changed, transitions: written.transitions, removed: removed.length };
    },
  );
  // Memberships follow the committed profiles (for a second or two, a page may show a profile's new
  // group before its segments catch up; every path converges on the same rows).
  const memberships = await materializeSegments(ctx, segments);
  return { ...profiles, ...(await finishRun(shop, profiles.snapshotId, started)), memberships };
}

/**
 * The debounced catch-up after incremental work: new quintile edges from the stored facts. Edges
 * rarely move with a few orders, so they are computed first under the shared lock (per-customer
 * recomputes go on); only when they changed is anyone rescored. Null when nothing changed.
 */
export async function rescoreShop(shop: string, opts: { asOf?: Date; chunk?: number } = {}): Promise<ShopRecomputeResult | null> {
  const started = Date.now();
  const ctx = await analyticsContext(shop, opts.asOf);
  const snapshot = await latestSnapshot(shop);
  if (!snapshot || snapshot.configKey !== ctx.configKey || snapshot.rulesVersion !== RFM_RULES_VERSION) {
    return recomputeShop(shop, { asOf: opts.asOf, source: "profiles" });
  }
  // New edges are recorded in the same transaction that picks who they change (per-customer
  // recomputes score against them from its commit on). Edges that moved a little change the
  // scores of the few customers between old and new edges: a read-only pass over the stored
  // profiles lists exactly the rows a rewrite would change (the same change test writeProfiles
  // applies), and only those are rescored. Memberships of the rest stay as they are, their
  // profiles being unchanged; rules on dates alone catch up nightly, as for any quiet customer.
  const picked = await inShopTransaction(shop, "shared", async (tx) => {
    await factsFromProfiles(tx, shop);
    const minima = await computeEdgeMinima(tx);
    const resolved = resolveEdges(minima, ctx.settings.rfm, ctx.currency, ctx.asOfDate, addDays);
    if (sameEdges(resolved, snapshot)) return null;
    const snapshotId = await insertSnapshot(tx, snapshotRow(ctx, resolved, minima));
    const stale = await changedProfileGids(tx, shop, { ...ctx, scope: "all", edges: resolved.edges, snapshotId });
    return { scored: minima.scored, edges: resolved.edges, snapshotId, stale };
  });
  if (!picked) return null;
  // Each chunk its own short transaction under the shared lock with its customers locked and their
  // facts re-read, so an order arriving meanwhile is neither lost nor waits long.
  const segments = await listActiveSegments(shop);
  const totals = new Map<bigint, MembershipDelta>(segments.map((s) => [s.id, { segmentId: s.id, entered: 0, exited: 0 }]));
  const chunk = opts.chunk ?? 500;
  let changed = 0;
  let transitions = 0;
  for (let i = 0; i < picked.stale.length; i += chunk) {
    const gids = picked.stale.slice(i, i + chunk);
    await inShopTransaction(shop, "shared", async (tx) => {
      await lockCustomers(tx, shop, gids);
      await factsFromProfiles(tx, shop, gids);
      const written = await writeProfiles(tx, shop, { ...ctx, scope: gids, edges: picked.edges, snapshotId: picked.snapshotId });
      changed += written.changed;
      transitions += written.transitions;
      for (const d of await refreshSegments(tx, ctx, segments, gids)) {
        const t = totals.get(d.segmentId)!;
        t.entered += d.entered;
        t.exited += d.exited;
      }
    });
  }
  const memberships = [...totals.values()];
  return { scored: picked.scored, snapshotId: picked.snapshotId, changed, transitions, removed: 0, ...(await finishRun(shop, picked.snapshotId, started)), memberships };
}

function snapshotRow(ctx: AnalyticsContext, resolved: ReturnType<typeof resolveEdges>, minima: EdgeMinimaInput): NewSnapshot {
  return {
    shop: ctx.shop,
    rulesVersion: RFM_RULES_VERSION,
    asOf: ctx.asOf,
    timezone: ctx.timezone,
    lookbackDays: ctx.settings.rfm.lookbackDays,
    windowStart: ctx.windowStart,
    currency: ctx.currency,
    frequencyMode: resolved.modes.frequency,
    recencyMode: resolved.modes.recency,
    monetaryMode: resolved.modes.monetary,
    singleOrderShare: resolved.singleOrderShare,
    recencyEdges: resolved.edges?.recency ?? [],
    frequencyEdges: resolved.edges?.frequency ?? [],
    monetaryEdges: resolved.edges?.monetary ?? [],
    customersScored: minima.scored,
    windowCustomers: minima.inWindow,
    configKey: ctx.configKey,
  };
}

export type CustomerRecomputeResult =
  | { mode: "INCREMENTAL"; changed: number; removed: string[]; memberships: MembershipDelta[] }
  | { mode: "FULL"; result: ShopRecomputeResult };

/**
 * Recomputes a few customers after their data changed. Without a usable snapshot, the shop is
 * recomputed whole instead: none at all (first event of a new shop), one made under other
 * settings or rule versions (settings just changed: scores are only meaningful against edges of
 * the same configuration), or one without edges (nobody was scored when it was made) once one of
 * these customers has a qualifying order: scored against no edges, a shop's first buyers would
 * stay prospects until the debounced rescore. Customers still without orders are prospects
 * whatever the edges, so events of a shop nobody has bought from yet stay incremental.
 */
export async function recomputeCustomers(shop: string, customerGids: string[], opts: { asOf?: Date } = {}): Promise<CustomerRecomputeResult> {
  const ctx = await analyticsContext(shop, opts.asOf);
  const snapshot = await latestSnapshot(shop);
  if (!snapshot || snapshot.configKey !== ctx.configKey || snapshot.rulesVersion !== RFM_RULES_VERSION) {
    return { mode: "FULL", result: await recomputeShop(shop, { asOf: opts.asOf }) };
  }
  const edges = snapshotEdges(snapshot);
  const segments = await listActiveSegments(shop);
  const incremental = await inShopTransaction(shop, "shared", async (tx) => {
    await lockCustomers(tx, shop, customerGids);
    await buildFacts(tx, shop, customerGids, ctx);
    // Nothing written yet: the transaction ends without a trace and the whole shop is recomputed.
    if (!edges && (await anyoneWithOrders(tx))) return null;
    const written = await writeProfiles(tx, shop, { ...ctx, scope: customerGids, edges, snapshotId: snapshot.id });
    const removed = await deleteStaleProfiles(tx, shop, customerGids);
    const memberships = await refreshSegments(tx, ctx, segments, customerGids);
    return { mode: "INCREMENTAL" as const, changed: written.changed, removed, memberships };
  });
  return incremental ?? { mode: "FULL", result: await recomputeShop(shop, { asOf: opts.asOf }) };
}

/**
 * (Re)materializes one segment for every customer: after it is created or its rule changes. A
 * deleted segment's members all exit. Null when the segment never existed.
 */
export async function materializeSegment(shop: string, segmentId: bigint, opts: { asOf?: Date } = {}): Promise<MembershipDelta | null> {
  const segment = await findSegmentAnyState(shop, segmentId);
  if (!segment) return null;
  const ctx = await analyticsContext(shop, opts.asOf);
  if (!segment.deletedAt) return (await materializeSegments(ctx, [segment]))[0] ?? null;
  return inShopTransaction(shop, "shared", async (tx) => {
    await lockSegment(tx, segmentId);
    return { segmentId, entered: 0, exited: await exitAllMembers(tx, shop, segment, ctx.asOf) };
  });
}

/** Rule preview / explanation need the same compile context as materialization. */
export async function ruleCompileContext(shop: string, asOf = new Date()): Promise<CompileContext> {
  return compileContext(await analyticsContext(shop, asOf));
}
