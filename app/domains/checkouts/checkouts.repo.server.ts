import type { Db } from "~/db.server";
import type { CheckoutLineRow, CheckoutRow } from "~/domains/checkouts/checkout-mapping";
import { lockResource } from "~/lib/locks.server";

/**
 * Writes the checkout and replaces its line items unless a newer version is stored. Fields set by
 * others (the completing order, a deletion) are never cleared by a later payload.
 */
export async function upsertCheckout(
  tx: Db,
  shop: string,
  checkout: CheckoutRow & { orderGid: string | null },
  lineItems: CheckoutLineRow[],
): Promise<"APPLIED" | "STALE"> {
  await lockResource(tx, `checkout:${shop}:${checkout.token}`);
  const existing = await tx.checkout.findUnique({
    where: { shop_token: { shop, token: checkout.token } },
    select: { sourceUpdatedAt: true, completedAt: true, orderGid: true },
  });
  if (existing && existing.sourceUpdatedAt > checkout.sourceUpdatedAt) return "STALE";
  const data = {
    ...checkout,
    completedAt: checkout.completedAt ?? existing?.completedAt ?? null,
    orderGid: checkout.orderGid ?? existing?.orderGid ?? null,
  };
  const saved = await tx.checkout.upsert({
    where: { shop_token: { shop, token: checkout.token } },
    create: { shop, ...data },
    update: data,
    select: { id: true },
  });
  await tx.checkoutLineItem.deleteMany({ where: { checkoutId: saved.id } });
  if (lineItems.length) {
    await tx.checkoutLineItem.createMany({ data: lineItems.map((li) => ({ shop, checkoutId: saved.id, ...li })) });
  }
  return "APPLIED";
}

/** checkouts/delete: matched by numeric id, else cart token. Returns how many rows it marked. */
export async function markCheckoutDeleted(tx: Db, shop: string, ref: { checkoutId: string; token: string | null; cartToken: string | null }, at: Date) {
  const or = [{ checkoutId: ref.checkoutId }, ...(ref.token ? [{ token: ref.token }] : [])];
  let { count } = await tx.checkout.updateMany({ where: { shop, OR: or }, data: { deletedAt: at } });
  if (count === 0 && ref.cartToken) {
    ({ count } = await tx.checkout.updateMany({ where: { shop, cartToken: ref.cartToken, completedAt: null }, data: { deletedAt: at } }));
  }
  return count;
}
