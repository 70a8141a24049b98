/**
 * Daily abandonment figures shaped for the trend charts: rate per day (null on days without
 * checkouts started, so the line has a gap rather than a false 0 %, or a false 100 % on days only
 * the history import filled), counts, and recovered revenue in
 * major units of the shop currency (what the chart axis shows). Pure.
 */
import type { AbandonmentTrendPoint } from "~/domains/abandonment/abandonment.server";
import { minorDigits } from "~/lib/money";

export type Point = { key: string; value: number | null };

export type AbandonmentSeries = {
  currency: string;
  rate: Point[];
  started: Point[];
  abandoned: Point[];
  importedAbandoned: Point[];
  recoveredLink: Point[];
  recoveredWindow: Point[];
};

export function toMajor(minor: bigint, currency: string): number {
  const scale = 10 ** minorDigits(currency);
  return Number(minor) / scale;
}

export function abandonmentSeries(trend: AbandonmentTrendPoint[], currency: string): AbandonmentSeries {
  return {
    currency,
    rate: trend.map((p) => ({ key: p.day, value: p.started > 0 ? p.rate : null })),
    started: trend.map((p) => ({ key: p.day, value: p.started })),
    abandoned: trend.map((p) => ({ key: p.day, value: p.abandoned })),
    importedAbandoned: trend.map((p) => ({ key: p.day, value: p.importedAbandoned })),
    recoveredLink: trend.map((p) => ({ key: p.day, value: toMajor(p.recoveredLinkMinor, currency) })),
    recoveredWindow: trend.map((p) => ({ key: p.day, value: toMajor(p.recoveredWindowMinor, currency) })),
  };
}
