/**
 * topic → domain handler(s). Run by the worker inside the delivery's transaction, never by the
 * route. Each handler parses the fields it reads with the topic's zod schema; a payload that
 * fails it is REJECTED with the first issue as the reason (validly signed, so Shopify must not
 * retry it: it would fail the same way).
 */
import type { z } from "zod";
import type { SqlClient } from "~/db.server";
import { applyCheckoutDeleted, applyCheckoutPayload } from "~/domains/checkouts/checkouts.server";
import { applyCustomerDeleted, applyCustomerPayload, customerGidOf } from "~/domains/customers/customers.server";
import { applyOrderPayload, applyRefundPayload } from "~/domains/orders/orders.server";
import { exportCustomerData, redactCustomer, redactShop } from "~/domains/shops/privacy.server";
import { getShopStateForDelivery, recordScopesUpdate, recordUninstall, shopCurrency } from "~/domains/shops/shops.server";
import type { JobItem } from "~/queues/jobs";
import { followUpsFor, type ChangeCause } from "~/domains/customers/changes.server";
import {
  CheckoutDeletePayloadSchema,
  CheckoutPayloadSchema,
  CustomerDeletePayloadSchema,
  CustomerPayloadSchema,
  CustomerRedactPayloadSchema,
  DataRequestPayloadSchema,
  describeIssue,
  OrderPayloadSchema,
  RefundPayloadSchema,
  ScopesUpdatePayloadSchema,
  ShopPayloadSchema,
} from "~/webhooks/payloads";
import { isComplianceTopic, type WebhookTopic } from "~/webhooks/topics";

export type DeliveryContext = {
  eventId: bigint;
  shop: string;
  topic: WebhookTopic;
  /** Shopify's event time if sent, else when we received it: the fallback for a missing updated_at. */
  occurredAt: Date;
  receivedAt: Date;
};

export type DispatchResult = {
  status: "PROCESSED" | "SKIPPED" | "REJECTED";
  outcome: string;
  customerGid?: string | null;
  /** Follow-up jobs (recomputes, syncs), enqueued before the delivery's transaction commits. */
  followUps?: JobItem[];
};

class PayloadRejected extends Error {}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (!result.success) throw new PayloadRejected(describeIssue(result.error));
  return result.data;
}

type Handler = (sql: SqlClient, ctx: DeliveryContext, payload: unknown) => Promise<DispatchResult>;

const CAUSE: Partial<Record<WebhookTopic, ChangeCause>> = {
  "orders/create": "order",
  "orders/paid": "order",
  "orders/updated": "order",
  "orders/cancelled": "order",
  "orders/fulfilled": "order",
  "refunds/create": "refund",
  "checkouts/create": "checkout",
  "checkouts/update": "checkout",
  "customers/create": "customer",
  "customers/update": "customer",
  "customers/delete": "customer",
};

/**
 * A delivery that changed a customer's data: PROCESSED with the follow-ups features asked for. A
 * stale one is SKIPPED with only the reactions to the event it reports (see followUpsFor).
 */
function processed(ctx: DeliveryContext, outcome: string, customerGid: string | null, orderGid?: string | null, customerState?: string | null): DispatchResult {
  const cause = CAUSE[ctx.topic];
  const stale = outcome === "STALE";
  const followUps = cause ? followUpsFor({ shop: ctx.shop, customerGid, cause, topic: ctx.topic, orderGid, customerState }, { stale }) : [];
  return { status: stale ? "SKIPPED" : "PROCESSED", outcome, customerGid, followUps };
}

const orderHandler: Handler = async (sql, ctx, payload) => {
  const r = await applyOrderPayload(sql, ctx.shop, parse(OrderPayloadSchema, payload), ctx.occurredAt);
  return processed(ctx, r.outcome, r.customerGid, r.orderGid);
};

