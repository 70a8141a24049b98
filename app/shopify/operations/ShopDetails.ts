/** The shop's identity and the settings our reports depend on (currency, timezone). */
export const ShopDetails = `#graphql
  query ShopDetails {
    shop {
      name
      email
      currencyCode
      ianaTimezone
      myshopifyDomain
    }
  }
` as const;
