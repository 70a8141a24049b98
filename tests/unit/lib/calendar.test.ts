import { describe, expect, it } from "vitest";
import { addDays, daysBetween, localDate, safeTimeZone, startOfLocalDate } from "~/lib/calendar";
import { join, raw, render, sql, utc } from "~/lib/sql";

describe("calendar", () => {
  it("gives the local date of an instant", () => {
    expect(localDate(new Date("2026-06-30T03:00:00Z"), "America/New_York")).toBe("2026-06-29");
    expect(localDate(new Date("2026-06-30T03:00:00Z"), "Asia/Tokyo")).toBe("2026-06-30");
  });

  it("finds local midnight across daylight saving changes", () => {
    expect(startOfLocalDate("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfLocalDate("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(startOfLocalDate("2026-10-25", "Europe/Paris").toISOString()).toBe("2026-10-24T22:00:00.000Z");
  });

  it("adds and counts days", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2025-12-31", "2026-03-01")).toBe(60);
  });

  it("falls back to UTC for an unknown zone", () => {
    expect(safeTimeZone("Mars/Olympus")).toBe("UTC");
    expect(safeTimeZone(null)).toBe("UTC");
  });
});

describe("sql fragments", () => {
  it("binds values as numbered parameters and splices nested fragments", () => {
    const inner = sql`b = ${2}`;
    const [text, ...values] = render(sql`SELECT * FROM t WHERE a = ${1} AND ${inner} AND ${join([sql`c = ${3}`, raw("TRUE")], " OR ")} AND d < ${utc(new Date(0))}`);
    expect(text).toBe("SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 OR TRUE AND d < $4::timestamp");
    expect(values).toEqual([1, 2, 3, "1970-01-01 00:00:00.000"]);
  });
});
