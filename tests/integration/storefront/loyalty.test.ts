import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { loyaltyJobs, syncLoyaltyMetafield } from "~/domains/loyalty/loyalty.jobs.server";
import { appendEntry, lockOwner } from "~/domains/loyalty/loyalty.repo.server";
import { expireInactiveBalances, getLoyaltySummary, refreshAccount, refreshAgingTiers, releaseMaturedPoints } from "~/domains/loyalty/loyalty.server";
import { getShopSettings, updateShopSettings } from "~/domains/shops/settings.server";
import { JobName, QueueName } from "~/queues/jobs";
import { closeQueues, getQueue } from "~/queues/queues.server";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { customerPayload, orderPayload, refundPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { queuedJobs, resetQueues } from "#test/queues";

const syncOrder = (orderGid: string) => loyaltyJobs[JobName.LoyaltySyncOrder]({ shop: TEST_SHOP, orderGid });
const account = (customerId: string) => db().loyaltyAccount.findUniqueOrThrow({ where: { shop_customerGid: { shop: TEST_SHOP, customerGid: `gid://shopify/Customer/${customerId}` } } });
const ledger = () => db().loyaltyLedgerEntry.findMany({ orderBy: { id: "asc" } });
const iso = (d: Date) => d.toISOString();
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

let api: AdminApiStandIn;
beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  api = new AdminApiStandIn().install();
});
afterEach(() => {
  api.uninstall();
  vi.restoreAllMocks();
});
afterAll(closeQueues);

