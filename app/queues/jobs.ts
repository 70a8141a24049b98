/**
 * The typed job catalogue (no runtime dependencies). Every JobName belongs to exactly one queue
 * and has exactly one handler; workers/registry.server.ts checks both at boot.
 *
 * Queues are named by workload, so each can get its own concurrency and retry policy:
 * - webhooks: normalizing deliveries into tables; many short jobs, high concurrency.
 * - compute: segment and abandonment computation; CPU and SQL heavy, low concurrency.
 * - shopify-sync: Admin API writes and bulk reads; limited by Shopify's cost-based rate limits.
 * - maintenance: schedules (redrive, retention pruning).
 */
export enum QueueName {
  Webhooks = "webhooks",
  Compute = "compute",
  ShopifySync = "shopify-sync",
  Maintenance = "maintenance",
}

export enum JobName {
  /**
   * Recompute one customer's profile (facts, RFM against the latest snapshot, stage, segment
   * memberships). Enqueued by the segments reaction on every customer change and by the
   * abandonment sweep; debounced per customer (enqueue.server.ts). Idempotent: unchanged rows are
   * not rewritten, memberships are set differences (SegmentMember (segmentId, customerGid)).
   */
  SegmentsRecomputeCustomer = "segments.recompute-customer",
  /** New quintile edges from the stored facts; the customers they change rescored. Debounced per shop after incremental work. Idempotent by nature. */
  SegmentsRescoreShop = "segments.rescore-shop",
  /**
   * Whole-shop recompute (abandonment outcomes, then facts, RFM, stages, memberships). The nightly
   * per-shop scheduler, backfills and settings changes enqueue it. Idempotent: a rerun rewrites nothing.
   */
  SegmentsRecomputeShop = "segments.recompute-shop",
  /** Materialize one segment after it is created, edited or deleted. Idempotent: set difference. */
  SegmentsMaterializeSegment = "segments.materialize-segment",
  /** Write a synced segment's membership to Shopify (tags or app metafield). Idempotent by SegmentSyncState. */
  SegmentsSyncSegment = "segments.sync-segment",
  /** Upsert one nightly recompute scheduler per installed shop (and drop stale ones). Scheduled hourly; idempotent by scheduler id. */
  SegmentsScheduleShops = "segments.schedule-shops",
  /** Fan out abandonment.sweep-shop to every shop with checkouts. Scheduled every minute. */
  AbandonmentSweep = "abandonment.sweep",
  /** Classify new/changed checkouts of a shop, re-attribute recoveries, rebuild affected days. Idempotent: recomputed from rows. */
  AbandonmentSweepShop = "abandonment.sweep-shop",
  /** One resumable step of a shop's bulk-operation history backfill (BackfillRun holds the position). */
  BackfillRun = "backfill.run",
  /**
   * Re-queue running backfills without progress for 15 min (their chain of backfill.run jobs broke),
   * backing off, and fail them after 4 re-queues. Scheduled; idempotent by BackfillRun.stalls
   * (compare-and-set) and backfill.run's dedup id.
   */
  BackfillResumeStalled = "backfill.resume-stalled",
  /**
   * Normalize one stored delivery into tables. Enqueued by webhooks/ingest.server.ts and by the
   * redrive. Idempotent by WebhookEvent.status (only RECEIVED rows are applied) and by the unique
   * resource keys of the tables it writes.
   */
  WebhooksProcessEvent = "webhooks.process-event",
  /** Re-enqueue RECEIVED deliveries whose enqueue was lost (Redis down at ingest). Scheduled. */
  WebhooksRedrive = "webhooks.redrive",
  /** Delete PROCESSED/SKIPPED/REJECTED deliveries past retention: raw payloads hold personal data. Scheduled. */
  WebhooksPrune = "webhooks.prune",
  /**
   * Bring an order's loyalty entries in line with the order: earn when paid, reverse refunds
   * proportionally, reverse the rest on cancellation. Enqueued by the loyalty reaction on orders/*
   * and refunds/create. Idempotent by LoyaltyLedgerEntry (shop, sourceKey).
   */
  LoyaltySyncOrder = "loyalty.sync-order",
  /**
   * The customer has an account (customers/create or customers/update with state "enabled"): claim
   * the guest account of the same email and award the signup bonus. Idempotent by the sourceKey "signup:<customerGid>" and the claim's unique key.
   */
  LoyaltyCustomerJoined = "loyalty.customer-joined",
  /** Refresh accounts whose pending points matured (balance, tier, metafield). Scheduled; idempotent by nature. */
  LoyaltyReleasePending = "loyalty.release-pending",
  /** Expire balances after the shop's inactivity period. Scheduled; idempotent by sourceKey "expiry:<account>:<last activity>:<run day>". */
  LoyaltyExpireInactive = "loyalty.expire-inactive",
  /**
   * Refresh accounts whose 12-month tier window lost an entry (LoyaltyAccount.tierReviewAt due), so
   * tiers drop with time, not only when the account is next written to. Scheduled; a refresh is a
   * recompute, and it moves tierReviewAt past the run.
   */
  LoyaltyRefreshTiers = "loyalty.refresh-tiers",
  /**
   * Mirror an account's balance, pending points and tier to its customer metafield (compare-and-set).
   * Skips when already in step. Deduplicated per account while queued (enqueue.server.ts).
   */
  LoyaltySyncMetafield = "loyalty.sync-metafield",
  /** Enqueue the metafield sync of accounts whose synced state differs from the account's (a lost sync). Scheduled. */
  LoyaltySyncStaleMetafields = "loyalty.sync-stale-metafields",
  /** Settle redemptions left PENDING (code creation timed out, never retried): ISSUED, or FAILED with the points back. Scheduled; compare-and-set on PENDING. */
  LoyaltySettleRedemptions = "loyalty.settle-redemptions",
  /** Create the review request of a fulfilled order and schedule it N days out. Idempotent by ReviewRequest (shop, orderGid). */
  ReviewsScheduleRequest = "reviews.schedule-request",
  /** The delayed request (step 0) or reminder (step ≥ 1) of a review request. Idempotent by the row's status and step counters. */
  ReviewsSendRequest = "reviews.send-request",
  /** Recompute a product's published-review aggregate and write reviews.rating / rating_count and the review summary metafields. */
  ReviewsSyncProductRating = "reviews.sync-product-rating",
  /** Enqueue the rating sync of products whose aggregate differs from what Shopify has (missed syncs, redactions). Scheduled. */
  ReviewsSyncStaleRatings = "reviews.sync-stale-ratings",
  /**
   * Mirror the shop's storefront settings to the app-data metafield the blocks read, and connect the
   * web pixel with its current key. Enqueued after auth, by a settings save, and with reason
   * "pixel-key" when the shop's pixel still sends a key made before a secret rotation (then at most
   * once an hour per shop, enqueue.server.ts). Idempotent: it writes the same values again.
   */
  StorefrontSyncShopConfig = "storefront.sync-shop-config",
  /**
   * After a client-secret rotation: storefront.sync-shop-config (reason "pixel-key") for every
   * installed shop, so pixels that send nothing while the previous secret is accepted get the new
   * key too. Queued at worker boot while SHOPIFY_API_SECRET_PREVIOUS is set, once a day per key
   * generation (dedup `pixel-keys-<generation>`). Idempotent: the per-shop syncs are.
   */
  StorefrontResyncPixelKeys = "storefront.resync-pixel-keys",
}

