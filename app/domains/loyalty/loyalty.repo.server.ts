/**
 * The only Prisma access of the loyalty feature. Accounts, the append-only ledger, redemptions.
 */
import { Prisma, type LoyaltyAccount, type LoyaltyLedgerEntry, type LoyaltyRedemption, type LoyaltySource } from "@prisma/client";
import { db, type Db } from "~/db.server";
import { lockResource } from "~/lib/locks.server";
import { render, sql, utc } from "~/lib/sql";
import { netSpendSql, refundedSql } from "~/domains/segments/facts";

export type Owner = { customerGid: string | null; email: string | null };

/** Serializes every writer of one account (awards, reversals, redemptions) until commit. */
export async function lockOwner(tx: Db, shop: string, owner: Owner) {
  await lockResource(tx, `loyalty:${shop}:${owner.customerGid ?? `guest:${owner.email}`}`);
}

export async function findAccountByCustomer(tx: Db, shop: string, customerGid: string) {
  return tx.loyaltyAccount.findUnique({ where: { shop_customerGid: { shop, customerGid } } });
}

export async function findGuestAccount(tx: Db, shop: string, email: string) {
  return tx.loyaltyAccount.findUnique({ where: { shop_guestEmail: { shop, guestEmail: email } } });
}

export async function findAccount(shop: string, accountId: bigint, tx: Db = db()) {
  return tx.loyaltyAccount.findFirst({ where: { shop, id: accountId } });
}

export async function createCustomerAccount(tx: Db, shop: string, customerGid: string, email: string | null) {
  return tx.loyaltyAccount.upsert({
    where: { shop_customerGid: { shop, customerGid } },
    create: { shop, customerGid, email },
    update: {},
  });
}

export async function createGuestAccount(tx: Db, shop: string, email: string) {
  return tx.loyaltyAccount.upsert({
    where: { shop_guestEmail: { shop, guestEmail: email } },
    create: { shop, email, guestEmail: email },
    update: {},
  });
}

/** A guest account becomes the customer's own (no customer account existed yet). */
export async function claimGuestAccount(tx: Db, accountId: bigint, customerGid: string) {
  return tx.loyaltyAccount.update({ where: { id: accountId }, data: { customerGid, guestEmail: null } });
}

/**
 * The customer already had an account: the guest's entries move to it (amounts never change,
 * only the owner, once) and the guest account goes.
 */
export async function mergeGuestAccount(tx: Db, guestId: bigint, intoId: bigint) {
  await tx.loyaltyLedgerEntry.updateMany({ where: { accountId: guestId }, data: { accountId: intoId } });
  await tx.loyaltyRedemption.updateMany({ where: { accountId: guestId }, data: { accountId: intoId } });
  await tx.loyaltyAccount.delete({ where: { id: guestId } });
}

export type NewEntry = {
  shop: string;
  accountId: bigint;
  source: LoyaltySource;
  sourceKey: string;
  points: number;
  availableAt: Date;
  orderGid?: string | null;
  baseMinor?: bigint | null;
  currency?: string | null;
  note?: string | null;
};

/** Appends an entry unless its sourceKey exists: true when it was written. */
export async function appendEntry(tx: Db, entry: NewEntry): Promise<boolean> {
  const { count } = await tx.loyaltyLedgerEntry.createMany({ data: [entry], skipDuplicates: true });
  return count === 1;
}

export async function findEntry(tx: Db, shop: string, sourceKey: string): Promise<LoyaltyLedgerEntry | null> {
  return tx.loyaltyLedgerEntry.findUnique({ where: { shop_sourceKey: { shop, sourceKey } } });
}

/** Points already taken back from an order (refund and cancel reversals), as a positive number. */
export async function reversedForOrder(tx: Db, shop: string, orderGid: string): Promise<number> {
  const r = await tx.loyaltyLedgerEntry.aggregate({ where: { shop, orderGid, source: { in: ["REFUND", "CANCEL"] } }, _sum: { points: true } });
  return -(r._sum.points ?? 0);
}

/** The tier window: points earned (or money spent) in the last 365 days. */
export const TIER_WINDOW_MS = 365 * 24 * 3600 * 1000;

export type LedgerTotals = {
  balance: number;
  pending: number;
  lifetime: number;
  nextReleaseAt: Date | null;
  lastActivityAt: Date | null;
  earned12m: number;
  /** The oldest entry counted in earned12m (the first to leave the window). */
  oldestIn12m: Date | null;
};

