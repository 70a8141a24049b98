/**
 * Writes up to 25 metafields atomically. `compareDigest` (per metafield) makes a write
 * conditional on the value we last read: null creates only if absent, a digest updates only if
 * unchanged; a mismatch comes back as a userError with code STALE_OBJECT / INVALID_COMPARE_DIGEST.
 * Used for the loyalty balance (customer), ratings and review summaries (product) and the
 * storefront config (app installation).
 */
export const MetafieldsSet = `#graphql
  mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        key
        namespace
        compareDigest
      }
      userErrors {
        field
        message
        code
        elementIndex
      }
    }
  }
`;
