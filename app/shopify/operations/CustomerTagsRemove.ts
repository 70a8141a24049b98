/** Removes tags from a customer (segment sync: the customer left the segment, or sync was turned off). Idempotent. */
export const CustomerTagsRemove = `#graphql
  mutation CustomerTagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
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
