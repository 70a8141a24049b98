import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "~/lib/calendar";
import { raw, render } from "~/lib/sql";
import {
  closestShopifyGroup,
  edgesFromMinima,
  explainRfm,
  FIXED_FREQUENCY_EDGES,
  quintileScore,
  resolveEdges,
  RFM_GRID,
  rfmGroupOf,
  RfmSettingsSchema,
  scoreByEdges,
  scoreByEdgesSql,
} from "~/domains/segments/rfm";

const settings = RfmSettingsSchema.parse({});

describe("the R×F grid", () => {
  it("puts every one of the 25 cells in exactly one group", () => {
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        const cells = RFM_GRID.filter((g) => r >= g.r[0] && r <= g.r[1] && f >= g.f[0] && f <= g.f[1]);
        expect(cells, `R${r} F${f}`).toHaveLength(1);
      }
    }
  });

  it("names the groups of PRODUCT.md's table", () => {
    expect(rfmGroupOf(5, 5)).toBe("CHAMPIONS");
    expect(rfmGroupOf(4, 4)).toBe("LOYAL");
    expect(rfmGroupOf(5, 2)).toBe("POTENTIAL_LOYALISTS");
    expect(rfmGroupOf(5, 1)).toBe("NEW");
    expect(rfmGroupOf(4, 1)).toBe("PROMISING");
    expect(rfmGroupOf(3, 3)).toBe("NEED_ATTENTION");
    expect(rfmGroupOf(3, 2)).toBe("ABOUT_TO_SLEEP");
    expect(rfmGroupOf(2, 4)).toBe("AT_RISK");
    expect(rfmGroupOf(1, 5)).toBe("CANT_LOSE_THEM");
    expect(rfmGroupOf(2, 1)).toBe("HIBERNATING");
    expect(rfmGroupOf(1, 2)).toBe("LOST");
    expect(() => rfmGroupOf(0, 1)).toThrow(RangeError);
  });

  it("maps ours to the closest Shopify rfmGroup", () => {
    expect(closestShopifyGroup("POTENTIAL_LOYALISTS")).toBe("ACTIVE");
    expect(closestShopifyGroup("CANT_LOSE_THEM")).toBe("PREVIOUSLY_LOYAL");
    expect(closestShopifyGroup("PROSPECTS")).toBe("PROSPECTS");
  });
});

describe("quintile scores", () => {
  it("is ceil(5k/n) in integers, so fifths never round the wrong way", () => {
    expect([1, 2, 3, 4, 5].map((k) => quintileScore(k, 5))).toEqual([1, 2, 3, 4, 5]);
    expect([1, 2, 3, 4, 6].map((k) => quintileScore(k, 6))).toEqual([1, 2, 3, 4, 5]);
    // 60% tied at the bottom all get the score of the tie's top: 3.
    expect(quintileScore(6, 10)).toBe(3);
    // One customer: the best value scores 5.
    expect(quintileScore(1, 1)).toBe(5);
    // 3 of 15 is exactly one fifth: score 1, not 2.
    expect(quintileScore(3, 15)).toBe(1);
  });

  it("derives edges from the least value per score, carrying over scores nobody earned", () => {
    expect(edgesFromMinima(new Map([[1, 1], [3, 2], [4, 3], [5, 5]]))).toEqual([2, 2, 3, 5]);
    expect(edgesFromMinima(new Map([[5, 7]]))).toEqual([7, 7, 7, 7]);
    expect(() => edgesFromMinima(new Map([[1, 1]]))).toThrow(RangeError);
  });

  it("scores by edges: 1 + edges at or below the value", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 9].map((v) => scoreByEdges(v, FIXED_FREQUENCY_EDGES as unknown as number[]))).toEqual([1, 1, 2, 3, 4, 4, 5, 5]);
    expect(scoreByEdges("2026-03-01", ["2025-07-01", "2025-12-01", "2026-03-01", "2026-06-29"])).toBe(4);
  });

  it("scores by edges in SQL with the edges as bound parameters", () => {
    const [text, ...values] = render(scoreByEdgesSql(raw("f.x"), [2, 3, 4, 6], "int"));
    expect(text).toBe("(CASE WHEN f.x IS NULL THEN NULL ELSE 1 + (f.x >= $1::int)::int + (f.x >= $2::int)::int + (f.x >= $3::int)::int + (f.x >= $4::int)::int END)");
    expect(values).toEqual([2, 3, 4, 6]);
  });
});

