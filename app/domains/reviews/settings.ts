/** Review collection and moderation settings (Shop.settings.reviews). */
import { z } from "zod";

export const ReviewSettingsSchema = z.object({
  /** Ask for a review after fulfilment. */
  requestEnabled: z.boolean().default(true),
  /** Days after fulfilment before the request (industry default: 14). */
  requestDelayDays: z.number().int().min(1).max(90).default(14),
  /** Reminders after the first request while products stay unreviewed (at most 3). */
  maxReminders: z.number().int().min(0).max(3).default(2),
  reminderIntervalDays: z.number().int().min(1).max(30).default(7),
  /** Requests a customer may receive in 30 days; further orders are not asked (CAPPED). */
  maxRequestsPerCustomer30d: z.number().int().min(1).max(10).default(3),
  /**
   * Which reviews publish without moderation. Never based on the rating: holding back low
   * ratings would make the store's stars misleading.
   */
  autoPublish: z.enum(["none", "verified", "all"]).default("verified"),
  /** Let shoppers without an account review (never shown as verified). */
  allowGuestReviews: z.boolean().default(false),
});

export type ReviewSettings = z.infer<typeof ReviewSettingsSchema>;
