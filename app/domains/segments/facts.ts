/**
 * Which orders count, and for how much: PRODUCT.md's "qualifying order" and "net spend", written
 * once as SQL over an Order row (alias given) and its refunded subtotal. Pure (builds SQL text).
 *
 * - Qualifying: paid (financial status paid or partially_refunded), not cancelled, not fully
 *   refunded (status refunded, or refunds covering the whole subtotal), not a test order.
 *   Every other order is listed in a customer's explanation with the reason it does not count.
 * - Net spend: subtotal (line items - discounts, Shopify's subtotal_price) - refunded line items
 *   (Refund.subtotalMinor), floored at 0; tax and shipping never count. Where the order's prices
 *   include tax (taxesIncluded), Shopify's subtotal and the refund lines' subtotals include the
 *   line items' tax: it is taken out of both (Order.lineItemsTaxMinor, Refund.taxMinor), so a
 *   shop entering prices with VAT is not credited the VAT as spend.
 * - Currency: Order amounts are shop money (already converted by Shopify from whatever the buyer
 *   paid in). Only orders whose shop money is in the shop's current currency add to spend; an
 *   order recorded under an earlier shop currency still counts as an order (R, F) but adds 0 to
 *   M and amount spent, and its explanation says so (spendExclusionSql: OTHER_CURRENCY). Nothing
 *   is converted by us.
 * - Orders without a customer (guest checkouts) belong to no profile.
 */
import { raw, sql, type Sql } from "~/lib/sql";

export const QUALIFYING_FINANCIAL_STATUSES = ["paid", "partially_refunded"] as const;

export const ORDER_EXCLUSION_REASONS = ["TEST", "CANCELLED", "REFUNDED", "UNPAID"] as const;
export type OrderExclusionReason = (typeof ORDER_EXCLUSION_REASONS)[number];

/** The exclusion rules in order: the first that holds is the order's reason. */
function exclusions(o: string, refunded: Sql): [OrderExclusionReason, Sql][] {
  const col = (name: string) => raw(`${o}."${name}"`);
  const paid = QUALIFYING_FINANCIAL_STATUSES.map((s) => `'${s}'`).join(", ");
  return [
    ["TEST", sql`${col("test")}`],
    ["CANCELLED", sql`${col("cancelledAt")} IS NOT NULL`],
    ["REFUNDED", sql`${col("financialStatus")} = 'refunded' OR (${refunded} > 0 AND ${refunded} >= ${col("subtotalMinor")})`],
    ["UNPAID", sql`${col("financialStatus")} IS NULL OR ${col("financialStatus")} NOT IN (${raw(paid)})`],
  ];
}

/** Why an order does not qualify (NULL when it does), first reason wins. */
export function orderExclusionSql(o: string, refunded: Sql): Sql {
  const arms = exclusions(o, refunded).map(([reason, cond]) => sql`WHEN ${cond} THEN '${raw(reason)}'`);
  return sql`(CASE ${arms.reduce((acc, arm) => sql`${acc} ${arm}`, raw(""))} END)`;
}

/**
 * The same rules as a plain predicate (the order qualifies): no rule holds. Written as separate
 * column conditions so the planner can estimate how many orders pass (a CASE ... IS NULL looks
 * like 0.5% to it, and it then picks nested loops over a million orders). `IS NOT TRUE` (a NULL
 * condition does not exclude) rather than `NOT COALESCE(…, false)`: the planner estimates the
 * former from the column statistics, the latter as 1 in 8 of the orders passing whatever the data
 * (125,000 of a million planned, 945,000 read).
 */
export function qualifyingOrderSql(o: string, refunded: Sql): Sql {
  const conds = exclusions(o, refunded).map(([, cond]) => sql`(${cond}) IS NOT TRUE`);
  return sql`(${conds.reduce((acc, c, i) => (i === 0 ? c : sql`${acc} AND ${c}`), raw(""))})`;
}

/** Why a qualifying order adds nothing to spend although it counts for R and F (NULL: it adds). */
const SPEND_EXCLUSION_REASONS = ["OTHER_CURRENCY"] as const;
export type SpendExclusionReason = (typeof SPEND_EXCLUSION_REASONS)[number];

/** Whether an order's amounts are in the shop's currency, the one spend is summed in. */
export function inShopCurrencySql(o: string, currency: string): Sql {
  return sql`(${raw(`${o}.currency`)} = ${currency})`;
}

export function spendExclusionSql(o: string, currency: string): Sql {
  return sql`(CASE WHEN ${inShopCurrencySql(o, currency)} IS NOT TRUE THEN 'OTHER_CURRENCY' END)`;
}

/** Net spend of one order in its shop money (minor units), net of tax where prices include it. */
export function netSpendSql(o: string, refunds: Refunds): Sql {
  const taxIncluded = (amount: Sql) => sql`(CASE WHEN ${raw(`${o}."taxesIncluded"`)} THEN ${amount} ELSE 0 END)`;
  return sql`GREATEST(${raw(`${o}."subtotalMinor"`)} - ${taxIncluded(raw(`${o}."lineItemsTaxMinor"`))} - (${refunds.value} - ${taxIncluded(refunds.tax)}), 0)`;
}

/**
 * Refunded line items per order: `value` their subtotal (what the REFUNDED rule compares with the
 * subtotal, tax included on both sides where prices include it), `tax` their tax.
 */
export type Refunds = { join: Sql; value: Sql; tax: Sql };

/**
 * Refunded line-item subtotal per order. For a whole shop one aggregate joins fastest; for a few
 * customers a per-order index lookup does (the result is the same).
 */
export function refundedSql(o: string, shop: string, mode: "aggregate" | "lookup"): Refunds {
  const columns = `sum("subtotalMinor")::bigint AS refunded, sum("taxMinor")::bigint AS refunded_tax`;
  const tax = raw(`COALESCE(rf.refunded_tax, 0)`);
  if (mode === "aggregate") {
    return {
      join: sql`LEFT JOIN (SELECT "orderGid", ${raw(columns)} FROM "Refund" WHERE "shop" = ${shop} GROUP BY "orderGid") rf ON rf."orderGid" = ${raw(`${o}."orderGid"`)}`,
      value: raw(`COALESCE(rf.refunded, 0)`),
      tax,
    };
  }
  return {
    join: sql`LEFT JOIN LATERAL (SELECT ${raw(columns)} FROM "Refund" r WHERE r."shop" = ${shop} AND r."orderGid" = ${raw(`${o}."orderGid"`)}) rf ON true`,
    value: raw(`COALESCE(rf.refunded, 0)`),
    tax,
  };
}
