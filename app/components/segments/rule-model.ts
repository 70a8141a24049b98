/**
 * The rule builder's model: a flat "match all / any of these conditions" form over the rule
 * language of app/domains/segments/rules.ts, and the conversions both ways. Pure.
 *
 * The form keeps what the merchant typed (text), and toRule() converts it for the server without
 * judging it: input that is not a number stays text, so the server's validator names the field
 * (`rule.all.1.value`) and the page shows its message next to that condition. Rules deeper than
 * one group (written as JSON or by the report CLI) are edited as JSON instead (fromRule → null).
 */
import { FACT_NAMES, OPS_BY_TYPE, RULE_FACTS, type Condition, type FactName, type Op, type Rule } from "~/domains/segments/rules";

export type FactType = (typeof RULE_FACTS)[FactName]["type"];

/** What input an operator needs. */
export type ValueKind = "number" | "money" | "range" | "moneyRange" | "date" | "days" | "none" | "choices" | "tags" | "boolean";

export type BuilderCondition = {
  /** Stable React key; not part of the rule. */
  key: string;
  fact: FactName;
  op: Op;
  /** Single value as typed (number, money, date, days, "true"/"false"). */
  value: string;
  /** Upper bound of `between`. */
  value2: string;
  /** Enum choices or tags. */
  values: string[];
};

export type BuilderState = { match: "all" | "any"; conditions: BuilderCondition[] };

export const factType = (fact: FactName): FactType => RULE_FACTS[fact].type;
export const opsFor = (fact: FactName): readonly Op[] => OPS_BY_TYPE[factType(fact)] as readonly Op[];
export const enumValues = (fact: FactName): readonly string[] => ("values" in RULE_FACTS[fact] ? (RULE_FACTS[fact] as { values: readonly string[] }).values : []);
export { FACT_NAMES };

export function valueKind(fact: FactName, op: Op): ValueKind {
  const type = factType(fact);
  switch (type) {
    case "number":
      return op === "between" ? "range" : "number";
    case "money":
      return op === "between" ? "moneyRange" : "money";
    case "date":
      return op === "before" || op === "after" ? "date" : op === "is_set" || op === "is_not_set" ? "none" : "days";
    case "enum":
      return "choices";
    case "tags":
      return "tags";
    case "boolean":
      return "boolean";
  }
}

let counter = 0;
const nextKey = () => `c${++counter}`;

const DEFAULT_OP: Record<FactType, Op> = { number: "gte", money: "gte", date: "within_last_days", enum: "in", tags: "has_any", boolean: "is" };
/** A value that makes the new condition valid at once, so the live preview counts from the start. */
const DEFAULT_VALUE: Record<FactType, string> = { number: "1", money: "100", date: "30", enum: "", tags: "", boolean: "true" };

/** A new condition on `fact` with the most common operator and a typical value. */
export function newCondition(fact: FactName = "ordersCount"): BuilderCondition {
  const type = factType(fact);
  return { key: nextKey(), fact, op: DEFAULT_OP[type], value: DEFAULT_VALUE[type], value2: "", values: [] };
}

/** Changing the fact resets the operator and value when the old ones do not apply. */
export function withFact(c: BuilderCondition, fact: FactName): BuilderCondition {
  if (factType(fact) === factType(c.fact) && fact !== "rfmGroup" && fact !== "stage") return { ...c, fact };
  return { ...newCondition(fact), key: c.key };
}

export function withOp(c: BuilderCondition, op: Op): BuilderCondition {
  const before = valueKind(c.fact, c.op);
  const after = valueKind(c.fact, op);
  return before === after ? { ...c, op } : { ...c, op, value: factType(c.fact) === "boolean" ? "true" : "", value2: "", values: after === "choices" || after === "tags" ? c.values : [] };
}

/** "12" → 12; anything else stays as typed so the server's message points at this field. */
function count(text: string): number | string {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Money as exact decimal text ("49.90"); a decimal comma (French input) is accepted. */
function money(text: string): string {
  return text.trim().replace(/\s/g, "").replace(",", ".");
}

function conditionOf(c: BuilderCondition): Condition {
  const kind = valueKind(c.fact, c.op);
  const base = { fact: c.fact, op: c.op };
  switch (kind) {
    case "number":
    case "days":
      return { ...base, value: count(c.value) };
    case "money":
      return { ...base, value: money(c.value) };
    case "range":
      return { ...base, value: [count(c.value), count(c.value2)] };
    case "moneyRange":
      return { ...base, value: [money(c.value), money(c.value2)] };
    case "date":
      return { ...base, value: c.value.trim() };
    case "none":
      return base;
    case "choices":
    case "tags":
      return { ...base, value: c.values };
    case "boolean":
      return { ...base, value: c.value === "true" };
  }
}

/** The rule the form describes (always a group, so error paths read `rule.all.<i>...`). */
export function toRule(state: BuilderState): Rule {
  const conditions = state.conditions.map(conditionOf);
  return state.match === "all" ? { all: conditions } : { any: conditions };
}

function isCondition(rule: Rule): rule is Condition {
  return "fact" in rule;
}

function builderConditionOf(c: Condition): BuilderCondition | null {
  if (!(FACT_NAMES as readonly string[]).includes(c.fact)) return null;
  const kind = valueKind(c.fact, c.op);
  const out: BuilderCondition = { key: nextKey(), fact: c.fact, op: c.op, value: "", value2: "", values: [] };
  const v = c.value;
  if (kind === "range" || kind === "moneyRange") {
    if (!Array.isArray(v) || v.length !== 2) return null;
    return { ...out, value: String(v[0]), value2: String(v[1]) };
  }
  if (kind === "choices" || kind === "tags") return Array.isArray(v) ? { ...out, values: v.map(String) } : null;
  if (kind === "none") return out;
  if (kind === "boolean") return { ...out, value: v === true ? "true" : "false" };
  return Array.isArray(v) || v === undefined ? null : { ...out, value: String(v) };
}

/** The form for a stored rule, or null when the rule needs more than one all/any group. */
export function fromRule(rule: Rule): BuilderState | null {
  const group: { match: "all" | "any"; children: Rule[] } | null = isCondition(rule)
    ? { match: "all", children: [rule] }
    : "all" in rule
      ? { match: "all", children: rule.all }
      : "any" in rule
        ? { match: "any", children: rule.any }
        : null;
  if (!group || !group.children.every(isCondition)) return null;
  const conditions = (group.children as Condition[]).map(builderConditionOf);
  if (conditions.some((c) => c === null)) return null;
  return { match: group.match, conditions: conditions as BuilderCondition[] };
}

/**
 * Server field errors that belong to the builder, by condition index: `rule.all.2.value` → 2.
 * Errors on the rule as a whole (`rule`, `rule.all`) come back under -1.
 */
export function conditionErrors(fieldErrors: Record<string, string> | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const [path, message] of Object.entries(fieldErrors ?? {})) {
    const m = /^rule(?:\.(?:all|any)(?:\.(\d+))?)?(?:\.|$)/.exec(path);
    if (!m) continue;
    const index = m[1] === undefined ? -1 : Number(m[1]);
    if (!out.has(index)) out.set(index, message);
  }
  return out;
}
