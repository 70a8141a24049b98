import { describe, expect, it } from "vitest";
import { backfillPercent, syncPercent } from "~/components/dashboard/progress";
import { memberQuery, pageLinks } from "~/components/segments/member-query";
import { csvFileName } from "~/components/segments/csv-name";
import { describeRule } from "~/components/segments/describe";
import { errorFields, sectionFromForm } from "~/components/settings/settings-form";
import { timelineDetail } from "~/components/customers/timeline-text";
import { groupCellText, rfmEdges, rfmModesText, rfmRows } from "~/components/customers/rfm-text";
import type { ExplanationView } from "~/components/customers/explanation-view";
import { translator } from "~/i18n/i18n";
import type { Rule } from "~/domains/segments/rules";

describe("backfill and sync progress", () => {
  it("counts each working phase as a quarter, with the share imported inside it", () => {
    expect(backfillPercent({ status: "RUNNING", phase: "CUSTOMERS", imported: {} })).toBe(0);
    expect(backfillPercent({ status: "RUNNING", phase: "ORDERS", imported: { ordersSeen: 200, orders: 100 } })).toBe(38);
    expect(backfillPercent({ status: "RUNNING", phase: "RECOMPUTE", imported: {} })).toBe(75);
    expect(backfillPercent({ status: "COMPLETED", phase: "DONE", imported: {} })).toBe(100);
    expect(syncPercent(50, 200)).toBe(25);
    expect(syncPercent(0, 0)).toBe(100);
  });
});

describe("member table URL state", () => {
  it("walks forward and back with cursors only", () => {
    const first = memberQuery(new URLSearchParams("sort=amountSpent&dir=asc&q=ann"));
    expect(first).toEqual({ sort: "amountSpent", direction: "asc", search: "ann", after: null, trail: [] });
    const next = pageLinks(first, "CUR1").next!;
    const second = memberQuery(next);
    expect(second).toMatchObject({ after: "CUR1", trail: ["0"] });
    const third = memberQuery(pageLinks(second, "CUR2").next!);
    expect(third).toMatchObject({ after: "CUR2", trail: ["0", "CUR1"] });
    expect(memberQuery(pageLinks(third, null).previous)).toMatchObject({ after: "CUR1", trail: ["0"] });
    expect(memberQuery(pageLinks(second, null).previous)).toMatchObject({ after: null, trail: [] });
    expect(pageLinks(third, null).with({ sort: "name", reset: true }).toString()).toBe("sort=name&dir=asc&q=ann");
  });

  it("ignores unknown sorts and malformed cursors", () => {
    expect(memberQuery(new URLSearchParams("sort=drop table&after=%27;--"))).toMatchObject({ sort: "enteredAt", after: null });
  });
});

