/**
 * Money as integer minor units. Shopify sends decimal strings ("404.95") per currency; the number
 * of minor digits depends on the currency (JPY 0, USD 2, KWD 3), which Intl knows.
 */
const digitsCache = new Map<string, number>();

export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2; // unknown code: Shopify's default precision
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * The largest amount a merchant may type into a rule or a setting (major units). Its minor amount
 * in any currency (up to three decimals) stays far inside Postgres bigint; an unbounded one
 * ("100000000000000000") validated, was saved, and then failed every recompute of the shop.
 */
export const MAX_INPUT_AMOUNT = 999_999_999_999;

/** "404.95" USD -> 40495n. Exact (string arithmetic, no floats); rounds half away from zero past the currency's digits. */
export function toMinor(amount: string | number | null | undefined, currency: string): bigint {
  if (amount === null || amount === undefined || amount === "") return 0n;
  const text = typeof amount === "number" ? amount.toFixed(6) : amount.trim();
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new RangeError(`Not a money amount: ${JSON.stringify(amount)}`);
  const [, sign, whole = "", fraction = ""] = match;
  const digits = minorDigits(currency);
  const kept = (fraction + "0".repeat(digits)).slice(0, digits);
  const roundUp = (fraction[digits] ?? "0") >= "5";
  let minor = BigInt((whole || "0") + kept) + (roundUp ? 1n : 0n);
  if (sign) minor = -minor;
  return minor;
}

/** 40495n USD -> "404.95" */
export function fromMinor(minor: bigint | number, currency: string): string {
  const digits = minorDigits(currency);
  const value = BigInt(minor);
  const negative = value < 0n;
  const abs = (negative ? -value : value).toString().padStart(digits + 1, "0");
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return negative ? `-${text}` : text;
}

export function formatMoney(minor: bigint | number, currency: string, locale = "en"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(fromMinor(minor, currency)));
}
