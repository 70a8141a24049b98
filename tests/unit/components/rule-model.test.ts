import { describe, expect, it } from "vitest";
import { validateRule, type Rule } from "~/domains/segments/rules";
import { conditionErrors, fromRule, newCondition, toRule, withFact, withOp } from "~/components/segments/rule-model";
import { fieldErrorKey } from "~/components/segments/field-errors";

describe("rule builder model", () => {
  it("round-trips a flat rule through the form", () => {
    const rule: Rule = {
      any: [
        { fact: "ordersCount", op: "between", value: [2, 5] },
        { fact: "amountSpent", op: "gte", value: "49.90" },
        { fact: "lastOrderDate", op: "more_than_days_ago", value: 90 },
        { fact: "rfmGroup", op: "in", value: ["CHAMPIONS", "LOYAL"] },
        { fact: "tags", op: "has_none", value: ["vip"] },
        { fact: "hasReviewed", op: "is", value: false },
        { fact: "firstOrderDate", op: "is_set" },
      ],
    };
    const form = fromRule(rule);
    expect(form).not.toBeNull();
    expect(toRule(form!)).toEqual(rule);
    expect(validateRule(toRule(form!)).ok).toBe(true);
  });

  it("leaves nested rules to the JSON editor", () => {
    expect(fromRule({ all: [{ any: [{ fact: "ordersCount", op: "gte", value: 1 }] }] })).toBeNull();
    expect(fromRule({ not: { fact: "ordersCount", op: "gte", value: 1 } })).toBeNull();
  });

  it("starts new conditions valid, so the preview counts at once", () => {
    for (const fact of ["ordersCount", "amountSpent", "lastOrderDate", "acceptsMarketing"] as const) {
      expect(validateRule(toRule({ match: "all", conditions: [newCondition(fact)] })).ok).toBe(true);
    }
  });

  it("keeps what was typed when it is not a number, so the server names the field", () => {
    const c = { ...newCondition("ordersCount"), value: "lots" };
    const rule = toRule({ match: "all", conditions: [newCondition("amountSpent"), c] });
    const checked = validateRule(rule);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.fieldErrors)).toEqual(["rule.all.1.value"]);
    expect(conditionErrors(checked.fieldErrors).get(1)).toMatch(/whole number/);
    expect(fieldErrorKey(checked.fieldErrors["rule.all.1.value"]!)).toBe("admin.fieldErrors.wholeNumber");
  });

  it("accepts a decimal comma for amounts", () => {
    expect(toRule({ match: "all", conditions: [{ ...newCondition("amountSpent"), value: "49,90" }] })).toEqual({ all: [{ fact: "amountSpent", op: "gte", value: "49.90" }] });
  });

  it("resets operator and value when the fact's type changes, and keeps them when it does not", () => {
    const c = { ...newCondition("ordersCount"), op: "lt" as const, value: "3" };
    expect(withFact(c, "pointsBalance")).toMatchObject({ fact: "pointsBalance", op: "lt", value: "3" });
    expect(withFact(c, "stage")).toMatchObject({ fact: "stage", op: "in", values: [] });
    expect(withOp(c, "between")).toMatchObject({ op: "between", value: "" });
  });

  it("maps every message the domain sends for rules and forms to a translation", () => {
    const samples = [
      "required",
      "at most 80 characters",
      "a segment with this name already exists",
      "another segment already syncs this tag",
      "not valid JSON",
      "expected a whole number of at least 0",
      "expected an amount from 0 to 999999999999 (e.g. 49.90)",
      "expected a date YYYY-MM-DD",
      "expected a whole number of days (0-36500)",
      "min must not exceed max",
      "expected 1-100 tags",
      "expected true or false",
      "unknown fact; use one of ordersCount",
      "ordersCount takes eq, neq",
      "required when syncing as a customer tag",
    ];
    for (const message of samples) expect(fieldErrorKey(message), message).not.toBeNull();
  });
});
