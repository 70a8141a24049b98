/**
 * Abandonment figures in words, shared by the abandonment page and the report CLI. Pure (takes the
 * translator).
 */
import type { MessageKey, Translator } from "~/i18n/i18n";

/** A time to recover: minutes under two hours, hours under two days, then days. */
export function recoveryTime(minutes: number, t: Translator["t"]): string {
  if (minutes < 120) return t("admin.abandonment.minutes", { n: minutes });
  if (minutes < 48 * 60) return t("admin.abandonment.hours", { n: Math.round(minutes / 60) });
  return t("admin.abandonment.days", { n: Math.round(minutes / 1440) });
}

/** A breakdown row's value: devices are codes with names; channels, sources and pages are shown as recorded. */
export function breakdownValue(dimension: string, value: string, t: Translator["t"]): string {
  return dimension === "device" ? t(`admin.abandonment.devices.${value}` as MessageKey) : value;
}
