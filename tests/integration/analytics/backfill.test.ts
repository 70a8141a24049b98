/**
 * History backfill through bulk operations, against the Admin API stand-in: the three phases,
 * the JSONL files served over HTTP, progress recorded, a crash mid-file resumed without
 * duplicates, and the final recompute.
 */
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { closeQueues } from "~/queues/queues.server";
import { sessionStorage } from "~/shopify.server";
import { getBackfillProgress, runBackfillStep, startBackfill } from "~/domains/backfill/backfill.server";
import { getAbandonmentKpis, getAbandonmentTrend, recomputeAbandonment as recomputeAbandonmentFor } from "~/domains/abandonment/abandonment.server";
import { MAX_PHASE_RETRIES, MAX_STALLS, STALL_AFTER_MS } from "~/domains/backfill/backfill";
import { handleBackfillResumeStalled, handleBackfillRun, requestBackfill } from "~/domains/backfill/backfill.jobs.server";
import { JobName, QueueName } from "~/queues/jobs";
import { AdminApiStandIn } from "#test/admin-api";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { queuedJobs, resetQueues } from "#test/queues";
import { makeShop } from "#test/analytics";
import { checkoutPayload, orderPayload } from "#test/payloads";
import { deliverAndProcess } from "#test/process";

const SHOP = TEST_SHOP;
const FILES = "https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk";
let api: AdminApiStandIn;

const money = (amount: string, currencyCode = "USD") => ({ shopMoney: { amount, currencyCode }, presentmentMoney: { amount, currencyCode } });
const jsonl = (objects: object[]) => objects.map((o) => JSON.stringify(o)).join("\n") + "\n";

const customers = [1, 2, 3].map((i) => ({
  id: `gid://shopify/Customer/${i}`,
  firstName: `F${i}`,
  lastName: "L",
  state: "ENABLED",
  verifiedEmail: true,
  tags: i === 1 ? ["vip"] : [],
  locale: "en",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-02T00:00:00Z",
  defaultEmailAddress: { emailAddress: `c${i}@example.com`, marketingState: i === 1 ? "SUBSCRIBED" : "NOT_SUBSCRIBED" },
  defaultPhoneNumber: null,
  statistics: { rfmGroup: i === 1 ? "CHAMPIONS" : "NEW" },
}));

