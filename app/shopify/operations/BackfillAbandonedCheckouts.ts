/**
 * Bulk query document: abandoned checkouts (Shopify keeps them about three months) with their
 * line items. The checkout token is not a field: it is read from abandonedCheckoutUrl.
 */
export const BackfillAbandonedCheckouts = `#graphql
  query BackfillAbandonedCheckouts {
    abandonedCheckouts {
      edges {
        node {
          id
          name
          abandonedCheckoutUrl
          createdAt
          updatedAt
          completedAt
          customer {
            id
            firstName
            lastName
            createdAt
            updatedAt
            defaultEmailAddress {
              emailAddress
            }
            defaultPhoneNumber {
              phoneNumber
            }
          }
          subtotalPriceSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
          totalPriceSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
          lineItems {
            edges {
              node {
                id
                title
                variantTitle
                sku
                quantity
                product {
                  id
                }
                variant {
                  id
                }
                originalUnitPriceSet {
                  presentmentMoney {
                    amount
                    currencyCode
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;
