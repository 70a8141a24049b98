/** The customer's app-owned loyalty metafield as Shopify holds it, with the digest for compare-and-set. */
export const CustomerLoyaltyMetafield = `#graphql
  query CustomerLoyaltyMetafield($id: ID!) {
    customer(id: $id) {
      id
      metafield(namespace: "$app:loyalty", key: "points") {
        value
        compareDigest
      }
    }
  }
`;
