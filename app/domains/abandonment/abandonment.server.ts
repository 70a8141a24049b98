/**
 * Facade of checkout abandonment: the minute sweep and the full recompute (jobs), and the reads
 * the admin pages and the report make (daily tables only: milliseconds at any size).
 *
 * Money: abandoned value is summed per checkout currency (presentment), never converted;
 * recovered revenue is the recovering orders' totals in shop money (`shopCurrency`).
 */
import { createHash } from "node:crypto";
import { addDays, dateOnly, localDate, safeTimeZone } from "~/lib/calendar";
import { getShopSettings } from "~/domains/shops/settings.server";
import { abandonmentRate, median, stepFunnel, BREAKDOWN_DIMENSIONS, STEP_SPLITS, type StepSplit, type AbandonmentSettings, type BreakdownDimension } from "~/domains/abandonment/abandonment";
import {
  analyzeOutcomes,
  attributeWindows,
  changeHorizon,
  classifyOutcomes,
  deleteOrphanOutcomes,
  getSweepState,
  inShopTransaction,
  rebuildDays,
  saveSweepState,
  sweepCandidates,
} from "~/domains/abandonment/abandonment.repo.server";
import { listShopsWithCheckouts, readDaily, readBreakdown, readStepCounts, readTopProducts, readRecovered, readShopZone, readShopZoneAndCurrency } from "~/domains/abandonment/reports.repo.server";

type Ctx = { shop: string; asOf: Date; timezone: string; shopCurrency: string | null; settings: AbandonmentSettings; configKey: string };

async function context(shop: string, asOf = new Date()): Promise<Ctx> {
  const [settings, zone] = await Promise.all([getShopSettings(shop), readShopZoneAndCurrency(shop)]);
  const timezone = safeTimeZone(zone.timezone);
  // v: the derivation's version; bumping it makes the next sweep a full recompute (v2: checkout
  // steps; v3: a link recovery needs a qualifying order; v4: point of sale and draft orders
  // excluded; v5: imported checkouts outside the rate).
  const configKey = createHash("sha256").update(JSON.stringify({ a: settings.abandonment, timezone, currency: zone.currency, v: 5 })).digest("hex").slice(0, 16);
  return { shop, asOf, timezone, shopCurrency: zone.currency, settings: settings.abandonment, configKey };
}

/** `customers`: whose abandonment facts changed (incremental runs only; a FULL run needs a whole-shop profile recompute). */
export type AbandonmentRunResult = { mode: "FULL" | "INCREMENTAL"; checkouts: number; days: number; customers: string[] };

const dayText = (d: Date) => dateOnly(d);

/**
 * Full recompute of every checkout of the shop (nightly, threshold/window change, backfill).
 * Idempotent: unchanged outcomes are not rewritten; day tables are rebuilt from outcomes.
 */
export async function recomputeAbandonment(shop: string, opts: { asOf?: Date } = {}): Promise<AbandonmentRunResult> {
  const ctx = await context(shop, opts.asOf);
  return inShopTransaction(shop, async (tx) => {
    const changesSince = await changeHorizon(tx);
    const changed = await classifyOutcomes(tx, shop, "all", { thresholdMinutes: ctx.settings.thresholdMinutes, asOf: ctx.asOf, timezone: ctx.timezone, shopCurrency: ctx.shopCurrency });
    if (changed.count > 1_000) await analyzeOutcomes(tx);
    const windows = await attributeWindows(tx, shop, "all", { windowDays: ctx.settings.attributionWindowDays, asOf: ctx.asOf });
    await deleteOrphanOutcomes(tx, shop);
    await rebuildDays(tx, shop, "all", ctx.asOf);
    await saveSweepState(tx, shop, { changesSince, configKey: ctx.configKey, lastSweepAt: ctx.asOf });
    // Whole-shop: which customers changed is not tracked (it can be all of them); the caller
    // recomputes the shop's profiles next (nightly job, backfill), or enqueues that.
    return { mode: "FULL" as const, checkouts: changed.count + windows.count, days: -1, customers: [] };
  });
}