function order(i: number, customer: number, processedAt: string, opts: { refunded?: string } = {}) {
  const id = `gid://shopify/Order/${100 + i}`;
  return [
    {
      id,
      name: `#${1000 + i}`,
      number: 1000 + i,
      email: `c${customer}@example.com`,
      currencyCode: "USD",
      presentmentCurrencyCode: "USD",
      displayFinancialStatus: opts.refunded ? "PARTIALLY_REFUNDED" : "PAID",
      displayFulfillmentStatus: "FULFILLED",
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      test: false,
      tags: [],
      processedAt,
      createdAt: processedAt,
      updatedAt: processedAt,
      sourceName: "web",
      customerAcceptsMarketing: false,
      customer: { id: `gid://shopify/Customer/${customer}`, firstName: `F${customer}`, lastName: "L", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z", defaultEmailAddress: { emailAddress: `c${customer}@example.com` } },
      subtotalPriceSet: money("100.00"),
      currentSubtotalPriceSet: money(opts.refunded ? (100 - Number(opts.refunded)).toFixed(2) : "100.00"),
      totalPriceSet: money("106.00"),
      totalDiscountsSet: money("0.00"),
      totalTaxSet: money("6.00"),
      totalShippingPriceSet: money("0.00"),
      refunds: opts.refunded ? [{ id: `gid://shopify/Refund/${500 + i}`, createdAt: processedAt, processedAt, totalRefundedSet: money(opts.refunded) }] : [],
    },
    { id: `gid://shopify/LineItem/${900 + i}`, title: "Hat", variantTitle: null, sku: "HAT", quantity: 2, product: { id: "gid://shopify/Product/7" }, variant: { id: "gid://shopify/ProductVariant/70" }, originalUnitPriceSet: money("50.00"), totalDiscountSet: money("0.00"), __parentId: id },
  ];
}

const orders = [...order(1, 1, "2026-05-01T10:00:00Z"), ...order(2, 1, "2026-06-01T10:00:00Z", { refunded: "30.00" }), ...order(3, 2, "2026-06-05T10:00:00Z")];
const checkouts = [
  {
    id: "gid://shopify/AbandonedCheckout/77",
    name: "#77",
    abandonedCheckoutUrl: `https://${SHOP}/1234/checkouts/ac/abcdef123456/recover?key=k`,
    createdAt: "2026-06-06T10:00:00Z",
    updatedAt: "2026-06-06T10:05:00Z",
    completedAt: null,
    customer: { id: "gid://shopify/Customer/3", firstName: "F3", lastName: "L", createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z", defaultEmailAddress: { emailAddress: "c3@example.com" }, defaultPhoneNumber: null },
    subtotalPriceSet: money("40.00", "EUR"),
    totalPriceSet: money("45.00", "EUR"),
  },
  { id: "gid://shopify/AbandonedCheckoutLineItem/1", title: "Mug", variantTitle: null, sku: null, quantity: 1, product: { id: "gid://shopify/Product/8" }, variant: null, originalUnitPriceSet: money("40.00", "EUR"), __parentId: "gid://shopify/AbandonedCheckout/77" },
];

const FILE_OBJECTS: Record<string, object[]> = { customers, orders, checkouts };

type Phase = "customers" | "orders" | "checkouts";
/**
 * How the stand-in's bulk operations go. Operation n of a phase (its n-th bulkOperationRunQuery)
 * has id .../BulkOperation/<phase>-<n> and its file at <FILES>/<phase>-<n>.jsonl. By default it is
 * RUNNING when first polled, then COMPLETED; `fate` overrides a poll's answer.
 */
let fate: (phase: Phase, n: number, poll: number) => { status: string; errorCode?: string } | undefined;
/** Overrides bulkOperationRunQuery's answer (userErrors). */
let runQuery: ((phase: Phase) => unknown) | undefined;
const started = new Map<Phase, number>();

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
  await sessionStorage.storeSession(setUpValidSession({ shop: SHOP }));
  await makeShop(SHOP, { currency: "USD", timezone: "UTC" });
  api = new AdminApiStandIn().install();
  fate = () => undefined;
  runQuery = undefined;
  started.clear();
  const phaseOf = (query: string): Phase => (query.includes("customers") ? "customers" : query.includes("abandonedCheckouts") ? "checkouts" : "orders");
  const polls = new Map<string, number>();
  api.on("BackfillBulkQueryRun", (v) => {
    const phase = phaseOf(String(v.query));
    if (runQuery) return runQuery(phase);
    const n = (started.get(phase) ?? 0) + 1;
    started.set(phase, n);
    return { bulkOperationRunQuery: { bulkOperation: { id: `gid://shopify/BulkOperation/${phase}-${n}`, status: "CREATED" }, userErrors: [] } };
  });
  api.on("BackfillBulkOperation", (v) => {
    const name = String(v.id).split("/").pop()!;
    const [phase, n] = name.split("-") as [Phase, string];
    const poll = (polls.get(name) ?? 0) + 1;
    polls.set(name, poll);
    const { status, errorCode = null } = fate(phase, Number(n), poll) ?? { status: poll === 1 ? "RUNNING" : "COMPLETED" };
    // objectCount counts every line (an order's line items too), rootObjectCount the top-level objects only.
    const lines = FILE_OBJECTS[phase]!;
    const counts = { objectCount: String(lines.length), rootObjectCount: String(lines.filter((o) => !("__parentId" in o)).length) };
    return { bulkOperation: { id: v.id, status, errorCode, ...counts, url: status === "COMPLETED" ? `${FILES}/${name}.jsonl` : null, partialDataUrl: null, completedAt: null } };
  });
  for (const phase of ["customers", "orders", "checkouts"] as const) for (let n = 1; n <= 8; n++) api.serveFile(`${FILES}/${phase}-${n}.jsonl`, jsonl(FILE_OBJECTS[phase]!));
});
afterEach(() => api.uninstall());
afterAll(closeQueues);

async function runToEnd(runId: bigint, opts: Parameters<typeof runBackfillStep>[2] = {}) {
  const outcomes: string[] = [];
  for (let i = 0; i < 40; i++) {
    const step = await runBackfillStep(SHOP, runId, { pollMs: 0, ...opts });
    outcomes.push(step.outcome);
    if (step.againInMs === null) return outcomes;
  }
  throw new Error(`did not finish: ${outcomes.join(",")}`);
}

