/**
 * History backfill, pure part: Admin GraphQL bulk-operation JSONL objects (customers, orders with
 * their line items, abandoned checkouts) turned into the REST webhook payload shapes that
 * app/webhooks/payloads.ts parses, so the very same domain code (and its idempotency: upserts by
 * GID, stale updates dropped by updated_at) stores them. Nothing here does I/O.
 *
 * Gaps of the GraphQL side, handled here:
 * - refunds: a bulk query cannot page refund line items under an order's refunds list, so the
 *   refunded line-item subtotal is taken as subtotal - current subtotal and their tax as the
 *   order's line-item tax lines before returns - after returns (taxLines - currentTaxLines), both
 *   attached to the order's latest refund (per-refund split unknown; net spend only needs the sum);
 * - abandoned checkouts carry no token field: it is the path segment before "/recover" of
 *   abandonedCheckoutUrl (else "ac-<id>"); they also carry no source/landing fields.
 */
import { gidTail } from "~/lib/gid";

export const BACKFILL_PHASES = ["CUSTOMERS", "ORDERS", "ABANDONED_CHECKOUTS", "RECOMPUTE", "DONE"] as const;
export type BackfillPhase = (typeof BACKFILL_PHASES)[number];

/**
 * Whether the granted scopes let the import read every order: without `read_all_orders` (granted
 * by Shopify on request) the Admin API returns the last 60 days only. Null when the scopes are not
 * known.
 */
export function readsAllOrders(scopes: string | null | undefined): boolean | null {
  if (!scopes) return null;
  return scopes.split(",").map((s) => s.trim()).includes("read_all_orders");
}

export function nextPhase(phase: BackfillPhase): BackfillPhase {
  return BACKFILL_PHASES[Math.min(BACKFILL_PHASES.indexOf(phase) + 1, BACKFILL_PHASES.length - 1)]!;
}

/**
 * How many times one phase may lose its bulk result and start a new bulk operation (a FAILED
 * operation with a retryable code, an EXPIRED one, a result file that could not be downloaded)
 * before the run is FAILED. An expired result counts twice: its download fails, then the poll
 * reads EXPIRED.
 */
export const MAX_PHASE_RETRIES = 5;

/**
 * A running import whose last progress (BackfillRun.updatedAt: every step that moves it writes it;
 * polls every 5 s, batches within 25 s) is older than this has lost its job chain: an enqueue that
 * timed out, a step retried until BullMQ gave up, a job lost with Redis. The stall sweep re-queues
 * it and the home page offers to resume it. Longer than any silent wait of a live chain but
 * BullMQ's later retry backoffs, during which the sweep's add is a no-op (same dedup id).
 */
export const STALL_AFTER_MS = 15 * 60_000;

/**
 * How many times the sweep re-queues a run that makes no progress (at 15, 30, 60 and 120 minutes
 * without any) before it fails it, at 240 minutes, so a run that cannot move ends FAILED with its
 * last error, where the merchant can resume it, instead of RUNNING forever.
 */
export const MAX_STALLS = 4;

/** When the sweep next acts on a run: STALL_AFTER_MS after its last progress, doubling with each re-queue. */
export function stallDueAt(lastProgressAt: Date, stalls: number): Date {
  return new Date(lastProgressAt.getTime() + STALL_AFTER_MS * 2 ** stalls);
}

/** A running import without progress for STALL_AFTER_MS (what the home page calls stalled). */
export function isStalled(run: { status: string; updatedAt: Date }, now: Date): boolean {
  return run.status === "RUNNING" && now.getTime() - run.updatedAt.getTime() >= STALL_AFTER_MS;
}

/**
 * BulkOperation.errorCode values worth a new operation. Shopify's schema: INTERNAL_SERVER_ERROR
 * "might be intermittent, so you can try performing the same query again"; TIMEOUT is a query
 * timeout during execution, which a quieter moment may avoid. ACCESS_DENIED (a missing scope)
 * answers the same until the merchant grants it: the run fails and its resume starts over.
 */
const RETRYABLE_BULK_ERRORS = new Set(["INTERNAL_SERVER_ERROR", "TIMEOUT"]);

