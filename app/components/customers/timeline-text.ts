/**
 * One timeline event (journey.server.ts getCustomerTimeline) in words, in the page's language:
 * what happened and why (the stage rule's reason, the segment rule's version, the abandonment
 * threshold, the recovery attribution). Pure (takes the translator).
 */
import { describeFacts } from "~/components/segments/describe";
import { CHECKOUT_STEPS } from "~/domains/abandonment/abandonment";
import type { MessageKey, Translator } from "~/i18n/i18n";

export const TIMELINE_KINDS = [
  "CHECKOUT_STARTED",
  "CHECKOUT_ABANDONED",
  "CHECKOUT_RECOVERED",
  "ORDER_PLACED",
  "ORDER_CANCELLED",
  "ORDER_REFUNDED",
  "STAGE_CHANGED",
  "SEGMENT_ENTERED",
  "SEGMENT_EXITED",
  "POINTS",
  "REVIEW_PUBLISHED",
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export type TimelineEventView = { at: Date | string; kind: string; ref: string | null; detail: Record<string, unknown> };

type T = Pick<Translator, "t" | "money" | "number" | "date">;

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const isKind = (k: string): k is TimelineKind => (TIMELINE_KINDS as readonly string[]).includes(k);

/** Shopify's order financial statuses as its admin words them; one it adds later shows as sent. */
const FINANCIAL_STATUSES = ["pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired"] as const;
function financialStatus(status: string, t: T["t"]): string {
  return (FINANCIAL_STATUSES as readonly string[]).includes(status) ? t(`admin.timeline.financialStatuses.${status as (typeof FINANCIAL_STATUSES)[number]}`) : status;
}

export function timelineTitle(kind: string, t: T["t"]): string {
  return isKind(kind) ? t(`admin.timeline.kinds.${kind}`) : kind;
}

/** `currency`: the shop's, the unit of the amounts a segment rule read (its events carry none). */
export function timelineDetail(e: TimelineEventView, tr: T, currency: string | null = null): string {
  const { t, money, number } = tr;
  const d = e.detail;
  const amount = (minor: unknown, currency: unknown) => (minor === null || minor === undefined || !currency ? "" : money(String(minor), String(currency)));
  switch (e.kind) {
    case "CHECKOUT_STARTED":
      return t("admin.timeline.checkoutStarted", { value: amount(d.valueMinor, d.currency), channel: str(d.channel), source: str(d.source) });
    case "CHECKOUT_ABANDONED":
      return [
        t("admin.timeline.checkoutAbandoned", { value: amount(d.valueMinor, d.currency), minutes: number(Number(d.thresholdMinutes ?? 0)) }),
        typeof d.step === "number" && CHECKOUT_STEPS[d.step] ? t("admin.timeline.stoppedAt", { step: t(`admin.abandonment.steps.names.${CHECKOUT_STEPS[d.step]!}`) }) : "",
      ]
        .filter(Boolean)
        .join(" · ");
    case "CHECKOUT_RECOVERED":
      return t("admin.timeline.checkoutRecovered", { revenue: amount(d.revenueMinor, d.currency) || "–" });
    case "ORDER_PLACED":
      return [
        t("admin.timeline.orderPlaced", { name: str(d.name), total: amount(d.totalMinor, d.currency) }),
        d.financialStatus ? t("admin.timeline.financialStatus", { status: financialStatus(str(d.financialStatus), t) }) : "",
        d.test ? t("admin.timeline.testOrder") : "",
      ]
        .filter(Boolean)
        .join(" · ");
    case "ORDER_CANCELLED":
      return t("admin.timeline.orderCancelled", { name: str(d.name), reason: str(d.reason) || "–" });
    case "ORDER_REFUNDED":
      return t("admin.timeline.orderRefunded", { name: str(d.name), amount: amount(d.refundedMinor, d.currency) });
    case "STAGE_CHANGED": {
      const to = t(`admin.stages.${str(d.to)}` as MessageKey);
      const reason = t(`admin.stageReasons.${str(d.reason)}` as MessageKey);
      return d.from ? t("admin.timeline.stageChanged", { from: t(`admin.stages.${str(d.from)}` as MessageKey), to, reason }) : t("admin.timeline.stageStarted", { to, reason });
    }
    case "SEGMENT_ENTERED":
    case "SEGMENT_EXITED": {
      const facts = describeFacts(d.facts, tr, currency);
      const base = t(e.kind === "SEGMENT_ENTERED" ? "admin.timeline.segmentEntered" : "admin.timeline.segmentExited", { segment: str(d.segment), version: str(d.ruleVersion) });
      return facts.length ? `${base} (${facts.join("; ")})` : base;
    }
    case "POINTS": {
      const points = Number(d.points ?? 0);
      const source = t(`admin.timeline.pointSources.${str(d.source) || "ADJUSTMENT"}` as MessageKey);
      return t(points >= 0 ? "admin.timeline.pointsEarned" : "admin.timeline.pointsSpent", { count: Math.abs(points), source });
    }
    case "REVIEW_PUBLISHED":
      return t("admin.timeline.reviewPublished", { rating: str(d.rating) });
    default:
      return "";
  }
}
