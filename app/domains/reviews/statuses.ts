/** Review moderation statuses, in the order the admin queue shows them (importable by pages). */
export const MODERATION_STATUSES = ["PENDING", "PUBLISHED", "REJECTED"] as const;
export type ModerationStatus = (typeof MODERATION_STATUSES)[number];
