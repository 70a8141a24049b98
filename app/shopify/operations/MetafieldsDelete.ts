/** Removes metafields (a product's rating once no published review is left). Idempotent: absent ones are ignored. */
export const MetafieldsDelete = `#graphql
  mutation MetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields {
        key
        namespace
      }
      userErrors {
        field
        message
      }
    }
  }
`;
