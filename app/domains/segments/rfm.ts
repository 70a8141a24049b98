/**
 * RFM, as PRODUCT.md defines it, written once. Pure: the definitions are data (the R×F grid, the
 * fixed F breakpoints, the quintile formula) from which the SQL that scores a whole shop is
 * generated, and from which explanations are read back. Nothing here touches the database.
 *
 * - R = whole shop-local days since the last qualifying order; F = qualifying orders in the
 *   lookback window; M = their net spend (facts.ts defines "qualifying" and "net").
 * - Scores 1-5 relative to the shop's own customers: score = ceil(5 × k / n), k = customers whose
 *   value is at most this one's (R: at least as old). Ties share k, so a score never depends on
 *   row order, and the best value always scores 5. This is SQL's cume_dist() in integer
 *   arithmetic (no float rounding at the fifths).
 * - Who is compared: R over every scored customer (at least one qualifying order, ever); F and M
 *   over the customers with at least one qualifying order IN THE WINDOW, since they count the
 *   window only. A customer whose orders are all older (F = 0, M = 0) scores F 1 and M 1 without
 *   taking part: otherwise lapsed customers filled the bottom quintiles, and with 6 of 10 lapsed
 *   the edges became F [0,0,1,2], so yesterday's one-order buyer was R5 F4, Champions, where the
 *   grid makes R5 F1 New.
 * - When more than `fixedFrequencyShare` (default 40%) of the customers with orders in the window
 *   have exactly one there, F uses the fixed breakpoints 1, 2, 3, 4-5, 6+ instead (quintiles of a
 *   distribution that is mostly 1s say nothing). Merchants may fix any dimension's breakpoints.
 * - Customers without a qualifying order are PROSPECTS, unscored.
 * - Edges: each score's threshold value, stored with the snapshot; the incremental path scores a
 *   changed customer against them, and a debounced shop rescore refreshes them.
 */
import { z } from "zod";
import { MAX_INPUT_AMOUNT, minorDigits, toMinor } from "~/lib/money";
import { raw, sql, type Sql } from "~/lib/sql";

/**
 * Bumped whenever a definition in this file (or the net spend of facts.ts) changes meaning; stored
 * with every score, and part of the config key, so stored scores are recomputed.
 * 2: F and M compared among the customers with orders in the window (F = 0 scores F 1, M 1).
 * 3: net spend (M, amount spent, average order) without the tax a tax-inclusive subtotal holds.
 */
export const RFM_RULES_VERSION = 3;

export const RFM_GROUP_CODES = [
  "CHAMPIONS",
  "LOYAL",
  "POTENTIAL_LOYALISTS",
  "NEW",
  "PROMISING",
  "NEED_ATTENTION",
  "ABOUT_TO_SLEEP",
  "AT_RISK",
  "CANT_LOSE_THEM",
  "HIBERNATING",
  "LOST",
] as const;
export type RfmGroupCode = (typeof RFM_GROUP_CODES)[number];
export const PROSPECTS = "PROSPECTS" as const;
export type RfmGroup = RfmGroupCode | typeof PROSPECTS;
export const RFM_GROUPS_WITH_PROSPECTS: readonly RfmGroup[] = [...RFM_GROUP_CODES, PROSPECTS];

/** Shopify's CustomerRfmGroup values (Customer.statistics.rfmGroup). */
export type ShopifyRfmGroup =
  | "ACTIVE"
  | "ALMOST_LOST"
  | "AT_RISK"
  | "CHAMPIONS"
  | "DORMANT"
  | "LOYAL"
  | "NEEDS_ATTENTION"
  | "NEW"
  | "PREVIOUSLY_LOYAL"
  | "PROMISING"
  | "PROSPECTS";

type Range = readonly [number, number];

/**
 * The R×F grid (PRODUCT.md): every (R, F) cell belongs to exactly one group (a unit test checks
 * the partition). `shopify` is the closest Shopify rfmGroup: our mapping, not Shopify's (Shopify
 * publishes no thresholds), shown so support staff can explain a disagreement.
 */
