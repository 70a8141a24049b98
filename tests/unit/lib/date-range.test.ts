import { describe, expect, it } from "vitest";
import { parseDateRange, rangeQuery } from "~/lib/date-range";

const q = (s: string) => new URLSearchParams(s);
const TODAY = "2026-11-24";

describe("parseDateRange", () => {
  it("defaults to the last 30 days, today included", () => {
    expect(parseDateRange(q(""), TODAY)).toEqual({ range: { from: "2026-10-26", to: TODAY }, preset: 30, days: 30, error: null });
  });

  it("reads a preset and a custom range", () => {
    expect(parseDateRange(q("days=7"), TODAY).range).toEqual({ from: "2026-11-18", to: TODAY });
    expect(parseDateRange(q("from=2026-01-01&to=2026-01-31"), TODAY)).toEqual({ range: { from: "2026-01-01", to: "2026-01-31" }, preset: null, days: 31, error: null });
    expect(parseDateRange(q("from=2026-11-18&to=2026-11-24"), TODAY).preset).toBe(7);
  });

  it("falls back to the default range and says why on bad input", () => {
    expect(parseDateRange(q("from=2026-02-30&to=2026-03-01"), TODAY).error).toBe("invalidDate");
    expect(parseDateRange(q("from=yesterday&to=2026-03-01"), TODAY).error).toBe("invalidDate");
    expect(parseDateRange(q("from=2026-03-01&to=2026-02-01"), TODAY).error).toBe("fromAfterTo");
    expect(parseDateRange(q("from=2020-01-01&to=2026-01-01"), TODAY).error).toBe("tooLong");
    expect(parseDateRange(q("from=2027-01-01&to=2027-01-02"), TODAY).error).toBe("future");
    expect(parseDateRange(q("days=11"), TODAY)).toMatchObject({ error: "invalidDate", range: { from: "2026-10-26", to: TODAY } });
  });

  it("writes a range back as a query string", () => {
    expect(rangeQuery({ preset: 90, range: { from: "x", to: "y" } })).toBe("days=90");
    expect(rangeQuery({ preset: null, range: { from: "2026-01-01", to: "2026-01-31" } })).toBe("from=2026-01-01&to=2026-01-31");
  });
});