describe("texts", () => {
  const en = translator("en", "America/New_York");
  const fr = translator("fr", "Europe/Paris");

  it("names CSV files safely", () => {
    expect(csvFileName("Clients fidèles / VIP", new Date("2026-11-24T10:00:00Z"))).toBe("segment-clients-fideles-vip-2026-11-24.csv");
  });

  it("describes a rule in the merchant's language", () => {
    const rule = { all: [{ fact: "ordersCount" as const, op: "gte" as const, value: 3 }, { fact: "rfmGroup" as const, op: "in" as const, value: ["AT_RISK"] }] };
    expect(describeRule(rule, en)).toBe("Number of orders is at least 3 and RFM group is one of At risk");
    expect(describeRule(rule, fr)).toBe("Nombre de commandes est au moins 3 et Groupe RFM fait partie de À risque");
    const ranged: Rule = { all: [{ fact: "amountSpent", op: "between", value: [10, 20.5] }, { not: { fact: "rfmGroup", op: "in", value: ["LOST"] } }, { fact: "lastOrderDate", op: "within_last_days", value: 7 }] };
    expect(describeRule(ranged, en, "USD")).toBe("Amount spent is between $10.00 and $20.50 and not (RFM group is one of Lost) and Last order date within the last 7 days");
  });

  it("explains a stage change with the rule's reason", () => {
    const text = timelineDetail({ at: new Date(), kind: "STAGE_CHANGED", ref: null, detail: { from: "PURCHASE", to: "RETENTION", reason: "RETENTION_REPEAT_RECENT" } }, en);
    expect(text).toBe("Purchase → Retention. Two or more qualifying orders, the last one recent (recency score 3 or more).");
    const first = timelineDetail({ at: new Date(), kind: "STAGE_CHANGED", ref: null, detail: { from: null, to: "PURCHASE", reason: "PURCHASE_ONE_ORDER" } }, en);
    expect(first).toBe("First stage: Purchase. Exactly one qualifying order.");
  });

  it("words an order's payment status as Shopify's admin does, and keeps one it does not know", () => {
    const order = (financialStatus: string) => ({ at: new Date(), kind: "ORDER_PLACED", ref: "1", detail: { name: "#1001", totalMinor: 8586, currency: "USD", financialStatus } });
    expect(timelineDetail(order("partially_refunded"), en)).toBe("#1001 · $85.86 · payment: partially refunded");
    expect(timelineDetail(order("paid"), fr)).toBe("#1001 · 85,86\u00a0$US · paiement : payé");
    expect(timelineDetail(order("some_new_status"), en)).toBe("#1001 · $85.86 · payment: some_new_status");
  });

  it("says where an abandoned checkout stopped, and nothing when the entry predates steps", () => {
    const abandoned = (detail: Record<string, unknown>) => timelineDetail({ at: new Date(), kind: "CHECKOUT_ABANDONED", ref: "tok", detail: { valueMinor: "4200", currency: "USD", thresholdMinutes: 60, ...detail } }, en);
    expect(abandoned({ step: 3 })).toBe("$42.00, no order within 60 minutes of the last activity · stopped at Shipping method");
    expect(abandoned({})).toBe("$42.00, no order within 60 minutes of the last activity");
    expect(timelineDetail({ at: new Date(), kind: "CHECKOUT_ABANDONED", ref: "tok", detail: { valueMinor: "4200", currency: "EUR", thresholdMinutes: 60, step: 1 } }, fr)).toContain("arrêté à l'étape Coordonnées");
  });

  it("shows what a segment rule read in the merchant's units: money, shop-local days, group names", () => {
    // As stored with the membership event: raw column values (minor units, a zone-less UTC timestamp, codes).
    const facts = { amountSpent: 58800, lastOrderDate: "2026-11-24T03:30:00", rfmGroup: "AT_RISK", acceptsMarketing: true, legacy: 1 };
    const text = timelineDetail({ at: new Date(), kind: "SEGMENT_ENTERED", ref: "7", detail: { segment: "Big spenders", ruleVersion: 2, facts } }, en, "USD");
    expect(text).toBe("Big spenders (rule version 2) (Amount spent: $588.00; Last order date: Nov 23, 2026; RFM group: At risk; Accepts marketing: Yes; legacy: 1)");
    // French puts a space before the colon.
    const french = timelineDetail({ at: new Date(), kind: "SEGMENT_ENTERED", ref: "7", detail: { segment: "Gros clients", ruleVersion: 2, facts: { amountSpent: 58800 } } }, fr, "EUR");
    expect(french).toContain("Montant dépensé : 588,00\u00a0€");
  });

  it("words RFM score bands: a band of one value is that value, open bands say 'or more'", () => {
    const edges = {
      recencyDays: [{ score: 5, minDays: 0, maxDays: 43 }, { score: 1, minDays: 229, maxDays: null }],
      frequency: [{ score: 1, min: 0, max: 1 }, { score: 2, min: 2, max: 2 }, { score: 5, min: 6, max: null }],
      monetaryMinor: [{ score: 3, min: "12900", max: "19529" }, { score: 4, min: "19530", max: "19530" }],
    };
    const [recency, frequency, monetary] = rfmEdges({ edges } as unknown as ExplanationView["rfm"], en, "USD");
    expect(recency!.bands).toEqual(["1: 229 days or more", "5: 0 to 43 days"]);
    expect(frequency!.bands).toEqual(["1: 0 to 1", "2: 2", "5: 6 or more"]);
    expect(monetary!.bands).toEqual(["3: $129.00 to $195.29", "4: $195.30"]);
    expect(groupCellText({ r: [3, 4], f: [4, 5] }, en.t)).toBe("R 3–4 · F 4–5");
    expect(groupCellText({ r: [5, 5], f: [1, 1] }, fr.t)).toBe("R 5 · F 1");
    expect(groupCellText(null, fr.t)).toBe("Aucune commande retenue");
  });

  it("says who each dimension compares, and why a customer without orders in the window scores F 1 and M 1", () => {
    const rfm = {
      group: "LOST",
      scored: true,
      scores: { r: 1, f: 1, m: 1 },
      values: { recencyDays: 400, lastOrderDate: "2025-10-24", windowOrders: 0, windowSpentMinor: "0", currency: "USD" },
      modes: { recency: "QUINTILES", frequency: "FIXED", monetary: "QUINTILES" },
      edges: {
        recencyDays: [{ score: 1, minDays: 300, maxDays: null }],
        frequency: [{ score: 1, min: 0, max: 1 }],
        monetaryMinor: [{ score: 2, min: "0", max: "999" }],
      },
      noOrderInWindow: true,
      snapshot: { asOf: new Date(), lookbackDays: 365, customersScored: 10, windowCustomers: 4 },
    } as unknown as ExplanationView["rfm"];
    const rows = rfmRows(rfm, en, "USD");
    expect(rows.map((r) => [r.score, r.band])).toEqual([
      ["1", "300 days or more"],
      ["1", "No qualifying order in the last 365 days: scores 1, not compared"],
      ["1", "No qualifying order in the last 365 days: scores 1, not compared"],
    ]);
    expect(rfmModesText(rfm, en)).toBe(
      "Recency: quintiles of your customers, among 10 customers with a qualifying order. Frequency: fixed breakpoints (most customers ordered once); monetary: quintiles of your customers; among the 4 customers with a qualifying order in the last 365 days (without one, both score 1).",
    );
    expect(rfmRows({ ...rfm, noOrderInWindow: false, scores: { r: 1, f: 1, m: 2 } }, fr, "USD")[2]!.band).toBe("de 0,00 $US à 9,99 $US");
  });

  it("formats money, percentages and instants per locale and shop time zone", () => {
    expect(en.money(40495n, "USD")).toBe("$404.95");
    expect(fr.money("40495", "EUR")).toBe("404,95\u00a0€");
    expect(en.money(1200n, "JPY")).toBe("¥1,200");
    expect(en.percent(0.257)).toBe("25.7%");
    // Same decimals on every row, so a column of rates lines up: 36.0%, not 36%.
    expect(en.percent(0.36)).toBe("36.0%");
    expect(fr.percent(0.36)).toBe("36,0\u00a0%");
    expect(en.percent(null)).toBe("–");
    // 03:30 UTC is still the previous evening in New York.
    expect(en.date(new Date("2026-11-24T03:30:00Z"))).toBe("Nov 23, 2026, 10:30 PM");
    expect(en.day("2026-11-24")).toBe("Nov 24, 2026");
  });
});

describe("settings forms", () => {
  it("turns fields into a section and blank numbers into values the schema refuses", () => {
    const form = new FormData();
    form.set("lookbackDays", "180");
    form.set("fixedFrequencyPercent", "40");
    form.set("frequencyBreakpoints.custom", "on");
    ["2", "3", "", "6"].forEach((v, i) => form.set(`frequencyBreakpoints.${i}`, v));
    const value = sectionFromForm("rfm", form);
    expect(value).toMatchObject({ lookbackDays: 180, fixedFrequencyShare: 0.4, monetaryBreakpoints: null });
    expect(Number.isNaN((value.frequencyBreakpoints as number[])[2])).toBe(true);
    expect(errorFields("rfm", { "rfm.frequencyBreakpoints.2": "x", "rfm.fixedFrequencyShare": "y" })).toEqual(["frequencyBreakpoints", "fixedFrequencyPercent"]);
  });
});
