import type { WebhookStatus } from "@prisma/client";

/** Delivery statuses in the order the admin shows them (importable by UI code). */
export const DELIVERY_STATUSES: WebhookStatus[] = ["RECEIVED", "PROCESSED", "SKIPPED", "REJECTED", "FAILED"];