export const RFM_GRID: readonly { group: RfmGroupCode; r: Range; f: Range; shopify: ShopifyRfmGroup }[] = [
  { group: "CHAMPIONS", r: [5, 5], f: [4, 5], shopify: "CHAMPIONS" },
  { group: "LOYAL", r: [3, 4], f: [4, 5], shopify: "LOYAL" },
  { group: "POTENTIAL_LOYALISTS", r: [4, 5], f: [2, 3], shopify: "ACTIVE" },
  { group: "NEW", r: [5, 5], f: [1, 1], shopify: "NEW" },
  { group: "PROMISING", r: [4, 4], f: [1, 1], shopify: "PROMISING" },
  { group: "NEED_ATTENTION", r: [3, 3], f: [3, 3], shopify: "NEEDS_ATTENTION" },
  { group: "ABOUT_TO_SLEEP", r: [3, 3], f: [1, 2], shopify: "ALMOST_LOST" },
  { group: "AT_RISK", r: [1, 2], f: [3, 4], shopify: "AT_RISK" },
  { group: "CANT_LOSE_THEM", r: [1, 2], f: [5, 5], shopify: "PREVIOUSLY_LOYAL" },
  { group: "HIBERNATING", r: [2, 2], f: [1, 2], shopify: "DORMANT" },
  { group: "LOST", r: [1, 1], f: [1, 2], shopify: "DORMANT" },
];

export function closestShopifyGroup(group: RfmGroup): ShopifyRfmGroup {
  if (group === PROSPECTS) return "PROSPECTS";
  return RFM_GRID.find((g) => g.group === group)!.shopify;
}

/** The grid cell a (R, F) pair falls in. */
export function rfmGroupOf(r: number, f: number): RfmGroupCode {
  const cell = RFM_GRID.find((g) => r >= g.r[0] && r <= g.r[1] && f >= g.f[0] && f <= g.f[1]);
  if (!cell) throw new RangeError(`no RFM group for R ${r} F ${f}`);
  return cell.group;
}

/** The grid as a SQL CASE over two score expressions (PROSPECTS when unscored). */
export function rfmGroupSql(r: Sql, f: Sql): Sql {
  const arms = RFM_GRID.map(
    (g) => sql`WHEN ${r} BETWEEN ${raw(String(g.r[0]))} AND ${raw(String(g.r[1]))} AND ${f} BETWEEN ${raw(String(g.f[0]))} AND ${raw(String(g.f[1]))} THEN '${raw(g.group)}'`,
  );
  return sql`(CASE WHEN ${r} IS NULL THEN '${raw(PROSPECTS)}' ${arms.reduce((acc, arm) => sql`${acc} ${arm}`, raw(""))} END)`;
}

/** F when most customers bought once: 1, 2, 3, 4-5, 6+ → the least F for scores 2, 3, 4, 5. */
export const FIXED_FREQUENCY_EDGES = [2, 3, 4, 6] as const;

const increasing = (list: number[]) => list.every((v, i) => i === 0 || v > list[i - 1]!);

export const RfmSettingsSchema = z.object({
  /** F and M count orders of the last N days (shop-local days, today included). */
  lookbackDays: z.number().int().min(30).max(1825).default(365),
  /** Above this share of one-order customers, F uses FIXED_FREQUENCY_EDGES. */
  fixedFrequencyShare: z.number().min(0.05).max(1).default(0.4),
  /** Merchant override: least window orders for F 2, 3, 4, 5. */
  frequencyBreakpoints: z
    .array(z.number().int().min(1).max(1_000_000_000))
    .length(4)
    .refine(increasing, "must increase: least orders for F 2, 3, 4, 5")
    .nullable()
    .default(null),
  /** Merchant override: least window net spend (shop currency, major units) for M 2, 3, 4, 5. */
  monetaryBreakpoints: z
    .array(z.number().min(0).max(MAX_INPUT_AMOUNT))
    .length(4)
    .refine(increasing, "must increase: least spend for M 2, 3, 4, 5")
    .nullable()
    .default(null),
  /** Merchant override: most days since the last order for R 5, 4, 3, 2. */
  recencyBreakpointsDays: z
    .array(z.number().int().min(0).max(36_500))
    .length(4)
    .refine(increasing, "must increase: most days for R 5, 4, 3, 2")
    .nullable()
    .default(null),
});
export type RfmSettings = z.infer<typeof RfmSettingsSchema>;

