/**
 * Job handlers of the loyalty feature. Each is safe to run twice: ledger writes are keyed by
 * sourceKey, refreshes recompute, and the metafield sync compares before it writes.
 */
import { z } from "zod";
import {
  customerJoined,
  expireInactiveBalances,
  settlePendingRedemptions,
  getAccountForSync,
  listStaleMetafieldAccounts,
  loyaltyMetafieldValue,
  markAccountSynced,
  metafieldInStep,
  refreshAgingTiers,
  releaseMaturedPoints,
  syncOrderPoints,
  type MetafieldSyncOutcome,
} from "~/domains/loyalty/loyalty.server";
import { enqueueMany } from "~/queues/enqueue.server";
import { JobName, type JobHandler } from "~/queues/jobs";
import { adminFor, adminQuery, assertNoUserErrors, terminalAware, type AdminGraphql } from "~/shopify/admin.server";
import { CustomerLoyaltyMetafield } from "~/shopify/operations/CustomerLoyaltyMetafield";
import { MetafieldsSet } from "~/shopify/operations/MetafieldsSet";

const ShopOrder = z.object({ shop: z.string().min(1), orderGid: z.string().startsWith("gid://shopify/Order/") });
const ShopCustomer = z.object({ shop: z.string().min(1), customerGid: z.string().startsWith("gid://shopify/Customer/") });
const ShopAccount = z.object({ shop: z.string().min(1), accountId: z.string().regex(/^\d+$/) });

type MetafieldRead = { customer: { id: string; metafield: { value: string; compareDigest: string } | null } | null };
type MetafieldWrite = { metafieldsSet: { userErrors: { field: string[] | null; message: string; code: string | null }[] } };

/**
 * Writes the balance to customer.metafields["$app:loyalty"].points with compare-and-set: read the
 * digest, write only if nobody wrote since; on a digest conflict read again (a concurrent sync
 * wrote). The value is always the ledger's current state, so the last writer is never stale.
 */
export async function syncLoyaltyMetafield(shop: string, accountId: bigint, admin?: AdminGraphql): Promise<MetafieldSyncOutcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const account = await getAccountForSync(shop, accountId);
    if (!account) return "ACCOUNT_MISSING";
    if (!account.customerGid) return "GUEST_SKIPPED";
    if (attempt === 0 && metafieldInStep(account)) return "UP_TO_DATE";
    const api = admin ?? (await adminFor(shop));
    const read = await adminQuery<MetafieldRead>(api, CustomerLoyaltyMetafield, { id: account.customerGid });
    if (!read.customer) {
      // Nothing to write to, ever: counted as in step, so the stale sweep leaves the account alone.
      await markAccountSynced(account.id, account);
      return "CUSTOMER_GONE";
    }
    const value = loyaltyMetafieldValue(account);
    if (read.customer.metafield?.value === value) {
      await markAccountSynced(account.id, account);
      return "UP_TO_DATE";
    }
    const write = await adminQuery<MetafieldWrite>(api, MetafieldsSet, {
      metafields: [
        {
          ownerId: account.customerGid,
          namespace: "$app:loyalty",
          key: "points",
          type: "json",
          value,
          compareDigest: read.customer.metafield?.compareDigest ?? null,
        },
      ],
    });
    const errors = write.metafieldsSet.userErrors;
    if (errors.some((e) => e.code === "STALE_OBJECT" || e.code === "INVALID_COMPARE_DIGEST")) continue;
    assertNoUserErrors(errors);
    await markAccountSynced(account.id, account);
    return "SYNCED";
  }
  throw new Error("loyalty metafield kept changing under us; retrying later");
}

export const loyaltyJobs = {
  [JobName.LoyaltySyncOrder]: async (data) => {
    const { shop, orderGid } = ShopOrder.parse(data);
    return syncOrderPoints(shop, orderGid);
  },
  [JobName.LoyaltyCustomerJoined]: async (data) => {
    const { shop, customerGid } = ShopCustomer.parse(data);
    return customerJoined(shop, customerGid);
  },
  [JobName.LoyaltyReleasePending]: async () => `RELEASED_${await releaseMaturedPoints()}`,
  [JobName.LoyaltyExpireInactive]: async () => `EXPIRED_${await expireInactiveBalances()}`,
  [JobName.LoyaltyRefreshTiers]: async () => `CHANGED_${await refreshAgingTiers()}`,
  [JobName.LoyaltySettleRedemptions]: async () => {
    const { issued, failed, pending } = await settlePendingRedemptions();
    return `ISSUED_${issued}_FAILED_${failed}_PENDING_${pending}`;
  },
  [JobName.LoyaltySyncStaleMetafields]: async () => {
    const stale = await listStaleMetafieldAccounts(1_000);
    await enqueueMany(stale.map((a) => ({ name: JobName.LoyaltySyncMetafield, data: { shop: a.shop, accountId: a.id.toString() } })));
    return `ENQUEUED_${stale.length}`;
  },
  [JobName.LoyaltySyncMetafield]: async (data) => {
    const { shop, accountId } = ShopAccount.parse(data);
    return terminalAware(() => syncLoyaltyMetafield(shop, BigInt(accountId)));
  },
} satisfies { [N in JobName]?: JobHandler<N> };
