/**
 * Facade for support staff: "why is this customer in this segment?" and customer search. Reads
 * only materialized tables (plus the customer's own orders, by index), so a page answers in
 * milliseconds whatever the shop's size.
 */
import { daysBetween, dateOnly, localDate } from "~/lib/calendar";
import { explainRfm, type RfmExplanation } from "~/domains/segments/rfm";
import { compileCondition, ruleConditions, validateRule, type Condition, type Rule } from "~/domains/segments/rules";
import type { Stage, StageReason } from "~/domains/journey/stages";
import { ruleCompileContext } from "~/domains/segments/recompute.server";
import { latestSnapshot, listActiveSegments } from "~/domains/segments/segments.repo.server";
import {
  evaluateConditions,
  findProfile,
  findProfiles,
  lastEntryEvent,
  listCustomerOrders,
  listMembershipsOf,
  searchProfiles,
  type CustomerOrderRow,
  type ProfileRow,
} from "~/domains/segments/profiles.repo.server";

export type SegmentMembershipExplanation = {
  segmentId: bigint;
  name: string;
  ruleVersion: number;
  rule: Rule;
  enteredAt: Date;
  /** The facts the rule saw when the customer entered. */
  factsAtEntry: Record<string, unknown> | null;
  /** Each condition of the rule and whether it holds for the customer now. */
  conditions: { path: string; condition: Condition; holds: boolean }[];
};

export type CustomerExplanation = {
  customerGid: string;
  email: string | null;
  displayName: string | null;
  facts: Pick<
    ProfileRow,
    | "ordersCount"
    | "amountSpentMinor"
    | "averageOrderMinor"
    | "currency"
    | "firstOrderAt"
    | "lastOrderAt"
    | "tags"
    | "acceptsMarketing"
    | "abandonedCheckoutsCount"
    | "lastAbandonedAt"
    | "pointsBalance"
    | "hasReviewed"
    | "lastReviewAt"
    | "lastCartActivityAt"
  >;
  rfm: RfmExplanation;
  stage: { stage: Stage; since: Date; reason: StageReason; rulesVersion: number };
  /** Recent orders, each with its net spend and why it does not count, or counts but not for spend. */
  orders: CustomerOrderRow[];
  segments: SegmentMembershipExplanation[];
  computedAt: Date;
};

/**
 * Everything behind a customer's RFM group, stage and segment memberships: the values, the
 * quintile edges of the latest snapshot, the grid cell that gave the group, Shopify's own rfmGroup
 * (Customer.statistics.rfmGroup, read during backfill) next to ours, which orders count and why
 * not, and for each segment the rule, the facts at entry and which conditions hold now.
 * Null when the customer has no profile (unknown, deleted, or not computed yet).
 */
export async function explainCustomer(shop: string, customerGid: string, opts: { asOf?: Date } = {}): Promise<CustomerExplanation | null> {
  const profile = await findProfile(shop, customerGid);
  if (!profile) return null;
  const [snapshot, memberships, segments, compileCtx] = await Promise.all([
    latestSnapshot(shop),
    listMembershipsOf(shop, customerGid),
    listActiveSegments(shop),
    ruleCompileContext(shop, opts.asOf),
  ]);
  // Spend was summed in the profile's currency (the shop's when it was computed).
  const orders = await listCustomerOrders(shop, customerGid, profile.currency ?? compileCtx.currency);
  const rfm = explainRfm(
    { ...profile, lastOrderDate: profile.lastOrderDate ? dateOnly(profile.lastOrderDate) : null },
    snapshot && snapshot.customersScored > 0
      ? {
          id: snapshot.id,
          asOf: snapshot.asOf,
          lookbackDays: snapshot.lookbackDays,
          singleOrderShare: snapshot.singleOrderShare,
          customersScored: snapshot.customersScored,
          windowCustomers: snapshot.windowCustomers,
          frequencyMode: snapshot.frequencyMode,
          recencyMode: snapshot.recencyMode,
          monetaryMode: snapshot.monetaryMode,
          recencyEdges: snapshot.recencyEdges.map(dateOnly),
          frequencyEdges: snapshot.frequencyEdges,
          monetaryEdges: snapshot.monetaryEdges,
        }
      : null,
    daysBetween,
    // Today in the shop's timezone, as the recompute would count it now.
    localDate(compileCtx.asOf, compileCtx.timezone),
  );
  const byId = new Map(segments.map((s) => [s.id, s]));
  const explained: SegmentMembershipExplanation[] = [];
  for (const m of memberships) {
    const segment = byId.get(m.segmentId);
    if (!segment) continue;
    const parsed = validateRule(segment.rule);
    if (!parsed.ok) continue;
    const conditions = ruleConditions(parsed.rule);
    const holds = (await evaluateConditions(shop, customerGid, conditions.map((c) => compileCondition(c.condition, compileCtx)))) ?? [];
    const entry = await lastEntryEvent(shop, segment.id, customerGid);
    explained.push({
      segmentId: segment.id,
      name: segment.name,
      ruleVersion: segment.ruleVersion,
      rule: parsed.rule,
      enteredAt: m.enteredAt,
      factsAtEntry: (entry?.facts as Record<string, unknown> | null) ?? null,
      conditions: conditions.map((c, i) => ({ ...c, holds: holds[i] ?? false })),
    });
  }
  return {
    customerGid,
    email: profile.email,
    displayName: profile.displayName,
    facts: {
      ordersCount: profile.ordersCount,
      amountSpentMinor: profile.amountSpentMinor,
      averageOrderMinor: profile.averageOrderMinor,
      currency: profile.currency,
      firstOrderAt: profile.firstOrderAt,
      lastOrderAt: profile.lastOrderAt,
      tags: profile.tags,
      acceptsMarketing: profile.acceptsMarketing,
      abandonedCheckoutsCount: profile.abandonedCheckoutsCount,
      lastAbandonedAt: profile.lastAbandonedAt,
      pointsBalance: profile.pointsBalance,
      hasReviewed: profile.hasReviewed,
      lastReviewAt: profile.lastReviewAt,
      lastCartActivityAt: profile.lastCartActivityAt,
    },
    rfm,
    stage: { stage: profile.stage as Stage, since: profile.stageSince, reason: profile.stageReason as StageReason, rulesVersion: profile.stageRulesVersion },
    orders,
    segments: explained,
    computedAt: profile.computedAt,
  };
}

export type CustomerSearchHit = {
  customerGid: string;
  email: string | null;
  displayName: string | null;
  rfmGroup: string;
  stage: string;
  ordersCount: number;
  amountSpentMinor: bigint;
  currency: string | null;
};

/**
 * Customer search by exact or prefix email, name (first or last word prefix) or order number
 * ("#1001" or "1001"), best matches first. Case-insensitive.
 */
export async function searchCustomers(shop: string, query: string, limit = 20): Promise<CustomerSearchHit[]> {
  if (query.trim().length < 2 && !/^\d$/.test(query.trim())) return [];
  const hits = await searchProfiles(shop, query, Math.min(Math.max(limit, 1), 100));
  const profiles = new Map((await findProfiles(shop, hits.map((h) => h.customerGid))).map((p) => [p.customerGid, p]));
  return hits
    .map((h) => profiles.get(h.customerGid))
    .filter((p): p is ProfileRow => Boolean(p))
    .map((p) => ({
      customerGid: p.customerGid,
      email: p.email,
      displayName: p.displayName,
      rfmGroup: p.rfmGroup,
      stage: p.stage,
      ordersCount: p.ordersCount,
      amountSpentMinor: p.amountSpentMinor,
      currency: p.currency,
    }));
}
