// @vitest-environment happy-dom
/**
 * Page components of the admin (rendered with createRemixStub, loaders stubbed with the data the
 * real facades return): what a merchant sees for a fresh install, with data, with bad input.
 * Route modules import their loaders' server code, which is never called here.
 */
import { createRemixStub } from "@remix-run/testing";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

// The first render imports a route module and Polaris: seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 30_000 });
import type { ComponentType } from "react";
import { I18nProvider } from "~/i18n/I18nProvider";
import type { Locale } from "~/i18n/i18n";

vi.mock("~/shopify.server", () => ({ authenticateAdmin: vi.fn() }));
vi.mock("~/db.server", () => ({ db: vi.fn(), sqlPool: vi.fn() }));

afterEach(cleanup);

// happy-dom lacks matchMedia, which Polaris reads for its breakpoints.
window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, onchange: null, dispatchEvent: () => false })) as typeof window.matchMedia;

function renderPage(path: string, Component: ComponentType, loaderData: unknown, opts: { locale?: Locale; actionData?: unknown } = {}) {
  const Stub = createRemixStub([
    {
      path,
      Component: () => (
        <AppProvider i18n={polarisEn}>
          <I18nProvider locale={opts.locale ?? "en"} timeZone="UTC">
            <Component />
          </I18nProvider>
        </AppProvider>
      ),
      loader: () => loaderData as Record<string, unknown>,
      action: () => opts.actionData ?? null,
    },
  ]);
  return render(<Stub initialEntries={[path]} />);
}

const range = { range: { from: "2026-10-26", to: "2026-11-24" }, preset: 30, days: 30, error: null };
const kpis = {
  range: range.range,
  started: 200,
  withContact: 170,
  completed: 50,
  open: 2,
  noContact: 20,
  abandoned: 128,
  abandonmentRate: { rate: 0.64, abandoned: 128, started: 200 },
  imported: { abandoned: 3 },
  abandonedValue: [{ currency: "USD", minor: 1079610n }],
  recovered: { shopCurrency: "USD", link: { checkouts: 5, revenueMinor: 49198n, rate: 0.04 }, window: { checkouts: 6, revenueMinor: 85754n, rate: 0.05, days: 5 }, medianMinutesToRecover: 2880 },
  settings: { thresholdMinutes: 60, attributionWindowDays: 5 },
  computedAt: new Date("2026-11-24T10:00:00Z"),
};
const funnel = [
  { stage: "AWARENESS", customers: 29, atStart: 33, entered: 1, advanced: 5, conversion: { rate: 5 / 34, advanced: 5, base: 34 } },
  { stage: "CONSIDERATION", customers: 16, atStart: 0, entered: 16, advanced: 0, conversion: { rate: 0, advanced: 0, base: 16 } },
  { stage: "PURCHASE", customers: 185, atStart: 149, entered: 36, advanced: 0, conversion: { rate: 0, advanced: 0, base: 185 } },
  { stage: "RETENTION", customers: 70, atStart: 87, entered: 12, advanced: 0, conversion: { rate: 0, advanced: 0, base: 99 } },
  { stage: "ADVOCACY", customers: 0, atStart: 0, entered: 0, advanced: 0, conversion: null },
];
const emptyTrend = { currency: "USD", rate: [], started: [], abandoned: [], importedAbandoned: [], recoveredLink: [], recoveredWindow: [] };