export type JobDataMap = {
  [JobName.SegmentsRecomputeCustomer]: { shop: string; customerGid: string };
  [JobName.SegmentsRescoreShop]: { shop: string };
  [JobName.SegmentsRecomputeShop]: { shop: string; reason?: "nightly" | "settings" | "backfill" | "manual" };
  [JobName.SegmentsMaterializeSegment]: { shop: string; segmentId: string };
  [JobName.SegmentsSyncSegment]: { shop: string; segmentId: string };
  [JobName.SegmentsScheduleShops]: Record<string, never>;
  [JobName.AbandonmentSweep]: Record<string, never>;
  [JobName.AbandonmentSweepShop]: { shop: string };
  [JobName.BackfillRun]: { shop: string; runId: string };
  [JobName.BackfillResumeStalled]: Record<string, never>;
  [JobName.WebhooksProcessEvent]: { eventId: string };
  [JobName.WebhooksRedrive]: Record<string, never>;
  [JobName.WebhooksPrune]: Record<string, never>;
  [JobName.LoyaltySyncOrder]: { shop: string; orderGid: string };
  [JobName.LoyaltyCustomerJoined]: { shop: string; customerGid: string };
  [JobName.LoyaltyReleasePending]: Record<string, never>;
  [JobName.LoyaltyExpireInactive]: Record<string, never>;
  [JobName.LoyaltyRefreshTiers]: Record<string, never>;
  [JobName.LoyaltySyncMetafield]: { shop: string; accountId: string };
  [JobName.LoyaltySyncStaleMetafields]: Record<string, never>;
  [JobName.LoyaltySettleRedemptions]: Record<string, never>;
  [JobName.ReviewsScheduleRequest]: { shop: string; orderGid: string };
  [JobName.ReviewsSendRequest]: { shop: string; requestId: string; step: number };
  [JobName.ReviewsSyncProductRating]: { shop: string; productGid: string };
  [JobName.ReviewsSyncStaleRatings]: Record<string, never>;
  [JobName.StorefrontSyncShopConfig]: { shop: string; reason?: "pixel-key" };
  [JobName.StorefrontResyncPixelKeys]: { generation: string };
};

