/** The only Prisma access of the reviews feature: reviews, review requests, product ratings. */
import type { Prisma, ReviewStatus } from "@prisma/client";
import { db, type Db } from "~/db.server";
import { lockResource } from "~/lib/locks.server";

const PUBLIC_FIELDS = { id: true, authorName: true, rating: true, title: true, body: true, verifiedBuyer: true, publishedAt: true } as const;

export async function insertReview(tx: Db, data: Prisma.ReviewUncheckedCreateInput) {
  return tx.review.create({ data });
}

export async function findReviewByRequestKey(shop: string, requestKey: string, tx: Db = db()) {
  return tx.review.findUnique({ where: { shop_requestKey: { shop, requestKey } } });
}

export async function findCustomerReview(tx: Db, shop: string, productGid: string, customerGid: string) {
  return tx.review.findUnique({ where: { shop_productGid_customerGid: { shop, productGid, customerGid } }, select: { id: true, status: true } });
}

/** A guest's earlier review of the product under the same email (guests have no customer id to be unique on). */
export async function findGuestReview(tx: Db, shop: string, productGid: string, email: string) {
  return tx.review.findFirst({ where: { shop, productGid, customerGid: null, email: { equals: email, mode: "insensitive" } }, select: { id: true } });
}

export async function findReview(shop: string, id: bigint, tx: Db = db()) {
  return tx.review.findFirst({ where: { shop, id } });
}

export async function updateReviewStatus(tx: Db, id: bigint, status: ReviewStatus, at: Date) {
  return tx.review.update({ where: { id }, data: { status, moderatedAt: at, ...(status === "PUBLISHED" ? { publishedAt: at } : {}) } });
}

/** Published reviews of a product, newest first, keyset-paged by id. */
export async function publishedReviews(shop: string, productGid: string, take: number, beforeId?: bigint) {
  return db().review.findMany({
    where: { shop, productGid, status: "PUBLISHED", ...(beforeId ? { id: { lt: beforeId } } : {}) },
    orderBy: { id: "desc" },
    take,
    select: PUBLIC_FIELDS,
  });
}

/**
 * Serializes the recounts of one product's aggregate until commit: two publications each counting
 * from their own snapshot would otherwise each miss the other's review, and the later write win.
 */
export async function lockProductRating(tx: Db, shop: string, productGid: string) {
  await lockResource(tx, `product-rating:${shop}:${productGid}`);
}

export async function publishedRatings(tx: Db, shop: string, productGid: string): Promise<number[]> {
  const rows = await tx.review.groupBy({ by: ["rating"], where: { shop, productGid, status: "PUBLISHED" }, _count: { _all: true } });
  return rows.flatMap((r) => Array<number>(r._count._all).fill(r.rating));
}

export async function getProductRating(shop: string, productGid: string, tx: Db = db()) {
  return tx.productRating.findUnique({ where: { shop_productGid: { shop, productGid } } });
}

export async function saveProductRating(tx: Db, shop: string, productGid: string, value: { count: number; ratingSum: number; histogram: number[] }) {
  return tx.productRating.upsert({ where: { shop_productGid: { shop, productGid } }, create: { shop, productGid, ...value }, update: value });
}

/** Products whose published aggregate differs from what was last written to Shopify. */
export async function staleRatings(take: number) {
  return db().$queryRaw<{ shop: string; productGid: string }[]>`
    SELECT "shop", "productGid" FROM "ProductRating"
    WHERE "syncedCount" IS DISTINCT FROM "count" OR "syncedSum" IS DISTINCT FROM "ratingSum"
    LIMIT ${take}`;
}

export async function markRatingSynced(shop: string, productGid: string, count: number, sum: number) {
  await db().productRating.update({ where: { shop_productGid: { shop, productGid } }, data: { syncedCount: count, syncedSum: sum, syncedAt: new Date() } });
}

/** Moderation queue and history for the admin. */
export async function listReviews(shop: string, status: ReviewStatus | null, take: number, skip: number) {
  const where = { shop, ...(status ? { status } : {}) };
  const [rows, total, counts] = await Promise.all([
    db().review.findMany({ where, orderBy: { id: "desc" }, take, skip }),
    db().review.count({ where }),
    db().review.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
  ]);
  return { rows, total, counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Partial<Record<ReviewStatus, number>> };
}

/**
 * A name for each product, for admin lists that only carry GIDs: the title it was sold under (the
 * app keeps no product catalog). One index probe per product, not a scan of its sales.
 */
