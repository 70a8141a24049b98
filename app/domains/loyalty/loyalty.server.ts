/**
 * The loyalty program: a Postgres ledger (the source of truth) and what is derived from it.
 *
 * - Every change is an appended LoyaltyLedgerEntry with a unique sourceKey, so awards, reversals
 *   and spends are idempotent whoever triggers them and however often.
 * - LoyaltyAccount.pointsBalance / pendingPoints / tier are caches of the ledger, refreshed in the
 *   same transaction as every write (refreshAccount) and by the release sweep when pending points
 *   mature. The customer metafield is a projection of those, written by a shopify-sync job.
 * - Guests accrue against their lowercased email; the account is claimed when a customer with that
 *   email opens an account (customers/create or update, state enabled), or orders while logged in.
 */
import { randomBytes } from "node:crypto";
import type { LoyaltyAccount, LoyaltyRedemption } from "@prisma/client";
import { db, type Db } from "~/db.server";
import { customerChanged } from "~/domains/customers/changes.server";
import {
  earningBaseMinor,
  isExpired,
  nextTier,
  pointsFor,
  quoteRedemption,
  redemptionOptions,
  refundReversal,
  tierFor,
} from "~/domains/loyalty/points";
import {
  accountsDueForRelease,
  appendEntry,
  claimGuestAccount,
  createCustomerAccount,
  createGuestAccount,
  createRedemption,
  customerAccountState,
  customerEmail,
  findAccount,
  findAccountByCustomer,
  findEntry,
  findGuestAccount,
  findRedemption,
  inactiveAccounts,
  ledgerTotals,
  lockOwner,
  markAccountSynced,
  settleRedemption,
  stalePendingRedemptions,
  accountsDueForTierReview,
  mergeGuestAccount,
  netSpend12m,
  orderForLoyalty,
  programSummary,
  reversedForOrder,
  saveAccountState,
  shopsWithAccounts,
  staleMetafieldAccounts,
  TIER_WINDOW_MS,
  type Owner,
} from "~/domains/loyalty/loyalty.repo.server";
import type { LoyaltySettings } from "~/domains/loyalty/settings";
import { getShopSettings, updateShopSettings } from "~/domains/shops/settings.server";
import { getShop } from "~/domains/shops/shops.server";
import { loyaltyForProxy, shopSettingsForProxy } from "~/domains/storefront/hot-reads.server";
import { minorDigits } from "~/lib/money";
import { enqueueMany } from "~/queues/enqueue.server";
import { JobName, type JobItem } from "~/queues/jobs";
import { logger } from "~/lib/logger.server";
import { adminFor, adminQuery, isShopNotConnected, isTerminal, ShopifyUserError, type AdminGraphql } from "~/shopify/admin.server";
import { DiscountCodeBasicCreate } from "~/shopify/operations/DiscountCodeBasicCreate";

const DAY_MS = 24 * 3600 * 1000;

/** Financial states in which the money was captured: points are earned from these. */
const PAID_STATES = new Set(["paid", "partially_refunded", "refunded"]);

function syncJob(shop: string, account: { id: bigint; customerGid: string | null }): JobItem[] {
  return account.customerGid ? [{ name: JobName.LoyaltySyncMetafield, data: { shop, accountId: account.id.toString() } }] : [];
}

/**
 * After a committed change: mirror the balance to Shopify and tell analytics the customer changed.
 * Jobs that found nothing to change call it too: when the run that changed the account had
 * committed and then failed to enqueue (a Redis timeout), its retry finds UP_TO_DATE, and only
 * this enqueue repairs it. Both follow-ups are deduplicated, so a repeat costs one no-op job at most.
 */
async function afterChange(shop: string, account: LoyaltyAccount) {
  await enqueueMany(syncJob(shop, account));
  if (account.customerGid) await customerChanged({ shop, customerGid: account.customerGid, cause: "loyalty" });
}

/**
 * Recomputes the cached balance, pending points, tier and activity of an account from its ledger.
 * Called inside every writing transaction (the owner locked) and by the release and tier sweeps.
 * The tier counts a 12-month window, so it can drop with no new entry: tierReviewAt is when the
 * oldest entry (or order) counted leaves the window, and the tier sweep refreshes the account then.
 */
