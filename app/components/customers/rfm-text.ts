/**
 * A customer's RFM explanation in sentences: the value, score and score band of each dimension,
 * the grid cell, how the edges were set, and Shopify's own group. Shared by the customer page and
 * the report CLI so support staff and merchants read the same words. Pure (takes the translator).
 */
import type { ExplanationView } from "~/components/customers/explanation-view";
import type { MessageKey, Translator } from "~/i18n/i18n";

type Rfm = ExplanationView["rfm"];
type T = Pick<Translator, "t" | "number" | "money" | "day" | "date">;

export type RfmRow = { dimension: string; value: string; score: string; band: string };

const span = ([a, b]: readonly number[]) => (a === b ? String(a) : `${a}–${b}`);

/** A group's cell of the R×F grid ("R 3–4 · F 4–5"); Prospects have none. */
export function groupCellText(cell: { r: readonly number[]; f: readonly number[] } | null, t: T["t"]): string {
  return cell ? t("admin.segments.rfm.cell", { r: span(cell.r), f: span(cell.f) }) : t("admin.segments.rfm.noOrder");
}

export type RfmGroupCount = { group: string; customers: number; windowSpentMinor: string | bigint; cell: { r: readonly number[]; f: readonly number[] } | null };

/**
 * The segments page's group table in words, a row per group (the report prints the same rows):
 * name, R×F cell, share of the profiled customers ("–" with none) and spend in the window.
 */
export function rfmGroupRows(groups: RfmGroupCount[], tr: Pick<Translator, "t" | "money" | "percent">, currency: string) {
  const total = groups.reduce((n, g) => n + g.customers, 0);
  return groups.map((g) => ({
    group: g.group,
    name: tr.t(`admin.rfmGroups.${g.group}` as MessageKey),
    cell: groupCellText(g.cell, tr.t),
    customers: g.customers,
    share: total ? tr.percent(g.customers / total) : "–",
    spent: tr.money(g.windowSpentMinor, currency),
  }));
}

type Band<V> = { score: number; min: V; max: V | null };

/** The band of values a score covers on each dimension ("44 to 84 days", "$329.00 or more"). */
function bandTexts(rfm: Rfm, tr: T, currency: string) {
  const { t, number, money } = tr;
  // A band of one value (fixed frequency breakpoints: exactly 2 orders) is that value, not "2 to 2".
  const range = <V>(b: Band<V>, show: (v: V) => string) =>
    b.max === null
      ? t("admin.customer.bandFrom", { min: show(b.min) })
      : show(b.min) === show(b.max)
        ? show(b.min)
        : t("admin.customer.bandRange", { min: show(b.min), max: show(b.max) });
  const days = (b: { minDays: number; maxDays: number | null }) =>
    b.maxDays === null ? t("admin.customer.bandDaysFrom", { min: b.minDays }) : t("admin.customer.bandDays", { min: b.minDays, max: b.maxDays });
  const edges = rfm.edges;
  return {
    recency: (edges?.recencyDays ?? []).map((b) => ({ score: b.score, text: days(b) })),
    frequency: (edges?.frequency ?? []).map((b) => ({ score: b.score, text: range(b, (v: number) => number(v)) })),
    monetary: (edges?.monetaryMinor ?? []).map((b) => ({ score: b.score, text: range(b, (v: string) => money(v, currency)) })),
  };
}

export function rfmRows(rfm: Rfm, tr: T, currency: string): RfmRow[] {
  const { t, number, money, day } = tr;
  const bands = bandTexts(rfm, tr, currency);
  const days = rfm.snapshot?.lookbackDays ?? 365;
  const bandOf = (list: { score: number; text: string }[], score: number | null) => list.find((b) => b.score === score)?.text ?? "–";
  // F and M compare only customers with orders in the window: one without scores 1 on both,
  // outside the bands (which may not even start at 0 then).
  const windowBandOf = (list: { score: number; text: string }[], score: number | null) =>
    rfm.noOrderInWindow ? t("admin.customer.noWindowOrder", { days }) : bandOf(list, score);
  return [
    {
      dimension: t("admin.customer.recency"),
      value: rfm.values.recencyDays === null ? "–" : t("admin.customer.daysAgo", { count: rfm.values.recencyDays, date: rfm.values.lastOrderDate ? day(rfm.values.lastOrderDate) : "" }),
      score: String(rfm.scores.r ?? "–"),
      band: bandOf(bands.recency, rfm.scores.r),
    },
    {
      dimension: t("admin.customer.frequency"),
      value: t("admin.customer.ordersInWindow", { count: rfm.values.windowOrders, days }),
      score: String(rfm.scores.f ?? "–"),
      band: windowBandOf(bands.frequency, rfm.scores.f),
    },
    {
      dimension: t("admin.customer.monetary"),
      value: money(rfm.values.windowSpentMinor, currency),
      score: String(rfm.scores.m ?? "–"),
      band: windowBandOf(bands.monetary, rfm.scores.m),
    },
  ];
}

/** Every score's band on each dimension: the whole set of edges the customer was scored against. */
export function rfmEdges(rfm: Rfm, tr: T, currency: string): { dimension: string; bands: string[] }[] {
  const bands = bandTexts(rfm, tr, currency);
  const list = (l: { score: number; text: string }[]) => [...l].sort((a, b) => a.score - b.score).map((b) => `${b.score}: ${b.text}`);
  return [
    { dimension: tr.t("admin.customer.recency"), bands: list(bands.recency) },
    { dimension: tr.t("admin.customer.frequency"), bands: list(bands.frequency) },
    { dimension: tr.t("admin.customer.monetary"), bands: list(bands.monetary) },
  ];
}

/** "Recency 3–4 and frequency 4–5 put this customer in Loyal." (null for a prospect). */
export function rfmCellText(rfm: Rfm, tr: T): string | null {
  return rfm.cell ? tr.t("admin.customer.cell", { r: span(rfm.cell.r), f: span(rfm.cell.f), group: tr.t(`admin.rfmGroups.${rfm.group}` as MessageKey) }) : null;
}

/**
 * How each dimension's edges were set, and among whom: R among every customer with a qualifying
 * order, F and M among those with one in the window.
 */
export function rfmModesText(rfm: Rfm, tr: T): string | null {
  const { t } = tr;
  if (!rfm.modes) return null;
  const mode = (m: string) => t(`admin.customer.modeNames.${m}` as MessageKey);
  return [
    t("admin.customer.modesRecency", { r: mode(rfm.modes.recency), count: rfm.snapshot?.customersScored ?? 0 }),
    t("admin.customer.modesWindow", { f: mode(rfm.modes.frequency), m: mode(rfm.modes.monetary), count: rfm.snapshot?.windowCustomers ?? 0, days: rfm.snapshot?.lookbackDays ?? 365 }),
  ].join(" ");
}

/** Shopify's own group next to ours (Shopify publishes no thresholds: the two can differ). */
export function shopifyGroupText(rfm: Rfm, tr: T): string {
  const { t, date } = tr;
  const name = (group: string) => t(`admin.shopifyRfmGroups.${group}` as MessageKey);
  const closest = name(rfm.shopify.closestToOurs);
  if (!rfm.shopify.group) return t("admin.customer.shopifyUnknown", { closest });
  return t(rfm.shopify.agrees ? "admin.customer.shopifyAgrees" : "admin.customer.shopifyDiffers", {
    shopify: name(rfm.shopify.group),
    closest,
    at: rfm.shopify.readAt ? date(rfm.shopify.readAt) : "",
  });
}