/**
 * The minute sweep of one shop: classifies new and changed checkouts (and open ones whose
 * threshold passed), re-attributes recoveries of the buyers concerned, rebuilds the days they
 * fall on. Falls back to a full recompute the first time and after a settings change.
 * Returns the customers whose abandonment facts may have changed (their profiles need a recompute).
 */
export async function sweepShop(shop: string, opts: { asOf?: Date } = {}): Promise<AbandonmentRunResult> {
  const ctx = await context(shop, opts.asOf);
  const state = await getSweepState(shop);
  if (!state || state.configKey !== ctx.configKey || !state.changesSince) return recomputeAbandonment(shop, opts);
  const since = state.changesSince;
  return inShopTransaction(shop, async (tx) => {
    // The next sweep's horizon, read before anything is looked at: rows written meanwhile are
    // seen now and again next time (harmless).
    const changesSince = await changeHorizon(tx);
    const recentDay = addDays(localDate(ctx.asOf, ctx.timezone), -7);
    const cands = await sweepCandidates(tx, shop, since, recentDay);
    const changed = cands.tokens.length
      ? (await classifyOutcomes(tx, shop, cands.tokens, { thresholdMinutes: ctx.settings.thresholdMinutes, asOf: ctx.asOf, timezone: ctx.timezone, shopCurrency: ctx.shopCurrency })).rows
      : [];
    const buyers = new Set(cands.buyers);
    for (const r of changed) {
      if (r.buyerKey) buyers.add(r.buyerKey);
      if (r.oldBuyerKey) buyers.add(r.oldBuyerKey);
    }
    const windows = buyers.size ? (await attributeWindows(tx, shop, [...buyers], { windowDays: ctx.settings.attributionWindowDays, asOf: ctx.asOf })).rows : [];
    const days = new Set<string>();
    const customers = new Set<string>();
    // Profiles read only abandoned (and recovered) outcomes: a checkout that completed or is still
    // open changes no customer fact, and recomputing every buyer of the minute (a thousand at a
    // busy shop) queued them ahead of the purchases' own recomputes.
    const counted = (status: string | null) => status === "ABANDONED" || status === "RECOVERED";
    for (const r of changed) {
      days.add(dayText(r.day));
      if (r.oldDay) days.add(dayText(r.oldDay));
      if (r.customerGid && (counted(r.status) || counted(r.oldStatus))) customers.add(r.customerGid);
      if (r.oldCustomerGid && counted(r.oldStatus)) customers.add(r.oldCustomerGid);
    }
    // Window attribution changes revenue figures, not profile facts.
    for (const r of windows) days.add(dayText(r.day));
    await rebuildDays(tx, shop, [...days], ctx.asOf);
    await saveSweepState(tx, shop, { changesSince, configKey: ctx.configKey, lastSweepAt: ctx.asOf });
    return { mode: "INCREMENTAL" as const, checkouts: changed.length, days: days.size, customers: [...customers] };
  });
}

/** Shops the sweep visits: installed ones that have checkouts. */
export async function listShopsToSweep(): Promise<string[]> {
  return listShopsWithCheckouts();
}

// ------------------------------------------------------------------ reads

export type DateRange = { from: string; to: string };