export type DimensionMode = "QUINTILES" | "FIXED" | "MERCHANT";

export function frequencyMode(singleOrderShare: number, settings: RfmSettings): DimensionMode {
  if (settings.frequencyBreakpoints) return "MERCHANT";
  return singleOrderShare > settings.fixedFrequencyShare ? "FIXED" : "QUINTILES";
}

/** Integer ceil(5k/n): the quintile score of a value that k of n scored customers are at or below. */
export function quintileScore(k: number, n: number): number {
  return Math.floor((5 * k + n - 1) / n);
}

/** The same, in SQL: k counts the values at or below this one, ties included. */
export function quintileScoreSql(k: Sql, n: Sql): Sql {
  return sql`((5 * ${k} + ${n} - 1) / ${n})`;
}

/**
 * Edges from the least value that earned each score: edge[s] = least value scoring s or more.
 * A score nobody earned (ties can skip one) takes the next higher score's edge. Returns the four
 * edges for scores 2, 3, 4, 5, ascending; scores are then 1 + number of edges at or below a value.
 */
export function edgesFromMinima<T extends number | bigint | string>(minByScore: Map<number, T>): T[] {
  const edges: T[] = [];
  let carry: T | undefined;
  for (let s = 5; s >= 2; s--) {
    const m = minByScore.get(s);
    if (m !== undefined && (carry === undefined || m < carry)) carry = m;
    if (carry === undefined) throw new RangeError("score 5 must exist when anyone is scored");
    edges[s - 2] = carry;
  }
  return edges;
}

/** Score by edges: 1 + how many of the (ascending) edges are at or below the value. */
export function scoreByEdges<T extends number | bigint | string>(value: T, edges: readonly T[]): number {
  return 1 + edges.filter((e) => e <= value).length;
}

/** scoreByEdges in SQL; NULL stays NULL (prospects). `cast` types the bound edges. */
export function scoreByEdgesSql(value: Sql, edges: readonly unknown[], cast: "int" | "bigint" | "date"): Sql {
  const terms = edges.map((e) => sql`(${value} >= ${e}::${raw(cast)})::int`);
  return sql`(CASE WHEN ${value} IS NULL THEN NULL ELSE 1 + ${terms.reduce((acc, t, i) => (i === 0 ? t : sql`${acc} + ${t}`), raw("0"))} END)`;
}

/** Merchant or fixed edges where configured (null: quintiles from the data). */
export function configuredEdges(settings: RfmSettings, currency: string | null, asOfDate: string, addDays: (d: string, n: number) => string) {
  const frequency = settings.frequencyBreakpoints ? [...settings.frequencyBreakpoints] : null;
  const monetary = settings.monetaryBreakpoints ? settings.monetaryBreakpoints.map((v) => toMinor(v.toFixed(minorDigits(currency ?? "USD")), currency ?? "USD")) : null;
  // Most days for R 5, 4, 3, 2 → earliest last-order date for R 2, 3, 4, 5.
  const recency = settings.recencyBreakpointsDays ? [...settings.recencyBreakpointsDays].reverse().map((days) => addDays(asOfDate, -days)) : null;
  return { frequency, monetary, recency };
}

