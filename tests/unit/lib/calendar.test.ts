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

  it("starts a day at the change where daylight saving time begins at midnight (no 00:00 that day)", () => {
    // Clocks go from 00:00 to 01:00: the day's first instant is 01:00 local, under the new offset.
    expect(startOfLocalDate("2024-09-08", "America/Santiago").toISOString()).toBe("2024-09-08T04:00:00.000Z");
    expect(startOfLocalDate("2024-03-10", "America/Havana").toISOString()).toBe("2024-03-10T05:00:00.000Z");
    expect(startOfLocalDate("2024-10-06", "America/Asuncion").toISOString()).toBe("2024-10-06T04:00:00.000Z");
    // Clocks go back from 00:00 to 23:00 the evening before: the day starts at the second 00:00... once.
    expect(startOfLocalDate("2024-04-07", "America/Santiago").toISOString()).toBe("2024-04-07T04:00:00.000Z");
  });

  it("returns the first instant of the local date, every day of a year, in zones with and without changes", () => {
    for (const zone of ["America/Santiago", "America/Havana", "America/Asuncion", "America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"]) {
      for (let date = "2024-01-01"; date < "2025-01-01"; date = addDays(date, 1)) {
        const start = startOfLocalDate(date, zone);
        expect({ zone, date, local: localDate(start, zone) }).toEqual({ zone, date, local: date });
        expect({ zone, date, before: localDate(new Date(start.getTime() - 1000), zone) }).toEqual({ zone, date, before: addDays(date, -1) });
      }
    }
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
