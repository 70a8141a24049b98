/** Polls a bulk operation: status, progress (rootObjectCount: top-level objects; objectCount counts their children too) and, once COMPLETED, the JSONL url (valid 7 days). */
export const BackfillBulkOperation = `#graphql
  query BackfillBulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      url
      partialDataUrl
      completedAt
    }
  }
`;