/** What a support person needs to see for one customer. */
export type RfmExplanation = {
  group: RfmGroup;
  rulesVersion: number;
  scored: boolean;
  values: { recencyDays: number | null; lastOrderDate: string | null; windowOrders: number; windowSpentMinor: bigint; currency: string | null };
  scores: { r: number | null; f: number | null; m: number | null };
  /** Per score 1-5, the values that earn it (R in days since the last order); unreachable scores omitted. */
  edges: {
    recencyDays: { score: number; minDays: number; maxDays: number | null }[];
    frequency: { score: number; min: number; max: number | null }[];
    monetaryMinor: { score: number; min: bigint; max: bigint | null }[];
  } | null;
  modes: { recency: DimensionMode; frequency: DimensionMode; monetary: DimensionMode } | null;
  /**
   * Scored, but no qualifying order in the window (F = 0, M = 0): F 1 and M 1 by definition, not
   * compared with the customers of the window (whose bands the edges describe).
   */
  noOrderInWindow: boolean;
  /** The grid row that gave the group, e.g. R 5, F 4-5 → CHAMPIONS. */
  cell: { r: Range; f: Range } | null;
  shopify: { group: ShopifyRfmGroup | null; readAt: Date | null; closestToOurs: ShopifyRfmGroup; agrees: boolean | null };
  /** customersScored: those R compares; windowCustomers: those F and M compare. */
  snapshot: { id: bigint; asOf: Date; lookbackDays: number; singleOrderShare: number; customersScored: number; windowCustomers: number } | null;
};

type SnapshotForExplanation = {
  id: bigint;
  asOf: Date;
  lookbackDays: number;
  singleOrderShare: number;
  customersScored: number;
  windowCustomers: number;
  frequencyMode: string;
  recencyMode: string;
  monetaryMode: string;
  recencyEdges: string[];
  frequencyEdges: number[];
  monetaryEdges: bigint[];
};

type ProfileForExplanation = {
  rfmGroup: string;
  rfmRulesVersion: number;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  lastOrderDate: string | null;
  windowOrders: number;
  windowSpentMinor: bigint;
  currency: string | null;
  shopifyRfmGroup: string | null;
  shopifyRfmReadAt: Date | null;
};

/** Score s covers [edge_s, edge_{s+1} - 1] (inclusive, integer units); score 1 starts at `floor`. */
function bands<T>(edges: readonly T[], floor: T, pred: (e: T) => T): { score: number; min: T; max: T | null }[] {
  const out: { score: number; min: T; max: T | null }[] = [];
  for (let s = 1; s <= 5; s++) {
    const min = s === 1 ? floor : edges[s - 2]!;
    const max = s === 5 ? null : pred(edges[s - 1]!);
    out.push({ score: s, min, max });
  }
  return out;
}

/**
 * The values, quintile edges and grid cell behind a customer's group. Days are counted to `today`
 * (the shop-local date now), not to the snapshot's date: R edges are dates, so a score never
 * depends on the day it is read, but counted from a snapshot of yesterday an order placed since
 * midnight read "-1 days" until the nightly run.
 */
export function explainRfm(p: ProfileForExplanation, snap: SnapshotForExplanation | null, daysBetween: (a: string, b: string) => number, today: string): RfmExplanation {
  const group = (RFM_GROUPS_WITH_PROSPECTS as readonly string[]).includes(p.rfmGroup) ? (p.rfmGroup as RfmGroup) : PROSPECTS;
  const scored = p.rScore !== null && p.fScore !== null;
  const cell = scored ? RFM_GRID.find((g) => g.group === group) ?? null : null;
  const shopifyGroup = (p.shopifyRfmGroup as ShopifyRfmGroup | null) ?? null;
  const closest = closestShopifyGroup(group);
  let edges: RfmExplanation["edges"] = null;
  if (snap) {
    // R edges are dates: the earliest last-order date earning R 2..5; in days, later dates = fewer days.
    const rDays = snap.recencyEdges.map((d) => daysBetween(d, today));
    const recencyDays = [1, 2, 3, 4, 5].map((score) => ({
      score,
      minDays: score === 5 ? 0 : rDays[score - 1]! + 1,
      maxDays: score === 1 ? null : rDays[score - 2]!,
    }));
    // A score no value can reach (ties skipped it) has an empty band: left out.
    edges = {
      recencyDays: recencyDays.filter((b) => b.maxDays === null || b.minDays <= b.maxDays),
      frequency: bands(snap.frequencyEdges, 0, (e) => e - 1).filter((b) => b.max === null || b.min <= b.max),
      monetaryMinor: bands(snap.monetaryEdges, 0n, (e) => e - 1n).filter((b) => b.max === null || b.min <= b.max),
    };
  }
  return {
    group,
    rulesVersion: p.rfmRulesVersion,
    scored,
    values: {
      recencyDays: p.lastOrderDate ? daysBetween(p.lastOrderDate, today) : null,
      lastOrderDate: p.lastOrderDate,
      windowOrders: p.windowOrders,
      windowSpentMinor: p.windowSpentMinor,
      currency: p.currency,
    },
    scores: { r: p.rScore, f: p.fScore, m: p.mScore },
    edges,
    modes: snap ? { recency: snap.recencyMode as DimensionMode, frequency: snap.frequencyMode as DimensionMode, monetary: snap.monetaryMode as DimensionMode } : null,
    noOrderInWindow: scored && p.windowOrders === 0,
    cell: cell ? { r: cell.r, f: cell.f } : null,
    shopify: { group: shopifyGroup, readAt: p.shopifyRfmReadAt, closestToOurs: closest, agrees: shopifyGroup ? shopifyGroup === closest : null },
    snapshot: snap
      ? { id: snap.id, asOf: snap.asOf, lookbackDays: snap.lookbackDays, singleOrderShare: snap.singleOrderShare, customersScored: snap.customersScored, windowCustomers: snap.windowCustomers }
      : null,
  };
}

