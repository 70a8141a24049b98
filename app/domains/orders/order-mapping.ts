/**
 * Pure: orders/* and refunds/create payloads to rows. Amounts are taken in shop money
 * (`*_set.shop_money`), so spend adds up in one currency even when buyers pay in others.
 */
import { gidFrom, toGid } from "~/lib/gid";
import { toMinor } from "~/lib/money";
import { splitTags, type OrderPayload, type RefundPayload } from "~/webhooks/payloads";

type Amount = string | number | null | undefined;
type MoneySet = { shop_money?: { amount?: Amount; currency_code?: string | null } | null } | null | undefined;

/** Shop-money minor units from a `*_set`, falling back to the plain amount field in `currency`. */
export function shopMinor(set: MoneySet, plain: Amount, currency: string): bigint {
  const shopMoney = set?.shop_money;
  if (shopMoney?.amount !== undefined && shopMoney?.amount !== null) return toMinor(shopMoney.amount, shopMoney.currency_code ?? currency);
  return toMinor(plain, currency);
}

export type OrderRow = {
  orderGid: string;
  name: string | null;
  orderNumber: number | null;
  customerGid: string | null;
  email: string | null;
  currency: string;
  presentmentCurrency: string | null;
  lineItemsMinor: bigint;
  discountsMinor: bigint;
  subtotalMinor: bigint;
  taxesIncluded: boolean;
  lineItemsTaxMinor: bigint;
  taxMinor: bigint;
  /** Shipping paid, after shipping discounts (shippingPaidMinor). */
  shippingMinor: bigint;
  totalMinor: bigint;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  fulfilledAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  closedAt: Date | null;
  test: boolean;
  buyerAcceptsMarketing: boolean | null;
  tags: string[];
  processedAt: Date;
  shopifyCreatedAt: Date;
  checkoutToken: string | null;
  cartToken: string | null;
  sourceName: string | null;
  landingSite: string | null;
  referringSite: string | null;
  userAgent: string | null;
  sourceUpdatedAt: Date;
};

export type LineItemRow = {
  lineItemGid: string;
  productGid: string | null;
  variantGid: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  priceMinor: bigint;
  discountMinor: bigint;
};

export type RefundRow = {
  refundGid: string;
  orderGid: string;
  currency: string;
  subtotalMinor: bigint;
  taxMinor: bigint;
  /** Refunded shipping before tax (refund_shipping_lines' subtotals). */
  shippingMinor: bigint;
  totalMinor: bigint;
  processedAt: Date;
};

/** The shop currency of an order: shop_money's code where present (payload.currency is the same). */
export function orderCurrency(p: OrderPayload): string {
  return p.total_price_set?.shop_money?.currency_code ?? p.currency;
}

/** The shop currency a refund's amounts are in, when any amount says so. */
export function refundCurrency(p: RefundPayload): string | null {
  for (const li of p.refund_line_items) {
    const code = li.subtotal_set?.shop_money?.currency_code ?? li.total_tax_set?.shop_money?.currency_code;
    if (code) return code;
  }
  return null;
}

export function toRefundRow(p: RefundPayload, shopCurrency: string, fallbackAt: Date): RefundRow {
  const subtotal = p.refund_line_items.reduce((sum, li) => sum + shopMinor(li.subtotal_set, li.subtotal, shopCurrency), 0n);
  const tax = p.refund_line_items.reduce((sum, li) => sum + shopMinor(li.total_tax_set, li.total_tax, shopCurrency), 0n);
  const shipping = p.refund_shipping_lines.reduce((sum, s) => sum + shopMinor(s.subtotal_amount_set, null, shopCurrency), 0n);
  // Money actually returned. Transactions carry no currency in some payloads; they are in the
  // shop currency unless they say otherwise, in which case the line totals are the better figure.
  const refunds = p.transactions.filter((t) => t.kind === "refund" && t.status === "success");
  const foreign = refunds.some((t) => t.currency && t.currency !== shopCurrency);
  const total = refunds.length && !foreign ? refunds.reduce((sum, t) => sum + toMinor(t.amount, shopCurrency), 0n) : subtotal + tax + shipping;
  return {
    refundGid: gidFrom("Refund", p.admin_graphql_api_id, p.id)!,
    orderGid: toGid("Order", p.order_id),
    currency: shopCurrency,
    subtotalMinor: subtotal,
    taxMinor: tax,
    shippingMinor: shipping,
    totalMinor: total,
    processedAt: p.processed_at ?? p.created_at ?? fallbackAt,
  };
}

