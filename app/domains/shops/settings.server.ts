/** Reading and changing a shop's settings (admin settings page, jobs that need them). */
import type { Prisma } from "@prisma/client";
import { db } from "~/db.server";
import { parseSettings, SETTINGS_SECTIONS, type SettingsSection, type ShopSettings } from "~/domains/shops/settings";
import type { z } from "zod";

export async function getShopSettings(shop: string): Promise<ShopSettings> {
  const row = await db().shop.findUnique({ where: { shop }, select: { settings: true } });
  return parseSettings(row?.settings);
}

export type SettingsUpdate = { ok: true; settings: ShopSettings } | { ok: false; fieldErrors: Record<string, string> };

/**
 * Replaces one section after validating it; on failure nothing is saved and every invalid field
 * is named (`rfm.lookbackDays: Too small: expected number to be >=30`).
 */
export async function updateShopSettings(shop: string, key: SettingsSection, value: unknown): Promise<SettingsUpdate> {
  const schema = (SETTINGS_SECTIONS as Record<string, z.ZodObject>)[key];
  if (!schema) return { ok: false, fieldErrors: { [String(key)]: "unknown settings section" } };
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, fieldErrors: Object.fromEntries(parsed.error.issues.map((i) => [[String(key), ...i.path.map(String)].join("."), i.message])) };
  }
  const settings = { ...(await getShopSettings(shop)), [key]: parsed.data } as ShopSettings;
  const json = settings as unknown as Prisma.InputJsonValue;
  await db().shop.upsert({ where: { shop }, create: { shop, settings: json }, update: { settings: json } });
  return { ok: true, settings };
}