export type BulkVerdict =
  | { kind: "WAIT" }
  | { kind: "COMPLETED" }
  /** The result is lost or never came: run the phase's bulk query again. */
  | { kind: "RETRY"; reason: string }
  | { kind: "FAIL"; reason: string };

/** What a polled bulk operation means for the run (null: Shopify does not know the id). */
export function judgeBulkOperation(op: { status: string; errorCode: string | null; objectCount: string; url: string | null } | null): BulkVerdict {
  if (!op) return { kind: "RETRY", reason: "bulk operation not found" };
  switch (op.status) {
    case "COMPLETED":
      // No file is normal for an empty result; objects and no file means the file is gone.
      return !op.url && Number(op.objectCount) > 0 ? { kind: "RETRY", reason: "completed without its result file" } : { kind: "COMPLETED" };
    case "EXPIRED": // the result URL's 7 days are over: the file must be produced again
      return { kind: "RETRY", reason: "EXPIRED" };
    case "FAILED":
      return op.errorCode && RETRYABLE_BULK_ERRORS.has(op.errorCode) ? { kind: "RETRY", reason: op.errorCode } : { kind: "FAIL", reason: op.errorCode ?? "FAILED" };
    case "CANCELED": // nobody but this app can cancel it, and it does not
      return { kind: "FAIL", reason: "CANCELED" };
    default: // CREATED, RUNNING, CANCELING
      return { kind: "WAIT" };
  }
}

/**
 * bulkOperationRunQuery userErrors (BulkOperationUserErrorCode) that mean "later": a bulk query of
 * the shop is already running (ours after a lost write, or another app's), or the shop's limit is
 * reached. Any other code (INVALID, or none) answers the same on every try.
 */
const WAIT_USER_ERRORS = new Set(["OPERATION_IN_PROGRESS", "LIMIT_REACHED"]);

export function shouldWaitFor(userErrors: { code?: string | null }[]): boolean {
  return userErrors.length > 0 && userErrors.every((e) => !!e.code && WAIT_USER_ERRORS.has(e.code));
}

type Money = { amount?: string | null; currencyCode?: string | null } | null | undefined;
type Bag = { shopMoney?: Money; presentmentMoney?: Money } | null | undefined;
export type JsonObject = Record<string, unknown> & { id?: string; __parentId?: string };

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : null);
const str = (v: unknown) => (typeof v === "string" ? v : null);
const setOf = (bag: Bag) => (bag?.shopMoney ? { shop_money: { amount: bag.shopMoney.amount, currency_code: bag.shopMoney.currencyCode } } : null);
const shopAmount = (bag: Bag) => Number(bag?.shopMoney?.amount ?? 0);
type TaxLines = { priceSet?: Bag }[] | null | undefined;
const taxSum = (lines: unknown) => ((lines as TaxLines) ?? []).reduce((sum, l) => sum + shopAmount(l.priceSet), 0);

function customerRef(c: Record<string, unknown> | null | undefined) {
  if (!c || typeof c.id !== "string") return null;
  const email = (c.defaultEmailAddress as { emailAddress?: string } | null)?.emailAddress ?? null;
  const phone = (c.defaultPhoneNumber as { phoneNumber?: string } | null)?.phoneNumber ?? null;
  return {
    id: gidTail(c.id),
    admin_graphql_api_id: c.id,
    email,
    phone,
    first_name: str(c.firstName),
    last_name: str(c.lastName),
    state: lower(c.state),
    verified_email: typeof c.verifiedEmail === "boolean" ? c.verifiedEmail : null,
    created_at: str(c.createdAt),
    updated_at: str(c.updatedAt),
  };
}

/** A BackfillCustomers node → customers/update payload, plus Shopify's rfmGroup. */
export function customerPayload(node: JsonObject) {
  const ref = customerRef(node)!;
  const marketing = (node.defaultEmailAddress as { marketingState?: string } | null)?.marketingState;
  return {
    payload: {
      ...ref,
      tags: Array.isArray(node.tags) ? (node.tags as string[]).join(", ") : null,
      locale: str(node.locale),
      email_marketing_consent: marketing ? { state: marketing.toLowerCase() } : null,
    },
    rfmGroup: str((node.statistics as { rfmGroup?: string } | null)?.rfmGroup),
  };
}