describe("backfill through bulk operations", () => {
  it("imports customers, orders and abandoned checkouts, then recomputes", async () => {
    const { run } = await startBackfill(SHOP);
    const outcomes = await runToEnd(run.id);
    expect(api.problems).toEqual([]);
    expect(outcomes).toEqual(["STARTED", "RUNNING", "PHASE_DONE", "STARTED", "RUNNING", "PHASE_DONE", "STARTED", "RUNNING", "PHASE_DONE", "COMPLETED"]);
    expect(await db().customer.count({ where: { shop: SHOP } })).toBe(3);
    expect(await db().customer.findFirstOrThrow({ where: { customerGid: "gid://shopify/Customer/1" } })).toMatchObject({ email: "c1@example.com", tags: ["vip"], acceptsMarketing: true });
    expect(await db().order.count({ where: { shop: SHOP } })).toBe(3);
    expect(await db().orderLineItem.count({ where: { shop: SHOP } })).toBe(3);
    expect(await db().refund.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ subtotalMinor: 3000n, totalMinor: 3000n });
    expect(await db().checkout.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ token: "abcdef123456", checkoutId: "77", currency: "EUR", totalMinor: 4500n, email: "c3@example.com", imported: true });
    // Recompute ran: profiles with Shopify's group next to ours, abandonment counted.
    expect(await db().customerProfile.findFirstOrThrow({ where: { customerGid: "gid://shopify/Customer/1" } })).toMatchObject({
      ordersCount: 2,
      amountSpentMinor: 17000n,
      shopifyRfmGroup: "CHAMPIONS",
      stageRulesVersion: 1,
    });
    expect(await db().checkoutOutcome.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ status: "ABANDONED" });
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "COMPLETED", phase: "DONE", imported: { customers: 3, orders: 3, abandoned_checkouts: 1 } });
    // Run twice: a finished run does nothing more.
    expect((await runBackfillStep(SHOP, run.id)).outcome).toBe("FINISHED_ALREADY");
  });

  it("keeps what webhooks stored that the import does not carry (checkout token, traffic source, device, guest contact)", async () => {
    // Delivered before the import, with the updated_at the import will show: the import applies
    // (same time) but its payloads carry no checkout token, cart token, landing or referring site,
    // user agent, channel fields, device, locale, nor a guest's email.
    const webhookOrder = {
      ...orderPayload({ id: "101", customerId: "1", email: "c1@example.com", processedAt: "2026-05-01T10:00:00Z", checkoutToken: "tok-101" }),
      cart_token: "cart-101",
      landing_site: "/?utm_source=newsletter",
      referring_site: "https://www.google.com/",
      client_details: { user_agent: "Mozilla/5.0 (iPhone)" },
    };
    expect((await deliverAndProcess("orders/create", webhookOrder)).outcome).toBe("APPLIED");
    const webhookCheckout = {
      ...checkoutPayload({ token: "abcdef123456", email: "guest@example.net", customerId: null, createdAt: "2026-06-06T10:00:00Z", updatedAt: "2026-06-06T10:05:00Z" }),
      landing_site: "/products/mug?utm_source=ads",
      referring_site: "https://ads.example/",
      source: "shopify_ads",
      device_id: "42",
      customer_locale: "fr",
    };
    expect((await deliverAndProcess("checkouts/update", webhookCheckout)).outcome).toBe("APPLIED");
    api.serveFile(`${FILES}/checkouts-1.jsonl`, jsonl([{ ...checkouts[0], customer: null }, checkouts[1]]));

    const { run } = await startBackfill(SHOP);
    expect((await runToEnd(run.id)).at(-1)).toBe("COMPLETED");
    expect(await db().order.findFirstOrThrow({ where: { shop: SHOP, orderGid: "gid://shopify/Order/101" } })).toMatchObject({
      checkoutToken: "tok-101",
      cartToken: "cart-101",
      landingSite: "/?utm_source=newsletter",
      referringSite: "https://www.google.com/",
      userAgent: "Mozilla/5.0 (iPhone)",
      sourceName: "web",
      financialStatus: "paid",
    });
    expect(await db().checkout.findFirstOrThrow({ where: { shop: SHOP, token: "abcdef123456" } })).toMatchObject({
      checkoutId: "77",
      cartToken: "cart-abcdef123456",
      email: "guest@example.net",
      hasContact: true,
      sourceName: "web",
      source: "shopify_ads",
      landingSite: "/products/mug?utm_source=ads",
      referringSite: "https://ads.example/",
      deviceId: "42",
      customerLocale: "fr",
      currency: "EUR",
      totalMinor: 4500n,
      // A webhook delivered it: in the rate's population, whatever the import says.
      imported: false,
    });
  });

  it("keeps imported history out of the abandonment rate: Shopify lists only the checkouts that were abandoned", async () => {
    // 06-06: two abandoned checkouts from Shopify's list (customer 3's completed later, at 12:00,
    // by order #1004 of the import), and two checkouts delivered by webhooks (one abandoned, one
    // completed). Only the delivered ones can give a rate: the import holds no completed checkout.
    const abandoned = (id: number, customer: number, completedAt: string | null) => [
      { ...checkouts[0], id: `gid://shopify/AbandonedCheckout/${id}`, name: `#${id}`, abandonedCheckoutUrl: `https://${SHOP}/1/checkouts/ac/tok${id}abc/recover?key=k`, completedAt,
        customer: { ...checkouts[0]!.customer, id: `gid://shopify/Customer/${customer}`, defaultEmailAddress: { emailAddress: `c${customer}@example.com` } } },
      { ...checkouts[1], __parentId: `gid://shopify/AbandonedCheckout/${id}` },
    ];
    api.serveFile(`${FILES}/orders-1.jsonl`, jsonl([...orders, ...order(4, 3, "2026-06-06T12:00:00Z")]));
    api.serveFile(`${FILES}/checkouts-1.jsonl`, jsonl([...abandoned(78, 3, "2026-06-06T12:00:00Z"), ...abandoned(79, 2, null)]));
    const delivered = (token: string, completedAt: string | null) =>
      checkoutPayload({ token, customerId: null, email: `${token}@example.com`, createdAt: "2026-06-06T09:00:00Z", updatedAt: completedAt ?? "2026-06-06T09:00:00Z", completedAt });
    await deliverAndProcess("checkouts/create", delivered("seen-left", null));
    await deliverAndProcess("checkouts/create", delivered("seen-bought", "2026-06-06T09:10:00Z"));

    const { run } = await startBackfill(SHOP);
    expect((await runToEnd(run.id)).at(-1)).toBe("COMPLETED");
    const day = { from: "2026-06-06", to: "2026-06-06" };
    const kpis = await getAbandonmentKpis(SHOP, day);
    expect(kpis).toMatchObject({ started: 2, completed: 1, abandoned: 1, abandonmentRate: { rate: 1 / 2, abandoned: 1, started: 2 }, imported: { abandoned: 2 } });
    // Recovery counts every abandoned checkout, imported ones included: customer 3's, completed
    // at the moment #1004 was placed, is recovered by it (imported orders carry no checkout token).
    expect(kpis.recovered.link).toEqual({ checkouts: 1, revenueMinor: 10600n, rate: 1 / 3 });
    expect(await db().checkoutOutcome.findFirstOrThrow({ where: { shop: SHOP, token: "tok78abc" } })).toMatchObject({ status: "RECOVERED", recoveredOrderGid: "gid://shopify/Order/104" });
    expect(kpis.abandonedValue).toEqual([
      { currency: "USD", minor: 42188n },
      { currency: "EUR", minor: 9000n },
    ]);
    // A day filled by the import alone has no rate (no denominator), not 100 %.
    await db().checkout.deleteMany({ where: { shop: SHOP, token: { startsWith: "seen-" } } });
    await recomputeAbandonmentFor(SHOP);
    const onlyImported = await getAbandonmentKpis(SHOP, day);
    expect(onlyImported).toMatchObject({ started: 0, abandoned: 0, abandonmentRate: { rate: null, abandoned: 0, started: 0 }, imported: { abandoned: 2 } });
    expect((await getAbandonmentTrend(SHOP, day))[0]).toMatchObject({ started: 0, abandoned: 0, importedAbandoned: 2, rate: null });
  });

  it("resumes a crashed import from the last committed line, without duplicates", async () => {
    const { run } = await startBackfill(SHOP);
    await runBackfillStep(SHOP, run.id, { pollMs: 0 }); // start customers
    await runBackfillStep(SHOP, run.id, { pollMs: 0 }); // running
    // The download dies after the first two lines: one batch (of 1 customer) was committed.
    let served = 0;
    const dying: typeof fetch = async (url) => {
      const res = await fetch(url);
      const text = await res.text();
      const lines = text.split("\n");
      served++;
      if (served > 1) return new Response(text);
      let pulls = 0;
      const body = new ReadableStream({
        pull(c): void | Promise<void> {
          if (pulls++ === 0) c.enqueue(new TextEncoder().encode(`${lines[0]}\n${lines[1]}\n`));
          // The connection drops a moment later, after the first batch was applied.
          else return new Promise<void>((resolve) => setTimeout(() => (c.error(new Error("connection reset")), resolve()), 300));
        },
      });
      return new Response(body);
    };
    await expect(runBackfillStep(SHOP, run.id, { pollMs: 0, batchSize: 1, fetch: dying })).rejects.toThrow("connection reset");
    expect((await getBackfillProgress(SHOP))?.linesDone).toBeGreaterThanOrEqual(1);
    const outcomes = await runToEnd(run.id, { batchSize: 1, fetch: dying });
    expect(outcomes.at(-1)).toBe("COMPLETED");
    expect(await db().customer.count({ where: { shop: SHOP } })).toBe(3);
    expect((await getBackfillProgress(SHOP))?.imported.customers).toBe(3);
  });

  it("measures an import phase's progress in root objects, not their line items", async () => {
    const { run } = await startBackfill(SHOP);
    await runToEnd(run.id);
    // The orders file holds 3 orders and 3 line items: 3 to import, the count the bar divides by.
    const progress = await getBackfillProgress(SHOP);
    expect(progress?.imported).toMatchObject({ customersSeen: 3, customers: 3, ordersSeen: 3, orders: 3, abandoned_checkoutsSeen: 1, abandoned_checkouts: 1 });
  });

  it("drives itself through the job, which re-enqueues its next step", async () => {
    const { run } = await startBackfill(SHOP);
    expect(await handleBackfillRun({ shop: SHOP, runId: run.id.toString() }, { attemptsMade: 0 })).toBe("STARTED");
    expect((await getBackfillProgress(SHOP))?.bulkStatus).toBe("CREATED");
  });
});

