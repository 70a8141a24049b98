/**
 * What the theme blocks read from the app-data metafield `app.metafields.storefront.config`: the
 * merchant's badge set and the loyalty/review program terms. Pure. Written by the
 * storefront.sync-shop-config job, so a block renders it server-side with no request.
 */
import type { ShopSettings } from "~/domains/shops/settings";

export const STOREFRONT_CONFIG_VERSION = 1;

export function storefrontConfig(settings: ShopSettings, currency: string) {
  const { trustBadges, loyalty, reviews } = settings;
  return {
    v: STOREFRONT_CONFIG_VERSION,
    badges: { payment: trustBadges.paymentIcons, guarantees: trustBadges.guarantees, text: trustBadges.customText },
    loyalty: {
      enabled: loyalty.enabled,
      pointsPerUnit: loyalty.pointsPerUnit,
      signupBonus: loyalty.signupBonus,
      reviewBonus: loyalty.reviewBonus,
      redeemPointsPerUnit: loyalty.redeemPointsPerUnit,
      minRedeemPoints: loyalty.minRedeemPoints,
      currency,
      tiers: loyalty.tiers,
    },
    reviews: { allowGuests: reviews.allowGuestReviews },
  };
}
