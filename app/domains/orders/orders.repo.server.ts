import type { Db } from "~/db.server";
import type { LineItemRow, OrderRow, RefundRow } from "~/domains/orders/order-mapping";
import { lockResource } from "~/lib/locks.server";

/**
 * Writes the order and replaces its line items, unless a newer version of the order is stored
 * (out-of-order or retried deliveries). Equal timestamps re-apply the same state: harmless.
 */
export async function upsertOrder(tx: Db, shop: string, order: OrderRow, lineItems: LineItemRow[]): Promise<"APPLIED" | "STALE"> {
  await lockResource(tx, `order:${shop}:${order.orderGid}`);
  const existing = await tx.order.findUnique({
    where: { shop_orderGid: { shop, orderGid: order.orderGid } },
    select: { id: true, sourceUpdatedAt: true },
  });
  if (existing && existing.sourceUpdatedAt > order.sourceUpdatedAt) return "STALE";
  const saved = await tx.order.upsert({
    where: { shop_orderGid: { shop, orderGid: order.orderGid } },
    create: { shop, ...order },
    update: order,
    select: { id: true },
  });
  await tx.orderLineItem.deleteMany({ where: { orderId: saved.id } });
  if (lineItems.length) {
    await tx.orderLineItem.createMany({ data: lineItems.map((li) => ({ shop, orderId: saved.id, ...li })) });
  }
  return "APPLIED";
}

/**
 * A refund never changes once created, so converging on one row per refund GID is enough. It can
 * arrive twice at once (refunds/create and the order's refunds array), hence the lock.
 */
export async function upsertRefund(tx: Db, shop: string, refund: RefundRow) {
  await lockResource(tx, `refund:${shop}:${refund.refundGid}`);
  await tx.refund.upsert({
    where: { shop_refundGid: { shop, refundGid: refund.refundGid } },
    create: { shop, ...refund },
    update: refund,
  });
}

/** Links a checkout to the order that completed it (either may arrive first). */
export async function linkCheckoutToOrder(tx: Db, shop: string, checkoutToken: string, orderGid: string, completedAt: Date) {
  await tx.checkout.updateMany({ where: { shop, token: checkoutToken, orderGid: null }, data: { orderGid } });
  await tx.checkout.updateMany({ where: { shop, token: checkoutToken, completedAt: null }, data: { completedAt } });
}

export async function findOrderGidByCheckoutToken(tx: Db, shop: string, checkoutToken: string) {
  const order = await tx.order.findFirst({ where: { shop, checkoutToken }, select: { orderGid: true, processedAt: true } });
  return order;
}

export async function findOrderCustomerGid(tx: Db, shop: string, orderGid: string): Promise<string | null> {
  const order = await tx.order.findUnique({ where: { shop_orderGid: { shop, orderGid } }, select: { customerGid: true } });
  return order?.customerGid ?? null;
}