describe("resolveEdges", () => {
  const minima = {
    recency: new Map([[1, "2025-07-01"], [5, "2026-06-29"]]),
    frequency: new Map([[1, 1], [5, 3]]),
    monetary: new Map([[1, 0n], [5, 100n]]),
    scored: 12,
    inWindow: 10,
    singleOrder: 5,
  };

  it("switches F to fixed breakpoints above 40% one-order customers", () => {
    const r = resolveEdges(minima, settings, "USD", "2026-06-30", addDays);
    expect(r.modes.frequency).toBe("FIXED");
    expect(r.edges?.frequency).toEqual([2, 3, 4, 6]);
    expect(resolveEdges({ ...minima, singleOrder: 4 }, settings, "USD", "2026-06-30", addDays).modes.frequency).toBe("QUINTILES");
  });

  it("takes the one-order share among customers with orders in the window, not among everyone scored", () => {
    // 10 scored, 6 of them lapsed (F = 0), 2 with F 1: 2/10 = 20% of everyone, 2/4 = 50% of the window.
    const r = resolveEdges({ ...minima, scored: 10, inWindow: 4, singleOrder: 2 }, settings, "USD", "2026-06-30", addDays);
    expect(r.singleOrderShare).toBe(0.5);
    expect(r.modes.frequency).toBe("FIXED");
  });

  it("gives the best F and M score to any value in the window while nobody has ordered there", () => {
    const r = resolveEdges({ ...minima, frequency: new Map(), monetary: new Map(), scored: 3, inWindow: 0, singleOrder: 0 }, settings, "USD", "2026-06-30", addDays);
    expect(r.edges).toMatchObject({ frequency: [1, 1, 1, 1], monetary: [0n, 0n, 0n, 0n] });
    expect(r.singleOrderShare).toBe(0);
  });

  it("uses the merchant's breakpoints, money in major units, recency in days", () => {
    const custom = RfmSettingsSchema.parse({ frequencyBreakpoints: [2, 4, 6, 10], monetaryBreakpoints: [10, 50, 100, 500], recencyBreakpointsDays: [30, 90, 180, 365] });
    const r = resolveEdges(minima, custom, "JPY", "2026-06-30", addDays);
    expect(r.modes).toEqual({ recency: "MERCHANT", frequency: "MERCHANT", monetary: "MERCHANT" });
    expect(r.edges).toEqual({ frequency: [2, 4, 6, 10], monetary: [10n, 50n, 100n, 500n], recency: ["2025-06-30", "2026-01-01", "2026-04-01", "2026-05-31"] });
  });

  it("has no edges while nobody is scored", () => {
    expect(resolveEdges({ ...minima, scored: 0, inWindow: 0, singleOrder: 0 }, settings, "USD", "2026-06-30", addDays).edges).toBeNull();
  });

  it("refuses breakpoints beyond what the scoring SQL can hold (bigint money, int orders, dates)", () => {
    const paths = (input: object) => RfmSettingsSchema.safeParse(input).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths({ monetaryBreakpoints: [1, 2, 3, 1e15] })).toEqual(["monetaryBreakpoints.3"]);
    expect(paths({ frequencyBreakpoints: [1, 2, 3, 1e10] })).toEqual(["frequencyBreakpoints.3"]);
    expect(paths({ recencyBreakpointsDays: [1, 2, 3, 1e9] })).toEqual(["recencyBreakpointsDays.3"]);
    expect(paths({ monetaryBreakpoints: [1, 2, 3, 999_999_999_999], frequencyBreakpoints: [1, 2, 3, 1e9], recencyBreakpointsDays: [1, 2, 3, 36_500] })).toEqual([]);
  });

  it("refuses breakpoints that do not increase, naming the field", () => {
    const parsed = RfmSettingsSchema.safeParse({ frequencyBreakpoints: [3, 2, 4, 5] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["frequencyBreakpoints"]);
  });
});