describe("loyalty reaction to deliveries", () => {
  it("queues loyalty.sync-order when orders/paid is processed, and loyalty.customer-joined on customers/create of an account", async () => {
    await deliverAndProcess("orders/paid", orderPayload({ id: "6001", customerId: "71" }));
    await deliverAndProcess("customers/create", customerPayload({ id: "72", state: "enabled" }));
    const jobs = await queuedJobs(QueueName.Compute);
    expect(jobs.map((j) => [j.name, j.data])).toEqual(
      expect.arrayContaining([
        [JobName.LoyaltySyncOrder, { shop: TEST_SHOP, orderGid: "gid://shopify/Order/6001" }],
        [JobName.LoyaltyCustomerJoined, { shop: TEST_SHOP, customerGid: "gid://shopify/Customer/72" }],
      ]),
    );
  });

  it("gives no signup bonus to a customer record without an account, and gives it once when a guest opens an account later", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { signupBonus: 40 });
    const joinedJobs = async () => (await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.LoyaltyCustomerJoined).map((j) => j.data);
    const joined = () => loyaltyJobs[JobName.LoyaltyCustomerJoined]({ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/73" });
    // Shopify's customers/create sample: state "disabled", a guest checkout's or an import's record.
    await deliverAndProcess("customers/create", customerPayload({ id: "73", email: "gil@example.com", updatedAt: "2026-10-01T10:00:00Z" }));
    expect(await joinedJobs()).toEqual([]);
    // A job queued before (or a stale one) finds no account: no bonus, no loyalty account.
    expect(await joined()).toBe("NO_ACCOUNT");
    expect(await ledger()).toEqual([]);
    expect(await db().loyaltyAccount.count()).toBe(0);

    await deliverAndProcess("customers/update", customerPayload({ id: "73", email: "gil@example.com", state: "enabled", updatedAt: "2026-10-03T10:00:00Z" }));
    expect(await joinedJobs()).toEqual([{ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/73" }]);
    expect(await joined()).toBe("BONUS_AWARDED");
    // Later updates of the member (every order updates the customer) award nothing more.
    await deliverAndProcess("customers/update", customerPayload({ id: "73", email: "gil@example.com", state: "enabled", updatedAt: "2026-10-05T10:00:00Z" }));
    expect(await joined()).toBe("ALREADY_AWARDED");
    expect((await ledger()).map((e) => [e.sourceKey, e.points])).toEqual([["signup:gid://shopify/Customer/73", 40]]);
  });

  it("queues one debounced loyalty.sync-order for the deliveries of one purchase", async () => {
    const order = orderPayload({ id: "6002", customerId: "73", financialStatus: "pending" });
    await deliverAndProcess("orders/create", order);
    await deliverAndProcess("orders/paid", { ...order, financial_status: "paid", updated_at: "2026-10-01T10:05:00-04:00" });
    const jobs = (await queuedJobs(QueueName.Compute)).filter((j) => j.name === JobName.LoyaltySyncOrder);
    expect(jobs.map((j) => j.data)).toEqual([{ shop: TEST_SHOP, orderGid: "gid://shopify/Order/6002" }]);
    expect(jobs[0]!.opts.delay).toBeGreaterThan(0);
  });
});

describe("loyalty.sync-order", () => {
  it("earns floor(subtotal × rate) on a paid order, pending for the return window, and runs twice with one entry", async () => {
    await deliverAndProcess("orders/paid", orderPayload({ id: "6002", customerId: "73", subtotal: "123.45", processedAt: iso(daysAgo(2)) }));
    expect(await syncOrder("gid://shopify/Order/6002")).toBe("UPDATED");
    expect(await syncOrder("gid://shopify/Order/6002")).toBe("UP_TO_DATE");
    const entries = await ledger();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ source: "ORDER", points: 123, baseMinor: 12345n, sourceKey: "order:gid://shopify/Order/6002:earn" });
    expect(entries[0]!.availableAt.getTime() - daysAgo(2).getTime()).toBeGreaterThan(29 * 86_400_000);
    expect(await account("73")).toMatchObject({ pointsBalance: 0, pendingPoints: 123 });
    // The metafield mirror and analytics are told.
    expect((await queuedJobs(QueueName.ShopifySync)).map((j) => j.name)).toContain(JobName.LoyaltySyncMetafield);
  });

  it("applies the rate and the tax and shipping toggles", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pointsPerUnit: 2, includeTax: true, includeShipping: true, pendingDays: 0 });
    const body = orderPayload({ id: "6003", customerId: "74", subtotal: "100.00", shipping: { price: "5.00" } });
    body.total_tax_set = { shop_money: { amount: "8.00", currency_code: "USD" }, presentment_money: { amount: "8.00", currency_code: "USD" } };
    await deliverAndProcess("orders/paid", body);
    await syncOrder("gid://shopify/Order/6003");
    expect(await account("74")).toMatchObject({ pointsBalance: 226, pendingPoints: 0 });
  });

  it("earns on the shipping the buyer paid, after shipping discounts", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { includeShipping: true, pendingDays: 0 });
    // Shopify's sample order: 404.95 subtotal, 10.00 shipping made free by a discount.
    await deliverAndProcess("orders/paid", orderPayload({ id: "6050", customerId: "83", shipping: { price: "10.00", paid: "0.00" } }));
    await syncOrder("gid://shopify/Order/6050");
    // Part of the shipping discounted: 4.00 paid.
    await deliverAndProcess("orders/paid", orderPayload({ id: "6051", customerId: "84", subtotal: "50.00", shipping: { price: "10.00", paid: "4.00" } }));
    await syncOrder("gid://shopify/Order/6051");
    expect((await ledger()).map((e) => [e.sourceKey, e.points, e.baseMinor])).toEqual([
      ["order:gid://shopify/Order/6050:earn", 404, 40495n],
      ["order:gid://shopify/Order/6051:earn", 54, 5400n],
    ]);
  });

  it("earns on a tax-inclusive order without its tax, and with it once when tax counts", async () => {
    // Prices entered with VAT: the 120.00 subtotal holds 20.00 of line-item tax.
    const taxLine = (amount: string) => ({ price: amount, price_set: { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } }, rate: 0.2, title: "VAT" });
    const inclusive = (id: string, customerId: string) => {
      const body = orderPayload({ id, customerId, subtotal: "120.00", processedAt: iso(daysAgo(0)) });
      body.taxes_included = true;
      body.total_tax_set = { shop_money: { amount: "20.00", currency_code: "USD" }, presentment_money: { amount: "20.00", currency_code: "USD" } };
      body.line_items[0].tax_lines = [taxLine("15.00")];
      body.line_items[1].tax_lines = [taxLine("5.00")];
      return body;
    };
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0 });
    await deliverAndProcess("orders/paid", inclusive("6060", "85"));
    await syncOrder("gid://shopify/Order/6060");
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, includeTax: true });
    await deliverAndProcess("orders/paid", inclusive("6061", "86"));
    await syncOrder("gid://shopify/Order/6061");
    expect((await ledger()).map((e) => [e.sourceKey, e.points])).toEqual([
      ["order:gid://shopify/Order/6060:earn", 100],
      ["order:gid://shopify/Order/6061:earn", 120],
    ]);
  });

  it("does not earn on unpaid, test or cancelled orders", async () => {
    await deliverAndProcess("orders/create", orderPayload({ id: "6004", customerId: "75", financialStatus: "pending" }));
    await deliverAndProcess("orders/create", orderPayload({ id: "6005", customerId: "75", test: true }));
    await deliverAndProcess("orders/cancelled", orderPayload({ id: "6006", customerId: "75", cancelledAt: "2026-10-02T00:00:00Z" }));
    expect(await syncOrder("gid://shopify/Order/6004")).toBe("UP_TO_DATE");
    expect(await syncOrder("gid://shopify/Order/6005")).toBe("TEST_ORDER");
    expect(await syncOrder("gid://shopify/Order/6006")).toBe("UP_TO_DATE");
    expect(await ledger()).toEqual([]);
  });

  it("never earns on an order placed before the program started, even when Shopify sends an update for it", async () => {
    const refused = await updateShopSettings(TEST_SHOP, "loyalty", { earnFrom: "last week" });
    expect(refused).toMatchObject({ ok: false, fieldErrors: { "loyalty.earnFrom": expect.stringMatching(/datetime/i) } });
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, earnFrom: iso(daysAgo(5)) });
    // A bulk tag edit in the Shopify admin sends orders/updated for a year-old order.
    await deliverAndProcess("orders/updated", orderPayload({ id: "6020", customerId: "79", subtotal: "300.00", processedAt: iso(daysAgo(400)) }));
    expect(await syncOrder("gid://shopify/Order/6020")).toBe("BEFORE_PROGRAM");
    expect(await syncOrder("gid://shopify/Order/6020")).toBe("BEFORE_PROGRAM");
    await deliverAndProcess("refunds/create", refundPayload("6020", "100.00", { id: "8020", processedAt: iso(daysAgo(1)) }));
    expect(await syncOrder("gid://shopify/Order/6020")).toBe("BEFORE_PROGRAM");
    expect(await ledger()).toEqual([]);
    // The same buyer's order from after the start earns as usual.
    await deliverAndProcess("orders/paid", orderPayload({ id: "6021", customerId: "79", subtotal: "40.00", processedAt: iso(daysAgo(1)) }));
    expect(await syncOrder("gid://shopify/Order/6021")).toBe("UPDATED");
    expect((await ledger()).map((e) => [e.sourceKey, e.points])).toEqual([["order:gid://shopify/Order/6021:earn", 40]]);
    expect(await account("79")).toMatchObject({ pointsBalance: 40, pendingPoints: 0 });
  });

  it("reverses proportionally on partial refunds and the rest on cancellation, never below zero for the order", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6007", customerId: "76", subtotal: "200.00" }));
    await syncOrder("gid://shopify/Order/6007");
    await deliverAndProcess("refunds/create", refundPayload("6007", "50.00", { id: "8001" }));
    expect(await syncOrder("gid://shopify/Order/6007")).toBe("UPDATED");
    expect(await account("76")).toMatchObject({ pointsBalance: 150 });
    expect(await syncOrder("gid://shopify/Order/6007")).toBe("UP_TO_DATE");
    await deliverAndProcess("orders/cancelled", orderPayload({ id: "6007", customerId: "76", subtotal: "200.00", cancelledAt: "2026-10-06T00:00:00Z", updatedAt: "2026-10-06T00:00:00Z" }));
    await syncOrder("gid://shopify/Order/6007");
    expect((await ledger()).map((e) => [e.source, e.points])).toEqual([
      ["ORDER", 200],
      ["REFUND", -50],
      ["CANCEL", -150],
    ]);
    expect(await account("76")).toMatchObject({ pointsBalance: 0 });
  });

  it("takes back the shipping share when a refund returns shipping the order earned on", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { includeShipping: true, pendingDays: 0 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6052", customerId: "85", subtotal: "50.00", shipping: { price: "10.00" } }));
    await syncOrder("gid://shopify/Order/6052");
    expect(await account("85")).toMatchObject({ pointsBalance: 60 });
    // Everything back, shipping included.
    await deliverAndProcess("refunds/create", refundPayload("6052", "50.00", { id: "8052", shipping: "10.00" }));
    expect(await db().refund.findFirstOrThrow({ where: { refundGid: "gid://shopify/Refund/8052" } })).toMatchObject({ subtotalMinor: 5000n, shippingMinor: 1000n });
    expect(await syncOrder("gid://shopify/Order/6052")).toBe("UPDATED");
    expect(await syncOrder("gid://shopify/Order/6052")).toBe("UP_TO_DATE");
    expect((await ledger()).map((e) => [e.source, e.points])).toEqual([
      ["ORDER", 60],
      ["REFUND", -60],
    ]);
    expect(await account("85")).toMatchObject({ pointsBalance: 0 });
  });

  it("takes back the rest of an order's points once it is wholly refunded, whatever its refunds add up to", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { includeShipping: true, pendingDays: 0 });
    const order = { id: "6053", customerId: "86", subtotal: "50.00", shipping: { price: "10.00" } };
    await deliverAndProcess("orders/paid", orderPayload(order));
    await syncOrder("gid://shopify/Order/6053");
    // A refund that carries no shipping line (as every refund stored before its shipping was kept),
    // and the order Shopify then reports wholly refunded.
    await deliverAndProcess("refunds/create", refundPayload("6053", "50.00", { id: "8053" }));
    await deliverAndProcess("orders/updated", orderPayload({ ...order, financialStatus: "refunded", updatedAt: "2026-10-06T00:00:00Z" }));
    expect(await syncOrder("gid://shopify/Order/6053")).toBe("UPDATED");
    expect(await syncOrder("gid://shopify/Order/6053")).toBe("UP_TO_DATE");
    expect((await ledger()).map((e) => [e.sourceKey, e.points])).toEqual([
      ["order:gid://shopify/Order/6053:earn", 60],
      ["refund:gid://shopify/Refund/8053", -50],
      ["order:gid://shopify/Order/6053:refunded", -10],
    ]);
    expect(await account("86")).toMatchObject({ pointsBalance: 0 });
  });

  it("accrues a guest's points against the email and hands them to the customer account created later", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, signupBonus: 25 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6008", customerId: null, email: "Guest@Example.com", subtotal: "40.00" }));
    await syncOrder("gid://shopify/Order/6008");
    const guest = await db().loyaltyAccount.findFirstOrThrow();
    expect(guest).toMatchObject({ customerGid: null, guestEmail: "guest@example.com", pointsBalance: 40 });

    await deliverAndProcess("customers/create", customerPayload({ id: "77", email: "guest@example.com", state: "enabled" }));
    const joined = loyaltyJobs[JobName.LoyaltyCustomerJoined];
    expect(await joined({ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/77" })).toBe("BONUS_AWARDED");
    expect(await joined({ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/77" })).toBe("ALREADY_AWARDED");
    expect(await db().loyaltyAccount.count()).toBe(1);
    expect(await account("77")).toMatchObject({ id: guest.id, guestEmail: null, pointsBalance: 65 });
  });

  it("merges a guest account into an existing customer account when the customer orders as a guest first", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, signupBonus: 10 });
    await deliverAndProcess("customers/create", customerPayload({ id: "78", email: "ann@example.com", state: "enabled" }));
    await loyaltyJobs[JobName.LoyaltyCustomerJoined]({ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/78" });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6009", customerId: null, email: "ann@example.com", subtotal: "30.00" }));
    await syncOrder("gid://shopify/Order/6009");
    expect(await db().loyaltyAccount.count()).toBe(2);
    await deliverAndProcess("orders/paid", orderPayload({ id: "6010", customerId: "78", email: "ann@example.com", subtotal: "5.00" }));
    await syncOrder("gid://shopify/Order/6010");
    expect(await db().loyaltyAccount.count()).toBe(1);
    expect(await account("78")).toMatchObject({ pointsBalance: 45 });
  });

  it("reverses on the merged account when one sync both merges the guest account and sees a refund", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, signupBonus: 10 });
    await deliverAndProcess("customers/create", customerPayload({ id: "81", email: "bo@example.com", state: "enabled" }));
    await loyaltyJobs[JobName.LoyaltyCustomerJoined]({ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/81" });
    // A guest order earns 30 on a guest account under the same email.
    await deliverAndProcess("orders/paid", orderPayload({ id: "6030", customerId: null, email: "bo@example.com", subtotal: "30.00" }));
    await syncOrder("gid://shopify/Order/6030");
    expect(await db().loyaltyAccount.count()).toBe(2);
    // The merchant attaches the customer to the order and refunds a third; one sync sees both.
    await deliverAndProcess("orders/updated", orderPayload({ id: "6030", customerId: "81", email: "bo@example.com", subtotal: "30.00", updatedAt: "2026-10-02T00:00:00Z" }));
    await deliverAndProcess("refunds/create", refundPayload("6030", "10.00", { id: "8030" }));
    expect(await syncOrder("gid://shopify/Order/6030")).toBe("UPDATED");
    expect(await db().loyaltyAccount.count()).toBe(1);
    expect(await account("81")).toMatchObject({ pointsBalance: 10 + 30 - 10 });
    // Every entry, the refund's included, sits on the one account left.
    expect(new Set((await ledger()).map((e) => e.accountId)).size).toBe(1);
  });

  it("moves matured points from pending to the balance in the release sweep", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 10 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6011", customerId: "79", subtotal: "10.00", processedAt: iso(daysAgo(1)) }));
    await syncOrder("gid://shopify/Order/6011");
    expect(await account("79")).toMatchObject({ pointsBalance: 0, pendingPoints: 10 });
    expect(await releaseMaturedPoints(new Date(Date.now() + 11 * 86_400_000))).toBe(1);
    expect(await account("79")).toMatchObject({ pointsBalance: 10, pendingPoints: 0, nextReleaseAt: null });
    expect(await releaseMaturedPoints(new Date(Date.now() + 11 * 86_400_000))).toBe(0);
  });

  it("a release sweep waits for a concurrent writer of the account and keeps what it wrote", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 10 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6080", customerId: "95", subtotal: "10.00", processedAt: iso(daysAgo(1)) }));
    await syncOrder("gid://shopify/Order/6080");
    const acc = await account("95");
    const s = (await getShopSettings(TEST_SHOP)).loyalty;
    const later = new Date(Date.now() + 11 * 86_400_000);
    // An award holds the account (owner lock, new entry, refreshed cache) and commits only after
    // the sweep has started on the same account.
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let locked!: () => void;
    const hasLock = new Promise<void>((resolve) => (locked = resolve));
    const writer = db().$transaction(
      async (tx) => {
        await lockOwner(tx, TEST_SHOP, { customerGid: acc.customerGid, email: null });
        await appendEntry(tx, { shop: TEST_SHOP, accountId: acc.id, source: "REVIEW", sourceKey: "review:held", points: 5, availableAt: new Date() });
        await refreshAccount(tx, TEST_SHOP, acc, s, later);
        locked();
        await held;
      },
      { timeout: 20_000 },
    );
    await hasLock;
    const sweep = releaseMaturedPoints(later);
    await new Promise((r) => setTimeout(r, 300));
    commit();
    await writer;
    expect(await sweep).toBe(1);
    expect(await account("95")).toMatchObject({ pointsBalance: 15, pendingPoints: 0, nextReleaseAt: null });
  });

  it("expires a balance after the inactivity period, once", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, expiryMonths: 6 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6012", customerId: "80", subtotal: "20.00" }));
    await syncOrder("gid://shopify/Order/6012");
    const later = new Date(Date.now() + 200 * 86_400_000);
    expect(await expireInactiveBalances(later)).toBe(1);
    expect(await expireInactiveBalances(later)).toBe(0);
    expect((await ledger()).map((e) => [e.source, e.points])).toEqual([
      ["ORDER", 20],
      ["EXPIRY", -20],
    ]);
  });

  it("expires points that matured after an expiry, without new activity, on a later run", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, expiryMonths: 6 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6040", customerId: "82", subtotal: "20.00", processedAt: iso(daysAgo(0)) }));
    await syncOrder("gid://shopify/Order/6040");
    // A pending period longer than the expiry one: these 30 points mature after the first expiry.
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 300, expiryMonths: 6 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6041", customerId: "82", subtotal: "30.00", processedAt: iso(daysAgo(0)) }));
    await syncOrder("gid://shopify/Order/6041");
    expect(await expireInactiveBalances(new Date(Date.now() + 200 * 86_400_000))).toBe(1);
    // The release sweep makes the 30 points available when they mature, as it does every few minutes.
    expect(await releaseMaturedPoints(new Date(Date.now() + 301 * 86_400_000))).toBe(1);
    expect(await expireInactiveBalances(new Date(Date.now() + 400 * 86_400_000))).toBe(1);
    expect(await expireInactiveBalances(new Date(Date.now() + 400 * 86_400_000))).toBe(0);
    expect((await ledger()).map((e) => [e.source, e.points])).toEqual([
      ["ORDER", 20],
      ["ORDER", 30],
      ["EXPIRY", -20],
      ["EXPIRY", -30],
    ]);
  });

  it("assigns tiers by points earned in 12 months, or by net spend when the shop says so", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, tiers: [{ name: "Silver", threshold: 100 }, { name: "Gold", threshold: 400 }] });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6013", customerId: "81", subtotal: "150.00", processedAt: iso(daysAgo(3)) }));
    await syncOrder("gid://shopify/Order/6013");
    expect((await account("81")).tier).toBe("Silver");
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, pointsPerUnit: 0.1, tierBasis: "spend", tiers: [{ name: "Gold", threshold: 400 }] });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6014", customerId: "81", subtotal: "300.00", processedAt: iso(daysAgo(2)) }));
    await syncOrder("gid://shopify/Order/6014");
    expect((await account("81")).tier).toBe("Gold");
  });
});

