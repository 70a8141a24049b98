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

const span = ([a, b]: number[]) => (a === b ? String(a) : `${a}–${b}`);

export function rfmRows(rfm: Rfm, tr: T, currency: string): RfmRow[] {
  const { t, number, money, day } = tr;
  const band = <V>(bands: { score: number; min: V; max: V | null }[] | undefined, score: number | null, show: (v: V) => string) => {
    const b = bands?.find((x) => x.score === score);
    return b ? (b.max === null ? t("admin.customer.bandFrom", { min: show(b.min) }) : t("admin.customer.bandRange", { min: show(b.min), max: show(b.max) })) : "–";
  };
  const recency = rfm.edges?.recencyDays.find((x) => x.score === rfm.scores.r);
  return [
    {
      dimension: t("admin.customer.recency"),
      value: rfm.values.recencyDays === null ? "–" : t("admin.customer.daysAgo", { n: number(rfm.values.recencyDays), date: rfm.values.lastOrderDate ? day(rfm.values.lastOrderDate) : "" }),
      score: String(rfm.scores.r ?? "–"),
      band: recency ? (recency.maxDays === null ? t("admin.customer.bandDaysFrom", { min: recency.minDays }) : t("admin.customer.bandDays", { min: recency.minDays, max: recency.maxDays })) : "–",
    },
    {
      dimension: t("admin.customer.frequency"),
      value: t("admin.customer.ordersInWindow", { n: number(rfm.values.windowOrders), days: rfm.snapshot?.lookbackDays ?? 365 }),
      score: String(rfm.scores.f ?? "–"),
      band: band(rfm.edges?.frequency, rfm.scores.f, (v) => number(v)),
    },
    {
      dimension: t("admin.customer.monetary"),
      value: money(rfm.values.windowSpentMinor, currency),
      score: String(rfm.scores.m ?? "–"),
      band: band(rfm.edges?.monetaryMinor, rfm.scores.m, (v) => money(v, currency)),
    },
  ];
}

/** "Recency 3–4 and frequency 4–5 put this customer in Loyal." (null for a prospect). */
export function rfmCellText(rfm: Rfm, tr: T): string | null {
  return rfm.cell ? tr.t("admin.customer.cell", { r: span(rfm.cell.r), f: span(rfm.cell.f), group: tr.t(`admin.rfmGroups.${rfm.group}` as MessageKey) }) : null;
}

/** How each dimension's edges were set, and among how many customers. */
export function rfmModesText(rfm: Rfm, tr: T): string | null {
  const { t, number } = tr;
  if (!rfm.modes) return null;
  return t("admin.customer.modes", {
    r: t(`admin.customer.modeNames.${rfm.modes.recency}`),
    f: t(`admin.customer.modeNames.${rfm.modes.frequency}`),
    m: t(`admin.customer.modeNames.${rfm.modes.monetary}`),
    n: number(rfm.snapshot?.customersScored ?? 0),
  });
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