describe("explainRfm", () => {
  it("turns edges into the value bands of each score and reads the grid cell", () => {
    const e = explainRfm(
      { rfmGroup: "POTENTIAL_LOYALISTS", rfmRulesVersion: 1, rScore: 4, fScore: 2, mScore: 5, lastOrderDate: "2026-03-01", windowOrders: 2, windowSpentMinor: 17000n, currency: "USD", shopifyRfmGroup: "AT_RISK", shopifyRfmReadAt: null },
      {
        id: 1n,
        asOf: new Date("2026-06-30T12:00:00Z"),
        lookbackDays: 365,
        singleOrderShare: 0.5,
        customersScored: 6,
        windowCustomers: 5,
        frequencyMode: "FIXED",
        recencyMode: "QUINTILES",
        monetaryMode: "QUINTILES",
        recencyEdges: ["2025-07-01", "2025-12-01", "2026-03-01", "2026-06-29"],
        frequencyEdges: [2, 3, 4, 6],
        monetaryEdges: [10000n, 10000n, 10000n, 17000n],
      },
      daysBetween,
      "2026-06-30",
    );
    expect(e.values.recencyDays).toBe(121);
    expect(e.edges?.recencyDays).toEqual([
      { score: 1, minDays: 365, maxDays: null },
      { score: 2, minDays: 212, maxDays: 364 },
      { score: 3, minDays: 122, maxDays: 211 },
      { score: 4, minDays: 2, maxDays: 121 },
      { score: 5, minDays: 0, maxDays: 1 },
    ]);
    expect(e.edges?.frequency).toEqual([
      { score: 1, min: 0, max: 1 },
      { score: 2, min: 2, max: 2 },
      { score: 3, min: 3, max: 3 },
      { score: 4, min: 4, max: 5 },
      { score: 5, min: 6, max: null },
    ]);
    // M 2 and 3 are unreachable (ties skipped them).
    expect(e.edges?.monetaryMinor.map((b) => b.score)).toEqual([1, 4, 5]);
    expect(e.cell).toEqual({ r: [4, 5], f: [2, 3] });
    expect(e.shopify).toMatchObject({ group: "AT_RISK", closestToOurs: "ACTIVE", agrees: false });
  });

  it("counts days to today, not to the snapshot's date: an order since midnight is 0 days ago, never -1", () => {
    // The nightly snapshot is of 2026-06-29; the customer ordered today, 2026-06-30, after midnight.
    const snapshot = {
      id: 1n,
      asOf: new Date("2026-06-29T03:00:00Z"),
      lookbackDays: 365,
      singleOrderShare: 0.2,
      customersScored: 10,
      windowCustomers: 4,
      frequencyMode: "QUINTILES",
      recencyMode: "QUINTILES",
      monetaryMode: "QUINTILES",
      recencyEdges: ["2025-09-01", "2026-01-01", "2026-04-01", "2026-06-20"],
      frequencyEdges: [1, 2, 3, 4],
      monetaryEdges: [1000n, 2000n, 3000n, 4000n],
    };
    const profile = { rfmGroup: "NEW", rfmRulesVersion: 2, rScore: 5, fScore: 1, mScore: 1, lastOrderDate: "2026-06-30", windowOrders: 1, windowSpentMinor: 500n, currency: "USD", shopifyRfmGroup: null, shopifyRfmReadAt: null };
    const e = explainRfm(profile, snapshot, daysBetween, "2026-06-30");
    expect(e.values.recencyDays).toBe(0);
    // R 5: last order on or after 2026-06-20, 0 to 10 days ago today (0 to 9 counted from the snapshot).
    expect(e.edges?.recencyDays.find((b) => b.score === 5)).toEqual({ score: 5, minDays: 0, maxDays: 10 });
    expect(e.edges?.recencyDays.find((b) => b.score === 4)).toEqual({ score: 4, minDays: 11, maxDays: 90 });
  });
});
