import { describe, expect, it } from "vitest";
import { raw, render } from "~/lib/sql";
import { STAGE_REASONS, STAGE_RULES, STAGES, stageIndex, stageSql } from "~/domains/journey/stages";

describe("stage rules", () => {
  it("end with a rule that always holds, so every customer has a stage", () => {
    expect(STAGE_RULES.at(-1)).toMatchObject({ stage: "AWARENESS" });
    expect(render(STAGE_RULES.at(-1)!.when({} as never, {} as never))[0]).toBe("TRUE");
  });

  it("check the furthest stages first (advocacy before retention before purchase)", () => {
    const order = STAGE_RULES.map((r) => stageIndex(r.stage));
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(new Set(STAGE_RULES.map((r) => r.reason))).toEqual(new Set(STAGE_REASONS));
    expect(STAGES).toEqual(["AWARENESS", "CONSIDERATION", "PURCHASE", "RETENTION", "ADVOCACY"]);
  });

  it("render as one CASE per output with the window boundaries bound as parameters", () => {
    const c = Object.fromEntries(["ordersCount", "rScore", "lastReviewAt", "lastCartActivityAt", "firstOrderAt", "lastOrderAt", "customerSince"].map((k) => [k, raw(`n.${k}`)]));
    const p = { windowStart: new Date("2025-07-01T00:00:00Z"), considerationStart: new Date("2026-06-01T00:00:00Z"), asOf: new Date("2026-06-30T12:00:00Z") };
    const { stage } = stageSql(c as never, p);
    const [text, ...values] = render(stage);
    expect(text).toMatch(/^\(CASE\s+WHEN n\.ordersCount >= 2 AND n\.rScore >= 3 AND n\.lastReviewAt >= \$1::timestamp THEN 'ADVOCACY'/);
    expect(values).toEqual(["2025-07-01 00:00:00.000", "2026-06-01 00:00:00.000"]);
  });
});