export type JobOf<N extends JobName> = JobDataMap[N];

export type JobItem = { [N in JobName]: { name: N; data: JobDataMap[N] } }[JobName];

/** Handlers return a string literal describing what they did; tests assert on it. */
export type JobResult = string;

export type JobHandler<N extends JobName> = (data: JobOf<N>, context: JobContext) => Promise<JobResult>;

/** What a handler may know about its job beyond the data (BullMQ's Job, narrowed). */
export type JobContext = {
  jobId?: string;
  /** Attempts already made before this one (BullMQ's attemptsMade). */
  attemptsMade: number;
  /** The job's configured attempts; the last one may record a final failure. */
  maxAttempts?: number;
  /** Report progress (0-100) for long jobs such as backfills. */
  updateProgress?: (progress: number) => Promise<void>;
};

export const JOB_QUEUE: { readonly [N in JobName]: QueueName } = {
  [JobName.SegmentsRecomputeCustomer]: QueueName.Compute,
  // Whole-shop analytics runs for seconds: on maintenance, so the compute slots stay free for the
  // per-customer recomputes that keep segments fresh within seconds of an order.
  [JobName.SegmentsRescoreShop]: QueueName.Maintenance,
  [JobName.SegmentsRecomputeShop]: QueueName.Maintenance,
  [JobName.SegmentsMaterializeSegment]: QueueName.Maintenance,
  [JobName.SegmentsSyncSegment]: QueueName.ShopifySync,
  [JobName.SegmentsScheduleShops]: QueueName.Maintenance,
  [JobName.AbandonmentSweep]: QueueName.Maintenance,
  [JobName.AbandonmentSweepShop]: QueueName.Maintenance,
  [JobName.BackfillRun]: QueueName.ShopifySync,
  [JobName.BackfillResumeStalled]: QueueName.Maintenance,
  [JobName.WebhooksProcessEvent]: QueueName.Webhooks,
  [JobName.WebhooksRedrive]: QueueName.Maintenance,
  [JobName.WebhooksPrune]: QueueName.Maintenance,
  [JobName.LoyaltySyncOrder]: QueueName.Compute,
  [JobName.LoyaltyCustomerJoined]: QueueName.Compute,
  [JobName.LoyaltyReleasePending]: QueueName.Maintenance,
  [JobName.LoyaltyExpireInactive]: QueueName.Maintenance,
  [JobName.LoyaltyRefreshTiers]: QueueName.Maintenance,
  [JobName.LoyaltySyncMetafield]: QueueName.ShopifySync,
  [JobName.LoyaltySyncStaleMetafields]: QueueName.Maintenance,
  [JobName.LoyaltySettleRedemptions]: QueueName.ShopifySync,
  [JobName.ReviewsScheduleRequest]: QueueName.Compute,
  [JobName.ReviewsSendRequest]: QueueName.Compute,
  [JobName.ReviewsSyncProductRating]: QueueName.ShopifySync,
  [JobName.ReviewsSyncStaleRatings]: QueueName.Maintenance,
  [JobName.StorefrontSyncShopConfig]: QueueName.ShopifySync,
  [JobName.StorefrontResyncPixelKeys]: QueueName.Maintenance,
};
