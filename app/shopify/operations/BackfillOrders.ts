/**
 * Bulk query document: every order with its line items (child objects) and refunds. Without
 * read_all_orders Shopify returns only the last 60 days of orders. taxesIncluded and the tax
 * lines (line items' before returns, the order's before and after returns) let net spend take
 * the tax out of a subtotal that includes it.
 */
export const BackfillOrders = `#graphql
  query BackfillOrders {
    orders {
      edges {
        node {
          id
          name
          number
          email
          currencyCode
          presentmentCurrencyCode
          displayFinancialStatus
          displayFulfillmentStatus
          cancelledAt
          cancelReason
          closedAt
          test
          tags
          processedAt
          createdAt
          updatedAt
          sourceName
          customerAcceptsMarketing
          customer {
            id
            firstName
            lastName
            createdAt
            updatedAt
            defaultEmailAddress {
              emailAddress
            }
          }
          subtotalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          taxesIncluded
          taxLines {
            priceSet {
              shopMoney {
                amount
                currencyCode
              }
            }
          }
          currentTaxLines {
            priceSet {
              shopMoney {
                amount
                currencyCode
              }
            }
          }
          currentSubtotalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          totalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          totalDiscountsSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          totalTaxSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          totalShippingPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          shippingLine {
            discountedPriceSet {
              shopMoney {
                amount
                currencyCode
              }
            }
          }
          refunds {
            id
            createdAt
            processedAt
            totalRefundedSet {
              shopMoney {
                amount
                currencyCode
              }
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
                  shopMoney {
                    amount
                    currencyCode
                  }
                }
                totalDiscountSet {
                  shopMoney {
                    amount
                    currencyCode
                  }
                }
                taxLines {
                  priceSet {
                    shopMoney {
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
  }
`;
