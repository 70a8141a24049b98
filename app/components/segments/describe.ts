/**
 * A rule condition in words, in the merchant's language: "Amount spent is at least 100.00 USD",
 * "Last order date more than 90 days ago", "RFM group is one of Champions, Loyal". Pure (takes the
 * page's translator).
 */
import { RULE_FACTS, type Condition, type Rule } from "~/domains/segments/rules";
import type { MessageKey, Translator } from "~/i18n/i18n";
import { valueKind } from "~/components/segments/rule-model";
import { toMinor } from "~/lib/money";

type T = Pick<Translator, "t" | "number" | "day" | "money">;

function valueText(c: Condition, tr: T, currency: string | null): string {
  const { t, number, day, money } = tr;
  const kind = valueKind(c.fact, c.op);
  const v = c.value;
  // Rule amounts are major units of the shop currency, as the merchant typed them.
  const amount = (x: unknown) => (currency ? money(toMinor(x as number | string, currency), currency) : String(x));
  switch (kind) {
    case "none":
      return "";
    case "number":
      return number(Number(v));
    case "money":
      return amount(v);
    case "range":
      return Array.isArray(v) ? t("admin.rule.between", { min: number(Number(v[0])), max: number(Number(v[1])) }) : "";
    case "moneyRange":
      return Array.isArray(v) ? t("admin.rule.between", { min: amount(v[0]), max: amount(v[1]) }) : "";
    case "date":
      return typeof v === "string" ? day(v) : "";
    case "days":
      return t("admin.rule.daysCount", { count: Number(v) });
    case "choices":
      return Array.isArray(v) ? v.map((x) => t((c.fact === "stage" ? `admin.stages.${x}` : `admin.rfmGroups.${x}`) as MessageKey)).join(", ") : "";
    case "tags":
      return Array.isArray(v) ? v.map((x) => `“${x}”`).join(", ") : "";
    case "boolean":
      return v === true ? t("admin.rule.yes") : t("admin.rule.no");
  }
}

export function describeCondition(c: Condition, tr: T, currency: string | null = null): string {
  const text = valueText(c, tr, currency);
  return `${tr.t(`admin.rule.facts.${c.fact}`)} ${tr.t(`admin.rule.ops.${c.op}`)}${text ? ` ${text}` : ""}`;
}

/** A whole rule in one line: conditions joined by "and"/"or", nested groups in parentheses. */
export function describeRule(rule: Rule, tr: T, currency: string | null = null): string {
  if ("all" in rule) return rule.all.map((r) => wrap(r, tr, currency)).join(` ${tr.t("admin.rule.and")} `);
  if ("any" in rule) return rule.any.map((r) => wrap(r, tr, currency)).join(` ${tr.t("admin.rule.or")} `);
  if ("not" in rule) return `${tr.t("admin.rule.not")} (${describeRule(rule.not, tr, currency)})`;
  return describeCondition(rule, tr, currency);
}

function wrap(rule: Rule, tr: T, currency: string | null) {
  // Only groups need parentheses: "not" already brackets what it negates.
  return "all" in rule || "any" in rule ? `(${describeRule(rule, tr, currency)})` : describeRule(rule, tr, currency);
}

/**
 * A fact as a rule read it (the `facts` kept with a membership event, raw column values): its name
 * and its value in words. Amounts are stored in minor units of the shop currency, instants as UTC
 * timestamps without a zone (jsonb of a `timestamp` column), groups and stages as codes.
 */
export function describeFact(
  fact: string,
  value: unknown,
  tr: Pick<Translator, "t" | "number" | "money" | "date">,
  currency: string | null,
): { label: string; value: string } {
  const { t, number, money, date } = tr;
  if (!Object.hasOwn(RULE_FACTS, fact)) return { label: fact, value: value === null || value === undefined ? "–" : typeof value === "object" ? JSON.stringify(value) : String(value) };
  const name = fact as keyof typeof RULE_FACTS;
  const label = t(`admin.rule.facts.${name}`);
  if (value === null || value === undefined) return { label, value: "–" };
  const type = RULE_FACTS[name].type;
  switch (type) {
    case "number":
      return { label, value: number(Number(value)) };
    case "money":
      return { label, value: currency ? money(String(value), currency) : number(Number(value)) };
    case "date": {
      const text = String(value);
      return { label, value: date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`, "date") };
    }
    case "enum":
      return { label, value: t((name === "stage" ? `admin.stages.${String(value)}` : `admin.rfmGroups.${String(value)}`) as MessageKey) };
    case "tags":
      return { label, value: Array.isArray(value) && value.length ? value.join(", ") : "–" };
    case "boolean":
      return { label, value: value === true ? t("admin.rule.yes") : t("admin.rule.no") };
  }
}

/** The facts a rule read, each as "name: value" (the timeline's and the report's wording). */
export function describeFacts(facts: unknown, tr: Pick<Translator, "t" | "number" | "money" | "date">, currency: string | null): string[] {
  if (!facts || typeof facts !== "object") return [];
  return Object.entries(facts as Record<string, unknown>).map(([fact, value]) => tr.t("admin.timeline.fact", describeFact(fact, value, tr, currency)));
}

/** Where a segment is synced to in Shopify and how that sync is doing: "Customer tag · up to date". */
export function describeSync(mode: string, status: string, t: Translator["t"]): string {
  if (mode === "NONE") return t("admin.segments.sync.off");
  const known = status === "IDLE" || status === "PENDING" || status === "RUNNING" || status === "FAILED" ? status : "PENDING";
  return `${t(mode === "TAG" ? "admin.segments.sync.tag" : "admin.segments.sync.metafield")} · ${t(`admin.segments.sync.status.${known}`)}`;
}