/** A BackfillOrders node and its line items → orders/updated payload. */
export function orderPayload(node: JsonObject, children: JsonObject[]) {
  const subtotal = node.subtotalPriceSet as Bag;
  const currentSubtotal = node.currentSubtotalPriceSet as Bag;
  const discounts = node.totalDiscountsSet as Bag;
  const currency = subtotal?.shopMoney?.currencyCode ?? str(node.currencyCode) ?? "USD";
  const refundedSubtotal = Math.max(0, shopAmount(subtotal) - shopAmount(currentSubtotal ?? subtotal));
  // Order.taxLines / currentTaxLines: line items' tax before and after returns (shipping's apart).
  const refundedTax = Math.max(0, taxSum(node.taxLines) - taxSum(node.currentTaxLines ?? node.taxLines));
  const refunds = ((node.refunds as JsonObject[] | null) ?? []).slice().sort((a, b) => String(a.processedAt ?? a.createdAt).localeCompare(String(b.processedAt ?? b.createdAt)));
  const fulfillment = lower(node.displayFulfillmentStatus);
  return {
    id: gidTail(String(node.id)),
    admin_graphql_api_id: node.id,
    name: str(node.name),
    order_number: typeof node.number === "number" ? node.number : null,
    email: str(node.email),
    currency,
    presentment_currency: str(node.presentmentCurrencyCode),
    subtotal_price_set: setOf(subtotal),
    taxes_included: node.taxesIncluded === true,
    total_price_set: setOf(node.totalPriceSet as Bag),
    total_discounts_set: setOf(discounts),
    total_tax_set: setOf(node.totalTaxSet as Bag),
    total_shipping_price_set: setOf(node.totalShippingPriceSet as Bag),
    // The order's shipping summary after shipping discounts, as the webhook's shipping_lines carry
    // it (what loyalty earns on); null: nothing shipped.
    ...(node.shippingLine === undefined
      ? {}
      : { shipping_lines: node.shippingLine ? [{ discounted_price_set: setOf((node.shippingLine as { discountedPriceSet?: Bag }).discountedPriceSet) }] : [] }),
    total_line_items_price_set: subtotal?.shopMoney
      ? { shop_money: { amount: (shopAmount(subtotal) + shopAmount(discounts)).toFixed(6), currency_code: currency } }
      : null,
    financial_status: lower(node.displayFinancialStatus),
    fulfillment_status: fulfillment === "fulfilled" ? "fulfilled" : fulfillment === "partially_fulfilled" ? "partial" : null,
    cancelled_at: str(node.cancelledAt),
    cancel_reason: lower(node.cancelReason),
    closed_at: str(node.closedAt),
    test: node.test === true,
    buyer_accepts_marketing: typeof node.customerAcceptsMarketing === "boolean" ? node.customerAcceptsMarketing : null,
    tags: Array.isArray(node.tags) ? (node.tags as string[]).join(", ") : null,
    processed_at: str(node.processedAt),
    created_at: str(node.createdAt),
    updated_at: str(node.updatedAt),
    source_name: str(node.sourceName),
    customer: customerRef(node.customer as Record<string, unknown> | null),
    line_items: children
      .filter((c) => typeof c.id === "string" && c.id.includes("/LineItem/"))
      .map((li) => {
        const unit = li.originalUnitPriceSet as Bag;
        return {
          id: gidTail(String(li.id)),
          admin_graphql_api_id: li.id,
          product_id: (li.product as { id?: string } | null)?.id ? gidTail((li.product as { id: string }).id) : null,
          variant_id: (li.variant as { id?: string } | null)?.id ? gidTail((li.variant as { id: string }).id) : null,
          title: str(li.title) ?? "",
          variant_title: str(li.variantTitle),
          sku: str(li.sku),
          quantity: typeof li.quantity === "number" ? li.quantity : 0,
          price_set: setOf(unit),
          total_discount_set: setOf(li.totalDiscountSet as Bag),
          discount_allocations: [],
          tax_lines: ((li.taxLines as TaxLines) ?? []).map((tl) => ({ price_set: setOf(tl.priceSet) })),
        };
      }),
    refunds: refunds.map((r, i) => {
      const total = r.totalRefundedSet as Bag;
      const last = i === refunds.length - 1;
      return {
        id: gidTail(String(r.id)),
        admin_graphql_api_id: r.id,
        order_id: gidTail(String(node.id)),
        created_at: str(r.createdAt),
        processed_at: str(r.processedAt) ?? str(r.createdAt),
        refund_line_items: [
          {
            subtotal_set: { shop_money: { amount: (last ? refundedSubtotal : 0).toFixed(6), currency_code: currency } },
            total_tax_set: { shop_money: { amount: (last ? refundedTax : 0).toFixed(6), currency_code: currency } },
          },
        ],
        transactions: [{ kind: "refund", status: "success", amount: String(total?.shopMoney?.amount ?? "0"), currency }],
      };
    }),
  };
}

