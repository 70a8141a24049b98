import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { Prisma } from "@prisma/client";
import { db } from "~/db.server";
import { getDataExport, tenantTables } from "~/domains/shops/privacy.server";
import { recordInstall } from "~/domains/shops/shops.server";
import { closeQueues } from "~/queues/queues.server";
import { OTHER_SHOP, TEST_SHOP } from "#test/constants";
import { resetDatabase } from "#test/db";
import { fixtureText } from "#test/fixtures";
import { checkoutPayload, customerPayload, orderPayload, refundPayload } from "#test/payloads";
import { deliverAndProcess, snapshotShop } from "#test/process";
import { resetQueues } from "#test/queues";

beforeEach(async () => {
  await resetDatabase();
  await resetQueues();
});
afterAll(closeQueues);

const CUSTOMER = "191167"; // the customer of Shopify's compliance samples
const EMAIL = "john@example.com";

/** A customer with orders, a refund, a checkout and raw deliveries, plus an unrelated one. */
async function seedCustomer(shop = TEST_SHOP) {
  await deliverAndProcess("customers/create", customerPayload({ id: CUSTOMER, email: EMAIL }), { shop });
  await deliverAndProcess("orders/create", orderPayload({ id: "299938", customerId: CUSTOMER, email: EMAIL, checkoutToken: "tok-john" }), { shop });
  await deliverAndProcess("orders/paid", orderPayload({ id: "280263", customerId: CUSTOMER, email: EMAIL }), { shop });
  await deliverAndProcess("refunds/create", refundPayload("280263", "10.00"), { shop });
  await deliverAndProcess("checkouts/create", checkoutPayload({ token: "tok-john", email: EMAIL, customerId: CUSTOMER }), { shop });
  await deliverAndProcess("orders/create", orderPayload({ id: "777001", customerId: "555", email: "someone.else@example.com" }), { shop });
}

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

const compliance = (topic: string, shop = TEST_SHOP) => fixtureText(topic).replaceAll("{shop}.myshopify.com", shop);

describe("customers/data_request", () => {
  it("exports everything held on the customer, retrievable by the merchant, due in 30 days", async () => {
    await seedCustomer();
    const { outcome } = await deliverAndProcess("customers/data_request", compliance("customers/data_request"));
    expect(outcome).toBe("EXPORTED");

    const request = await db().complianceRequest.findFirstOrThrow({ where: { topic: "customers/data_request" } });
    expect(request.dataRequestId).toBe("9999");
    expect(request.dueAt.getTime() - request.receivedAt.getTime()).toBe(30 * 24 * 3600 * 1000);
    const data = (await getDataExport(TEST_SHOP, request.id)) as Record<string, { [k: string]: unknown }[]>;
    expect(data.customers!.map((c) => c.email)).toEqual([EMAIL]);
    expect(data.orders!.map((o) => o.orderGid).sort()).toEqual(["gid://shopify/Order/280263", "gid://shopify/Order/299938"]);
    expect(data.refunds).toHaveLength(1);
    expect(data.checkouts!.map((c) => c.token)).toEqual(["tok-john"]);
    expect(data.webhookDeliveries!.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(data)).not.toContain("someone.else@example.com");
  });

  it("runs twice without a second request row", async () => {
    await seedCustomer();
    const { eventId } = await deliverAndProcess("customers/data_request", compliance("customers/data_request"));
    const { handleWebhooksProcessEvent } = await import("~/webhooks/process.server");
    expect(await handleWebhooksProcessEvent({ eventId })).toBe("ALREADY_DONE");
    expect(await db().complianceRequest.count()).toBe(1);
  });
});