describe("follow-ups lost after commit", () => {
  const timeoutOnce = () => vi.spyOn(getQueue(QueueName.ShopifySync), "addBulk").mockRejectedValueOnce(new Error("Command timed out"));
  const metafieldSyncs = async () => (await queuedJobs(QueueName.ShopifySync)).filter((j) => j.name === JobName.LoyaltySyncMetafield).map((j) => j.data);

  it("queues the metafield sync on the retry of a sync-order whose enqueue failed after commit, once while queued", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6070", customerId: "92", subtotal: "20.00" }));
    await resetQueues();
    timeoutOnce();
    await expect(syncOrder("gid://shopify/Order/6070")).rejects.toThrow("Command timed out");
    expect(await account("92")).toMatchObject({ pointsBalance: 20 });
    expect(await metafieldSyncs()).toEqual([]);
    expect(await syncOrder("gid://shopify/Order/6070")).toBe("UP_TO_DATE");
    const { id } = await account("92");
    expect(await metafieldSyncs()).toEqual([{ shop: TEST_SHOP, accountId: id.toString() }]);
    // The points changed for analytics too.
    expect((await queuedJobs(QueueName.Compute)).map((j) => [j.name, j.data.customerGid])).toContainEqual([JobName.SegmentsRecomputeCustomer, "gid://shopify/Customer/92"]);
    expect(await syncOrder("gid://shopify/Order/6070")).toBe("UP_TO_DATE");
    expect(await metafieldSyncs()).toHaveLength(1);
  });

  it("queues the metafield sync on the retry of a customer-joined whose enqueue failed after commit", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { signupBonus: 30 });
    await deliverAndProcess("customers/create", customerPayload({ id: "93", email: "cy@example.com", state: "enabled" }));
    await resetQueues();
    const joined = () => loyaltyJobs[JobName.LoyaltyCustomerJoined]({ shop: TEST_SHOP, customerGid: "gid://shopify/Customer/93" });
    timeoutOnce();
    await expect(joined()).rejects.toThrow("Command timed out");
    expect(await joined()).toBe("ALREADY_AWARDED");
    expect(await metafieldSyncs()).toEqual([{ shop: TEST_SHOP, accountId: (await account("93")).id.toString() }]);
  });

  it("loyalty.sync-stale-metafields queues the sync of accounts whose metafield is behind, in installed shops, and none once in step", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6071", customerId: "94", subtotal: "20.00" }));
    await deliverAndProcess("orders/paid", orderPayload({ id: "6072", customerId: null, email: "guest94@example.com", subtotal: "20.00" }));
    await syncOrder("gid://shopify/Order/6071");
    await syncOrder("gid://shopify/Order/6072");
    const member = await account("94");
    const sweep = () => loyaltyJobs[JobName.LoyaltySyncStaleMetafields]();
    // No offline session: nothing can be written to Shopify for the shop (uninstalled, or the demo).
    await resetQueues();
    expect(await sweep()).toBe("ENQUEUED_0");
    await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
    // Guests have no metafield; the member's sync was lost.
    expect(await sweep()).toBe("ENQUEUED_1");
    expect(await sweep()).toBe("ENQUEUED_1");
    expect(await metafieldSyncs()).toEqual([{ shop: TEST_SHOP, accountId: member.id.toString() }]);
    api.on("CustomerLoyaltyMetafield", { customer: { id: "gid://shopify/Customer/94", metafield: null } });
    api.on("MetafieldsSet", { metafieldsSet: { metafields: [{ key: "points", namespace: "$app:loyalty", compareDigest: "d" }], userErrors: [] } });
    expect(await syncLoyaltyMetafield(TEST_SHOP, member.id)).toBe("SYNCED");
    expect(await sweep()).toBe("ENQUEUED_0");
  });
});