export async function refreshAccount(tx: Db, shop: string, account: LoyaltyAccount, s: LoyaltySettings, now = new Date()): Promise<LoyaltyAccount> {
  const totals = await ledgerTotals(tx, account.id, now);
  let tierValue = totals.earned12m;
  let oldestInWindow = totals.oldestIn12m;
  if (s.tierBasis === "spend") {
    const { spend, oldest } = await netSpend12m(tx, shop, { customerGid: account.customerGid, email: account.email }, now);
    const currency = (await getShop(shop, tx))?.currency ?? "USD";
    tierValue = Math.floor(Number(spend) / 10 ** minorDigits(currency));
    oldestInWindow = oldest;
  }
  return saveAccountState(tx, account.id, {
    pointsBalance: totals.balance,
    pendingPoints: totals.pending,
    lifetimeEarned: totals.lifetime,
    tier: tierFor(tierValue, s.tiers),
    lastActivityAt: totals.lastActivityAt,
    nextReleaseAt: totals.nextReleaseAt,
    // The window counts from `now - 365 days` inclusive: the entry has left it a millisecond later.
    tierReviewAt: s.tiers.length && oldestInWindow ? new Date(oldestInWindow.getTime() + TIER_WINDOW_MS + 1) : null,
  });
}

/**
 * The account that collects points for an owner: the customer's (claiming a guest account with the
 * same email on the way), or the guest's by email. Call with the owner locked.
 */
async function accountFor(tx: Db, shop: string, owner: Owner): Promise<LoyaltyAccount | null> {
  if (owner.customerGid) {
    const email = owner.email ?? (await customerEmail(tx, shop, owner.customerGid));
    const existing = await findAccountByCustomer(tx, shop, owner.customerGid);
    const guest = email ? await findGuestAccount(tx, shop, email) : null;
    if (guest) {
      await lockOwner(tx, shop, { customerGid: null, email });
      if (!existing) return claimGuestAccount(tx, guest.id, owner.customerGid);
      await mergeGuestAccount(tx, guest.id, existing.id);
    }
    return existing ?? createCustomerAccount(tx, shop, owner.customerGid, email);
  }
  if (owner.email) return createGuestAccount(tx, shop, owner.email);
  return null;
}

export type OrderPointsOutcome = "ORDER_MISSING" | "PROGRAM_DISABLED" | "BEFORE_PROGRAM" | "TEST_ORDER" | "NO_OWNER" | "UP_TO_DATE" | "UPDATED";

/**
 * Brings an order's ledger entries in line with the order (loyalty.sync-order):
 * - paid and not cancelled → earn floor(base × rate), pending until processedAt + pendingDays,
 *   unless it was placed before the program started (settings earnFrom);
 * - each refund → take back the refunded share of the base (proportional, rounded; its shipping
 *   counts when the base includes shipping);
 * - wholly refunded (financial status refunded) or cancelled → take back whatever is left.
 * Idempotency keys: "order:<gid>:earn", "refund:<refundGid>", "order:<gid>:refunded", "order:<gid>:cancel".
 */
