/**
 * Starts a bulk query (history backfill). `groupObjects: true` writes each object's children
 * (an order's line items) right after it in the JSONL, so the file can be applied as a stream.
 * A shop runs one bulk query of a type at a time: a second start answers a userError.
 * @see https://shopify.dev/docs/api/usage/bulk-operations/queries
 */
export const BackfillBulkQueryRun = `#graphql
  mutation BackfillBulkQueryRun($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
