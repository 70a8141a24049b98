/**
 * The segment rule language: a JSON rule tree over customer facts (CustomerProfile), validated
 * with errors that name the field, and compiled to parameterized SQL. Pure.
 *
 * Grammar (documented for merchants and the issue-4 rule builder):
 *   rule      := group | not | condition
 *   group     := { "all": rule[] }   every child holds        (1-20 children)
 *              | { "any": rule[] }   at least one child holds
 *   not       := { "not": rule }
 *   condition := { "fact": <fact>, "op": <op>, "value": <value> }
 *
 *   fact (type)                       ops and value
 *   ordersCount, abandonedCheckoutsCount, pointsBalance (number)
 *                                     eq neq gt gte lt lte: a number; between: [min, max] (inclusive)
 *   amountSpent, averageOrderValue (money, shop currency, major units e.g. 49.90)
 *                                     same as number
 *   firstOrderDate, lastOrderDate, lastAbandonedDate (date, shop-local days)
 *                                     before / after: "YYYY-MM-DD" (that day excluded);
 *                                     within_last_days / more_than_days_ago: whole days (>= 0);
 *                                     is_set / is_not_set: no value
 *   rfmGroup (enum: RFM group codes and PROSPECTS), stage (enum: journey stages)
 *                                     in / not_in: a non-empty list of codes
 *   tags (tags, case-insensitive)     has_any / has_all / has_none: a non-empty list of tags
 *   acceptsMarketing, hasReviewed (boolean)
 *                                     is: true or false
 *
 * Example: customers with 3+ orders who have not ordered for 90 days and are not tagged "vip":
 *   {"all":[{"fact":"ordersCount","op":"gte","value":3},
 *           {"fact":"lastOrderDate","op":"more_than_days_ago","value":90},
 *           {"fact":"tags","op":"has_none","value":["vip"]}]}
 *
 * Every condition is NULL-safe (a customer without orders has no lastOrderDate: "before" is false
 * for them, and so "not before" is true), so `not` always means the complement.
 */
import { addDays, localDate, startOfLocalDate } from "~/lib/calendar";
import { MAX_INPUT_AMOUNT, toMinor } from "~/lib/money";
import { join, raw, sql, utc, type Sql } from "~/lib/sql";
import { STAGES } from "~/domains/journey/stages";
import { RFM_GROUPS_WITH_PROSPECTS } from "~/domains/segments/rfm";

type FactType = "number" | "money" | "date" | "enum" | "tags" | "boolean";

export const RULE_FACTS = {
  ordersCount: { type: "number", column: "ordersCount" },
  amountSpent: { type: "money", column: "amountSpentMinor" },
  averageOrderValue: { type: "money", column: "averageOrderMinor" },
  firstOrderDate: { type: "date", column: "firstOrderAt" },
  lastOrderDate: { type: "date", column: "lastOrderAt" },
  rfmGroup: { type: "enum", column: "rfmGroup", values: RFM_GROUPS_WITH_PROSPECTS },
  stage: { type: "enum", column: "stage", values: STAGES },
  tags: { type: "tags", column: "tags" },
  acceptsMarketing: { type: "boolean", column: "acceptsMarketing" },
  abandonedCheckoutsCount: { type: "number", column: "abandonedCheckoutsCount" },
  lastAbandonedDate: { type: "date", column: "lastAbandonedAt" },
  pointsBalance: { type: "number", column: "pointsBalance" },
  hasReviewed: { type: "boolean", column: "hasReviewed" },
} as const satisfies Record<string, { type: FactType; column: string; values?: readonly string[] }>;

export type FactName = keyof typeof RULE_FACTS;
export const FACT_NAMES = Object.keys(RULE_FACTS) as FactName[];

export const OPS_BY_TYPE = {
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between"],
  money: ["eq", "neq", "gt", "gte", "lt", "lte", "between"],
  date: ["before", "after", "within_last_days", "more_than_days_ago", "is_set", "is_not_set"],
  enum: ["in", "not_in"],
  tags: ["has_any", "has_all", "has_none"],
  boolean: ["is"],
} as const satisfies Record<FactType, readonly string[]>;

export type Op = (typeof OPS_BY_TYPE)[FactType][number];

export type Condition = { fact: FactName; op: Op; value?: number | string | boolean | (number | string)[] };
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition;

export const RULE_LIMITS = { maxDepth: 6, maxConditions: 50, maxChildren: 20, maxListItems: 100, maxTagLength: 255 } as const;

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; fieldErrors: Record<string, string> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isMoney = (v: unknown) =>
  (typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= MAX_INPUT_AMOUNT) || (typeof v === "string" && /^\d{1,12}(\.\d+)?$/.test(v));