export async function productTitles(shop: string, productGids: string[]): Promise<Map<string, string>> {
  const gids = [...new Set(productGids)];
  if (!gids.length) return new Map();
  const rows = await db().$queryRaw<{ productGid: string; title: string | null }[]>`
    SELECT p.gid AS "productGid", (SELECT l.title FROM "OrderLineItem" l WHERE l.shop = ${shop} AND l."productGid" = p.gid LIMIT 1) AS title
    FROM unnest(${gids}::text[]) AS p(gid)`;
  return new Map(rows.filter((r) => r.title).map((r) => [r.productGid, r.title!]));
}

/** Did this customer buy the product (a paid, not cancelled order with a line of it)? */
export async function boughtProduct(tx: Db, shop: string, productGid: string, owner: { customerGid: string | null; email: string | null }) {
  if (!owner.customerGid && !owner.email) return null;
  const line = await tx.orderLineItem.findFirst({
    where: {
      shop,
      productGid,
      order: {
        cancelledAt: null,
        financialStatus: { in: ["paid", "partially_refunded", "partially_paid"] },
        ...(owner.customerGid ? { customerGid: owner.customerGid } : { email: { equals: owner.email!, mode: "insensitive" } }),
      },
    },
    select: { order: { select: { orderGid: true } } },
  });
  return line?.order.orderGid ?? null;
}

export async function customerEmailOf(tx: Db, shop: string, customerGid: string) {
  const c = await tx.customer.findUnique({ where: { shop_customerGid: { shop, customerGid } }, select: { email: true, firstName: true, lastName: true } });
  return c;
}

// ---- review requests

export async function lockRequest(tx: Db, shop: string, orderGid: string) {
  await lockResource(tx, `review-request:${shop}:${orderGid}`);
}

/**
 * Serializes the per-customer cap check of one customer's requests (taken after the request's own
 * lock): requests of two orders falling due at once would each count the other's send as not
 * made yet, and both pass the cap.
 */
export async function lockCustomerRequests(tx: Db, shop: string, owner: { customerGid: string | null; email: string | null }) {
  await lockResource(tx, `review-request-cap:${shop}:${owner.customerGid ?? `guest:${owner.email}`}`);
}

export async function orderForRequest(tx: Db, shop: string, orderGid: string) {
  return tx.order.findUnique({
    where: { shop_orderGid: { shop, orderGid } },
    select: { orderGid: true, customerGid: true, email: true, fulfilledAt: true, cancelledAt: true, financialStatus: true, test: true, lineItems: { select: { productGid: true, title: true } } },
  });
}

export async function createRequest(tx: Db, data: Prisma.ReviewRequestUncheckedCreateInput): Promise<boolean> {
  const { count } = await tx.reviewRequest.createMany({ data: [data], skipDuplicates: true });
  return count === 1;
}

export async function findRequestByOrder(tx: Db, shop: string, orderGid: string) {
  return tx.reviewRequest.findUnique({ where: { shop_orderGid: { shop, orderGid } } });
}

export async function findRequest(tx: Db, shop: string, id: bigint) {
  return tx.reviewRequest.findFirst({ where: { shop, id } });
}

export async function updateRequest(tx: Db, id: bigint, data: Prisma.ReviewRequestUncheckedUpdateInput) {
  return tx.reviewRequest.update({ where: { id }, data });
}

/** Requests the customer was sent in the window (the per-customer cap). */
export async function requestsSentSince(tx: Db, shop: string, owner: { customerGid: string | null; email: string | null }, since: Date) {
  return tx.reviewRequest.count({
    where: { shop, sentAt: { gte: since }, ...(owner.customerGid ? { customerGid: owner.customerGid } : { email: owner.email ?? "-" }) },
  });
}

/** Products among `productGids` the owner has reviewed already (any status). */
export async function reviewedProducts(tx: Db, shop: string, owner: { customerGid: string | null; email: string | null }, productGids: string[]) {
  if (!productGids.length) return new Set<string>();
  const rows = await tx.review.findMany({
    where: { shop, productGid: { in: productGids }, ...(owner.customerGid ? { customerGid: owner.customerGid } : { email: owner.email ?? "-" }) },
    select: { productGid: true },
  });
  return new Set(rows.map((r) => r.productGid));
}

/** Marks the customer's SENT requests that contain the product as COMPLETED when nothing is left to review. */
export async function requestsContaining(tx: Db, shop: string, owner: { customerGid: string | null; email: string | null }, productGid: string) {
  return tx.reviewRequest.findMany({
    where: { shop, status: { in: ["SENT", "SCHEDULED"] }, productGids: { has: productGid }, ...(owner.customerGid ? { customerGid: owner.customerGid } : { email: owner.email ?? "-" }) },
  });
}