export async function syncOrderPoints(shop: string, orderGid: string, now = new Date()): Promise<OrderPointsOutcome> {
  const s = (await getShopSettings(shop)).loyalty;
  const result = await db().$transaction(async (tx) => {
    const order = await orderForLoyalty(tx, shop, orderGid);
    if (!order) return { outcome: "ORDER_MISSING" as const };
    if (order.test) return { outcome: "TEST_ORDER" as const };
    const owner: Owner = { customerGid: order.customerGid, email: order.email?.toLowerCase() ?? null };
    if (!owner.customerGid && !owner.email) return { outcome: "NO_OWNER" as const };
    await lockOwner(tx, shop, owner);
    let earn = await findEntry(tx, shop, `order:${orderGid}:earn`);
    if (!earn && !s.enabled) return { outcome: "PROGRAM_DISABLED" as const };
    if (!earn && s.earnFrom && order.processedAt < new Date(s.earnFrom)) return { outcome: "BEFORE_PROGRAM" as const };
    const account = await accountFor(tx, shop, owner);
    if (!account) return { outcome: "NO_OWNER" as const };
    let changed = false;

    if (!earn && PAID_STATES.has(order.financialStatus ?? "") && !order.cancelledAt) {
      const baseMinor = earningBaseMinor(order, s);
      const points = pointsFor(baseMinor, order.currency, s.pointsPerUnit);
      if (points > 0) {
        const availableAt = new Date(Math.max(order.processedAt.getTime(), 0) + s.pendingDays * DAY_MS);
        changed = await appendEntry(tx, {
          shop,
          accountId: account.id,
          source: "ORDER",
          sourceKey: `order:${orderGid}:earn`,
          points,
          availableAt,
          orderGid,
          baseMinor,
          currency: order.currency,
        });
        earn = await findEntry(tx, shop, `order:${orderGid}:earn`);
      }
    }

    // accountFor may just have merged a guest account (holding this order's earn) into the
    // customer's: read the earn again so reversals land on the account that now holds it.
    if (earn) earn = await findEntry(tx, shop, `order:${orderGid}:earn`);
    if (earn && earn.baseMinor !== null) {
      // A reversal lands when the earn does: a refund inside the pending period shrinks the
      // pending points, a later one the balance.
      const availableAt = earn.availableAt > now ? earn.availableAt : now;
      let reversed = await reversedForOrder(tx, shop, orderGid);
      const refunds = order.refunds.map((refund) => ({ key: `refund:${refund.refundGid}`, refundedMinor: earningBaseMinor(refund, s) }));
      const applied = new Set<string>();
      for (const r of refunds) if (await findEntry(tx, shop, r.key)) applied.add(r.key);
      let refundedToDateMinor = refunds.filter((r) => applied.has(r.key)).reduce((sum, r) => sum + r.refundedMinor, 0n);
      for (const { key, refundedMinor } of refunds) {
        if (applied.has(key)) continue;
        refundedToDateMinor += refundedMinor;
        const points = refundReversal({ earned: earn.points, baseMinor: earn.baseMinor, refundedToDateMinor, alreadyReversed: reversed });
        if (points === 0) continue;
        if (await appendEntry(tx, { shop, accountId: earn.accountId, source: "REFUND", sourceKey: key, points: -points, availableAt, orderGid, baseMinor: refundedMinor, currency: order.currency })) {
          reversed += points;
          changed = true;
        }
      }
      // Wholly refunded: none of the order's points stay, whatever its refunds add up to (refunds
      // stored before their shipping was kept, amounts outside the base, rounding).
      if (order.financialStatus === "refunded" && earn.points > reversed) {
        const rest = earn.points - reversed;
        if (await appendEntry(tx, { shop, accountId: earn.accountId, source: "REFUND", sourceKey: `order:${orderGid}:refunded`, points: -rest, availableAt, orderGid, currency: order.currency })) {
          reversed += rest;
          changed = true;
        }
      }
      const left = earn.points - reversed;
      if (order.cancelledAt && left > 0) {
        changed =
          (await appendEntry(tx, { shop, accountId: earn.accountId, source: "CANCEL", sourceKey: `order:${orderGid}:cancel`, points: -left, availableAt, orderGid, currency: order.currency })) ||
          changed;
      }
    }
    const target = earn ? ((await findAccount(shop, earn.accountId, tx)) ?? account) : account;
    const refreshed = await refreshAccount(tx, shop, target, s, now);
    return { outcome: changed ? ("UPDATED" as const) : ("UP_TO_DATE" as const), account: refreshed };
  });
  if ((result.outcome === "UPDATED" || result.outcome === "UP_TO_DATE") && result.account) await afterChange(shop, result.account);
  return result.outcome;
}

/**
 * Records when the shop's program started, once: from then on orders earn, and older ones never do
 * (see LoyaltySettings.earnFrom). Runs on every authentication (afterAuth); a reinstall keeps the
 * date as long as the shop's settings were not erased.
 */
export async function startProgram(shop: string, now = new Date()): Promise<string> {
  const s = (await getShopSettings(shop)).loyalty;
  if (s.earnFrom) return s.earnFrom;
  const saved = await updateShopSettings(shop, "loyalty", { ...s, earnFrom: now.toISOString() });
  if (!saved.ok) throw new Error(`loyalty settings not saved: ${JSON.stringify(saved.fieldErrors)}`);
  return saved.settings.loyalty.earnFrom!;
}

