// @vitest-environment happy-dom
/**
 * The storefront admin pages (review moderation, storefront settings) rendered with
 * createRemixStub: what the merchant sees for an empty queue, for reviews with markup in them,
 * and the settings form with the server's field errors.
 */
import { createRemixStub } from "@remix-run/testing";
import { AppProvider } from "@shopify/polaris";
import polarisEn from "@shopify/polaris/locales/en.json";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import type { ComponentType } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { I18nProvider } from "~/i18n/I18nProvider";
import { parseSettings } from "~/domains/shops/settings";

vi.setConfig({ testTimeout: 30_000 });
vi.mock("~/shopify.server", () => ({ authenticateAdmin: vi.fn() }));
vi.mock("~/db.server", () => ({ db: vi.fn(), sqlPool: vi.fn() }));
afterEach(cleanup);
window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, onchange: null, dispatchEvent: () => false })) as typeof window.matchMedia;

function renderPage(path: string, Component: ComponentType, loaderData: unknown, actionData?: unknown) {
  const Stub = createRemixStub([
    {
      path,
      Component: () => (
        <AppProvider i18n={polarisEn}>
          <I18nProvider locale="en" timeZone="UTC">
            <Component />
          </I18nProvider>
        </AppProvider>
      ),
      loader: () => loaderData as Record<string, unknown>,
      action: () => actionData ?? null,
    },
  ]);
  return render(<Stub initialEntries={[path]} />);
}

describe("review moderation page", () => {
  it("shows an empty queue", async () => {
    const { default: Page } = await import("~/routes/app.reviews._index");
    renderPage("/app/reviews", Page, { status: "PENDING", page: 0, pageSize: 25, total: 0, counts: { PENDING: 0, PUBLISHED: 3, REJECTED: 0 }, reviews: [] });
    await waitFor(() => expect(screen.getByText("No reviews here.")).toBeTruthy());
    expect(screen.getByText("Published (3)")).toBeTruthy();
  });

  it("shows review text as text, with the verified badge and publish/reject actions", async () => {
    const { default: Page } = await import("~/routes/app.reviews._index");
    const review = { id: "7", productId: "700", rating: 2, title: "<b>Meh</b>", body: "Chipped <img src=x onerror=alert(1)>", author: "Sam", email: null, verified: true, status: "PENDING", createdAt: "2026-11-20T10:00:00Z" };
    const { container } = renderPage("/app/reviews", Page, { status: "PENDING", page: 0, pageSize: 25, total: 1, counts: { PENDING: 1, PUBLISHED: 0, REJECTED: 0 }, reviews: [review] });
    await waitFor(() => expect(screen.getByText("<b>Meh</b>")).toBeTruthy());
    expect(screen.getByText("Chipped <img src=x onerror=alert(1)>")).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByText("Verified buyer")).toBeTruthy();
    expect(screen.queryByText("Not verified")).toBeNull();
    expect(screen.getByLabelText("2 of 5 stars")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Publish" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Reject" })).toBeTruthy();
  });

  it("says when the author is not a verified buyer (why most reviews wait for moderation)", async () => {
    const { default: Page } = await import("~/routes/app.reviews._index");
    const review = { id: "8", productId: "700", rating: 5, title: null, body: "Great", author: "Lea", email: null, verified: false, status: "PENDING", createdAt: "2026-11-20T10:00:00Z" };
    renderPage("/app/reviews", Page, { status: "PENDING", page: 0, pageSize: 25, total: 1, counts: { PENDING: 1, PUBLISHED: 0, REJECTED: 0 }, reviews: [review] });
    await waitFor(() => expect(screen.getByText("Not verified")).toBeTruthy());
    expect(screen.queryByText("Verified buyer")).toBeNull();
  });
});

describe("storefront settings page", () => {
  it("shows the three sections with the shop's values and the program numbers", async () => {
    const { default: Page } = await import("~/routes/app.storefront");
    renderPage("/app/storefront", Page, {
      shop: "s.myshopify.com",
      apiKey: "k",
      currency: "EUR",
      settings: parseSettings({ trustBadges: { customText: "Made in Lyon" }, loyalty: { earnFrom: "2026-11-20T09:30:00.000Z" } }),
      program: { accounts: 1200, pointsOutstanding: 54000, pointsPending: 3000, redemptions: 40, pointsRedeemed: 20000 },
    });
    await waitFor(() => expect(screen.getByText("Trust badges")).toBeTruthy());
    expect((screen.getByLabelText("Your own line of text") as HTMLInputElement).value).toBe("Made in Lyon");
    expect(screen.getByLabelText("Points per EUR spent")).toBeTruthy();
    expect(screen.getByText(/^Orders placed since Nov 20, 2026, when the app was installed, earn points\./)).toBeTruthy();
    expect(screen.getByText("1,200")).toBeTruthy();
    const editor = screen.getByRole("link", { name: /Open the theme editor/ }) as HTMLAnchorElement;
    expect(editor.href).toContain("activateAppId=k/journey-embed");
  });
});