describe("backfill when a bulk operation fails or its result is lost", () => {
  it("starts a phase over when its bulk operation fails with INTERNAL_SERVER_ERROR or TIMEOUT, counting each object once", async () => {
    fate = (phase, n, poll) => (phase === "customers" && n < 3 && poll > 1 ? { status: "FAILED", errorCode: n === 1 ? "INTERNAL_SERVER_ERROR" : "TIMEOUT" } : undefined);
    const { run } = await startBackfill(SHOP);
    const outcomes = await runToEnd(run.id);
    expect(api.problems).toEqual([]);
    expect(outcomes.slice(0, 8)).toEqual(["STARTED", "RUNNING", "RESTARTED", "STARTED", "RUNNING", "RESTARTED", "STARTED", "RUNNING"]);
    expect(outcomes.at(-1)).toBe("COMPLETED");
    expect(started.get("customers")).toBe(3);
    expect(await db().customer.count({ where: { shop: SHOP } })).toBe(3);
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "COMPLETED", imported: { customers: 3, orders: 3, abandoned_checkouts: 1 } });
  });

  it("fails the run once a phase was started over MAX_PHASE_RETRIES times, or at once on ACCESS_DENIED", async () => {
    fate = (phase, _n, poll) => (phase === "customers" && poll > 1 ? { status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR" } : undefined);
    const { run } = await startBackfill(SHOP);
    expect((await runToEnd(run.id)).at(-1)).toBe("FAILED");
    expect(started.get("customers")).toBe(MAX_PHASE_RETRIES + 1);
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "FAILED", phase: "CUSTOMERS", error: `INTERNAL_SERVER_ERROR (after ${MAX_PHASE_RETRIES} retries of the phase)` });

    await db().backfillRun.deleteMany();
    fate = (phase, _n, poll) => (phase === "customers" && poll > 1 ? { status: "FAILED", errorCode: "ACCESS_DENIED" } : undefined);
    const second = await startBackfill(SHOP);
    expect(await runToEnd(second.run.id)).toEqual(["STARTED", "RUNNING", "FAILED"]);
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "FAILED", error: "ACCESS_DENIED" });
  });

  it("runs the bulk query again when the result's URL expired mid-import (download refused, then EXPIRED)", async () => {
    const { run } = await startBackfill(SHOP);
    await runBackfillStep(SHOP, run.id, { pollMs: 0 }); // started
    await runBackfillStep(SHOP, run.id, { pollMs: 0 }); // running
    // One customer applied, then the worker stops for over a week.
    expect((await runBackfillStep(SHOP, run.id, { pollMs: 0, batchSize: 1, budgetMs: 0 })).outcome).toBe("IMPORTED");
    expect(await getBackfillProgress(SHOP)).toMatchObject({ linesDone: 1, imported: { customers: 1 } });
    api.serveFile(`${FILES}/customers-1.jsonl`, "<Error><Code>ExpiredToken</Code></Error>", 400);
    fate = (phase, n) => (phase === "customers" && n === 1 ? { status: "EXPIRED" } : undefined);

    const outcomes = await runToEnd(run.id);
    expect(api.problems).toEqual([]);
    expect(outcomes.slice(0, 3)).toEqual(["DOWNLOAD_FAILED", "RESTARTED", "STARTED"]);
    expect(outcomes.at(-1)).toBe("COMPLETED");
    expect(started.get("customers")).toBe(2);
    expect(await db().customer.count({ where: { shop: SHOP } })).toBe(3);
    expect((await getBackfillProgress(SHOP))?.imported).toMatchObject({ customers: 3, orders: 3 });
  });

  it("fails the run on a bulkOperationRunQuery userError other than OPERATION_IN_PROGRESS or LIMIT_REACHED", async () => {
    const { run } = await startBackfill(SHOP);
    const refusal = (code: string, message: string) => () => ({ bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: ["query"], message, code }] } });
    runQuery = refusal("OPERATION_IN_PROGRESS", "A bulk query operation for this app and shop is already in progress");
    expect(await runBackfillStep(SHOP, run.id, { pollMs: 1_000 })).toEqual({ outcome: "RUNNING", againInMs: 6_000 });
    runQuery = refusal("LIMIT_REACHED", "Bulk operations limit reached");
    expect(await runBackfillStep(SHOP, run.id, { pollMs: 1_000 })).toEqual({ outcome: "RUNNING", againInMs: 6_000 });
    expect((await getBackfillProgress(SHOP))?.status).toBe("RUNNING");

    runQuery = refusal("INVALID", "Invalid bulk query: Field 'x' doesn't exist");
    expect(await runBackfillStep(SHOP, run.id, { pollMs: 1_000 })).toEqual({ outcome: "FAILED", againInMs: null });
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "FAILED", error: "Invalid bulk query: Field 'x' doesn't exist" });
  });
});

