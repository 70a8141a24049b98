import { describe, expect, it } from "vitest";
import { raw, render } from "~/lib/sql";
import { abandonmentRate, AbandonmentSettingsSchema, classifySql, median } from "~/domains/abandonment/abandonment";

describe("abandonment definitions", () => {
  it("defaults to a 60-minute threshold and a 5-day attribution window", () => {
    expect(AbandonmentSettingsSchema.parse({})).toEqual({ thresholdMinutes: 60, attributionWindowDays: 5 });
    expect(AbandonmentSettingsSchema.safeParse({ thresholdMinutes: 1 }).success).toBe(false);
  });

  it("always reports the rate with its denominator", () => {
    expect(abandonmentRate(3, 12)).toEqual({ rate: 0.25, abandoned: 3, started: 12 });
    expect(abandonmentRate(0, 0)).toEqual({ rate: null, abandoned: 0, started: 0 });
  });

  it("takes the median of an even and an odd list", () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 20, 30])).toBe(25);
    expect(median([])).toBeNull();
  });

  it("classifies in SQL with the threshold and the moment bound as parameters", () => {
    const { status } = classifySql({ lastActivityAt: raw("a.t"), completedAt: raw("a.c"), hasContact: raw("a.h") }, 60, new Date("2026-06-10T12:00:00Z"));
    const [text, ...values] = render(status);
    expect(text).toContain("THEN 'COMPLETED'");
    expect(text).toContain("THEN 'NO_CONTACT'");
    expect(new Set(values)).toEqual(new Set([60, "2026-06-10 12:00:00.000"]));
  });
});
