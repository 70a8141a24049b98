import type { WebhookStatus } from "@prisma/client";

/** Delivery statuses in the order the admin shows them (importable by UI code). */
export const DELIVERY_STATUSES: WebhookStatus[] = ["RECEIVED", "PROCESSED", "SKIPPED", "REJECTED", "FAILED"];

/**
 * The outcome codes the topic handlers record (dispatch.server.ts), which the page puts in words.
 * Anything else stored as an outcome (an unknown topic, a rejection's reason) is already a sentence.
 */
export const DELIVERY_OUTCOMES = ["APPLIED", "STALE", "DELETED", "NOT_FOUND", "SHOP_UNINSTALLED", "UNINSTALLED", "SCOPES_UPDATED", "EXPORTED", "REDACTED", "SHOP_REDACTED", "SHOP_REINSTALLED"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];
export const isDeliveryOutcome = (outcome: string): outcome is DeliveryOutcome => (DELIVERY_OUTCOMES as readonly string[]).includes(outcome);