describe("loyalty.refresh-tiers", () => {
  const tiers = [{ name: "Silver", threshold: 100 }, { name: "Gold", threshold: 400 }];

  it("drops a points tier once the points behind it are 12 months old, with no new activity, and the storefront and metafield follow", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, expiryMonths: 0, tiers });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6060", customerId: "87", subtotal: "450.00", processedAt: iso(daysAgo(1)) }));
    await syncOrder("gid://shopify/Order/6060");
    const gold = await account("87");
    expect(gold).toMatchObject({ tier: "Gold", pointsBalance: 450 });
    const [earn] = await ledger();
    expect(gold.tierReviewAt!.getTime()).toBe(earn!.createdAt.getTime() + 365 * 86_400_000 + 1);

    const yearOn = new Date(gold.tierReviewAt!.getTime() + 60_000);
    // The storefront reads the tier from the same window as "points to the next tier".
    expect(await getLoyaltySummary(TEST_SHOP, "gid://shopify/Customer/87", yearOn)).toMatchObject({ tier: null, nextTier: { name: "Silver", missing: 100 } });
    await resetQueues();
    expect(await refreshAgingTiers(new Date(gold.tierReviewAt!.getTime() - 60_000))).toBe(0);
    expect(await refreshAgingTiers(yearOn)).toBe(1);
    expect(await account("87")).toMatchObject({ tier: null, pointsBalance: 450, tierReviewAt: null });
    expect((await queuedJobs(QueueName.ShopifySync)).map((j) => [j.name, j.data])).toEqual([[JobName.LoyaltySyncMetafield, { shop: TEST_SHOP, accountId: gold.id.toString() }]]);
    // A second run finds nothing due.
    expect(await refreshAgingTiers(yearOn)).toBe(0);
    expect(await loyaltyJobs[JobName.LoyaltyRefreshTiers]()).toBe("CHANGED_0");
  });

  it("steps a spend tier down when its oldest order leaves the window, and stays due for the next one", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, expiryMonths: 0, tierBasis: "spend", tiers });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6061", customerId: "88", subtotal: "300.00", processedAt: iso(daysAgo(300)) }));
    await deliverAndProcess("orders/paid", orderPayload({ id: "6062", customerId: "88", subtotal: "150.00", processedAt: iso(daysAgo(10)) }));
    await syncOrder("gid://shopify/Order/6061");
    await syncOrder("gid://shopify/Order/6062");
    expect((await account("88")).tier).toBe("Gold");
    const in70Days = new Date(Date.now() + 70 * 86_400_000);
    expect(await refreshAgingTiers(in70Days)).toBe(1);
    const after = await account("88");
    expect(after.tier).toBe("Silver");
    // Due again when the second order leaves the window.
    expect(Math.round((after.tierReviewAt!.getTime() - Date.now()) / 86_400_000)).toBe(355);
    expect(await refreshAgingTiers(in70Days)).toBe(0);
  });
});

