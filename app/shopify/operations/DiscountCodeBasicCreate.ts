/**
 * A loyalty redemption's discount code: a fixed amount off, for one customer (`context`, not the
 * deprecated customerSelection), usable once.
 */
export const DiscountCodeBasicCreate = `#graphql
  mutation DiscountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
