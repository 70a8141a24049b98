import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loyaltyJobs } from "~/domains/loyalty/loyalty.jobs.server";
import { syncOrderPoints } from "~/domains/loyalty/loyalty.server";
import { PROXY_LIMITS } from "~/domains/storefront/rate-limit.server";
import { updateShopSettings } from "~/domains/shops/settings.server";
import { JobName } from "~/queues/jobs";
import { closeQueues } from "~/queues/queues.server";
import * as balanceRoute from "~/routes/proxy.loyalty";
import * as redeemRoute from "~/routes/proxy.loyalty.redeem";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { callRoute, proxyRequest, signProxyParams } from "#test/app-proxy";
import { PROXY_PATH_PREFIX } from "../../../scripts/lib/app-proxy";
import { OTHER_SHOP, TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";
import { resetQueues } from "#test/queues";

let api: AdminApiStandIn;
let customerSeq = 500;
let customer: string;

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  api = new AdminApiStandIn().install();
  await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
  await updateShopSettings(TEST_SHOP, "loyalty", { pendingDays: 0, minRedeemPoints: 500, redeemPointsPerUnit: 100 });
  // A fresh customer per test: rate-limit budgets live in Redis/Postgres across tests.
  customer = String(++customerSeq * 7919);
});
afterEach(() => api.uninstall());
afterAll(closeQueues);

async function givePoints(customerId: string, amount: string, orderId: string) {
  await deliverAndProcess("orders/paid", orderPayload({ id: orderId, customerId, subtotal: amount }));
  await syncOrderPoints(TEST_SHOP, `gid://shopify/Order/${orderId}`);
}

const get = (opts: Parameters<typeof proxyRequest>[1] = {}) => callRoute(balanceRoute, proxyRequest("/loyalty", opts));
const redeem = (body: unknown, opts: Parameters<typeof proxyRequest>[1] = {}) => callRoute(redeemRoute, proxyRequest("/loyalty/redeem", { body, ...opts }));

function discountAnswer() {
  let n = 0;
  api.on("DiscountCodeBasicCreate", () => ({ discountCodeBasicCreate: { codeDiscountNode: { id: `gid://shopify/DiscountCodeNode/${++n}` }, userErrors: [] } }));
}

describe("GET /proxy/loyalty", () => {
  it("returns the signed-in customer's balance and history", async () => {
    await givePoints(customer, "765.00", "7001");
    const res = await get({ customerId: customer });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const body = await res.json();
    expect(body).toMatchObject({ loggedIn: true, balance: 765, pending: 0 });
    expect(body.history[0]).toMatchObject({ source: "ORDER", points: 765 });
  });

  it("gives a guest the program teaser and no personal data", async () => {
    await givePoints(customer, "765.00", "7002");
    const body = await (await get()).json();
    expect(body).toEqual({ loggedIn: false, program: expect.objectContaining({ pointsPerUnit: 1, signupBonus: 100 }) });
  });

  it("answers 401 to a forged, missing, tampered or expired signature", async () => {
    expect((await get({ customerId: customer, signature: "0".repeat(64) })).status).toBe(401);
    expect((await get({ customerId: customer, signature: null })).status).toBe(401);
    expect((await get({ customerId: customer, secret: "not-the-app-secret" })).status).toBe(401);
    // Swapping the logged-in customer after signing is tampering.
    expect((await get({ customerId: customer, tamper: { logged_in_customer_id: "42" } })).status).toBe(401);
    expect((await get({ customerId: customer, timestamp: Math.trunc(Date.now() / 1000) - 600 })).status).toBe(401);
  });

  it("answers 403 when the request names another customer than the logged-in one", async () => {
    const res = await get({ customerId: customer, query: { customer_id: "999" } });
    expect(res.status).toBe(403);
    expect((await get({ customerId: customer, query: { customer_id: customer } })).status).toBe(200);
  });

  it("answers 401 when the customer parameters are repeated: a value the shopper typed never stands in for Shopify's", async () => {
    await givePoints(customer, "765.00", "7003");
    // Shopify forwards the shopper's own query ahead of its parameters and signs repeated keys
    // joined with commas, so the signature holds; the first value would be the shopper's.
    for (const key of ["logged_in_customer_id", "customer_id"]) {
      const url = new URL("https://my-test-app.myshopify.io/proxy/loyalty");
      url.searchParams.append(key, customer);
      url.searchParams.append("shop", TEST_SHOP);
      url.searchParams.append("logged_in_customer_id", key === "customer_id" ? customer : "");
      if (key === "customer_id") url.searchParams.append("customer_id", customer);
      url.searchParams.append("path_prefix", PROXY_PATH_PREFIX);
      url.searchParams.append("timestamp", String(Math.trunc(Date.now() / 1000)));
      url.searchParams.set("signature", signProxyParams(url.searchParams));
      const res = await callRoute(balanceRoute, new Request(url));
      expect([key, res.status]).toEqual([key, 401]);
    }
  });

  it("takes the shop from the signature only: a validly signed request of an uninstalled shop is 404", async () => {
    expect((await get({ shop: OTHER_SHOP, customerId: customer })).status).toBe(404);
  });

  it("answers 429 with Retry-After once a customer spends their budget", async () => {
    for (let i = 0; i < PROXY_LIMITS.customerPerMinute; i++) expect((await get({ customerId: customer })).status).toBe(200);
    const limited = await get({ customerId: customer });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: "rate_limited", scope: "customer" });
    // Another customer of the same shop is not affected.
    expect((await get({ customerId: String(Number(customer) + 1) })).status).toBe(200);
  });
});

