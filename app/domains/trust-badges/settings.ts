/**
 * Trust-badge settings (Shop.settings.trustBadges): the shop-wide badge set the storefront blocks
 * render. Placement (near add-to-cart, cart, footer) and device targeting are per block, chosen
 * where the merchant places the block in the theme editor.
 */
import { z } from "zod";

/** Shopify's payment type names: the theme renders each with the `payment_type_svg_tag` filter. */
export const PAYMENT_ICONS = ["visa", "master", "american_express", "discover", "paypal", "apple_pay", "google_pay", "shopify_pay", "klarna"] as const;
export const GUARANTEES = ["secure_checkout", "free_shipping", "money_back_30", "easy_returns", "premium_quality"] as const;

export const TrustBadgeSettingsSchema = z.object({
  paymentIcons: z.array(z.enum(PAYMENT_ICONS)).max(PAYMENT_ICONS.length).default(["visa", "master", "american_express", "paypal", "apple_pay", "shopify_pay"]),
  guarantees: z.array(z.enum(GUARANTEES)).max(GUARANTEES.length).default(["secure_checkout", "free_shipping", "money_back_30"]),
  /** A line of the merchant's own words under the badges (plain text). */
  customText: z.string().trim().max(120).default(""),
});

export type TrustBadgeSettings = z.infer<typeof TrustBadgeSettingsSchema>;
