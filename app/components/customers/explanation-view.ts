/**
 * A customer's explanation (profiles.server.ts explainCustomer) as plain data for a page: ids and
 * minor amounts as decimal text, so it reads the same through a loader, a fetcher and JSON. Pure.
 */
import type { CustomerExplanation } from "~/domains/segments/profiles.server";
import type { Condition } from "~/domains/segments/rules";

const text = (v: bigint | null | undefined) => (v === null || v === undefined ? null : v.toString());

export type ExplanationView = ReturnType<typeof explanationView>;

export function explanationView(e: CustomerExplanation) {
  const edges = e.rfm.edges;
  return {
    customerGid: e.customerGid,
    email: e.email,
    displayName: e.displayName,
    computedAt: e.computedAt,
    facts: {
      ...e.facts,
      amountSpentMinor: e.facts.amountSpentMinor.toString(),
      averageOrderMinor: e.facts.averageOrderMinor.toString(),
    },
    rfm: {
      group: e.rfm.group,
      scored: e.rfm.scored,
      scores: e.rfm.scores,
      values: { ...e.rfm.values, windowSpentMinor: e.rfm.values.windowSpentMinor.toString() },
      cell: e.rfm.cell ? { r: [...e.rfm.cell.r], f: [...e.rfm.cell.f] } : null,
      modes: e.rfm.modes,
      edges: edges
        ? {
            recencyDays: edges.recencyDays,
            frequency: edges.frequency,
            monetaryMinor: edges.monetaryMinor.map((b) => ({ score: b.score, min: b.min.toString(), max: text(b.max) })),
          }
        : null,
      shopify: e.rfm.shopify,
      noOrderInWindow: e.rfm.noOrderInWindow,
      snapshot: e.rfm.snapshot
        ? { asOf: e.rfm.snapshot.asOf, lookbackDays: e.rfm.snapshot.lookbackDays, customersScored: e.rfm.snapshot.customersScored, windowCustomers: e.rfm.snapshot.windowCustomers }
        : null,
    },
    stage: e.stage,
    orders: e.orders.map((o) => ({
      ...o,
      subtotalMinor: o.subtotalMinor.toString(),
      refundedMinor: o.refundedMinor.toString(),
      totalMinor: o.totalMinor.toString(),
      netMinor: o.netMinor.toString(),
    })),
    segments: e.segments.map((s) => ({
      segmentId: s.segmentId.toString(),
      name: s.name,
      ruleVersion: s.ruleVersion,
      enteredAt: s.enteredAt,
      factsAtEntry: s.factsAtEntry,
      conditions: s.conditions.map((c) => ({ path: c.path, condition: c.condition as Condition, holds: c.holds })),
    })),
  };
}