describe("customers/redact", () => {
  it("erases the customer's personal data everywhere, raw payloads included, and keeps anonymous totals", async () => {
    await seedCustomer();
    await deliverAndProcess("customers/data_request", compliance("customers/data_request"));
    const revenueBefore = await db().order.aggregate({ _sum: { subtotalMinor: true } });

    expect((await deliverAndProcess("customers/redact", compliance("customers/redact"))).outcome).toBe("REDACTED");

    expect(await db().customer.count({ where: { customerGid: `gid://shopify/Customer/${CUSTOMER}` } })).toBe(0);
    expect(await db().order.count({ where: { OR: [{ email: EMAIL }, { customerGid: `gid://shopify/Customer/${CUSTOMER}` }] } })).toBe(0);
    expect(await db().checkout.count({ where: { email: EMAIL } })).toBe(0);
    // No raw delivery still mentions them, in any field.
    const leaks = await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "WebhookEvent" WHERE "payload"::text ILIKE ${"%" + EMAIL + "%"}`;
    expect(leaks[0]!.n).toBe(0n);
    expect(await db().complianceRequest.count({ where: { export: { not: Prisma.DbNull } } })).toBe(0);
    // Orders stay (anonymous), so shop revenue does not change; the other customer is untouched.
    expect(await db().order.aggregate({ _sum: { subtotalMinor: true } })).toEqual(revenueBefore);
    expect(await db().order.count({ where: { email: "someone.else@example.com" } })).toBe(1);
  });

  it("reaches a guest who gave only a phone number at checkout, and no one else's", async () => {
    // The compliance sample's customer has phone 555-625-1199; this guest typed it differently.
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "tok-phone", email: null, customerId: null, phone: "(555) 625 1199" }));
    await deliverAndProcess("checkouts/create", checkoutPayload({ token: "tok-other-phone", email: null, customerId: null, phone: "555-000-1234" }));
    await deliverAndProcess("customers/data_request", compliance("customers/data_request"));
    const request = await db().complianceRequest.findFirstOrThrow({ where: { topic: "customers/data_request" } });
    const data = (await getDataExport(TEST_SHOP, request.id)) as Record<string, { [k: string]: unknown }[]>;
    expect(data.checkouts!.map((c) => c.token)).toEqual(["tok-phone"]);

    await deliverAndProcess("customers/redact", compliance("customers/redact"));
    const phones = await db().checkout.findMany({ select: { token: true, phone: true }, orderBy: { token: "asc" } });
    expect(phones).toEqual([
      { token: "tok-other-phone", phone: "555-000-1234" },
      { token: "tok-phone", phone: null },
    ]);
    const rawPhones = await db().$queryRaw<{ phone: string | null }[]>`SELECT "payload"->>'phone' AS phone FROM "WebhookEvent" WHERE "topic" = 'checkouts/create' AND "payload" IS NOT NULL ORDER BY 1`;
    // The guest's raw delivery is cleared; the other guest's stays.
    expect(rawPhones.map((r) => r.phone)).toEqual(["555-000-1234"]);
  });

  it("runs twice with the same result", async () => {
    await seedCustomer();
    await deliverAndProcess("customers/redact", compliance("customers/redact"));
    const once = await snapshotShop(TEST_SHOP);
    await deliverAndProcess("customers/redact", compliance("customers/redact"));
    expect(await snapshotShop(TEST_SHOP)).toEqual(once);
  });
});

describe("shop/redact", () => {
  it("deletes every row of the shop in every tenant table, and nothing of another shop", async () => {
    await recordInstall({ shop: TEST_SHOP, scopes: "read_orders" });
    await db().session.create({ data: { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", accessToken: "t" } });
    await seedCustomer(TEST_SHOP);
    await seedCustomer(OTHER_SHOP);
    await deliverAndProcess("customers/data_request", compliance("customers/data_request"));
    const otherBefore = await snapshotShop(OTHER_SHOP);
    expect((await deliverAndProcess("app/uninstalled", fixtureText("app/uninstalled"))).outcome).toBe("UNINSTALLED");

    expect((await deliverAndProcess("shop/redact", compliance("shop/redact"), { triggeredAt: hoursFromNow(48) })).outcome).toBe("SHOP_REDACTED");

    for (const table of tenantTables()) {
      const [row] = await db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE "shop" = $1`, TEST_SHOP);
      expect(row!.n, `${table} still holds rows of the shop`).toBe(0n);
    }
    expect(await snapshotShop(OTHER_SHOP)).toEqual(otherBefore);
  });

  it("keeps a shop the merchant reinstalled before the request came (48 hours after the uninstall)", async () => {
    await recordInstall({ shop: TEST_SHOP, scopes: "read_orders" });
    await db().shop.update({ where: { shop: TEST_SHOP }, data: { authenticatedAt: new Date(hoursFromNow(-40)) } });
    await seedCustomer();
    expect((await deliverAndProcess("app/uninstalled", fixtureText("app/uninstalled"), { triggeredAt: hoursFromNow(-30) })).outcome).toBe("UNINSTALLED");
    await recordInstall({ shop: TEST_SHOP, scopes: "read_orders" });
    expect((await deliverAndProcess("shop/redact", compliance("shop/redact"), { triggeredAt: hoursFromNow(18) })).outcome).toBe("SHOP_REINSTALLED");
    expect(await db().order.count({ where: { shop: TEST_SHOP } })).toBe(3);
    expect(await db().shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ uninstalledAt: null });
  });

  it("runs twice: a repeated delivery finds nothing left", async () => {
    await seedCustomer();
    await deliverAndProcess("shop/redact", compliance("shop/redact"));
    expect((await deliverAndProcess("shop/redact", compliance("shop/redact"))).outcome).toBe("SHOP_REDACTED");
    expect(await db().order.count()).toBe(0);
  });
});