/**
 * The customer has an account (customers/create or customers/update with state "enabled"): claim
 * the guest account of the same email and award the signup bonus once ("signup:<customerGid>").
 * A customer record without an account (a guest checkout, a newsletter sign-up, an import) gets
 * nothing until its account is enabled: the stored state decides, as the delivery last left it.
 */
export async function customerJoined(shop: string, customerGid: string, now = new Date()): Promise<"BONUS_AWARDED" | "NO_BONUS" | "ALREADY_AWARDED" | "PROGRAM_DISABLED" | "NO_ACCOUNT"> {
  const s = (await getShopSettings(shop)).loyalty;
  if (!s.enabled) return "PROGRAM_DISABLED";
  if ((await customerAccountState(shop, customerGid)) !== "enabled") return "NO_ACCOUNT";
  // Every customers/update of a member comes here: once the bonus is in, only the follow-ups
  // (which a retry after a failed enqueue needs) are left to do.
  const awarded = await findEntry(db(), shop, `signup:${customerGid}`);
  const member = awarded && (await findAccount(shop, awarded.accountId));
  if (member) {
    await afterChange(shop, member);
    return "ALREADY_AWARDED";
  }
  const result = await db().$transaction(async (tx) => {
    const owner = { customerGid, email: await customerEmail(tx, shop, customerGid) };
    await lockOwner(tx, shop, owner);
    const account = (await accountFor(tx, shop, owner))!;
    let outcome: "BONUS_AWARDED" | "NO_BONUS" | "ALREADY_AWARDED" = "NO_BONUS";
    if (s.signupBonus > 0) {
      const added = await appendEntry(tx, { shop, accountId: account.id, source: "SIGNUP", sourceKey: `signup:${customerGid}`, points: s.signupBonus, availableAt: now });
      outcome = added ? "BONUS_AWARDED" : "ALREADY_AWARDED";
    }
    return { outcome, account: await refreshAccount(tx, shop, account, s, now) };
  });
  await afterChange(shop, result.account);
  return result.outcome;
}

/**
 * The review bonus, inside the transaction that publishes the review ("review:<reviewId>").
 * The same points whatever the rating: an incentive that depended on the stars would be a
 * paid-for rating. Returns the account to sync after commit, or null.
 */
export async function awardReviewBonus(tx: Db, shop: string, review: { id: bigint; customerGid: string | null; email: string | null }, now = new Date()) {
  const s = (await getShopSettings(shop)).loyalty;
  if (!s.enabled || s.reviewBonus <= 0) return null;
  // Signed-in reviewers only: a guest's review carries an email nobody verified, and points held
  // against it would be claimed by whoever opens an account with that email.
  if (!review.customerGid) return null;
  const owner = { customerGid: review.customerGid, email: review.email?.toLowerCase() ?? null };
  await lockOwner(tx, shop, owner);
  const account = await accountFor(tx, shop, owner);
  if (!account) return null;
  const added = await appendEntry(tx, { shop, accountId: account.id, source: "REVIEW", sourceKey: `review:${review.id}`, points: s.reviewBonus, availableAt: now });
  return added ? refreshAccount(tx, shop, account, s, now) : null;
}

export { afterChange as loyaltyAccountChanged };

/** Program numbers for the admin: members, points available and pending, codes issued. */
export async function getProgramSummary(shop: string) {
  return programSummary(shop);
}

/**
 * Recomputes one account's cache under its owner's lock (unlocked, a refresh that read the ledger
 * before a concurrent award committed would overwrite that award's cache after it). Null when the
 * account is gone; `before` is the account as the writer before us left it.
 */
async function refreshLocked(shop: string, id: bigint, s: LoyaltySettings, now: Date) {
  return db().$transaction(async (tx) => {
    const found = await findAccount(shop, id, tx);
    if (!found) return null;
    await lockOwner(tx, shop, found);
    const before = await findAccount(shop, id, tx);
    return before ? { before, after: await refreshAccount(tx, shop, before, s, now) } : null;
  });
}

