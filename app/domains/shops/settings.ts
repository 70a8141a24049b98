/**
 * Per-shop settings: one zod schema per feature, composed here, stored in Shop.settings (JSON).
 * Parsing fills defaults, so a fresh install, an older stored shape and a partial update all give
 * a complete, valid object. Pure: importable by pages for their forms.
 *
 * A feature adds its section by exporting a zod object (every field with a default) from its
 * domain folder and listing it in SETTINGS_SECTIONS.
 */
import { z } from "zod";
import { LoyaltySettingsSchema } from "~/domains/loyalty/settings";
import { ReviewSettingsSchema } from "~/domains/reviews/settings";
import { TrustBadgeSettingsSchema } from "~/domains/trust-badges/settings";
import { AbandonmentSettingsSchema } from "~/domains/abandonment/abandonment";
import { JourneySettingsSchema } from "~/domains/journey/stages";
import { RfmSettingsSchema } from "~/domains/segments/rfm";

export const SETTINGS_SECTIONS = {
  loyalty: LoyaltySettingsSchema,
  reviews: ReviewSettingsSchema,
  trustBadges: TrustBadgeSettingsSchema,
  rfm: RfmSettingsSchema,
  abandonment: AbandonmentSettingsSchema,
  journey: JourneySettingsSchema,
} satisfies Record<string, z.ZodObject>;

type Sections = typeof SETTINGS_SECTIONS;
export type ShopSettings = { [K in keyof Sections]: z.infer<Sections[K]> };
export type SettingsSection = keyof Sections;

/** A stored section that no longer validates (a removed option, hand-edited JSON) falls back to its defaults. */
export function parseSettings(stored: unknown): ShopSettings {
  const source = (stored && typeof stored === "object" ? stored : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SETTINGS_SECTIONS) as [string, z.ZodObject][]) {
    const parsed = schema.safeParse(source[key] ?? {});
    out[key] = parsed.success ? parsed.data : schema.parse({});
  }
  return out as ShopSettings;
}