/** Balance (available now), pending, lifetime earned and activity of an account, from its entries. */
export async function ledgerTotals(tx: Db, accountId: bigint, now: Date): Promise<LedgerTotals> {
  const yearAgo = new Date(now.getTime() - TIER_WINDOW_MS);
  // Spends and expiries count at once whatever their timestamp: a redemption stamped a few ms
  // after a concurrent request's `now` must still reduce the balance that request sees.
  const [row] = await tx.$queryRaw<
    { balance: bigint | null; pending: bigint | null; lifetime: bigint | null; next: Date | null; last: Date | null; earned12m: bigint | null; oldest12m: Date | null }[]
  >`
    SELECT
      sum("points") FILTER (WHERE "availableAt" <= ${now} OR "source"::text IN ('REDEMPTION', 'EXPIRY')) AS balance,
      sum("points") FILTER (WHERE "availableAt" > ${now} AND "source"::text NOT IN ('REDEMPTION', 'EXPIRY')) AS pending,
      sum("points") FILTER (WHERE "points" > 0 AND "source"::text IN ('ORDER', 'SIGNUP', 'REVIEW')) AS lifetime,
      min("availableAt") FILTER (WHERE "availableAt" > ${now}) AS next,
      max("createdAt") FILTER (WHERE "source"::text IN ('ORDER', 'SIGNUP', 'REVIEW', 'REDEMPTION')) AS last,
      sum("points") FILTER (WHERE "source"::text IN ('ORDER', 'SIGNUP', 'REVIEW', 'REFUND', 'CANCEL') AND "createdAt" >= ${yearAgo}) AS earned12m,
      min("createdAt") FILTER (WHERE "source"::text IN ('ORDER', 'SIGNUP', 'REVIEW', 'REFUND', 'CANCEL') AND "createdAt" >= ${yearAgo}) AS oldest12m
    FROM "LoyaltyLedgerEntry" WHERE "accountId" = ${accountId}`;
  return {
    balance: Number(row?.balance ?? 0),
    pending: Number(row?.pending ?? 0),
    lifetime: Number(row?.lifetime ?? 0),
    nextReleaseAt: row?.next ?? null,
    lastActivityAt: row?.last ?? null,
    earned12m: Number(row?.earned12m ?? 0),
    oldestIn12m: row?.oldest12m ?? null,
  };
}

/**
 * Net spend over the last 12 months (the segments' net spend: refunds and, where prices include
 * it, tax taken out), shop currency minor units, and the oldest order counted (the first to leave
 * the window).
 */
export async function netSpend12m(tx: Db, shop: string, owner: Owner, now: Date): Promise<{ spend: bigint; oldest: Date | null }> {
  const yearAgo = new Date(now.getTime() - TIER_WINDOW_MS);
  const who = owner.customerGid ? sql`o."customerGid" = ${owner.customerGid}` : sql`lower(o."email") = ${owner.email ?? "-"}`;
  // Net spend as the segments define it (refunds and, where prices include it, tax taken out).
  const refunds = refundedSql("o", shop, "lookup");
  const [row] = await tx.$queryRawUnsafe<{ spend: bigint | null; oldest: Date | null }[]>(
    ...render(sql`SELECT sum(${netSpendSql("o", refunds)})::bigint AS spend, min(o."processedAt") AS oldest
      FROM "Order" o ${refunds.join}
      WHERE o."shop" = ${shop} AND ${who} AND o."cancelledAt" IS NULL AND NOT o."test"
        AND o."financialStatus" IN ('paid', 'partially_refunded', 'refunded') AND o."processedAt" >= ${utc(yearAgo)}`),
  );
  return { spend: row?.spend ?? 0n, oldest: row?.oldest ?? null };
}

export async function saveAccountState(
  tx: Db,
  accountId: bigint,
  state: { pointsBalance: number; pendingPoints: number; lifetimeEarned: number; tier: string | null; lastActivityAt: Date | null; nextReleaseAt: Date | null; tierReviewAt: Date | null },
): Promise<LoyaltyAccount> {
  return tx.loyaltyAccount.update({ where: { id: accountId }, data: state });
}

/** Records what the customer metafield now holds: the account state its value was made from. */
export async function markAccountSynced(accountId: bigint, shown: { pointsBalance: number; pendingPoints: number; tier: string | null }) {
  await db().loyaltyAccount.update({ where: { id: accountId }, data: { syncedBalance: shown.pointsBalance, syncedPending: shown.pendingPoints, syncedTier: shown.tier } });
}

/**
 * Customer accounts whose metafield state differs from the account (any of balance, pending, tier)
 * in shops that can be written to (an offline session: installed, not the local demo).
 */
export async function staleMetafieldAccounts(take: number) {
  return db().$queryRaw<{ id: bigint; shop: string }[]>`
    SELECT a."id", a."shop" FROM "LoyaltyAccount" a
    WHERE a."customerGid" IS NOT NULL
      AND (a."syncedBalance" IS DISTINCT FROM a."pointsBalance" OR a."syncedPending" IS DISTINCT FROM a."pendingPoints" OR a."syncedTier" IS DISTINCT FROM a."tier")
      AND EXISTS (SELECT 1 FROM "Session" s WHERE s."shop" = a."shop" AND NOT s."isOnline")
    LIMIT ${take}`;
}

/** Accounts whose pending points matured by `now` (release sweep), a batch at a time. */
export async function accountsDueForRelease(now: Date, take: number) {
  return db().loyaltyAccount.findMany({ where: { nextReleaseAt: { lte: now } }, select: { id: true, shop: true }, take, orderBy: { nextReleaseAt: "asc" } });
}