/**
 * loyalty.release-pending: refresh accounts whose pending points matured. Idempotent (a refresh is a
 * recompute), owner-locked like every writer (refreshLocked).
 */
export async function releaseMaturedPoints(now = new Date(), batch = 500): Promise<number> {
  let released = 0;
  for (;;) {
    const due = await accountsDueForRelease(now, batch);
    if (!due.length) return released;
    for (const { id, shop } of due) {
      const s = (await getShopSettings(shop)).loyalty;
      const result = await refreshLocked(shop, id, s, now);
      if (result) await afterChange(shop, result.after);
      released++;
    }
    if (due.length < batch) return released;
  }
}

/**
 * loyalty.refresh-tiers: refreshes the accounts whose 12-month tier window lost an entry
 * (tierReviewAt due), so a tier drops when the points or spend behind it age out with no new
 * activity, and the cache, analytics and the metafield follow. Owner-locked like every writer.
 * Idempotent: a refresh is a recompute, and it moves tierReviewAt past `now`.
 */
export async function refreshAgingTiers(now = new Date(), batch = 500): Promise<number> {
  let changed = 0;
  for (;;) {
    const due = await accountsDueForTierReview(now, batch);
    if (!due.length) return changed;
    for (const { id, shop } of due) {
      const s = (await getShopSettings(shop)).loyalty;
      const result = await refreshLocked(shop, id, s, now);
      if (result && loyaltyMetafieldValue(result.before) !== loyaltyMetafieldValue(result.after)) {
        changed++;
        await afterChange(shop, result.after);
      }
    }
    if (due.length < batch) return changed;
  }
}

/**
 * loyalty.expire-inactive: a positive balance with no earning or redeeming for the shop's
 * expiryMonths expires in full. Key "expiry:<accountId>:<lastActivityAt>:<run day>": activity
 * after an expiry starts a new period, a rerun finds nothing left, and points that mature later
 * without new activity (a pending period longer than the expiry one) expire on a later day.
 */
export async function expireInactiveBalances(now = new Date()): Promise<number> {
  let expired = 0;
  for (const shop of await shopsWithAccounts()) {
    const s = (await getShopSettings(shop)).loyalty;
    if (!s.expiryMonths) continue;
    const before = new Date(now);
    before.setUTCMonth(before.getUTCMonth() - s.expiryMonths);
    let afterId = 0n;
    for (;;) {
      const accounts = await inactiveAccounts(shop, before, afterId, 500);
      if (!accounts.length) break;
      afterId = accounts[accounts.length - 1]!.id;
      for (const { id } of accounts) {
        const account = await db().$transaction(async (tx) => {
          const current = await findAccount(shop, id, tx);
          if (!current) return null;
          await lockOwner(tx, shop, current);
          const fresh = await refreshAccount(tx, shop, current, s, now);
          if (fresh.pointsBalance <= 0 || !isExpired(fresh.lastActivityAt, s.expiryMonths, now)) return null;
          const key = `expiry:${id}:${fresh.lastActivityAt!.toISOString()}:${now.toISOString().slice(0, 10)}`;
          if (!(await appendEntry(tx, { shop, accountId: id, source: "EXPIRY", sourceKey: key, points: -fresh.pointsBalance, availableAt: now }))) return null;
          return refreshAccount(tx, shop, fresh, s, now);
        });
        if (account) {
          expired++;
          await afterChange(shop, account);
        }
      }
    }
  }
  return expired;
}

function programTerms(s: LoyaltySettings, currency: string) {
  return {
    enabled: s.enabled,
    pointsPerUnit: s.pointsPerUnit,
    signupBonus: s.signupBonus,
    reviewBonus: s.reviewBonus,
    redeemPointsPerUnit: s.redeemPointsPerUnit,
    minRedeemPoints: s.minRedeemPoints,
    currency,
    tiers: s.tiers,
  };
}

/** What a guest sees: how to earn and what points are worth (no personal data). */
export async function getLoyaltyTeaser(shop: string) {
  const { settings, currency } = await shopSettingsForProxy(shop);
  return { program: programTerms(settings.loyalty, currency) };
}

