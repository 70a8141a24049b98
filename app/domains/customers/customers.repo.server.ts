/**
 * Customer writes of the delivery path, in plain SQL on the delivery's transaction (see
 * sqlPool() in db.server.ts for why not Prisma here). Each is one atomic statement: ON CONFLICT
 * takes the row lock, so concurrent deliveries about one customer apply one after the other.
 */
import type { SqlClient } from "~/db.server";
import type { CustomerFields, CustomerRow } from "~/domains/customers/customer-mapping";

/**
 * Applies a customers/* payload unless a newer one was applied already, or the customer was deleted
 * (no row back = stale). Deletion in Shopify is final: a customers/create or update still in flight
 * (retried, reordered) must not bring back the name and email a customers/delete cleared.
 */
export async function upsertCustomer(sql: SqlClient, shop: string, row: CustomerRow): Promise<"APPLIED" | "STALE"> {
  const rows = await sql.query(
    `INSERT INTO "Customer" ("shop", "customerGid", "email", "phone", "firstName", "lastName", "state", "verifiedEmail",
                             "locale", "shopifyCreatedAt", "sourceUpdatedAt", "tags", "acceptsMarketing", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, COALESCE($12::text[], '{}'), $13, now())
     ON CONFLICT ("shop", "customerGid") DO UPDATE SET
       "email" = EXCLUDED."email", "phone" = EXCLUDED."phone", "firstName" = EXCLUDED."firstName",
       "lastName" = EXCLUDED."lastName", "state" = EXCLUDED."state", "verifiedEmail" = EXCLUDED."verifiedEmail",
       "locale" = EXCLUDED."locale", "shopifyCreatedAt" = EXCLUDED."shopifyCreatedAt",
       "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt", "deletedAt" = NULL,
       -- Since API 2025-01 customers/* payloads carry no tags or consent: keep what we have then.
       "tags" = CASE WHEN $12::text[] IS NULL THEN "Customer"."tags" ELSE EXCLUDED."tags" END,
       "acceptsMarketing" = COALESCE(EXCLUDED."acceptsMarketing", "Customer"."acceptsMarketing"),
       "updatedAt" = now()
     WHERE "Customer"."deletedAt" IS NULL
       AND ("Customer"."sourceUpdatedAt" IS NULL OR "Customer"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt")
     RETURNING "id"`,
    [
      shop, row.customerGid, row.email, row.phone, row.firstName, row.lastName, row.state, row.verifiedEmail,
      row.locale, row.shopifyCreatedAt, row.sourceUpdatedAt, row.tags ?? null, row.acceptsMarketing ?? null,
    ],
  );
  return rows.length ? "APPLIED" : "STALE";
}

/**
 * The customer embedded in an order or checkout: creates the row if missing and fills fields it
 * lacks, never overwriting what a customers/* payload (the authority) set, nor a deleted customer.
 */
export async function upsertCustomerReference(sql: SqlClient, shop: string, f: CustomerFields, acceptsMarketing?: boolean | null) {
  await sql.query(
    `INSERT INTO "Customer" ("shop", "customerGid", "email", "phone", "firstName", "lastName", "state", "verifiedEmail",
                             "shopifyCreatedAt", "acceptsMarketing", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
     ON CONFLICT ("shop", "customerGid") DO UPDATE SET
       "email" = COALESCE("Customer"."email", EXCLUDED."email"),
       "phone" = COALESCE("Customer"."phone", EXCLUDED."phone"),
       "firstName" = COALESCE("Customer"."firstName", EXCLUDED."firstName"),
       "lastName" = COALESCE("Customer"."lastName", EXCLUDED."lastName"),
       "state" = COALESCE("Customer"."state", EXCLUDED."state"),
       "verifiedEmail" = COALESCE("Customer"."verifiedEmail", EXCLUDED."verifiedEmail"),
       "shopifyCreatedAt" = COALESCE("Customer"."shopifyCreatedAt", EXCLUDED."shopifyCreatedAt"),
       "acceptsMarketing" = COALESCE("Customer"."acceptsMarketing", EXCLUDED."acceptsMarketing"),
       "updatedAt" = now()
     WHERE "Customer"."deletedAt" IS NULL
       AND ("Customer"."email", "Customer"."phone", "Customer"."firstName", "Customer"."lastName", "Customer"."state",
            "Customer"."verifiedEmail", "Customer"."shopifyCreatedAt", "Customer"."acceptsMarketing")
           IS DISTINCT FROM
           (COALESCE("Customer"."email", EXCLUDED."email"), COALESCE("Customer"."phone", EXCLUDED."phone"),
            COALESCE("Customer"."firstName", EXCLUDED."firstName"), COALESCE("Customer"."lastName", EXCLUDED."lastName"),
            COALESCE("Customer"."state", EXCLUDED."state"), COALESCE("Customer"."verifiedEmail", EXCLUDED."verifiedEmail"),
            COALESCE("Customer"."shopifyCreatedAt", EXCLUDED."shopifyCreatedAt"),
            COALESCE("Customer"."acceptsMarketing", EXCLUDED."acceptsMarketing"))`,
    [shop, f.customerGid, f.email, f.phone, f.firstName, f.lastName, f.state, f.verifiedEmail, f.shopifyCreatedAt, acceptsMarketing ?? null],
  );
}

/** customers/delete: keep the row (orders still reference it) but clear what identifies the person. */
export async function markCustomerDeleted(sql: SqlClient, shop: string, customerGid: string, at: Date) {
  await sql.query(
    `INSERT INTO "Customer" ("shop", "customerGid", "deletedAt", "sourceUpdatedAt", "updatedAt")
     VALUES ($1, $2, $3, $3, now())
     ON CONFLICT ("shop", "customerGid") DO UPDATE SET
       "email" = NULL, "phone" = NULL, "firstName" = NULL, "lastName" = NULL, "tags" = '{}',
       "deletedAt" = EXCLUDED."deletedAt", "updatedAt" = now()`,
    [shop, customerGid, at],
  );
}
