import type { Db } from "~/db.server";
import type { CustomerFields, CustomerRow } from "~/domains/customers/customer-mapping";
import { lockResource } from "~/lib/locks.server";

/** Applies a customers/* payload unless a newer one was applied already. */
export async function upsertCustomer(tx: Db, shop: string, row: CustomerRow): Promise<"APPLIED" | "STALE"> {
  await lockResource(tx, `customer:${shop}:${row.customerGid}`);
  const existing = await tx.customer.findUnique({
    where: { shop_customerGid: { shop, customerGid: row.customerGid } },
    select: { sourceUpdatedAt: true },
  });
  if (existing?.sourceUpdatedAt && existing.sourceUpdatedAt > row.sourceUpdatedAt) return "STALE";
  const data = {
    email: row.email,
    phone: row.phone,
    firstName: row.firstName,
    lastName: row.lastName,
    state: row.state,
    verifiedEmail: row.verifiedEmail,
    locale: row.locale,
    shopifyCreatedAt: row.shopifyCreatedAt,
    sourceUpdatedAt: row.sourceUpdatedAt,
    deletedAt: null,
    ...(row.tags !== undefined ? { tags: row.tags } : {}),
    ...(row.acceptsMarketing !== undefined ? { acceptsMarketing: row.acceptsMarketing } : {}),
  };
  await tx.customer.upsert({
    where: { shop_customerGid: { shop, customerGid: row.customerGid } },
    create: { shop, customerGid: row.customerGid, ...data },
    update: data,
  });
  return "APPLIED";
}

/**
 * The customer embedded in an order or checkout: creates the row if missing and fills fields it
 * lacks, never overwriting what a customers/* payload (the authority) already set.
 */
export async function upsertCustomerReference(tx: Db, shop: string, fields: CustomerFields, acceptsMarketing?: boolean | null) {
  await lockResource(tx, `customer:${shop}:${fields.customerGid}`);
  const existing = await tx.customer.findUnique({ where: { shop_customerGid: { shop, customerGid: fields.customerGid } } });
  if (!existing) {
    await tx.customer.create({ data: { shop, ...fields, acceptsMarketing: acceptsMarketing ?? null } });
    return;
  }
  if (existing.deletedAt) return;
  const fill: Record<string, unknown> = {};
  for (const key of ["email", "phone", "firstName", "lastName", "state", "verifiedEmail", "shopifyCreatedAt"] as const) {
    if (existing[key] === null && fields[key] !== null) fill[key] = fields[key];
  }
  if (existing.acceptsMarketing === null && acceptsMarketing !== undefined && acceptsMarketing !== null) fill.acceptsMarketing = acceptsMarketing;
  if (Object.keys(fill).length) await tx.customer.update({ where: { id: existing.id }, data: fill });
}

/** customers/delete: keep the row (orders still reference it) but clear what identifies the person. */
export async function markCustomerDeleted(tx: Db, shop: string, customerGid: string, at: Date) {
  await lockResource(tx, `customer:${shop}:${customerGid}`);
  const cleared = { email: null, phone: null, firstName: null, lastName: null, tags: [], deletedAt: at };
  await tx.customer.upsert({
    where: { shop_customerGid: { shop, customerGid } },
    create: { shop, customerGid, ...cleared, sourceUpdatedAt: at },
    update: cleared,
  });
}