/**
 * What the storefront shows a signed-in customer: balance, pending, tier, history, ways to earn
 * and spend. One SQL round trip (hot-reads.server.ts); the balance is live from the ledger, so
 * points that matured since the last release sweep count at once.
 */
export async function getLoyaltySummary(shop: string, customerGid: string, now = new Date()) {
  const [{ settings, currency }, row] = await Promise.all([shopSettingsForProxy(shop), loyaltyForProxy(shop, customerGid, now)]);
  const s = settings.loyalty;
  const program = programTerms(s, currency);
  if (!row) return { program, balance: 0, pending: 0, tier: null, nextTier: nextTier(0, s.tiers), history: [], redemptions: [], redeemOptions: [] };
  const balance = Math.max(0, row.balance);
  const digits = minorDigits(currency);
  return {
    program,
    balance,
    pending: row.pending,
    // Points tiers live from the same 12-month window as the next tier, so the two always agree
    // (the cached tier drops at the next tier sweep); spend tiers from the account.
    tier: s.tierBasis === "points" ? tierFor(row.earned12m, s.tiers) : row.tier,
    nextTier: s.tierBasis === "points" ? nextTier(row.earned12m, s.tiers) : null,
    history: row.history.map((h) => ({ source: h.source, points: h.points, at: new Date(h.createdAt).toISOString(), availableAt: new Date(h.availableAt).toISOString() })),
    redemptions: row.redemptions.map((r) => ({
      points: r.points,
      value: Number(r.valueMinor) / 10 ** minorDigits(r.currency),
      currency: r.currency,
      code: r.code,
      status: r.status,
      expiresAt: r.expiresAt ? new Date(r.expiresAt).toISOString() : null,
    })),
    redeemOptions: s.enabled ? redemptionOptions(balance, s).map((p) => ({ points: p, value: (p / s.redeemPointsPerUnit).toFixed(digits) })) : [],
  };
}

export type RedeemResult =
  | { ok: true; status: "ISSUED" | "PENDING"; code: string; points: number; value: string; currency: string; expiresAt: string | null; balance: number }
  | { ok: false; reason: "BELOW_MINIMUM" | "NOT_A_MULTIPLE" | "INSUFFICIENT_BALANCE" | "PROGRAM_DISABLED" | "KEY_REUSED" | "SHOPIFY_REFUSED"; balance?: number };

