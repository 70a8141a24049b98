/**
 * Bulk query document (submitted through BackfillBulkQueryRun): every customer with the fields
 * our Customer rows keep, and Shopify's own RFM group (shown next to ours in explanations).
 */
export const BackfillCustomers = `#graphql
  query BackfillCustomers {
    customers {
      edges {
        node {
          id
          firstName
          lastName
          state
          verifiedEmail
          tags
          locale
          createdAt
          updatedAt
          defaultEmailAddress {
            emailAddress
            marketingState
          }
          defaultPhoneNumber {
            phoneNumber
          }
          statistics {
            rfmGroup
          }
        }
      }
    }
  }
`;
