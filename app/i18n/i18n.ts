/**
 * The one i18n layer: locale resolution, message lookup with {placeholders}, number and date
 * formatting. Pure; React components reach it through useT() (I18nProvider.tsx).
 */
import { en, type Messages } from "~/i18n/en";
import { fr } from "~/i18n/fr";

export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

const CATALOG: Record<Locale, Messages> = { en, fr };

type Join<K, P> = K extends string ? (P extends string ? `${K}.${P}` : never) : never;
type Paths<T> = { [K in keyof T]: T[K] extends string ? K : Join<K, Paths<T[K]>> }[keyof T];
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

export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  let node: unknown = CATALOG[locale];
  for (const part of key.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== "string") {
    node = key.split(".").reduce<unknown>((n, part) => (n as Record<string, unknown> | undefined)?.[part], CATALOG.en);
  }
  const text = typeof node === "string" ? node : key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
}

export type Translator = {
  locale: Locale;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  number: (n: number) => string;
  date: (d: Date | string, style?: "date" | "datetime") => string;
};

export function translator(locale: Locale): Translator {
  const numberFormat = new Intl.NumberFormat(locale);
  return {
    locale,
    t: (key, vars) => translate(locale, key, vars),
    number: (n) => numberFormat.format(n),
    date: (d, style = "datetime") =>
      new Intl.DateTimeFormat(locale, style === "date" ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(
        typeof d === "string" ? new Date(d) : d,
      ),
  };
}
