/**
 * The analytics settings forms (RFM, abandonment, journey) as text fields, and back: what the
 * merchant typed becomes the section object updateShopSettings validates; a blank number stays
 * NaN so the schema rejects it and the page names the field. Pure.
 */
import type { ShopSettings } from "~/domains/shops/settings";

export const ANALYTICS_SECTIONS = ["rfm", "abandonment", "journey"] as const;
export type AnalyticsSection = (typeof ANALYTICS_SECTIONS)[number];

const num = (v: FormDataEntryValue | null) => {
  const text = typeof v === "string" ? v.trim().replace(",", ".") : "";
  return text === "" ? Number.NaN : Number(text);
};

function breakpoints(form: FormData, name: string): number[] | null {
  if (form.get(`${name}.custom`) !== "on") return null;
  return [0, 1, 2, 3].map((i) => num(form.get(`${name}.${i}`)));
}

/** The section's value from its form fields. */
export function sectionFromForm(section: AnalyticsSection, form: FormData): Record<string, unknown> {
  switch (section) {
    case "rfm":
      return {
        lookbackDays: num(form.get("lookbackDays")),
        fixedFrequencyShare: num(form.get("fixedFrequencyPercent")) / 100,
        frequencyBreakpoints: breakpoints(form, "frequencyBreakpoints"),
        monetaryBreakpoints: breakpoints(form, "monetaryBreakpoints"),
        recencyBreakpointsDays: breakpoints(form, "recencyBreakpointsDays"),
      };
    case "abandonment":
      return { thresholdMinutes: num(form.get("thresholdMinutes")), attributionWindowDays: num(form.get("attributionWindowDays")) };
    case "journey":
      return { considerationDays: num(form.get("considerationDays")) };
  }
}

/**
 * Field errors from updateShopSettings (`rfm.frequencyBreakpoints.2`, `rfm.lookbackDays`) keyed by
 * the form field they belong to (`frequencyBreakpoints`, `lookbackDays`); the page writes its own
 * message for each field, in the merchant's language.
 */
export function errorFields(section: AnalyticsSection, fieldErrors: Record<string, string>): string[] {
  const fields = new Set<string>();
  for (const path of Object.keys(fieldErrors)) {
    const [head, field] = path.split(".");
    if (head === section && field) fields.add(field === "fixedFrequencyShare" ? "fixedFrequencyPercent" : field);
  }
  return [...fields];
}

/** Form field values for a stored section. */
export function formValues(settings: Pick<ShopSettings, AnalyticsSection>) {
  const list = (v: number[] | null) => (v ? v.map(String) : ["", "", "", ""]);
  return {
    rfm: {
      lookbackDays: String(settings.rfm.lookbackDays),
      fixedFrequencyPercent: String(Math.round(settings.rfm.fixedFrequencyShare * 100)),
      frequencyBreakpoints: { custom: settings.rfm.frequencyBreakpoints !== null, values: list(settings.rfm.frequencyBreakpoints) },
      monetaryBreakpoints: { custom: settings.rfm.monetaryBreakpoints !== null, values: list(settings.rfm.monetaryBreakpoints) },
      recencyBreakpointsDays: { custom: settings.rfm.recencyBreakpointsDays !== null, values: list(settings.rfm.recencyBreakpointsDays) },
    },
    abandonment: { thresholdMinutes: String(settings.abandonment.thresholdMinutes), attributionWindowDays: String(settings.abandonment.attributionWindowDays) },
    journey: { considerationDays: String(settings.journey.considerationDays) },
  };
}
