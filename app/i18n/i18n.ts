/**
 * The one i18n layer: locale resolution, message lookup with {placeholders}, number and date
 * formatting. Pure; React components reach it through useT() (I18nProvider.tsx).
 */
import { en, type Messages } from "~/i18n/en";
import { fr } from "~/i18n/fr";
import { minorDigits } from "~/lib/money";

export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

const CATALOG: Record<Locale, Messages> = { en, fr };

/**
 * A message that depends on a quantity: the form for each CLDR plural category the language uses
 * ("one" covers 0 and 1 in French, only 1 in English), chosen by Intl.PluralRules from the number
 * passed as `count`. The same shape Shopify's theme locale files use.
 */
export type Plural = { one: string; other: string; many?: string };
type Join<K, P> = K extends string ? (P extends string ? `${K}.${P}` : never) : never;
type Paths<T> = { [K in keyof T]: T[K] extends string | Plural ? K : Join<K, Paths<T[K]>> }[keyof T];
export type MessageKey = Paths<Messages>;

/** Shopify opens embedded apps with `?locale=fr-FR`; otherwise Accept-Language; default English. */
export function resolveLocale(request: Request): Locale {
  const url = new URL(request.url);
  const candidates = [url.searchParams.get("locale"), ...(request.headers.get("accept-language") ?? "").split(",").map((p) => p.split(";")[0])];
  for (const candidate of candidates) {
    const base = candidate?.trim().toLowerCase().split("-")[0];
    if (base && (LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return "en";
}

function isPlural(node: unknown): node is Plural {
  return typeof node === "object" && node !== null && typeof (node as Plural).one === "string" && typeof (node as Plural).other === "string";
}

function lookup(locale: Locale, key: string): unknown {
  return key.split(".").reduce<unknown>((n, part) => (n as Record<string, unknown> | undefined)?.[part], CATALOG[locale]);
}

const pluralRules = Object.fromEntries(LOCALES.map((l) => [l, new Intl.PluralRules(l)])) as Record<Locale, Intl.PluralRules>;
const countFormats = Object.fromEntries(LOCALES.map((l) => [l, new Intl.NumberFormat(l)])) as Record<Locale, Intl.NumberFormat>;

/**
 * The message for `key` in `locale` (English when missing), with {placeholders} replaced. A plural
 * message picks its form by `vars.count`, a number, which is then shown formatted for the locale.
 */
export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  let node = lookup(locale, key);
  if (typeof node !== "string" && !isPlural(node)) node = lookup("en", key);
  let text = typeof node === "string" ? node : key;
  if (isPlural(node)) {
    const count = vars?.count;
    const category = typeof count === "number" ? pluralRules[locale].select(count) : "other";
    text = (node as Record<string, string | undefined>)[category] ?? node.other;
    if (typeof count === "number") vars = { ...vars, count: countFormats[locale].format(count) };
  }
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

export type Translator = {
  locale: Locale;
  /** The shop's IANA time zone: every instant is shown as the merchant's wall clock. */
  timeZone: string;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  number: (n: number | bigint) => string;
  date: (d: Date | string, style?: "date" | "datetime") => string;
  /** A calendar day "YYYY-MM-DD" (already shop-local), formatted without any time-zone shift. */
  day: (ymd: string, style?: "short" | "medium") => string;
  /** Integer minor units (bigint, number or their decimal text) in a currency, e.g. 40495n USD → "$404.95". */
  money: (minor: bigint | number | string, currency: string) => string;
  /** A ratio (0.257) as a percentage ("25.7 %" in French); "–" for null (no denominator). */
  percent: (ratio: number | null, digits?: number) => string;
};

function minorToNumber(minor: bigint | number | string, currency: string): number {
  const digits = minorDigits(currency);
  const value = typeof minor === "bigint" ? minor : BigInt(typeof minor === "number" ? Math.round(minor) : minor);
  // Split before converting so amounts above 2^53 minor units keep their cents.
  const scale = 10n ** BigInt(digits);
  return Number(value / scale) + Number(value % scale) / Number(scale);
}

export function translator(locale: Locale, timeZone = "UTC"): Translator {
  const zone = validTimeZone(timeZone);
  const numberFormat = new Intl.NumberFormat(locale);
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: zone });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
  const dayFormats = {
    short: new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: "UTC" }),
    medium: new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }),
  };
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const moneyFormat = (currency: string) => {
    let f = moneyFormats.get(currency);
    if (!f) {
      try {
        f = new Intl.NumberFormat(locale, { style: "currency", currency });
      } catch {
        f = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      }
      moneyFormats.set(currency, f);
    }
    return f;
  };
  return {
    locale,
    timeZone: zone,
    t: (key, vars) => translate(locale, key, vars),
    number: (n) => numberFormat.format(n),
    date: (d, style = "datetime") => (style === "date" ? dateFormat : dateTimeFormat).format(typeof d === "string" ? new Date(d) : d),
    day: (ymd, style = "medium") => dayFormats[style].format(new Date(`${ymd}T00:00:00Z`)),
    money: (minor, currency) => moneyFormat(currency).format(minorToNumber(minor, currency)),
    percent: (ratio, digits = 1) =>
      ratio === null || !Number.isFinite(ratio)
        ? "–"
        : new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio),
  };
}

/** A zone Intl accepts, else UTC (a shop whose details were never read). */
function validTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}
