import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { syncShopDetails } from "~/domains/shops/shops.server";
import { adminFor, isTerminal } from "~/shopify/admin.server";
import { sessionStorage } from "~/shopify.server";
import { AdminApiStandIn } from "#test/admin-api";
import { TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";

let api: AdminApiStandIn;
beforeEach(async () => {
  await resetDatabase();
  api = new AdminApiStandIn().install();
});
afterEach(() => api.uninstall());

describe("syncShopDetails (afterAuth)", () => {
  it("stores the shop's name, currency and timezone read through the Admin API", async () => {
    await sessionStorage.storeSession(setUpValidSession({ shop: TEST_SHOP }));
    api.on("ShopDetails", { shop: { name: "Test Shop", email: "owner@example.com", currencyCode: "CAD", ianaTimezone: "America/Toronto", myshopifyDomain: TEST_SHOP } });

    await syncShopDetails(TEST_SHOP, await adminFor(TEST_SHOP));

    expect(api.problems).toEqual([]);
    expect(api.calls).toEqual([{ shop: TEST_SHOP, operationName: "ShopDetails", variables: {}, apiVersion: "2026-04" }]);
    expect(await db().shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ name: "Test Shop", currency: "CAD", ianaTimezone: "America/Toronto" });
  });

  it("fails terminally for a shop without an offline session (uninstalled)", async () => {
    const error = await adminFor("gone.myshopify.com").catch((e: unknown) => e);
    expect(isTerminal(error)).toBe(true);
  });
});