const HANDLERS: Record<WebhookTopic, Handler> = {
  "orders/create": orderHandler,
  "orders/paid": orderHandler,
  "orders/updated": orderHandler,
  "orders/cancelled": orderHandler,
  "orders/fulfilled": orderHandler,
  "refunds/create": async (sql, ctx, payload) => {
    const currency = await shopCurrency(sql, ctx.shop);
    const r = await applyRefundPayload(sql, ctx.shop, parse(RefundPayloadSchema, payload), currency, ctx.occurredAt);
    return processed(ctx, r.outcome, r.customerGid, r.orderGid);
  },
  "checkouts/create": async (sql, ctx, payload) => {
    const r = await applyCheckoutPayload(sql, ctx.shop, parse(CheckoutPayloadSchema, payload), ctx.occurredAt);
    return processed(ctx, r.outcome, r.customerGid);
  },
  "checkouts/update": async (sql, ctx, payload) => HANDLERS["checkouts/create"](sql, ctx, payload),
  "checkouts/delete": async (sql, ctx, payload) => {
    const outcome = await applyCheckoutDeleted(sql, ctx.shop, parse(CheckoutDeletePayloadSchema, payload), ctx.occurredAt);
    return { status: "PROCESSED", outcome };
  },
  "customers/create": async (sql, ctx, payload) => {
    const parsed = parse(CustomerPayloadSchema, payload);
    const outcome = await applyCustomerPayload(sql, ctx.shop, parsed, ctx.occurredAt);
    return processed(ctx, outcome, customerGidOf(parsed), null, parsed.state ?? null);
  },
  "customers/update": async (sql, ctx, payload) => HANDLERS["customers/create"](sql, ctx, payload),
  "customers/delete": async (sql, ctx, payload) => {
    const customerGid = customerGidOf(parse(CustomerDeletePayloadSchema, payload))!;
    return processed(ctx, await applyCustomerDeleted(sql, ctx.shop, customerGid, ctx.occurredAt), customerGid);
  },
  "app/uninstalled": async (sql, ctx, payload) => {
    const shop = parse(ShopPayloadSchema, payload);
    const outcome = await recordUninstall(sql, ctx.shop, { name: shop.name, email: shop.email, currency: shop.currency, ianaTimezone: shop.iana_timezone }, ctx.occurredAt);
    return { status: "PROCESSED", outcome };
  },
  "app/scopes_update": async (sql, ctx, payload) => {
    const outcome = await recordScopesUpdate(sql, ctx.shop, parse(ScopesUpdatePayloadSchema, payload).current);
    return { status: "PROCESSED", outcome };
  },
  "customers/data_request": async (sql, ctx, payload) => {
    const r = await exportCustomerData(sql, ctx.shop, parse(DataRequestPayloadSchema, payload), ctx.eventId, ctx.receivedAt);
    return { status: "PROCESSED", outcome: r.outcome };
  },
  "customers/redact": async (sql, ctx, payload) => {
    const r = await redactCustomer(sql, ctx.shop, parse(CustomerRedactPayloadSchema, payload), ctx.eventId, ctx.receivedAt);
    return { status: "PROCESSED", outcome: r.outcome };
  },
  "shop/redact": async (sql, ctx) => {
    const r = await redactShop(sql, ctx.shop, ctx.occurredAt);
    return { status: "PROCESSED", outcome: r.outcome };
  },
};

/** Topics still applied after uninstall: privacy law outlives the install, and uninstall repeats. */
const AFTER_UNINSTALL = new Set<WebhookTopic>(["app/uninstalled", "app/scopes_update"]);

export async function dispatch(sql: SqlClient, ctx: DeliveryContext, payload: unknown): Promise<DispatchResult> {
  if (!isComplianceTopic(ctx.topic) && !AFTER_UNINSTALL.has(ctx.topic)) {
    if ((await getShopStateForDelivery(sql, ctx.shop)) === "uninstalled") {
      return { status: "SKIPPED", outcome: "SHOP_UNINSTALLED" };
    }
  }
  try {
    return await HANDLERS[ctx.topic](sql, ctx, payload);
  } catch (error) {
    if (error instanceof PayloadRejected) return { status: "REJECTED", outcome: error.message };
    throw error;
  }
}