describe("loyalty.sync-metafield", () => {
  async function seedBalance() {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0 });
    await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
    await deliverAndProcess("orders/paid", orderPayload({ id: "6020", customerId: "90", subtotal: "42.00" }));
    await syncOrder("gid://shopify/Order/6020");
    return account("90");
  }

  it("writes the balance with compare-and-set, re-reads on a digest conflict, and skips when in step", async () => {
    const acc = await seedBalance();
    let reads = 0;
    api.on("CustomerLoyaltyMetafield", () => ({ customer: { id: "gid://shopify/Customer/90", metafield: { value: '{"balance":1}', compareDigest: `digest-${++reads}` } } }));
    let writes = 0;
    api.on("MetafieldsSet", (v) => {
      writes++;
      const [m] = v.metafields as { compareDigest: string; value: string; namespace: string; ownerId: string }[];
      // A concurrent writer got in between the first read and write.
      if (m!.compareDigest === "digest-1") return { metafieldsSet: { metafields: [], userErrors: [{ field: ["metafields", "0"], message: "stale", code: "STALE_OBJECT", elementIndex: 0 }] } };
      return { metafieldsSet: { metafields: [{ key: "points", namespace: m!.namespace, compareDigest: "x" }], userErrors: [] } };
    });
    expect(await syncLoyaltyMetafield(TEST_SHOP, acc.id)).toBe("SYNCED");
    expect(api.problems).toEqual([]);
    expect(writes).toBe(2);
    const last = api.calls.filter((c) => c.operationName === "MetafieldsSet").pop()!;
    expect(last.variables.metafields).toEqual([
      { ownerId: "gid://shopify/Customer/90", namespace: "$app:loyalty", key: "points", type: "json", value: JSON.stringify({ balance: 42, pending: 0, tier: null }), compareDigest: "digest-2" },
    ]);
    expect(await loyaltyJobs[JobName.LoyaltySyncMetafield]({ shop: TEST_SHOP, accountId: acc.id.toString() })).toBe("UP_TO_DATE");
    expect(writes).toBe(2);
  });

  it("writes again when only the pending points changed (the block shows them)", async () => {
    const acc = await seedBalance();
    let stored: string | null = null;
    api.on("CustomerLoyaltyMetafield", () => ({ customer: { id: "gid://shopify/Customer/90", metafield: stored ? { value: stored, compareDigest: "d" } : null } }));
    api.on("MetafieldsSet", (v) => {
      stored = (v.metafields as { value: string }[])[0]!.value;
      return { metafieldsSet: { metafields: [{ key: "points", namespace: "$app:loyalty", compareDigest: "d" }], userErrors: [] } };
    });
    expect(await syncLoyaltyMetafield(TEST_SHOP, acc.id)).toBe("SYNCED");
    // A new order, pending for the return window: balance and tier stay, pending moves.
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 30 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6021", customerId: "90", subtotal: "10.00", processedAt: iso(daysAgo(1)) }));
    await syncOrder("gid://shopify/Order/6021");
    expect(await account("90")).toMatchObject({ pointsBalance: 42, pendingPoints: 10, tier: null });
    expect(await syncLoyaltyMetafield(TEST_SHOP, acc.id)).toBe("SYNCED");
    expect(JSON.parse(stored!)).toEqual({ balance: 42, pending: 10, tier: null });
    expect(await syncLoyaltyMetafield(TEST_SHOP, acc.id)).toBe("UP_TO_DATE");
  });
});

describe("getLoyaltySummary", () => {
  it("shows balance, pending, history and redemption options", async () => {
    await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, minRedeemPoints: 500, redeemPointsPerUnit: 100 });
    await deliverAndProcess("orders/paid", orderPayload({ id: "6030", customerId: "91", subtotal: "1234.00" }));
    await syncOrder("gid://shopify/Order/6030");
    const summary = await getLoyaltySummary(TEST_SHOP, "gid://shopify/Customer/91");
    expect(summary).toMatchObject({ balance: 1234, pending: 0 });
    expect(summary.history).toEqual([expect.objectContaining({ source: "ORDER", points: 1234 })]);
    expect(summary.redeemOptions).toEqual([
      { points: 500, value: "5.00" },
      { points: 1000, value: "10.00" },
    ]);
  });
});
