/** Reads for the journey funnel and the customer timeline (materialized tables, indexed). */
import { db } from "~/db.server";
import { render, sql } from "~/lib/sql";

export async function stageCounts(shop: string) {
  const rows = await db().customerProfile.groupBy({ by: ["stage"], where: { shop, stageRulesVersion: { gt: 0 } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.stage, r._count._all]));
}

/** Flows per (from, to): before `from` (to know who was where at the start) and inside the range. */
export async function flowTotals(shop: string, range: { from: string; to: string }) {
  return db().$queryRawUnsafe<{ fromStage: string; toStage: string; before: bigint; during: bigint }[]>(
    ...render(sql`SELECT "fromStage", "toStage",
        COALESCE(sum(count) FILTER (WHERE day < ${range.from}::date), 0)::bigint AS before,
        COALESCE(sum(count) FILTER (WHERE day BETWEEN ${range.from}::date AND ${range.to}::date), 0)::bigint AS during
      FROM "JourneyFlowDaily" WHERE shop = ${shop} AND day <= ${range.to}::date
      GROUP BY "fromStage", "toStage"`),
  );
}

export type TimelineRow = { at: Date; kind: string; ref: string | null; detail: Record<string, unknown> };

/**
 * One customer's history, newest first, from every table that keeps it: checkouts (started,
 * abandoned, recovered), orders (placed, cancelled), refunds, stage changes, segment entries and
 * exits, loyalty points and published reviews.
 */
export async function timelineRows(shop: string, customerGid: string, limit: number): Promise<TimelineRow[]> {
  return db().$queryRawUnsafe<TimelineRow[]>(
    ...render(sql`SELECT at, kind, ref, detail FROM (
      SELECT "startedAt" AS at, 'CHECKOUT_STARTED' AS kind, token AS ref,
        jsonb_build_object('valueMinor', "valueMinor"::text, 'currency', currency, 'channel', channel, 'source', source) AS detail
        FROM "CheckoutOutcome" WHERE shop = ${shop} AND "customerGid" = ${customerGid}
      UNION ALL SELECT "abandonedAt", 'CHECKOUT_ABANDONED', token,
        jsonb_build_object('valueMinor', "valueMinor"::text, 'currency', currency, 'thresholdMinutes', "thresholdMinutes", 'step', "stepReached")
        FROM "CheckoutOutcome" WHERE shop = ${shop} AND "customerGid" = ${customerGid} AND "abandonedAt" IS NOT NULL
      UNION ALL SELECT "recoveredAt", 'CHECKOUT_RECOVERED', token,
        jsonb_build_object('orderGid', "recoveredOrderGid", 'revenueMinor', "recoveredMinor"::text, 'currency', "shopCurrency", 'attribution', 'link')
        FROM "CheckoutOutcome" WHERE shop = ${shop} AND "customerGid" = ${customerGid} AND "recoveredAt" IS NOT NULL
      UNION ALL SELECT "processedAt", 'ORDER_PLACED', "orderGid",
        jsonb_build_object('name', name, 'totalMinor', "totalMinor"::text, 'currency', currency, 'financialStatus', "financialStatus", 'test', test)
        FROM "Order" WHERE shop = ${shop} AND "customerGid" = ${customerGid}
      UNION ALL SELECT "cancelledAt", 'ORDER_CANCELLED', "orderGid", jsonb_build_object('name', name, 'reason', "cancelReason")
        FROM "Order" WHERE shop = ${shop} AND "customerGid" = ${customerGid} AND "cancelledAt" IS NOT NULL
      UNION ALL SELECT r."processedAt", 'ORDER_REFUNDED', r."orderGid",
        jsonb_build_object('name', o.name, 'refundedMinor', r."totalMinor"::text, 'currency', r.currency)
        FROM "Refund" r JOIN "Order" o ON o.shop = r.shop AND o."orderGid" = r."orderGid"
        WHERE o.shop = ${shop} AND o."customerGid" = ${customerGid}
      UNION ALL SELECT at, 'STAGE_CHANGED', NULL, jsonb_build_object('from', "fromStage", 'to', "toStage", 'reason', reason, 'rulesVersion', "rulesVersion")
        FROM "JourneyTransition" WHERE shop = ${shop} AND "customerGid" = ${customerGid}
      UNION ALL SELECT e.at, CASE e.kind WHEN 'ENTERED' THEN 'SEGMENT_ENTERED' ELSE 'SEGMENT_EXITED' END, e."segmentId"::text,
        jsonb_build_object('segment', s.name, 'ruleVersion', e."ruleVersion", 'facts', e.facts)
        FROM "SegmentMemberEvent" e JOIN "Segment" s ON s.id = e."segmentId"
        WHERE e.shop = ${shop} AND e."customerGid" = ${customerGid}
      UNION ALL SELECT l."createdAt", 'POINTS', l."sourceKey",
        jsonb_build_object('points', l.points, 'source', l.source::text, 'note', l.note, 'orderGid', l."orderGid")
        FROM "LoyaltyLedgerEntry" l JOIN "LoyaltyAccount" a ON a.id = l."accountId"
        WHERE a.shop = ${shop} AND a."customerGid" = ${customerGid}
      UNION ALL SELECT COALESCE("publishedAt", "createdAt"), 'REVIEW_PUBLISHED', "productGid", jsonb_build_object('rating', rating)
        FROM "Review" WHERE shop = ${shop} AND "customerGid" = ${customerGid} AND status = 'PUBLISHED'
    ) t
    -- Same instant: the consequence (a stage or segment change) above its cause, newest first.
    ORDER BY at DESC, (kind IN ('STAGE_CHANGED', 'SEGMENT_ENTERED', 'SEGMENT_EXITED')) DESC, kind LIMIT ${limit}`),
  );
}