/**
 * Shipping the buyer paid: the shipping lines' prices after shipping discounts. Shopify's
 * total_shipping_price_set is before them (its sample: 10.00 shipping, free with a discount, so
 * 0.00 paid). Shopify's order payloads always carry shipping_lines (empty without shipping); a
 * body without the field at all falls back to the total.
 */
function shippingPaidMinor(p: Pick<OrderPayload, "shipping_lines" | "total_shipping_price_set">, currency: string): bigint {
  if (!p.shipping_lines) return shopMinor(p.total_shipping_price_set, null, currency);
  return p.shipping_lines.reduce((sum, line) => sum + shopMinor(line.discounted_price_set, line.discounted_price, currency), 0n);
}

export function toOrderRows(p: OrderPayload, customerGid: string | null, fallbackUpdatedAt: Date) {
  const currency = orderCurrency(p);
  const orderGid = gidFrom("Order", p.admin_graphql_api_id, p.id)!;
  const createdAt = p.created_at ?? p.processed_at ?? fallbackUpdatedAt;
  const fulfilledAt =
    p.fulfillment_status === "fulfilled"
      ? p.fulfillments.reduce<Date | null>((latest, f) => (f.created_at && (!latest || f.created_at > latest) ? f.created_at : latest), null) ??
        p.updated_at ??
        fallbackUpdatedAt
      : null;
  const order: OrderRow = {
    orderGid,
    name: p.name ?? null,
    orderNumber: p.order_number ?? null,
    customerGid,
    email: (p.email || p.contact_email || p.customer?.email)?.toLowerCase() ?? null,
    currency,
    presentmentCurrency: p.presentment_currency ?? null,
    lineItemsMinor: shopMinor(p.total_line_items_price_set, p.total_line_items_price, currency),
    discountsMinor: shopMinor(p.total_discounts_set, p.total_discounts, currency),
    subtotalMinor: shopMinor(p.subtotal_price_set, p.subtotal_price, currency),
    // Shopify: when taxes_included, subtotal_price includes tax; net spend takes the line items'
    // tax back out (total_tax also holds shipping's tax, which the subtotal never includes).
    taxesIncluded: p.taxes_included ?? false,
    lineItemsTaxMinor: p.line_items.reduce((sum, li) => sum + li.tax_lines.reduce((t, tl) => t + shopMinor(tl.price_set, tl.price, currency), 0n), 0n),
    taxMinor: shopMinor(p.total_tax_set, p.total_tax, currency),
    shippingMinor: shippingPaidMinor(p, currency),
    totalMinor: shopMinor(p.total_price_set, p.total_price, currency),
    financialStatus: p.financial_status ?? null,
    fulfillmentStatus: p.fulfillment_status ?? null,
    fulfilledAt,
    cancelledAt: p.cancelled_at ?? null,
    cancelReason: p.cancel_reason ?? null,
    closedAt: p.closed_at ?? null,
    test: p.test ?? false,
    buyerAcceptsMarketing: p.buyer_accepts_marketing ?? null,
    tags: splitTags(p.tags),
    processedAt: p.processed_at ?? createdAt,
    shopifyCreatedAt: createdAt,
    checkoutToken: p.checkout_token ?? null,
    cartToken: p.cart_token ?? null,
    sourceName: p.source_name ?? null,
    landingSite: p.landing_site ?? null,
    referringSite: p.referring_site ?? null,
    userAgent: p.client_details?.user_agent ?? null,
    sourceUpdatedAt: p.updated_at ?? fallbackUpdatedAt,
  };
  const lineItems: LineItemRow[] = p.line_items.map((li) => {
    const allocated = li.discount_allocations.reduce((sum, a) => sum + shopMinor(a.amount_set, a.amount, currency), 0n);
    const lineDiscount = shopMinor(li.total_discount_set, li.total_discount, currency);
    return {
      lineItemGid: gidFrom("LineItem", li.admin_graphql_api_id, li.id)!,
      productGid: li.product_id ? toGid("Product", li.product_id) : null,
      variantGid: li.variant_id ? toGid("ProductVariant", li.variant_id) : null,
      title: li.title,
      variantTitle: li.variant_title ?? null,
      sku: li.sku ?? null,
      quantity: li.quantity,
      priceMinor: shopMinor(li.price_set, li.price, currency),
      discountMinor: allocated > lineDiscount ? allocated : lineDiscount,
    };
  });
  const refunds = p.refunds.map((r) => toRefundRow(r, currency, order.sourceUpdatedAt));
  return { order, lineItems, refunds };
}
