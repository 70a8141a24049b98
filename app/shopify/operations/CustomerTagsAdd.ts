/** Adds tags to a customer (segment sync, TAG mode). Idempotent on Shopify's side: a present tag stays once. */
export const CustomerTagsAdd = `#graphql
  mutation CustomerTagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`;