/** The checkout token inside a recovery URL (…/checkouts/<token>/recover?key=…). */
export function tokenFromRecoveryUrl(url: string | null | undefined): string | null {
  const match = /\/checkouts\/(?:[a-z]{1,3}\/)?([A-Za-z0-9_-]{6,})\/recover/.exec(url ?? "");
  return match?.[1] ?? null;
}

/** A BackfillAbandonedCheckouts node and its line items → checkouts/update payload. */
export function abandonedCheckoutPayload(node: JsonObject, children: JsonObject[]) {
  const total = node.totalPriceSet as { presentmentMoney?: Money } | null;
  const subtotal = node.subtotalPriceSet as { presentmentMoney?: Money } | null;
  const currency = total?.presentmentMoney?.currencyCode ?? "USD";
  const customer = customerRef(node.customer as Record<string, unknown> | null);
  const numericId = gidTail(String(node.id));
  return {
    id: numericId,
    token: tokenFromRecoveryUrl(str(node.abandonedCheckoutUrl)) ?? `ac-${numericId}`,
    name: str(node.name),
    email: customer?.email ?? null,
    phone: customer?.phone ?? null,
    currency,
    presentment_currency: currency,
    subtotal_price: subtotal?.presentmentMoney?.amount ?? null,
    total_price: total?.presentmentMoney?.amount ?? null,
    created_at: str(node.createdAt),
    updated_at: str(node.updatedAt),
    completed_at: str(node.completedAt),
    customer,
    line_items: children.map((li) => ({
      product_id: (li.product as { id?: string } | null)?.id ? gidTail((li.product as { id: string }).id) : null,
      variant_id: (li.variant as { id?: string } | null)?.id ? gidTail((li.variant as { id: string }).id) : null,
      title: str(li.title) ?? "",
      variant_title: str(li.variantTitle),
      sku: str(li.sku),
      quantity: typeof li.quantity === "number" ? li.quantity : 0,
      price: (li.originalUnitPriceSet as { presentmentMoney?: Money } | null)?.presentmentMoney?.amount ?? null,
    })),
  };
}

/**
 * Groups JSONL lines (already parsed, in file order) into root objects with their children:
 * with groupObjects, a parent's children follow it directly and carry `__parentId`.
 */
export async function* groupRoots(
  lines: AsyncIterable<{ index: number; object: JsonObject }>,
): AsyncGenerator<{ root: JsonObject; children: JsonObject[]; firstIndex: number; lastIndex: number }> {
  let current: { root: JsonObject; children: JsonObject[]; firstIndex: number; lastIndex: number } | null = null;
  for await (const { index, object } of lines) {
    if (object.__parentId && current && object.__parentId === current.root.id) {
      current.children.push(object);
      current.lastIndex = index;
      continue;
    }
    if (object.__parentId) continue; // an orphan child (its parent was filtered out): nothing to attach it to
    if (current) yield current;
    current = { root: object, children: [], firstIndex: index, lastIndex: index };
  }
  if (current) yield current;
}
