/**
 * Starting points for a first segment (the "create" page pre-fills one with ?template=). Names and
 * descriptions are message keys; the rules are plain rule-language JSON a merchant can then edit.
 */
import type { Rule } from "~/domains/segments/rules";

export const SEGMENT_TEMPLATES: { id: "champions" | "atRisk" | "abandoners" | "oneTime"; rule: Rule }[] = [
  { id: "champions", rule: { all: [{ fact: "rfmGroup", op: "in", value: ["CHAMPIONS", "LOYAL"] }] } },
  { id: "atRisk", rule: { all: [{ fact: "rfmGroup", op: "in", value: ["AT_RISK", "CANT_LOSE_THEM"] }] } },
  {
    id: "abandoners",
    rule: { all: [{ fact: "lastAbandonedDate", op: "within_last_days", value: 30 }, { fact: "ordersCount", op: "eq", value: 0 }] },
  },
  {
    id: "oneTime",
    rule: { all: [{ fact: "ordersCount", op: "eq", value: 1 }, { fact: "lastOrderDate", op: "more_than_days_ago", value: 60 }] },
  },
];

export type TemplateId = (typeof SEGMENT_TEMPLATES)[number]["id"];
export const findTemplate = (id: string | null) => SEGMENT_TEMPLATES.find((t) => t.id === id) ?? null;