export type RfmEdges = { recency: string[]; frequency: number[]; monetary: bigint[] };
/**
 * Per score, the least value earning it (R among `scored`, F and M among `inWindow`), and the
 * counts: `scored` customers with a qualifying order, `inWindow` of them with one in the window,
 * `singleOrder` of those with exactly one there.
 */
export type EdgeMinimaInput = {
  recency: Map<number, string>;
  frequency: Map<number, number>;
  monetary: Map<number, bigint>;
  scored: number;
  inWindow: number;
  singleOrder: number;
};

/**
 * F and M edges while nobody has ordered in the window: every value a customer in the window can
 * have is the best (F ≥ 1, M ≥ 0). Everyone scored then has F = 0 and scores F 1, M 1 anyway.
 */
const EMPTY_WINDOW_EDGES = { frequency: [1, 1, 1, 1], monetary: [0n, 0n, 0n, 0n] };

/**
 * The edges a scoring run uses: merchant breakpoints where set, the fixed F breakpoints when most
 * customers bought once, quintiles of the data otherwise. Null when nobody is scored yet.
 */
export function resolveEdges(
  minima: EdgeMinimaInput,
  settings: RfmSettings,
  currency: string | null,
  asOfDate: string,
  addDays: (d: string, n: number) => string,
): { edges: RfmEdges | null; modes: { recency: DimensionMode; frequency: DimensionMode; monetary: DimensionMode }; singleOrderShare: number } {
  // Among customers with orders in the window: lapsed ones (F = 0) would dilute it.
  const singleOrderShare = minima.inWindow > 0 ? minima.singleOrder / minima.inWindow : 0;
  const configured = configuredEdges(settings, currency, asOfDate, addDays);
  const fMode = frequencyMode(singleOrderShare, settings);
  const modes = {
    recency: configured.recency ? ("MERCHANT" as const) : ("QUINTILES" as const),
    frequency: fMode,
    monetary: configured.monetary ? ("MERCHANT" as const) : ("QUINTILES" as const),
  };
  if (minima.scored === 0) return { edges: null, modes, singleOrderShare };
  return {
    edges: {
      recency: configured.recency ?? edgesFromMinima(minima.recency),
      frequency:
        fMode === "MERCHANT"
          ? configured.frequency!
          : fMode === "FIXED"
            ? [...FIXED_FREQUENCY_EDGES]
            : minima.inWindow > 0
              ? edgesFromMinima(minima.frequency)
              : [...EMPTY_WINDOW_EDGES.frequency],
      monetary: configured.monetary ?? (minima.inWindow > 0 ? edgesFromMinima(minima.monetary) : [...EMPTY_WINDOW_EDGES.monetary]),
    },
    modes,
    singleOrderShare,
  };
}
