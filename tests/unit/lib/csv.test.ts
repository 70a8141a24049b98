import { describe, expect, it } from "vitest";
import { csvCell } from "~/lib/csv";

describe("csvCell", () => {
  it("neutralizes text a spreadsheet would run as a formula, and quotes what needs quoting", () => {
    expect(["=HYPERLINK(1)", "+1", "-2 apples", "@SUM", "\tx"].map(csvCell)).toEqual(["'=HYPERLINK(1)", "'+1", "'-2 apples", "'@SUM", "'\tx"]);
    expect(csvCell('Ava "Ace", Martin')).toBe('"Ava ""Ace"", Martin"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
  });

  it("writes numbers as numbers (a negative 7-day change read as text before), and empties and dates plainly", () => {
    expect([-3, 0, 12.5, -4n].map(csvCell)).toEqual(["-3", "0", "12.5", "-4"]);
    expect([null, undefined, new Date("2026-01-02T03:04:05Z")].map(csvCell)).toEqual(["", "", "2026-01-02T03:04:05.000Z"]);
  });
});