export type AbandonmentKpis = {
  range: DateRange;
  started: number;
  withContact: number;
  completed: number;
  open: number;
  noContact: number;
  abandoned: number;
  /** abandoned ÷ started, with both numbers (null when nothing started). */
  abandonmentRate: { rate: number | null; abandoned: number; started: number };
  /**
   * The history import's abandoned checkouts (Shopify's list, which holds no completed checkout):
   * in the value, the recoveries and the products, never in started, abandoned or the rate.
   */
  imported: { abandoned: number };
  /** Per checkout currency, never converted. */
  abandonedValue: { currency: string; minor: bigint }[];
  recovered: {
    shopCurrency: string | null;
    /** Shopify's rule: the abandoned checkout itself completed later (recovery link). */
    link: { checkouts: number; revenueMinor: bigint; rate: number | null };
    /** Any order of the buyer within the attribution window after abandonment. */
    window: { checkouts: number; revenueMinor: bigint; rate: number | null; days: number };
    medianMinutesToRecover: number | null;
  };
  settings: AbandonmentSettings;
  computedAt: Date | null;
};

/**
 * Abandonment KPIs over a shop-local date range (inclusive), by checkout start day: checkouts
 * started, with contact, completed, abandoned, the rate with its denominator, abandoned value per
 * currency, recovered checkouts and revenue link- and window-attributed side by side, and the
 * median minutes from abandonment to (link) recovery.
 */
export async function getAbandonmentKpis(shop: string, range: DateRange): Promise<AbandonmentKpis> {
  const [rows, settings] = await Promise.all([readDaily(shop, range), getShopSettings(shop)]);
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  const value = new Map<string, bigint>();
  for (const r of rows) value.set(r.currency, (value.get(r.currency) ?? 0n) + r.abandonedValueMinor);
  const abandoned = sum((r) => r.abandoned);
  const imported = sum((r) => r.importedAbandoned);
  // Recovery rates are shares of every abandoned checkout, imported ones included (their
  // recoveries are counted too); only the abandonment rate needs the started denominator.
  const allAbandoned = abandoned + imported;
  const link = sum((r) => r.recoveredLink);
  const win = sum((r) => r.recoveredWindow);
  return {
    range,
    started: sum((r) => r.started),
    withContact: sum((r) => r.withContact),
    completed: sum((r) => r.completed),
    open: sum((r) => r.open),
    noContact: sum((r) => r.noContact),
    abandoned,
    abandonmentRate: abandonmentRate(abandoned, sum((r) => r.started)),
    imported: { abandoned: imported },
    abandonedValue: [...value].map(([currency, minor]) => ({ currency, minor })).sort((a, b) => (b.minor > a.minor ? 1 : -1)),
    recovered: {
      shopCurrency: rows.find((r) => r.shopCurrency)?.shopCurrency ?? null,
      link: { checkouts: link, revenueMinor: rows.reduce((a, r) => a + r.recoveredLinkMinor, 0n), rate: allAbandoned ? link / allAbandoned : null },
      window: { checkouts: win, revenueMinor: rows.reduce((a, r) => a + r.recoveredWindowMinor, 0n), rate: allAbandoned ? win / allAbandoned : null, days: settings.abandonment.attributionWindowDays },
      medianMinutesToRecover: median(rows.flatMap((r) => r.recoveryMinutes)),
    },
    settings: settings.abandonment,
    computedAt: rows.reduce<Date | null>((a, r) => (!a || r.computedAt > a ? r.computedAt : a), null),
  };
}

export type AbandonmentTrendPoint = {
  day: string;
  started: number;
  abandoned: number;
  /** Abandoned checkouts of the history import, outside the rate (see AbandonmentKpis.imported). */
  importedAbandoned: number;
  rate: number | null;
  recoveredLink: number;
  recoveredWindow: number;
  recoveredLinkMinor: bigint;
  recoveredWindowMinor: bigint;
  abandonedValue: { currency: string; minor: bigint }[];
};

