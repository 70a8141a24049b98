import { describe, expect, it } from "vitest";
import { render } from "~/lib/sql";
import { compileRule, referencedFacts, RULE_LIMITS, ruleConditions, validateRule, type Rule } from "~/domains/segments/rules";
import { parseSegmentInput } from "~/domains/segments/segments.schema";

const ctx = { currency: "USD", timezone: "America/New_York", asOf: new Date("2026-06-30T16:00:00Z") };

describe("validateRule", () => {
  it("accepts every fact with its operators and returns the rule rebuilt from known keys", () => {
    const rule = {
      all: [
        { fact: "ordersCount", op: "between", value: [2, 5], extra: "dropped" },
        { fact: "amountSpent", op: "gte", value: "49.90" },
        { fact: "lastOrderDate", op: "more_than_days_ago", value: 90 },
        { fact: "firstOrderDate", op: "is_set" },
        { fact: "rfmGroup", op: "in", value: ["CHAMPIONS", "LOYAL", "CHAMPIONS"] },
        { fact: "tags", op: "has_none", value: [" vip "] },
        { not: { fact: "acceptsMarketing", op: "is", value: false } },
        { any: [{ fact: "hasReviewed", op: "is", value: true }, { fact: "pointsBalance", op: "gt", value: 0 }] },
      ],
    };
    const result = validateRule(rule);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect((result.rule as { all: Rule[] }).all[0]).toEqual({ fact: "ordersCount", op: "between", value: [2, 5] });
    expect((result.rule as { all: Rule[] }).all[4]).toEqual({ fact: "rfmGroup", op: "in", value: ["CHAMPIONS", "LOYAL"] });
    expect((result.rule as { all: Rule[] }).all[5]).toEqual({ fact: "tags", op: "has_none", value: ["vip"] });
    expect(referencedFacts(result.rule)).toHaveLength(9);
    expect(ruleConditions(result.rule).map((c) => c.path)).toContain("rule.all.6.not");
  });

  it("names every invalid field", () => {
    const result = validateRule({
      any: [
        { fact: "amountSpent", op: "between", value: [50, 10] },
        { fact: "ordersCount", op: "before", value: 1 },
        { fact: "lastOrderDate", op: "after", value: "2026-02-30" },
        { fact: "lastOrderDate", op: "is_set", value: 3 },
        { fact: "hasReviewed", op: "is", value: "yes" },
        { fact: "tags", op: "has_any", value: [] },
        "not a rule",
        { all: [], any: [] },
      ],
    });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        "rule.any.0.value": "min must not exceed max",
        "rule.any.1.op": "ordersCount takes eq, neq, gt, gte, lt, lte, between",
        "rule.any.2.value": "expected a date YYYY-MM-DD",
        "rule.any.3.value": "is_set takes no value",
        "rule.any.4.value": "expected true or false",
        "rule.any.5.value": "expected 1-100 tags",
        "rule.any.6": 'expected a condition {"fact","op","value"} or a group {"all"|"any"|"not"}',
        "rule.any.7": "use only one of all, any",
      },
    });
  });

  it("bounds amounts so they always fit the bigint they compile to, and knows only its own facts", () => {
    const errors = validateRule({
      any: [
        { fact: "amountSpent", op: "gte", value: "100000000000000000" },
        { fact: "amountSpent", op: "gte", value: 1e21 },
        { fact: "averageOrderValue", op: "between", value: [0, 1e13] },
        { fact: "constructor", op: "eq", value: 1 },
        { fact: "__proto__", op: "eq", value: 1 },
      ],
    });
    expect(errors.ok ? {} : errors.fieldErrors).toEqual({
      "rule.any.0.value": "expected an amount from 0 to 999999999999 (e.g. 49.90)",
      "rule.any.1.value": "expected an amount from 0 to 999999999999 (e.g. 49.90)",
      "rule.any.2.value": "expected [min, max], each an amount from 0 to 999999999999 (e.g. 49.90)",
      "rule.any.3.fact": expect.stringMatching(/^unknown fact/),
      "rule.any.4.fact": expect.stringMatching(/^unknown fact/),
    });
    const largest = validateRule({ fact: "amountSpent", op: "lte", value: "999999999999.99" });
    expect(largest.ok).toBe(true);
  });

  it("limits nesting and size", () => {
    let deep: unknown = { fact: "ordersCount", op: "gte", value: 1 };
    for (let i = 0; i < RULE_LIMITS.maxDepth; i++) deep = { not: deep };
    expect(validateRule(deep)).toMatchObject({ ok: false });
    const many = { all: Array.from({ length: 20 }, () => ({ any: Array.from({ length: 3 }, () => ({ fact: "ordersCount", op: "gte", value: 1 })) })) };
    expect(validateRule(many)).toMatchObject({ ok: false, fieldErrors: expect.objectContaining({}) });
  });
});

describe("compileRule", () => {
  it("binds every value as a parameter (never in the SQL text) and is NULL-safe", () => {
    const checked = validateRule({ all: [{ fact: "amountSpent", op: "gte", value: 49.9 }, { fact: "tags", op: "has_any", value: ["O'Brien"] }, { not: { fact: "stage", op: "in", value: ["PURCHASE"] } }] });
    if (!checked.ok) throw new Error("invalid");
    const [text, ...values] = render(compileRule(checked.rule, ctx));
    expect(text).not.toContain("O'Brien");
    expect(text).toContain(`COALESCE((p."amountSpentMinor" >= $1::bigint), false)`);
    expect(values).toEqual([4990n, ["o'brien"], ["PURCHASE"]]);
  });

  it("counts days in the shop's timezone: 'within the last 30 days' starts at local midnight", () => {
    const checked = validateRule({ fact: "lastOrderDate", op: "within_last_days", value: 30 });
    if (!checked.ok) throw new Error("invalid");
    const [text, ...values] = render(compileRule(checked.rule, ctx));
    expect(text).toContain(`p."lastOrderAt" >= $1::timestamp`);
    // 2026-06-30 minus 30 days = 2026-05-31, 00:00 in New York (EDT) = 04:00 UTC, as stored (UTC, no zone).
    expect(values).toEqual(["2026-05-31 04:00:00.000"]);
  });
});

describe("parseSegmentInput", () => {
  it("accepts the rule as JSON text from a form", () => {
    const r = parseSegmentInput({ name: " VIP ", rule: '{"fact":"ordersCount","op":"gte","value":3}', syncMode: "TAG", syncTag: "vip" });
    expect(r).toEqual({ ok: true, value: { name: "VIP", description: null, rule: { fact: "ordersCount", op: "gte", value: 3 }, syncMode: "TAG", syncTag: "vip" } });
  });

  it("refuses a tag with a comma (Shopify splits tags on commas)", () => {
    expect(parseSegmentInput({ name: "VIP", rule: { fact: "ordersCount", op: "gte", value: 3 }, syncMode: "TAG", syncTag: "a,b" })).toMatchObject({ ok: false, fieldErrors: { syncTag: expect.stringContaining("no commas") } });
  });
});
