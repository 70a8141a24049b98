/**
 * JSON parsing that keeps integers above 2^53 exact. Shopify's REST-style webhook payloads carry
 * 64-bit ids as bare JSON numbers; JSON.parse would round them (820982911946154508 becomes
 * ...500), silently merging distinct records. The reviver's `context.source` (Node >= 21, one
 * reason this app runs on Node 22) gives the literal text, so unsafe integers become strings.
 */
type ReviverContext = { source?: string };

function keepUnsafeIntegers(_key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
    return context.source;
  }
  return value;
}

export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, keepUnsafeIntegers as (this: unknown, key: string, value: unknown) => unknown);
}

/** Values from Postgres (bigint ids and money, Dates) made JSON-safe: bigint as string when unsafe. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSafe(v)]));
  }
  return value;
}
