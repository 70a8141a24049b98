/**
 * Shop-local calendar days. Reports and RFM recency count whole days in the shop's timezone
 * (Shop.ianaTimezone), so "ordered yesterday" means the merchant's yesterday and a recompute a
 * few seconds later never moves a customer across a day boundary mid-day.
 * Dates are "YYYY-MM-DD" strings; instants are Dates.
 */
const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A valid IANA zone name, else UTC (a shop whose details were never read). */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return "UTC";
  }
}

function localParts(instant: Date, timeZone: string) {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), min: Number(parts.minute), s: Number(parts.second) };
}

/** The calendar date of an instant in a timezone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.y}-${String(p.m).padStart(2, "0")}-${String(p.d).padStart(2, "0")}`;
}

/** Offset of the zone from UTC at an instant, in ms (positive east of Greenwich). */
function offsetMs(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant a local date starts: the first instant whose local date is `date`. Usually 00:00 in
 * the zone; where daylight saving time begins at midnight (America/Santiago, Havana, Asunción)
 * 00:00 never happens and the day starts at the change, 01:00 local; where a change back repeats
 * midnight, the first one.
 *
 * Local midnight lies within [date 00:00 UTC - 14 h, date 00:00 UTC + 12 h] (offsets run from
 * -12 h to +14 h); the offsets at both ends are those before and after any change in between.
 */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  let lo = guess - 14 * HOUR_MS;
  let hi = guess + 12 * HOUR_MS;
  const before = offsetMs(new Date(lo), timeZone);
  const after = offsetMs(new Date(hi), timeZone);
  if (before === after) return new Date(guess - before);
  // Midnight under each offset counts only if that offset is in force at that instant.
  const midnights = [guess - before, guess - after].filter((t, i) => offsetMs(new Date(t), timeZone) === (i === 0 ? before : after));
  if (midnights.length) return new Date(Math.min(...midnights));
  // Midnight was skipped: the day starts at the change, the first instant under the new offset.
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetMs(new Date(mid), timeZone) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A @db.Date value (midnight UTC as Prisma returns it) as "YYYY-MM-DD". */
export function dateOnly(value: Date): string {
  return value.toISOString().slice(0, 10);
}
