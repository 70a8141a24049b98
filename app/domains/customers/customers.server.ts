/**
 * Customers, normalized from customers/* deliveries and from the customer embedded in orders and
 * checkouts. Idempotency key: (shop, customerGid); stale payloads are dropped by updated_at.
 */
import type { SqlClient } from "~/db.server";
import { customerGidOf, toCustomerFields, toCustomerRow } from "~/domains/customers/customer-mapping";
import { markCustomerDeleted, upsertCustomer, upsertCustomerReference } from "~/domains/customers/customers.repo.server";
import type { CustomerPayload, CustomerRefSchema } from "~/webhooks/payloads";
import type { z } from "zod";

export { customerGidOf };

/** customers/create, customers/update. */
export async function applyCustomerPayload(sql: SqlClient, shop: string, payload: CustomerPayload, receivedAt: Date) {
  const row = toCustomerRow(payload, receivedAt);
  return upsertCustomer(sql, shop, row);
}

/** The customer inside an order or checkout payload; returns its GID (null for guests). */
export async function rememberCustomerReference(
  sql: SqlClient,
  shop: string,
  ref: z.infer<typeof CustomerRefSchema> | null | undefined,
  acceptsMarketing?: boolean | null,
): Promise<string | null> {
  if (!ref) return null;
  const fields = toCustomerFields(ref);
  if (!fields) return null;
  await upsertCustomerReference(sql, shop, fields, acceptsMarketing);
  return fields.customerGid;
}

/** customers/delete. */
export async function applyCustomerDeleted(sql: SqlClient, shop: string, customerGid: string, at: Date): Promise<"DELETED"> {
  await markCustomerDeleted(sql, shop, customerGid, at);
  return "DELETED";
}