/** A code the shopper can type: unambiguous letters and digits only. */
function newCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  return `PTS-${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function redemptionView(r: { status: string; code: string; points: number; valueMinor: bigint; currency: string; expiresAt: Date | null }, balance: number): RedeemResult {
  if (r.status === "FAILED") return { ok: false, reason: "SHOPIFY_REFUSED", balance };
  return {
    ok: true,
    status: r.status as "ISSUED" | "PENDING",
    code: r.code,
    points: r.points,
    value: (Number(r.valueMinor) / 10 ** minorDigits(r.currency)).toFixed(minorDigits(r.currency)),
    currency: r.currency,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    balance,
  };
}

type DiscountCreateResult = { discountCodeBasicCreate: { codeDiscountNode: { id: string } | null; userErrors: { field: string[] | null; message: string; code: string | null }[] } };

/**
 * Spends points on a discount code (app proxy, signed-in customer). Idempotent per requestKey:
 * the storefront sends one key per click, and a repeat returns the same code.
 * 1. One transaction, the account locked: re-check the key, check the balance, record the
 *    redemption (PENDING) and its negative entry ("redemption:<id>"). Points are gone before any
 *    code exists, so two concurrent redeems can never both spend the same points.
 * 2. discountCodeBasicCreate: a fixed amount off, for this customer only (`context`), usable once.
 * 3. Shopify refuses → FAILED and the points come back ("redemption:<id>:refund"). A network
 *    failure leaves it PENDING; the shopper's retry with the same key tries the code again.
 */
export async function redeemPoints(input: { shop: string; customerGid: string; points: number; requestKey: string; admin: AdminGraphql; now?: Date }): Promise<RedeemResult> {
  const { shop, customerGid, points, requestKey, admin } = input;
  const now = input.now ?? new Date();
  const s = (await getShopSettings(shop)).loyalty;
  const currency = (await getShop(shop))?.currency ?? "USD";

  type Step = { done: RedeemResult } | { done?: undefined; redemption: LoyaltyRedemption; retry: boolean };
  const step = await db().$transaction(async (tx): Promise<Step> => {
    await lockOwner(tx, shop, { customerGid, email: null });
    const existing = await findRedemption(shop, requestKey, tx);
    const account = await findAccountByCustomer(tx, shop, customerGid);
    if (existing) {
      if (existing.customerGid !== customerGid) return { done: { ok: false, reason: "KEY_REUSED" } };
      if (existing.status !== "PENDING") return { done: redemptionView(existing, account?.pointsBalance ?? 0) };
      return { redemption: existing, retry: true };
    }
    if (!account) return { done: { ok: false, reason: s.enabled ? "INSUFFICIENT_BALANCE" : "PROGRAM_DISABLED", balance: 0 } };
    const fresh = await refreshAccount(tx, shop, account, s, now);
    const quote = quoteRedemption(points, fresh.pointsBalance, s, currency);
    if (!quote.ok) return { done: { ok: false, reason: quote.reason, balance: Math.max(0, fresh.pointsBalance) } };
    const redemption = await createRedemption(tx, {
      shop,
      accountId: account.id,
      customerGid,
      requestKey,
      points,
      valueMinor: quote.valueMinor,
      currency,
      code: newCode(),
      expiresAt: new Date(now.getTime() + s.codeValidityDays * DAY_MS),
    });
    await appendEntry(tx, { shop, accountId: account.id, source: "REDEMPTION", sourceKey: `redemption:${redemption.id}`, points: -points, availableAt: now, currency, note: redemption.code });
    await refreshAccount(tx, shop, fresh, s, now);
    return { redemption, retry: false };
  });
  if (step.done) return step.done;
  return issueCode(shop, step.redemption, step.retry, admin, now);
}

/**
 * Creates the redemption's discount code in Shopify and settles the redemption: ISSUED, or FAILED
 * with the points given back when Shopify refuses. A network failure or throttling leaves it
 * PENDING (thrown) for the shopper's retry or the settle sweep. Settling is compare-and-set on
 * PENDING, so a retry and the sweep racing each other settle it once.
 */
async function issueCode(shop: string, redemption: LoyaltyRedemption, retry: boolean, admin: AdminGraphql, now: Date): Promise<RedeemResult> {
  const currency = redemption.currency;
  let discountGid: string | null = null;
  try {
    const data = await adminQuery<DiscountCreateResult>(admin, DiscountCodeBasicCreate, {
      basicCodeDiscount: {
        title: `Loyalty reward: ${redemption.points} points`,
        code: redemption.code,
        startsAt: now.toISOString(),
        endsAt: redemption.expiresAt?.toISOString() ?? null,
        context: { customers: { add: [redemption.customerGid] } },
        customerGets: {
          value: { discountAmount: { amount: (Number(redemption.valueMinor) / 10 ** minorDigits(currency)).toFixed(minorDigits(currency)), appliesOnEachItem: false } },
          items: { all: true },
        },
        usageLimit: 1,
        appliesOncePerCustomer: true,
        combinesWith: { productDiscounts: true, orderDiscounts: false, shippingDiscounts: true },
      },
    });
    const { codeDiscountNode, userErrors } = data.discountCodeBasicCreate;
    // A retry of a PENDING redemption whose first call reached Shopify: the code exists already.
    const alreadyCreated = retry && userErrors.length > 0 && userErrors.every((e) => e.code === "TAKEN");
    if (userErrors.length && !alreadyCreated) throw new ShopifyUserError(userErrors);
    discountGid = codeDiscountNode?.id ?? null;
  } catch (error) {
    if (!isTerminal(error)) throw error; // stays PENDING; the same request key or the sweep retries
    const account = await failRedemption(redemption, error instanceof Error ? error.message.slice(0, 500) : "refused", now);
    return { ok: false, reason: "SHOPIFY_REFUSED", balance: Math.max(0, account.pointsBalance) };
  }
  await db().$transaction((tx) => settleRedemption(tx, redemption.id, { status: "ISSUED", discountGid }));
  const issued = (await findRedemption(shop, redemption.requestKey))!;
  const account = (await findAccount(shop, redemption.accountId))!;
  await afterChange(shop, account);
  return redemptionView(issued, Math.max(0, account.pointsBalance));
}

/** How long a redemption may stay PENDING (the shopper's own retry comes first) before the sweep settles it. */
const SETTLE_AFTER_MS = 5 * 60_000;

/**
 * loyalty.settle-redemptions: redemptions left PENDING (Shopify timed out or throttled, and the
 * shopper reloaded the page, losing the request key) would hold their points forever with no
 * code. Each is tried again: ISSUED (the code is created, or was: TAKEN), or FAILED with the
 * points back; still unreachable, it waits for the next run. Idempotent.
 */
export async function settlePendingRedemptions(now = new Date(), adminForShop: (shop: string) => Promise<AdminGraphql> = adminFor): Promise<{ issued: number; failed: number; pending: number }> {
  const counts = { issued: 0, failed: 0, pending: 0 };
  for (const redemption of await stalePendingRedemptions(new Date(now.getTime() - SETTLE_AFTER_MS))) {
    try {
      const result = await issueCode(redemption.shop, redemption, true, await adminForShop(redemption.shop), now);
      if (result.ok) counts.issued++;
      else counts.failed++;
    } catch (error) {
      if (isShopNotConnected(error)) {
        // No offline session (uninstalled): no code can be made, so the points go back.
        await failRedemption(redemption, "the shop has no Shopify session", now);
        counts.failed++;
      } else {
        counts.pending++;
        logger.warn({ err: error, shop: redemption.shop, redemptionId: redemption.id.toString() }, "redemption still pending");
      }
    }
  }
  return counts;
}

/** FAILED, with the points given back once ("redemption:<id>:refund"), unless already settled. */
async function failRedemption(redemption: LoyaltyRedemption, reason: string, now: Date): Promise<LoyaltyAccount> {
  const { shop } = redemption;
  const s = (await getShopSettings(shop)).loyalty;
  const account = await db().$transaction(async (tx) => {
    await lockOwner(tx, shop, { customerGid: redemption.customerGid, email: null });
    if (await settleRedemption(tx, redemption.id, { status: "FAILED", failureReason: reason })) {
      await appendEntry(tx, { shop, accountId: redemption.accountId, source: "REDEMPTION_FAILED", sourceKey: `redemption:${redemption.id}:refund`, points: redemption.points, availableAt: now, currency: redemption.currency });
    }
    const current = (await findAccount(shop, redemption.accountId, tx))!;
    return refreshAccount(tx, shop, current, s, now);
  });
  await afterChange(shop, account);
  return account;
}

export type MetafieldSyncOutcome = "ACCOUNT_MISSING" | "GUEST_SKIPPED" | "UP_TO_DATE" | "SYNCED" | "CUSTOMER_GONE";

/** The JSON the theme reads as customer.metafields["$app:loyalty"].points.value. */
export function loyaltyMetafieldValue(account: Pick<LoyaltyAccount, "pointsBalance" | "pendingPoints" | "tier">) {
  return JSON.stringify({ balance: Math.max(0, account.pointsBalance), pending: account.pendingPoints, tier: account.tier });
}

/**
 * True when the metafield already holds the value the account would write now: the whole value
 * (balance, pending and tier; the block shows pending too), compared as written.
 */
export function metafieldInStep(account: Pick<LoyaltyAccount, "pointsBalance" | "pendingPoints" | "tier" | "syncedBalance" | "syncedPending" | "syncedTier">): boolean {
  if (account.syncedBalance === null || account.syncedPending === null) return false;
  return loyaltyMetafieldValue({ pointsBalance: account.syncedBalance, pendingPoints: account.syncedPending, tier: account.syncedTier }) === loyaltyMetafieldValue(account);
}

export async function getAccountForSync(shop: string, accountId: bigint) {
  return findAccount(shop, accountId);
}

/**
 * Accounts whose metafield is not in step with the account (loyalty.sync-stale-metafields): a sync
 * lost after its change committed (a failed enqueue, a sweep's follow-up, a job out of retries).
 */
export async function listStaleMetafieldAccounts(take: number) {
  return staleMetafieldAccounts(take);
}

export { markAccountSynced };