/** Accounts whose tier window lost an entry by `now` (tier sweep), a batch at a time. */
export async function accountsDueForTierReview(now: Date, take: number) {
  return db().loyaltyAccount.findMany({ where: { tierReviewAt: { lte: now } }, select: { id: true, shop: true }, take, orderBy: { tierReviewAt: "asc" } });
}

/** Accounts with a positive balance and no activity since `before` (expiry sweep of one shop). */
export async function inactiveAccounts(shop: string, before: Date, afterId: bigint, take: number) {
  return db().loyaltyAccount.findMany({
    where: { shop, pointsBalance: { gt: 0 }, lastActivityAt: { lt: before }, id: { gt: afterId } },
    select: { id: true },
    orderBy: { id: "asc" },
    take,
  });
}

/** Shops that hold loyalty accounts (the expiry sweep goes shop by shop: each has its own period). */
export async function shopsWithAccounts(): Promise<string[]> {
  const rows = await db().loyaltyAccount.findMany({ distinct: ["shop"], select: { shop: true } });
  return rows.map((r) => r.shop);
}

export async function findRedemption(shop: string, requestKey: string, tx: Db = db()): Promise<LoyaltyRedemption | null> {
  return tx.loyaltyRedemption.findUnique({ where: { shop_requestKey: { shop, requestKey } } });
}

export async function createRedemption(tx: Db, data: Prisma.LoyaltyRedemptionUncheckedCreateInput) {
  return tx.loyaltyRedemption.create({ data });
}

/** Settles a PENDING redemption; false when something else settled it first (a retry racing the sweep). */
export async function settleRedemption(tx: Db, id: bigint, data: Prisma.LoyaltyRedemptionUncheckedUpdateInput): Promise<boolean> {
  const { count } = await tx.loyaltyRedemption.updateMany({ where: { id, status: "PENDING" }, data });
  return count === 1;
}

/** Redemptions still PENDING since before `before`, oldest first (the settle sweep's work). */
export async function stalePendingRedemptions(before: Date, limit = 200) {
  return db().loyaltyRedemption.findMany({ where: { status: "PENDING", createdAt: { lt: before } }, orderBy: { id: "asc" }, take: limit });
}

/** Program numbers for the admin page. */
export async function programSummary(shop: string) {
  const [accounts, balances, redemptions] = await Promise.all([
    db().loyaltyAccount.count({ where: { shop } }),
    db().loyaltyAccount.aggregate({ where: { shop }, _sum: { pointsBalance: true, pendingPoints: true } }),
    db().loyaltyRedemption.aggregate({ where: { shop, status: "ISSUED" }, _count: true, _sum: { points: true } }),
  ]);
  return {
    accounts,
    pointsOutstanding: balances._sum.pointsBalance ?? 0,
    pointsPending: balances._sum.pendingPoints ?? 0,
    redemptions: redemptions._count,
    pointsRedeemed: redemptions._sum.points ?? 0,
  };
}

/** Order facts the award needs (read from the orders domain's table; never re-parsed payloads). */
export async function orderForLoyalty(tx: Db, shop: string, orderGid: string) {
  const order = await tx.order.findUnique({
    where: { shop_orderGid: { shop, orderGid } },
    select: {
      orderGid: true,
      customerGid: true,
      email: true,
      currency: true,
      subtotalMinor: true,
      taxesIncluded: true,
      lineItemsTaxMinor: true,
      taxMinor: true,
      shippingMinor: true,
      financialStatus: true,
      cancelledAt: true,
      processedAt: true,
      test: true,
    },
  });
  if (!order) return null;
  const refunds = await tx.refund.findMany({ where: { shop, orderGid }, orderBy: [{ processedAt: "asc" }, { id: "asc" }], select: { refundGid: true, subtotalMinor: true, taxMinor: true, shippingMinor: true } });
  // Where prices include tax, the subtotals hold the line items' tax (refund lines: their tax).
  const included = (tax: bigint) => (order.taxesIncluded ? tax : 0n);
  return { ...order, includedTaxMinor: included(order.lineItemsTaxMinor), refunds: refunds.map((r) => ({ ...r, includedTaxMinor: included(r.taxMinor) })) };
}

/** The state of the customer's account as the last customers/* payload gave it ("enabled": they can sign in). */
export async function customerAccountState(shop: string, customerGid: string): Promise<string | null> {
  const c = await db().customer.findUnique({ where: { shop_customerGid: { shop, customerGid } }, select: { state: true, deletedAt: true } });
  return c && !c.deletedAt ? c.state : null;
}

export async function customerEmail(tx: Db, shop: string, customerGid: string): Promise<string | null> {
  const c = await tx.customer.findUnique({ where: { shop_customerGid: { shop, customerGid } }, select: { email: true } });
  return c?.email?.toLowerCase() ?? null;
}