/** Day by day over the range (days without checkouts included, as zeros). */
export async function getAbandonmentTrend(shop: string, range: DateRange): Promise<AbandonmentTrendPoint[]> {
  const rows = await readDaily(shop, range);
  const byDay = new Map<string, AbandonmentTrendPoint>();
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    byDay.set(d, { day: d, started: 0, abandoned: 0, importedAbandoned: 0, rate: null, recoveredLink: 0, recoveredWindow: 0, recoveredLinkMinor: 0n, recoveredWindowMinor: 0n, abandonedValue: [] });
    if (byDay.size > 3660) break;
  }
  for (const r of rows) {
    const p = byDay.get(dateOnly(r.day));
    if (!p) continue;
    p.started += r.started;
    p.abandoned += r.abandoned;
    p.importedAbandoned += r.importedAbandoned;
    p.recoveredLink += r.recoveredLink;
    p.recoveredWindow += r.recoveredWindow;
    p.recoveredLinkMinor += r.recoveredLinkMinor;
    p.recoveredWindowMinor += r.recoveredWindowMinor;
    if (r.abandonedValueMinor > 0n) p.abandonedValue.push({ currency: r.currency, minor: r.abandonedValueMinor });
  }
  return [...byDay.values()].map((p) => ({ ...p, rate: abandonmentRate(p.abandoned, p.started).rate }));
}

export type BreakdownRow = { value: string; started: number; withContact: number; completed: number; abandoned: number; recoveredLink: number; rate: number | null };

/**
 * Abandonment by one dimension (channel, source, landingPage, device) over the range, biggest
 * first. Only what checkouts/* payloads carry (see abandonment.ts for each dimension's meaning).
 */
export async function getAbandonmentBreakdown(shop: string, range: DateRange, dimension: BreakdownDimension, limit = 20): Promise<BreakdownRow[]> {
  if (!BREAKDOWN_DIMENSIONS.includes(dimension)) return [];
  const rows = await readBreakdown(shop, range, dimension, Math.min(Math.max(limit, 1), 200));
  return rows.map((r) => ({ ...r, rate: abandonmentRate(r.abandoned, r.started).rate }));
}

/**
 * Where checkouts stop, step by step (abandonment.ts stepFunnel), over the range: the whole funnel
 * or one per value of a split (device, channel, source), the values with most checkouts first.
 */
export async function getStepFunnels(shop: string, range: DateRange, split: StepSplit, limit = 5) {
  if (!STEP_SPLITS.includes(split)) return [];
  const rows = await readStepCounts(shop, range, split, Math.min(Math.max(limit, 1), 20));
  const byValue = new Map<string, typeof rows>();
  for (const r of rows) byValue.set(r.value, [...(byValue.get(r.value) ?? []), r]);
  return [...byValue]
    .map(([value, counts]) => ({ value, started: counts.reduce((n, r) => n + r.started, 0), steps: stepFunnel(counts) }))
    .sort((a, b) => b.started - a.started || a.value.localeCompare(b.value));
}

/** Products most often in abandoned checkouts over the range (value in each checkout currency). */
export async function getTopAbandonedProducts(shop: string, range: DateRange, limit = 10) {
  return readTopProducts(shop, range, Math.min(Math.max(limit, 1), 100));
}

/**
 * Recovered checkouts, newest recovery first, keyset-paginated. `attribution`: "link" (the
 * checkout itself completed after abandonment) or "window" (any order of the buyer in the window).
 */
export async function listRecoveredCheckouts(shop: string, opts: { attribution?: "link" | "window"; after?: string; limit?: number } = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 250);
  const rows = await readRecovered(shop, opts.attribution ?? "link", opts.after ? decodeAfter(opts.after) : undefined, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    checkouts: page,
    nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([last.recoveredAt.toISOString(), last.token])).toString("base64url") : null,
  };
}

function decodeAfter(cursor: string): { at: Date; token: string } | undefined {
  try {
    const [at, token] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    return { at: new Date(at), token };
  } catch {
    return undefined;
  }
}

/** The default report range: the last 30 shop-local days, today included. */
export async function defaultRange(shop: string, days = 30): Promise<DateRange> {
  const to = localDate(new Date(), safeTimeZone(await readShopZone(shop)));
  return { from: addDays(to, -(days - 1)), to };
}