describe("app/uninstalled", () => {
  it("removes the shop's sessions, marks it uninstalled and skips later deliveries", async () => {
    await recordInstall({ shop: TEST_SHOP, scopes: "read_orders" });
    await db().session.createMany({
      data: [
        { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", accessToken: "t" },
        { id: `offline_${OTHER_SHOP}`, shop: OTHER_SHOP, state: "", accessToken: "t" },
      ],
    });
    expect((await deliverAndProcess("app/uninstalled", fixtureText("app/uninstalled"))).outcome).toBe("UNINSTALLED");
    expect(await db().session.findMany({ select: { shop: true } })).toEqual([{ shop: OTHER_SHOP }]);
    const shop = await db().shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(shop.uninstalledAt).toBeInstanceOf(Date);
    expect(shop).toMatchObject({ name: "Super Toys", currency: "USD" });

    // A late delivery for the uninstalled shop is recorded and skipped, without error.
    expect((await deliverAndProcess("orders/create", orderPayload())).outcome).toBe("SHOP_UNINSTALLED");
    expect(await db().order.count()).toBe(0);
    // A repeated uninstall is harmless; a reinstall resumes processing.
    expect((await deliverAndProcess("app/uninstalled", fixtureText("app/uninstalled"))).outcome).toBe("UNINSTALLED");
    await recordInstall({ shop: TEST_SHOP, scopes: "read_orders" });
    expect((await deliverAndProcess("orders/create", orderPayload())).outcome).toBe("APPLIED");
  });

  it("ignores an uninstall triggered before the shop's last authentication: a quick reinstall stays logged in", async () => {
    await recordInstall({ shop: TEST_SHOP, scopes: "read_orders" });
    await db().session.create({ data: { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", accessToken: "t" } });
    // Shopify retries the uninstall (or the worker was behind) after the merchant reinstalled.
    expect((await deliverAndProcess("app/uninstalled", fixtureText("app/uninstalled"), { triggeredAt: hoursFromNow(-1) })).outcome).toBe("STALE");
    expect(await db().session.count({ where: { shop: TEST_SHOP } })).toBe(1);
    expect((await deliverAndProcess("orders/create", orderPayload())).outcome).toBe("APPLIED");
    // An uninstall after it still takes effect.
    expect((await deliverAndProcess("app/uninstalled", fixtureText("app/uninstalled"), { triggeredAt: hoursFromNow(0.01) })).outcome).toBe("UNINSTALLED");
    expect(await db().session.count({ where: { shop: TEST_SHOP } })).toBe(0);
  });

  it("handles a delivery for a shop it has never seen (install in flight) by creating the shop", async () => {
    expect((await deliverAndProcess("orders/create", orderPayload(), { shop: "brand-new.myshopify.com" })).outcome).toBe("APPLIED");
    expect(await db().shop.findUnique({ where: { shop: "brand-new.myshopify.com" } })).not.toBeNull();
  });
});

describe("app/scopes_update", () => {
  it("records the granted scopes on the shop and its sessions", async () => {
    await recordInstall({ shop: TEST_SHOP, scopes: "read_orders" });
    await db().session.create({ data: { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", accessToken: "t", scope: "read_orders" } });
    expect((await deliverAndProcess("app/scopes_update", fixtureText("app/scopes_update"))).outcome).toBe("SCOPES_UPDATED");
    expect((await db().shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).scopes).toBe("read_orders,read_customers,write_customers");
    expect((await db().session.findFirstOrThrow()).scope).toBe("read_orders,read_customers,write_customers");
  });
});

describe("privacy coverage", () => {
  it("lists every table holding a customerGid in CUSTOMER_TABLES, so export and redaction reach it", async () => {
    const { CUSTOMER_TABLES } = await import("~/domains/shops/privacy.server");
    const withCustomer = Prisma.dmmf.datamodel.models.filter((m) => m.fields.some((f) => f.name === "customerGid")).map((m) => m.dbName ?? m.name);
    // WebhookEvent is covered by its own payload rule; ComplianceRequest is the request log itself.
    const covered = new Set([...CUSTOMER_TABLES.map((t) => t.table), "WebhookEvent", "ComplianceRequest"]);
    const missing = withCustomer.filter((t) => !covered.has(t));
    expect(missing, `add these tables to CUSTOMER_TABLES in app/domains/shops/privacy.server.ts: ${missing.join(", ")}`).toEqual([]);
  });
});