describe("backfill requested again", () => {
  it("resumes a failed run in the phase where it stopped; a completed one starts over", async () => {
    fate = (phase, _n, poll) => (phase === "checkouts" && poll > 1 ? { status: "FAILED", errorCode: "ACCESS_DENIED" } : undefined);
    const { run } = await startBackfill(SHOP);
    expect((await runToEnd(run.id)).at(-1)).toBe("FAILED");
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "FAILED", phase: "ABANDONED_CHECKOUTS", error: "ACCESS_DENIED" });

    // The merchant grants the scope and presses the button.
    fate = () => undefined;
    const again = await requestBackfill(SHOP);
    expect(again).toEqual({ runId: run.id, created: false, resumed: true });
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "RUNNING", phase: "ABANDONED_CHECKOUTS", error: null, finishedAt: null });
    expect((await runToEnd(run.id)).at(-1)).toBe("COMPLETED");
    // Customers and orders were not asked for again.
    expect(Object.fromEntries(started)).toEqual({ customers: 1, orders: 1, checkouts: 2 });
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "COMPLETED", imported: { customers: 3, orders: 3, abandoned_checkouts: 1 } });

    const fresh = await requestBackfill(SHOP);
    expect(fresh).toMatchObject({ created: true, resumed: false });
    expect(await getBackfillProgress(SHOP)).toMatchObject({ runId: fresh.runId, status: "RUNNING", phase: "CUSTOMERS" });
  });

  it("resumes a run that failed mid-file from its last committed line", async () => {
    const { run } = await startBackfill(SHOP);
    await runBackfillStep(SHOP, run.id, { pollMs: 0 });
    await runBackfillStep(SHOP, run.id, { pollMs: 0 });
    await runBackfillStep(SHOP, run.id, { pollMs: 0, batchSize: 1, budgetMs: 0 });
    // What the job records on a terminal error (a revoked token, say), then a re-authentication.
    await db().backfillRun.update({ where: { id: run.id }, data: { status: "FAILED", error: "Unauthorized", finishedAt: new Date() } });
    expect(await requestBackfill(SHOP)).toMatchObject({ runId: run.id, resumed: true });
    expect(await getBackfillProgress(SHOP)).toMatchObject({ status: "RUNNING", phase: "CUSTOMERS", linesDone: 1 });
    expect((await runToEnd(run.id)).at(-1)).toBe("COMPLETED");
    expect(started.get("customers")).toBe(1);
    expect((await getBackfillProgress(SHOP))?.imported).toMatchObject({ customers: 3 });
  });
});

