/** Ids in admin URLs: a segment's numeric id; a customer's numeric Shopify id (the GID's tail). */
export function parseSegmentId(param: string | undefined): bigint | null {
  return param && /^\d{1,19}$/.test(param) ? BigInt(param) : null;
}

export function customerGidFromParam(param: string | undefined): string | null {
  return param && /^\d{1,20}$/.test(param) ? `gid://shopify/Customer/${param}` : null;
}

export function customerParam(customerGid: string): string {
  return customerGid.split("/").pop() ?? customerGid;
}