describe("POST /proxy/loyalty/redeem", () => {
  it("spends points on a single-use discount code for this customer only", async () => {
    await givePoints(customer, "1234.00", "7010");
    discountAnswer();
    const res = await redeem({ points: 1000, requestKey: "click-0001" }, { customerId: customer });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, status: "ISSUED", points: 1000, value: "10.00", currency: "USD", balance: 234 });
    expect(body.code).toMatch(/^PTS-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(api.problems).toEqual([]);
    const input = api.calls[0]!.variables.basicCodeDiscount as Record<string, unknown>;
    expect(input).toMatchObject({
      code: body.code,
      context: { customers: { add: [`gid://shopify/Customer/${customer}`] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerGets: { value: { discountAmount: { amount: "10.00", appliesOnEachItem: false } }, items: { all: true } },
    });
    expect(input).not.toHaveProperty("customerSelection");
    expect(await db().loyaltyRedemption.findFirstOrThrow()).toMatchObject({ status: "ISSUED", discountGid: "gid://shopify/DiscountCodeNode/1" });
  });

  it("returns the same single discount when the same request arrives twice", async () => {
    await givePoints(customer, "1234.00", "7011");
    discountAnswer();
    const first = await (await redeem({ points: 500, requestKey: "click-0002" }, { customerId: customer })).json();
    const second = await (await redeem({ points: 500, requestKey: "click-0002" }, { customerId: customer })).json();
    expect(second.code).toBe(first.code);
    expect(api.calls.filter((c) => c.operationName === "DiscountCodeBasicCreate")).toHaveLength(1);
    expect(await db().loyaltyRedemption.count()).toBe(1);
    expect(await db().loyaltyLedgerEntry.count({ where: { source: "REDEMPTION" } })).toBe(1);
  });

  it("never spends the same points twice when two different redeems race", async () => {
    await givePoints(customer, "700.00", "7012");
    discountAnswer();
    const [a, b] = await Promise.all([
      redeem({ points: 500, requestKey: "race-0001" }, { customerId: customer }),
      redeem({ points: 500, requestKey: "race-0002" }, { customerId: customer }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 422]);
    expect(await db().loyaltyAccount.findFirstOrThrow()).toMatchObject({ pointsBalance: 200 });
  });

  it("refuses more points than the balance, below the minimum and off-step amounts, with 422", async () => {
    await givePoints(customer, "600.00", "7013");
    for (const [points, reason] of [
      [700, "INSUFFICIENT_BALANCE"],
      [100, "BELOW_MINIMUM"],
      [550, "NOT_A_MULTIPLE"],
    ] as const) {
      const res = await redeem({ points, requestKey: `refuse-${points}` }, { customerId: customer });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ ok: false, reason, balance: 600 });
    }
    expect(api.calls).toEqual([]);
    expect(await db().loyaltyLedgerEntry.count({ where: { source: "REDEMPTION" } })).toBe(0);
  });

  it("gives the points back when Shopify refuses the code (502)", async () => {
    await givePoints(customer, "800.00", "7014");
    api.on("DiscountCodeBasicCreate", { discountCodeBasicCreate: { codeDiscountNode: null, userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code is invalid", code: "INVALID" }] } });
    const res = await redeem({ points: 500, requestKey: "refused-01" }, { customerId: customer });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ ok: false, reason: "SHOPIFY_REFUSED", balance: 800 });
    expect((await db().loyaltyLedgerEntry.findMany({ orderBy: { id: "asc" } })).map((e) => [e.source, e.points])).toEqual([
      ["ORDER", 800],
      ["REDEMPTION", -500],
      ["REDEMPTION_FAILED", 500],
    ]);
  });

  it("settles a redemption left pending (Shopify unreachable, the shopper never retried) once, with its code", async () => {
    await givePoints(customer, "900.00", "7020");
    // No answer for the code yet: the stand-in fails the call (an outage), the points stay spent.
    expect((await redeem({ points: 500, requestKey: "lost-key-01" }, { customerId: customer })).status).toBe(503);
    expect(await db().loyaltyRedemption.findFirstOrThrow()).toMatchObject({ status: "PENDING" });
    const settle = loyaltyJobs[JobName.LoyaltySettleRedemptions];
    // Too recent: the shopper's own retry comes first.
    expect(await settle()).toBe("ISSUED_0_FAILED_0_PENDING_0");
    // The shopper reloaded and lost the key; Shopify is back.
    await db().loyaltyRedemption.updateMany({ data: { createdAt: new Date(Date.now() - 10 * 60_000) } });
    discountAnswer();
    expect(await settle()).toBe("ISSUED_1_FAILED_0_PENDING_0");
    expect(await settle()).toBe("ISSUED_0_FAILED_0_PENDING_0");
    expect(await db().loyaltyRedemption.findFirstOrThrow()).toMatchObject({ status: "ISSUED", discountGid: "gid://shopify/DiscountCodeNode/1" });
    expect((await db().loyaltyLedgerEntry.findMany({ orderBy: { id: "asc" } })).map((e) => [e.source, e.points])).toEqual([
      ["ORDER", 900],
      ["REDEMPTION", -500],
    ]);
    // The shopper's late retry with the key finds the same code.
    expect(await (await redeem({ points: 500, requestKey: "lost-key-01" }, { customerId: customer })).json()).toMatchObject({ ok: true, status: "ISSUED" });
  });

  it("gives the points of a pending redemption back when the shop can no longer make codes (uninstalled)", async () => {
    await givePoints(customer, "900.00", "7021");
    expect((await redeem({ points: 500, requestKey: "lost-key-02" }, { customerId: customer })).status).toBe(503);
    await db().loyaltyRedemption.updateMany({ data: { createdAt: new Date(Date.now() - 10 * 60_000) } });
    await db().session.deleteMany({});
    expect(await loyaltyJobs[JobName.LoyaltySettleRedemptions]()).toBe("ISSUED_0_FAILED_1_PENDING_0");
    expect(await db().loyaltyRedemption.findFirstOrThrow()).toMatchObject({ status: "FAILED" });
    expect(await db().loyaltyAccount.findFirstOrThrow()).toMatchObject({ pointsBalance: 900 });
  });

  it("needs a signed-in customer (401) and valid input (422 with field errors)", async () => {
    expect((await redeem({ points: 500, requestKey: "guest-0001" })).status).toBe(401);
    const bad = await redeem({ points: -5, requestKey: "x" }, { customerId: customer });
    expect(bad.status).toBe(422);
    expect((await bad.json()).fieldErrors).toMatchObject({ points: expect.any(String), requestKey: expect.any(String) });
  });

  it("refuses a request key reused by another customer (409)", async () => {
    await givePoints(customer, "600.00", "7015");
    const other = String(Number(customer) + 3);
    await givePoints(other, "600.00", "7016");
    discountAnswer();
    expect((await redeem({ points: 500, requestKey: "shared-key-1" }, { customerId: customer })).status).toBe(200);
    expect((await redeem({ points: 500, requestKey: "shared-key-1" }, { customerId: other })).status).toBe(409);
  });
});