describe("backfill.resume-stalled (the stall sweep)", () => {
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  const backfillJobs = async () => (await queuedJobs(QueueName.ShopifySync)).filter((j) => j.name === JobName.BackfillRun).map((j) => j.data);
  const idleSince = (id: bigint, at: Date, extra: { stalls?: number; error?: string } = {}) => db().backfillRun.update({ where: { id }, data: { updatedAt: at, ...extra } });

  it("re-queues a running import whose job chain broke, once when run twice, and leaves live runs alone", async () => {
    // The install's enqueue timed out: the run exists, no job does.
    const { run } = await startBackfill(SHOP);
    const since = minutesAgo(STALL_AFTER_MS / 60_000 + 1);
    await idleSince(run.id, since);
    const live = await startBackfill("live.myshopify.com");

    expect(await handleBackfillResumeStalled({}, { attemptsMade: 0 })).toBe("REQUEUED_1_FAILED_0");
    expect(await backfillJobs()).toEqual([{ shop: SHOP, runId: run.id.toString() }]);
    // Counted, and its last progress kept (the next re-queue is due twice as late).
    expect(await db().backfillRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "RUNNING", stalls: 1, updatedAt: since });
    expect(await handleBackfillResumeStalled({}, { attemptsMade: 0 })).toBe("REQUEUED_0_FAILED_0");
    expect(await backfillJobs()).toHaveLength(1);
    expect((await db().backfillRun.findUniqueOrThrow({ where: { id: live.run.id } })).stalls).toBe(0);

    // The re-queued step runs: progress, and the count starts again.
    expect(await handleBackfillRun({ shop: SHOP, runId: run.id.toString() }, { attemptsMade: 0 })).toBe("STARTED");
    const after = await db().backfillRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.stalls).toBe(0);
    expect(after.updatedAt.getTime()).toBeGreaterThan(since.getTime());
  });

  it("backs off between re-queues and fails a run that never moves, quoting its last error", async () => {
    const { run } = await startBackfill(SHOP);
    // A step that keeps failing: BullMQ retries it; its error is kept, and it is not progress.
    runQuery = () => ({ errors: [{ message: "Internal error. Looks like something went wrong on our end." }] });
    const since = minutesAgo(20);
    await idleSince(run.id, since, { stalls: 1 });
    await expect(handleBackfillRun({ shop: SHOP, runId: run.id.toString() }, { attemptsMade: 0 })).rejects.toThrow("Internal error");
    expect(await db().backfillRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "RUNNING", updatedAt: since, error: expect.stringContaining("Internal error") });
    // Re-queued once already: the next is due 30 minutes after the last progress, not 20.
    expect(await handleBackfillResumeStalled({}, { attemptsMade: 0 })).toBe("REQUEUED_0_FAILED_0");

    await idleSince(run.id, minutesAgo(5 * 60), { stalls: MAX_STALLS });
    expect(await handleBackfillResumeStalled({}, { attemptsMade: 0 })).toBe("REQUEUED_0_FAILED_1");
    expect(await handleBackfillResumeStalled({}, { attemptsMade: 0 })).toBe("REQUEUED_0_FAILED_0");
    const failed = await getBackfillProgress(SHOP);
    expect(failed).toMatchObject({ status: "FAILED" });
    expect(failed?.error).toMatch(/^no progress since .+, re-queued 4 times; last error: Internal error/);
    expect(await backfillJobs()).toEqual([]);
  });
});