const isCount = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 1_000_000_000;
const isDate = (v: unknown) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/**
 * Checks a rule tree; every problem is reported under its path (`rule.all.1.value`), so a form can
 * put the message next to the field. Returns the rule re-built from known keys only.
 */
export function validateRule(input: unknown, path = "rule"): RuleValidation {
  const errors: Record<string, string> = {};
  let conditions = 0;
  const fail = (p: string, message: string) => {
    errors[p] ??= message;
    return null;
  };

  const visit = (node: unknown, p: string, depth: number): Rule | null => {
    if (depth > RULE_LIMITS.maxDepth) return fail(p, `rules may nest at most ${RULE_LIMITS.maxDepth} levels`);
    if (!isObject(node)) return fail(p, 'expected a condition {"fact","op","value"} or a group {"all"|"any"|"not"}');
    const groupKeys = ["all", "any", "not"].filter((k) => k in node);
    if (groupKeys.length > 1) return fail(p, `use only one of ${groupKeys.join(", ")}`);
    if ("all" in node || "any" in node) {
      const key = "all" in node ? "all" : "any";
      const children = node[key];
      if (!Array.isArray(children) || children.length === 0) return fail(`${p}.${key}`, "expected a non-empty list of rules");
      if (children.length > RULE_LIMITS.maxChildren) return fail(`${p}.${key}`, `at most ${RULE_LIMITS.maxChildren} rules per group`);
      const built = children.map((child, i) => visit(child, `${p}.${key}.${i}`, depth + 1));
      return built.every(Boolean) ? ({ [key]: built as Rule[] } as Rule) : null;
    }
    if ("not" in node) {
      const inner = visit(node.not, `${p}.not`, depth + 1);
      return inner ? { not: inner } : null;
    }
    conditions += 1;
    if (conditions > RULE_LIMITS.maxConditions) return fail(p, `at most ${RULE_LIMITS.maxConditions} conditions per segment`);
    const fact = node.fact;
    if (typeof fact !== "string" || !Object.hasOwn(RULE_FACTS, fact)) return fail(`${p}.fact`, `unknown fact; use one of ${FACT_NAMES.join(", ")}`);
    const def = RULE_FACTS[fact as FactName] as { type: FactType; values?: readonly string[] };
    const ops = OPS_BY_TYPE[def.type] as readonly string[];
    const op = node.op;
    if (typeof op !== "string" || !ops.includes(op)) return fail(`${p}.op`, `${fact} takes ${ops.join(", ")}`);
    const value = node.value;
    const vp = `${p}.value`;
    const out = (v?: Condition["value"]): Condition => (v === undefined ? { fact: fact as FactName, op: op as Op } : { fact: fact as FactName, op: op as Op, value: v });
    switch (def.type) {
      case "number":
      case "money": {
        const ok = def.type === "money" ? isMoney : isCount;
        const what = def.type === "money" ? "an amount from 0 to 999999999999 (e.g. 49.90)" : "a whole number of at least 0";
        if (op === "between") {
          if (!Array.isArray(value) || value.length !== 2 || !value.every(ok)) return fail(vp, `expected [min, max], each ${what}`);
          if (Number(value[0]) > Number(value[1])) return fail(vp, "min must not exceed max");
          return out(value as (number | string)[]);
        }
        if (!ok(value)) return fail(vp, `expected ${what}`);
        return out(value as number | string);
      }
      case "date": {
        if (op === "is_set" || op === "is_not_set") {
          if (value !== undefined && value !== null) return fail(vp, `${op} takes no value`);
          return out();
        }
        if (op === "before" || op === "after") {
          if (!isDate(value)) return fail(vp, "expected a date YYYY-MM-DD");
          return out(value as string);
        }
        if (!isCount(value) || (value as number) > 36_500) return fail(vp, "expected a whole number of days (0-36500)");
        return out(value as number);
      }
      case "enum": {
        const allowed = def.values ?? [];
        if (!Array.isArray(value) || value.length === 0) return fail(vp, `expected a non-empty list of ${allowed.join(", ")}`);
        const bad = value.find((v) => typeof v !== "string" || !allowed.includes(v));
        if (bad !== undefined) return fail(vp, `unknown value ${JSON.stringify(bad)}; use ${allowed.join(", ")}`);
        return out([...new Set(value as string[])]);
      }
      case "tags": {
        if (!Array.isArray(value) || value.length === 0 || value.length > RULE_LIMITS.maxListItems) return fail(vp, `expected 1-${RULE_LIMITS.maxListItems} tags`);
        if (!value.every((v) => typeof v === "string" && v.trim().length > 0 && v.length <= RULE_LIMITS.maxTagLength)) return fail(vp, "tags must be non-empty text");
        return out([...new Set((value as string[]).map((t) => t.trim()))]);
      }
      case "boolean": {
        if (typeof value !== "boolean") return fail(vp, "expected true or false");
        return out(value);
      }
    }
  };

  const rule = visit(input, path, 1);
  if (!rule || Object.keys(errors).length) return { ok: false, fieldErrors: errors };
  return { ok: true, rule };
}