describe("Home dashboard", () => {
  it("shows the funnel with conversions and the abandonment KPIs with their denominators", async () => {
    const { default: Home } = await import("~/routes/app._index/route");
    renderPage("/app", Home, {
      demo: true,
      selection: range,
      funnel,
      kpis,
      trend: emptyTrend,
      segments: [{ id: "1", name: "VIP", memberCount: 120, change7d: 12, sync: { mode: "TAG", status: "RUNNING", percent: 40, error: null } }],
      backfill: { status: "RUNNING", phase: "ORDERS", error: null, startedAt: new Date(), finishedAt: null, percent: 38 },
      state: "data",
    });
    await screen.findByText("Journey funnel");
    expect(screen.getByText("14.7% moved on (5 of 34)")).toBeTruthy();
    // The history import's abandoned checkouts stand beside the rate, not in it.
    expect(screen.getByText("128 abandoned of 200 checkouts started · +3 imported from Shopify's history, not in the rate")).toBeTruthy();
    expect(screen.getByText("$491.98")).toBeTruthy();
    expect(screen.getByText("+12")).toBeTruthy();
    expect(screen.getByText("importing orders (38 %)")).toBeTruthy();
    expect(screen.getByText("Syncing “VIP” to Shopify: 40 %")).toBeTruthy();
    // The demo shop has no Shopify session: no import button.
    expect(screen.queryByRole("button", { name: "Import store history" })).toBeNull();
  });

  it("offers to resume a stalled or failed import, and to import again after a completed one, in French too", async () => {
    const { default: Home } = await import("~/routes/app._index/route");
    const page = { demo: false, selection: range, funnel, kpis, trend: emptyTrend, segments: [], state: "data" };
    const backfill = { status: "RUNNING", phase: "ORDERS", error: null, startedAt: new Date(), finishedAt: null, percent: 38, stalled: false, lastProgressAt: "2026-11-24T09:30:00Z" };
    renderPage("/app", Home, { ...page, backfill });
    await screen.findByText("importing orders (38 %)");
    expect(screen.queryByRole("button", { name: "Resume the import" })).toBeNull();
    cleanup();

    renderPage("/app", Home, { ...page, backfill: { ...backfill, stalled: true } });
    await screen.findByText("No progress since Nov 24, 2026, 9:30 AM. Resume the import: it continues where it stopped.");
    expect(screen.getByText("Stalled")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Resume the import" })).toBeTruthy();
    cleanup();

    renderPage("/app", Home, { ...page, backfill: { ...backfill, status: "FAILED", error: "ACCESS_DENIED", finishedAt: new Date() } }, { locale: "fr" });
    await screen.findByText("L'import s'est arrêté : ACCESS_DENIED. Reprenez-le : il continue là où il s'est arrêté.");
    expect(screen.getByRole("button", { name: "Reprendre l'import" })).toBeTruthy();
    cleanup();

    renderPage("/app", Home, { ...page, backfill: { ...backfill, status: "COMPLETED", phase: "DONE", finishedAt: new Date(), percent: 100 } });
    await screen.findByRole("button", { name: "Import history again" });
    expect(screen.queryByText(/last 60 days of orders/)).toBeNull();
    cleanup();

    // Without read_all_orders, Shopify shares 60 days of orders: the page says what that means.
    renderPage("/app", Home, { ...page, ordersLimitedTo60Days: true, backfill: { ...backfill, status: "COMPLETED", phase: "DONE", finishedAt: new Date(), percent: 100 } });
    await screen.findByText(/^Shopify gives this app the last 60 days of orders/);
  });

  it("welcomes a fresh install and says what will happen", async () => {
    const { default: Home } = await import("~/routes/app._index/route");
    renderPage("/app", Home, { demo: false, selection: range, funnel: funnel.map((s) => ({ ...s, customers: 0 })), kpis: { ...kpis, started: 0 }, trend: emptyTrend, segments: [], backfill: null, state: "fresh" });
    await screen.findByText("Waiting for your store's first events");
    expect(screen.getByRole("button", { name: "Import store history" })).toBeTruthy();
  });

  it("says a range has no activity and how to pick another, in French too", async () => {
    const { default: Home } = await import("~/routes/app._index/route");
    renderPage("/app", Home, { demo: true, selection: { ...range, error: "fromAfterTo" }, funnel, kpis: { ...kpis, started: 0 }, trend: emptyTrend, segments: [], backfill: null, state: "quietRange" }, { locale: "fr" });
    await screen.findByText("Aucune activité du 26 oct. 2026 au 24 nov. 2026");
    expect(screen.getByText("La date de début est après la date de fin")).toBeTruthy();
  });
});

describe("Abandonment", () => {
  it("shows a range only the history import filled with no rate and its imported checkouts beside it, not the empty state", async () => {
    const { default: Abandonment } = await import("~/routes/app.abandonment/route");
    const none = { rate: null, abandoned: 0, started: 0 };
    const importedOnly = {
      ...kpis,
      started: 0,
      withContact: 0,
      completed: 0,
      open: 0,
      noContact: 0,
      abandoned: 0,
      abandonmentRate: none,
      imported: { abandoned: 2 },
      recovered: { ...kpis.recovered, link: { checkouts: 1, revenueMinor: 10600n, rate: 0.5 }, medianMinutesToRecover: null },
    };
    renderPage("/app/abandonment", Abandonment, {
      selection: range,
      currency: "USD",
      kpis: importedOnly,
      trend: { ...emptyTrend, importedAbandoned: [] },
      breakdowns: ["channel", "source", "landingPage", "device"].map((dimension) => ({ dimension, rows: [] })),
      steps: ["all", "device", "channel", "source"].map((split) => ({ split, funnels: [] })),
      products: [],
      attribution: "link",
      paged: false,
      recovered: { nextCursor: null, rows: [] },
    });
    await screen.findByText("0 abandoned of 0 checkouts started · +2 imported from Shopify's history, not in the rate");
    expect(screen.getByText(/^2 abandoned checkouts imported from Shopify's history count in the value/)).toBeTruthy();
    expect(screen.queryByText(/No checkout was started in this period/)).toBeNull();
  });
});

describe("Segments", () => {
  it("offers starting points when there is no segment", async () => {
    const { default: Segments } = await import("~/routes/app.segments._index/route");
    const groups = ["CHAMPIONS", "PROSPECTS"].map((group) => ({ group, customers: 0, windowSpentMinor: "0", cell: null }));
    renderPage("/app/segments", Segments, { segments: [], rfm: { groups, lookbackDays: 365, currency: "USD" } });
    await screen.findByText("Group your customers");
    expect(screen.getByText("At risk of leaving").closest("a")?.getAttribute("href")).toBe("/app/segments/new?template=atRisk");
    // No customer scored yet: the group table says when it fills instead of a table of zeros.
    expect(screen.getByText("Groups appear once the first customers are scored.")).toBeTruthy();
  });

  it("shows field errors from a refused save next to the fields, translated", async () => {
    const { default: NewSegment } = await import("~/routes/app.segments.new/route");
    renderPage("/app/segments/new", NewSegment, { template: null });
    await screen.findByText("Who belongs in this segment");
    const { SegmentForm } = await import("~/components/segments/SegmentForm");
    cleanup();
    renderPage(
      "/app/segments/new",
      () => (
        <SegmentForm
          initial={{ name: "", description: "", syncMode: "TAG", syncTag: "", rule: { all: [{ fact: "ordersCount", op: "gte", value: 1 }] } }}
          fieldErrors={{ name: "required", syncTag: "required when syncing as a customer tag", "rule.all.0.value": "expected a whole number of at least 0" }}
          submitLabel="Create segment"
        />
      ),
      {},
      { locale: "fr" },
    );
    await screen.findByText("Corrigez 3 problèmes pour enregistrer ce segment");
    expect(screen.getByText("Obligatoire.")).toBeTruthy();
    expect(screen.getByText("Saisissez l'étiquette à écrire sur les membres.")).toBeTruthy();
    expect(screen.getByText("Saisissez un nombre entier de 0 ou plus.")).toBeTruthy();
  });
});

describe("Customer journey", () => {
  it("tells support staff what to do when the customer is unknown", async () => {
    const { default: Customer } = await import("~/routes/app.customers.$customerId/route");
    renderPage("/app/customers/42", Customer, { found: false, id: "42" });
    await screen.findAllByText("Customer not found");
    expect(screen.getByText(/There is no customer 42/)).toBeTruthy();
    expect(screen.getAllByText("Search customers").length).toBeGreaterThan(0);
  });

  it("lists each order with the net spend M counts, and an order in another currency as counting for R and F only", async () => {
    const { default: Customer } = await import("~/routes/app.customers.$customerId/route");
    const order = (name: string, currency: string, subtotal: string, refunded: string, net: string, excludedBecause: string | null, spendExcludedBecause: string | null) => ({
      orderGid: `gid://shopify/Order/${name}`,
      name,
      processedAt: new Date("2026-11-20T10:00:00Z"),
      currency,
      subtotalMinor: subtotal,
      refundedMinor: refunded,
      totalMinor: subtotal,
      netMinor: net,
      excludedBecause,
      spendExcludedBecause,
    });
    const customer = {
      customerGid: "gid://shopify/Customer/7",
      email: "ava@example.com",
      displayName: "Ava Martin",
      computedAt: new Date("2026-11-24T10:00:00Z"),
      facts: { ordersCount: 2, amountSpentMinor: "7000", averageOrderMinor: "7000", currency: "USD", firstOrderAt: null, lastOrderAt: null, tags: [], acceptsMarketing: false, abandonedCheckoutsCount: 0, lastAbandonedAt: null, pointsBalance: 0, hasReviewed: false, lastReviewAt: null, lastCartActivityAt: null },
      rfm: { group: "PROSPECTS", scored: false, scores: { r: null, f: null, m: null }, values: { recencyDays: null, lastOrderDate: null, windowOrders: 0, windowSpentMinor: "0", currency: "USD" }, cell: null, modes: null, edges: null, noOrderInWindow: false, shopify: { group: null, readAt: null, closestToOurs: "PROSPECTS", agrees: null }, snapshot: null },
      stage: { stage: "PURCHASE", since: new Date("2026-11-20T10:00:00Z"), reason: "PURCHASE_ONE_ORDER", rulesVersion: 1 },
      orders: [order("#1002", "EUR", "5000", "0", "5000", null, "OTHER_CURRENCY"), order("#1001", "USD", "10000", "3000", "7000", null, null), order("#1000", "USD", "4000", "0", "4000", "TEST", null)],
      segments: [],
    };
    renderPage("/app/customers/7", Customer, { found: true, customer, timeline: [], truncated: false });
    await screen.findByText("Orders and whether they count");
    expect(screen.getByText("Net spend")).toBeTruthy();
    // 100.00 less 30.00 refunded: the figure M counts, not the subtotal.
    expect(screen.getByText("$70.00")).toBeTruthy();
    expect(screen.queryByText("$100.00")).toBeNull();
    expect(screen.getByText("Counts for recency and frequency, not for spend: another currency")).toBeTruthy();
    expect(screen.getByText("Counts")).toBeTruthy();
    expect(screen.getByText("No: test order")).toBeTruthy();
  });

  it("lists a search without match with the way out", async () => {
    const { default: Customers } = await import("~/routes/app.customers._index/route");
    renderPage("/app/customers", Customers, { q: "zed@nowhere", tooShort: false, hits: [] });
    await waitFor(() => expect(screen.getByText("No customer matches “zed@nowhere”")).toBeTruthy());
    expect(screen.getByText(/search by an order number such as #1001/)).toBeTruthy();
  });
});
