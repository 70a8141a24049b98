/** Pure: customer payloads (customers/* topics, and the customer embedded in orders and checkouts) to rows. */
import { gidFrom } from "~/lib/gid";
import { splitTags, type CustomerPayload } from "~/webhooks/payloads";
import type { z } from "zod";
import type { CustomerRefSchema } from "~/webhooks/payloads";

type CustomerRef = z.infer<typeof CustomerRefSchema>;

export type CustomerFields = {
  customerGid: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  state: string | null;
  verifiedEmail: boolean | null;
  shopifyCreatedAt: Date | null;
};

export function customerGidOf(ref: { id?: string | null; admin_graphql_api_id?: string | null } | null | undefined): string | null {
  if (!ref) return null;
  return gidFrom("Customer", ref.admin_graphql_api_id, ref.id);
}

export function toCustomerFields(ref: CustomerRef): CustomerFields | null {
  const customerGid = customerGidOf(ref);
  if (!customerGid) return null;
  return {
    customerGid,
    email: ref.email?.toLowerCase() ?? null,
    phone: ref.phone ?? null,
    firstName: ref.first_name ?? null,
    lastName: ref.last_name ?? null,
    state: ref.state ?? null,
    verifiedEmail: ref.verified_email ?? null,
    shopifyCreatedAt: ref.created_at ?? null,
  };
}

export type CustomerRow = CustomerFields & {
  tags: string[] | undefined;
  acceptsMarketing: boolean | null | undefined;
  locale: string | null;
  sourceUpdatedAt: Date;
};

/**
 * A customers/create|update payload. Since API 2025-01 these payloads no longer carry tags or
 * marketing consent (they have their own topics), so those stay `undefined`: not overwritten.
 */
export function toCustomerRow(payload: CustomerPayload, fallbackUpdatedAt: Date): CustomerRow {
  const fields = toCustomerFields(payload)!;
  const consent = payload.email_marketing_consent?.state;
  return {
    ...fields,
    tags: payload.tags === undefined || payload.tags === null ? undefined : splitTags(payload.tags),
    acceptsMarketing: consent ? consent === "subscribed" : undefined,
    locale: payload.locale ?? null,
    sourceUpdatedAt: payload.updated_at ?? fallbackUpdatedAt,
  };
}
