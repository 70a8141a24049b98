/** Shopify global ids (`gid://shopify/Order/123`): the one id form stored in our tables. */
export type GidType = "Customer" | "Order" | "LineItem" | "Refund" | "Product" | "ProductVariant" | "Shop" | "Checkout";

export function toGid(type: GidType, id: string | number | bigint): string {
  return `gid://shopify/${type}/${String(id)}`;
}

/** The numeric tail of a GID, or the input when it already is a bare id. */
export function gidTail(gid: string): string {
  const slash = gid.lastIndexOf("/");
  return slash === -1 ? gid : gid.slice(slash + 1).split("?")[0]!;
}

/** Picks the exact GID: `admin_graphql_api_id` when present, else one built from the numeric id. */
export function gidFrom(type: GidType, adminGraphqlApiId: string | null | undefined, id: string | number | null | undefined): string | null {
  if (adminGraphqlApiId?.startsWith("gid://shopify/")) return adminGraphqlApiId;
  if (id === null || id === undefined || id === "") return null;
  return toGid(type, id);
}
