/**
 * The report date range of the admin pages, read from the URL: `?days=30` (a preset ending today)
 * or `?from=YYYY-MM-DD&to=YYYY-MM-DD` (shop-local days, inclusive). Bad input never fails a page:
 * it falls back to the default range and says why, so the page can tell the merchant what to fix.
 * Pure.
 */
import { addDays, daysBetween } from "~/lib/calendar";

export const RANGE_PRESETS = [7, 30, 90, 365] as const;
export const DEFAULT_RANGE_DAYS = 30;
/** Two years and a day: daily tables are read whole, so the range stays bounded. */
export const MAX_RANGE_DAYS = 731;

export type DateRange = { from: string; to: string };
export type RangeError = "invalidDate" | "fromAfterTo" | "tooLong" | "future";
export type RangeSelection = { range: DateRange; preset: number | null; days: number; error: RangeError | null };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isDay(value: string | null): value is string {
  if (!value || !DAY.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

function preset(today: string, days: number): RangeSelection {
  return { range: { from: addDays(today, -(days - 1)), to: today }, preset: days, days, error: null };
}

/** The range asked for by the URL, or the default one with the reason the request was refused. */
export function parseDateRange(params: URLSearchParams, today: string, defaultDays: number = DEFAULT_RANGE_DAYS): RangeSelection {
  const fallback = (error: RangeError): RangeSelection => ({ ...preset(today, defaultDays), error });
  const from = params.get("from");
  const to = params.get("to");
  if (from || to) {
    if (!isDay(from) || !isDay(to)) return fallback("invalidDate");
    if (from > to) return fallback("fromAfterTo");
    if (from > today) return fallback("future");
    const days = daysBetween(from, to) + 1;
    if (days > MAX_RANGE_DAYS) return fallback("tooLong");
    const matchesPreset = to === today && (RANGE_PRESETS as readonly number[]).includes(days);
    return { range: { from, to }, preset: matchesPreset ? days : null, days, error: null };
  }
  const daysParam = Number(params.get("days"));
  if ((RANGE_PRESETS as readonly number[]).includes(daysParam)) return preset(today, daysParam);
  return params.has("days") ? fallback("invalidDate") : preset(today, defaultDays);
}

/** The query string of a range (what links and forms put in the URL). */
export function rangeQuery(selection: Pick<RangeSelection, "range" | "preset">): string {
  return selection.preset ? `days=${selection.preset}` : `from=${selection.range.from}&to=${selection.range.to}`;
}
