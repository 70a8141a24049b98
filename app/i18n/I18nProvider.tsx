import { createContext, useContext, useMemo, type ReactNode } from "react";
import { translator, type Locale, type Translator } from "~/i18n/i18n";

const I18nContext = createContext<Translator>(translator("en"));

/** `timeZone`: the shop's IANA zone (Shop.ianaTimezone), so dates read as the merchant's wall clock. */
export function I18nProvider({ locale, timeZone = "UTC", children }: { locale: Locale; timeZone?: string; children: ReactNode }) {
  const value = useMemo(() => translator(locale, timeZone), [locale, timeZone]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useT(): Translator {
  return useContext(I18nContext);
}