/** What compiling needs to know about the shop and the moment. */
export type CompileContext = { currency: string; timezone: string; asOf: Date };

/** Every condition with its path, for explanations ("which part put this customer in"). */
export function ruleConditions(rule: Rule, path = "rule"): { path: string; condition: Condition }[] {
  if ("all" in rule) return rule.all.flatMap((r, i) => ruleConditions(r, `${path}.all.${i}`));
  if ("any" in rule) return rule.any.flatMap((r, i) => ruleConditions(r, `${path}.any.${i}`));
  if ("not" in rule) return ruleConditions(rule.not, `${path}.not`);
  return [{ path, condition: rule }];
}

export function referencedFacts(rule: Rule): FactName[] {
  return [...new Set(ruleConditions(rule).map((c) => c.condition.fact))];
}

const CMP: Record<string, string> = { eq: "=", neq: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** One condition as a NULL-safe SQL boolean over the profile alias. */
export function compileCondition(c: Condition, ctx: CompileContext, alias = "p"): Sql {
  const def = RULE_FACTS[c.fact];
  const col = raw(`${alias}."${def.column}"`);
  const today = localDate(ctx.asOf, ctx.timezone);
  const dayStart = (date: string) => utc(startOfLocalDate(date, ctx.timezone));
  let expr: Sql;
  switch (def.type) {
    case "number":
    case "money": {
      const v = (x: unknown) => (def.type === "money" ? sql`${toMinor(x as string | number, ctx.currency)}::bigint` : sql`${Number(x)}::bigint`);
      if (c.op === "between") {
        const [lo, hi] = c.value as (string | number)[];
        expr = sql`${col} BETWEEN ${v(lo)} AND ${v(hi)}`;
      } else expr = sql`${col} ${raw(CMP[c.op]!)} ${v(c.value)}`;
      break;
    }
    case "date":
      switch (c.op) {
        case "is_set":
          expr = sql`${col} IS NOT NULL`;
          break;
        case "is_not_set":
          expr = sql`${col} IS NULL`;
          break;
        case "before":
          expr = sql`${col} < ${dayStart(c.value as string)}`;
          break;
        case "after":
          expr = sql`${col} >= ${dayStart(addDays(c.value as string, 1))}`;
          break;
        case "within_last_days":
          expr = sql`${col} >= ${dayStart(addDays(today, -(c.value as number)))}`;
          break;
        default:
          expr = sql`${col} < ${dayStart(addDays(today, -(c.value as number)))}`;
      }
      break;
    case "enum":
      expr = c.op === "in" ? sql`${col} = ANY(${c.value}::text[])` : sql`NOT (${col} = ANY(${c.value}::text[]))`;
      break;
    case "tags": {
      const wanted = (c.value as string[]).map((t) => t.toLowerCase());
      const lowered = sql`ARRAY(SELECT lower(t) FROM unnest(${col}) t)`;
      expr =
        c.op === "has_any" ? sql`${lowered} && ${wanted}::text[]` : c.op === "has_all" ? sql`${lowered} @> ${wanted}::text[]` : sql`NOT (${lowered} && ${wanted}::text[])`;
      break;
    }
    case "boolean":
      expr = sql`${col} = ${c.value as boolean}`;
      break;
  }
  return sql`COALESCE((${expr}), false)`;
}

/** The whole rule as one SQL boolean over the profile alias (parameters bound, never inlined). */
export function compileRule(rule: Rule, ctx: CompileContext, alias = "p"): Sql {
  if ("all" in rule) return sql`(${join(rule.all.map((r) => compileRule(r, ctx, alias)), " AND ")})`;
  if ("any" in rule) return sql`(${join(rule.any.map((r) => compileRule(r, ctx, alias)), " OR ")})`;
  if ("not" in rule) return sql`(NOT ${compileRule(rule.not, ctx, alias)})`;
  return compileCondition(rule, ctx, alias);
}
